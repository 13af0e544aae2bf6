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

/** A buffer grown past this is let go once written, not kept for the next write. */
const KEEP_BYTES = 16 << 20;

/** A piece that could take more bytes than this is encoded on its own. */
const MAX_PIECE_BYTES = 64 << 20;

/**
 * Writes text: each piece is encoded into one buffer as it is produced,
 * and the buffer is written out once the text is complete.
 *
 * **Details**
 *
 * A page of rows is produced a row at a time (a `TextSource`) and each
 * row's text is garbage as soon as it is encoded: neither a page-long
 * string (which V8 keeps in its large-object space until a full
 * collection) nor a fresh byte array per page (megabytes of buffers left to
 * the collector) is made. The buffer grows to the largest text written and
 * is reused. Writes go out one after another in the order they were made:
 * one made while another is under way waits for it, so texts never
 * interleave.
 *
 * @example
 * ```ts
 * const sink = new Utf8Sink((bytes) => Deno.stdout.write(bytes));
 * await sink.write((emit) => ["a\n", "b\n"].forEach(emit));
 * ```
 */
export class Utf8Sink {
  private buffer = new Uint8Array(0);
  private used = 0;
  /** Bytes to write before the buffer's, in order (the text around a very large piece). */
  private readonly queued: Array<Uint8Array> = [];
  /** The last write made, settled or not. */
  private last: Promise<void> = Promise.resolve();
  private readonly add = (piece: string): void => this.encode(piece);

  /** `writeBytes` writes some of `bytes` and says how many, as `Deno.FsFile.write` does. */
  constructor(private readonly writeBytes: (bytes: Uint8Array) => Promise<number>) {}

  /** Writes all of `text` after the writes made before, resolving once written. */
  write(text: Text): Promise<void> {
    const written = this.last.then(() => this.writeNow(text));
    this.last = written.catch(() => undefined);
    return written;
  }

  private async writeNow(text: Text): Promise<void> {
    try {
      if (typeof text === "string") this.encode(text);
      else text(this.add);
      for (const bytes of this.queued.splice(0)) await this.writeAll(bytes);
      await this.writeAll(this.buffer.subarray(0, this.used));
    } finally {
      this.used = 0;
      this.queued.length = 0;
      if (this.buffer.length > KEEP_BYTES) this.buffer = new Uint8Array(0);
    }
  }

  private encode(piece: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    const worstCase = piece.length * 3;
    if (this.buffer.length - this.used >= worstCase) {
      this.used += encoder.encodeInto(piece, this.buffer.subarray(this.used)).written;
      return;
    }
    if (worstCase > MAX_PIECE_BYTES) {
      if (this.used > 0) this.queued.push(this.buffer.slice(0, this.used));
      this.used = 0;
      this.queued.push(encoder.encode(piece));
      return;
    }
    const grown = new Uint8Array(
      Math.max(2 * this.buffer.length, this.used + worstCase, BUFFER_BYTES),
    );
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
    this.used += encoder.encodeInto(piece, this.buffer.subarray(this.used)).written;
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.writeBytes(bytes.subarray(offset));
  }
}
