/**
 * Output text built a row at a time and kept as pieces of a few thousand
 * characters, for the row writers.
 *
 * @internal
 * @module
 */

/**
 * Characters a piece reaches before the next one starts. Well below the
 * size at which V8 puts a string in its large-object space: one string per
 * page of a listing was large, outlived young-generation collections and
 * kept the CLI's peak memory tens of megabytes up.
 */
const PIECE_CHARS = 16_384;

/**
 * A batch's text as pieces, in order.
 *
 * @example
 * ```ts
 * const pieces = new Pieces();
 * pieces.add("a\n");
 * pieces.add("b\n");
 * pieces.take(); // => ["a\nb\n"]
 * ```
 */
export class Pieces {
  private readonly full: Array<string> = [];
  private current = "";

  /** Appends `text`. */
  add(text: string): void {
    this.current += text;
    if (this.current.length >= PIECE_CHARS) {
      this.full.push(this.current);
      this.current = "";
    }
  }

  /** The pieces so far, none empty; the builder is empty again after. */
  take(): ReadonlyArray<string> {
    if (this.current !== "") this.full.push(this.current);
    this.current = "";
    return this.full.splice(0);
  }
}
