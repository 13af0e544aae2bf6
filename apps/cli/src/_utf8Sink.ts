/**
 * Text written as UTF-8 to a Deno writer (stdout, a file) through one
 * reusable buffer.
 *
 * @internal
 * @module
 */
import type { Text } from "./CliIO.ts";

const encoder = new TextEncoder();

/** The buffer's size at first use. */
const BUFFER_BYTES = 1 << 20;

/** A piece that could take more bytes than this is encoded on its own. */
const MAX_BUFFER_BYTES = 64 << 20;

/**
 * Writes text, a piece after another, encoding each into one buffer that
 * is written out when the next piece might not fit and at the end.
 *
 * **Details**
 *
 * Encoding each write into a fresh array would leave the collector
 * megabytes of buffers per page of a listing. Writes go out one after
 * another in the order they were made: one made while another is under way
 * waits for it, so texts never interleave.
 *
 * @example
 * ```ts
 * const sink = new Utf8Sink((bytes) => Deno.stdout.write(bytes));
 * await sink.write(["a\n", "b\n"]);
 * ```
 */
export class Utf8Sink {
  private buffer = new Uint8Array(0);
  /** The last write made, settled or not. */
  private last: Promise<void> = Promise.resolve();

  /** `writeBytes` writes some of `bytes` and says how many, as `Deno.FsFile.write` does. */
  constructor(private readonly writeBytes: (bytes: Uint8Array) => Promise<number>) {}

  /** Writes all of `text` after the writes made before, resolving once written. */
  write(text: Text): Promise<void> {
    const written = this.last.then(() => this.writeNow(text));
    this.last = written.catch(() => undefined);
    return written;
  }

  private async writeNow(text: Text): Promise<void> {
    const pieces = typeof text === "string" ? [text] : text;
    let used = 0;
    for (const piece of pieces) {
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
      const worstCase = piece.length * 3;
      if (this.buffer.length - used < worstCase) {
        await this.writeAll(this.buffer.subarray(0, used));
        used = 0;
        if (worstCase > MAX_BUFFER_BYTES) {
          await this.writeAll(encoder.encode(piece));
          continue;
        }
        if (this.buffer.length < worstCase) {
          this.buffer = new Uint8Array(Math.max(worstCase, BUFFER_BYTES));
        }
      }
      used += encoder.encodeInto(piece, this.buffer.subarray(used)).written;
    }
    await this.writeAll(this.buffer.subarray(0, used));
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.writeBytes(bytes.subarray(offset));
  }
}
