/**
 * A response body read whole as UTF-8 text through reused buffers.
 *
 * @internal
 * @module
 */

/** The size a new buffer starts at. */
const FIRST_BYTES = 1 << 19;

/** Room left in the buffer below which it is doubled before the next read. */
const MIN_ROOM = 1 << 16;

/** The largest buffer put back for reuse; a larger one is let go of. */
const MAX_KEPT_BYTES = 1 << 22;

/** How many buffers are kept for reuse at most. */
const MAX_KEPT = 8;

const decoder = new TextDecoder();

const SPENT = "the body was decoded or let go of already";

/** Buffers free for the next body. */
const free: Array<ArrayBuffer> = [];

/** `buffer` back in the pool, unless it is too large or the pool is full. */
const recycle = (buffer: ArrayBuffer): void => {
  if (buffer.byteLength <= MAX_KEPT_BYTES && free.length < MAX_KEPT) free.push(buffer);
};

/** A BYOB reader of `body`, or `undefined` where the runtime gives none. */
const byobReader = (
  body: ReadableStream<Uint8Array>,
): ReadableStreamBYOBReader | undefined => {
  try {
    return body.getReader({ mode: "byob" });
  } catch {
    return undefined;
  }
};

/** A body read to its end, its bytes kept until it is decoded or let go of. */
export interface ReadBody {
  /** The body decoded as UTF-8; its buffer goes back to the pool. Call once. */
  readonly text: () => string;
  /** Lets go of the body without decoding it. */
  readonly release: () => void;
}

/** A body that `decode` gives once, `drop` run once it is decoded or let go of. */
const spentOnce = (decode: () => string, drop: () => void): ReadBody => {
  let spent = false;
  return {
    text: () => {
      if (spent) throw new TypeError(SPENT);
      spent = true;
      try {
        return decode();
      } finally {
        drop();
      }
    },
    release: () => {
      if (!spent) drop();
      spent = true;
    },
  };
};

/** A body read and decoded at once (it is not a byte stream). */
const decoded = (text: string): ReadBody => spentOnce(() => text, () => {});

/**
 * `response`'s body read to its end into a reused buffer, to be decoded
 * later as `response.text()` decodes it (a BOM dropped, malformed bytes
 * replaced).
 *
 * **When to use**
 *
 * To read many bodies of similar size one after another, pages of a
 * listing, as soon as they arrive but decoded only when their turn comes:
 * the bytes wait in a buffer reused from one body to the next, outside the
 * JavaScript heap, so a body read ahead makes no new buffer and no string
 * that outlives young-generation collections.
 *
 * **Details**
 *
 * - A buffer starts at 512 KiB and doubles while a body needs more; it
 *   goes back to the pool once its body is decoded or let go of, unless it
 *   grew past 4 MiB, and at most 8 wait to be reused.
 * - A body that is not a byte stream (no BYOB reader for it) is read with
 *   `response.text()` at once.
 * - It rejects as `response.text()` does when the body fails or the
 *   request is aborted; the buffer is then let go of.
 *
 * @example
 * ```ts
 * const body = await readBody(await fetch("https://example.com/page"));
 * const text = body.text();
 * ```
 */
export const readBody = async (response: Response): Promise<ReadBody> => {
  const body = response.body;
  if (body === null) return decoded("");
  const reader = byobReader(body);
  if (reader === undefined) return decoded(await response.text());
  let bytes = new Uint8Array(free.pop() ?? new ArrayBuffer(FIRST_BYTES));
  let length = 0;
  try {
    for (;;) {
      if (bytes.byteLength - length < MIN_ROOM) {
        const larger = new Uint8Array(bytes.byteLength * 2);
        larger.set(bytes.subarray(0, length));
        bytes = larger;
      }
      // The view's buffer is handed over to the read and given back in `value`.
      const { done, value } = await reader.read(
        new Uint8Array(bytes.buffer, length, bytes.byteLength - length),
      );
      // Only a cancelled stream gives no view back, and the bytes went with it.
      if (value === undefined) {
        throw new TypeError("the response body was cancelled before its end");
      }
      bytes = new Uint8Array(value.buffer);
      if (done) break;
      length += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
  const read = bytes;
  return spentOnce(
    () => decoder.decode(read.subarray(0, length)),
    () => recycle(read.buffer as ArrayBuffer),
  );
};
