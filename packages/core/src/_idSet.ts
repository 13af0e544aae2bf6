/**
 * A set of collection ids tuned for ids that mostly arrive in ascending
 * order (the API's order): 8 bytes per id and a comparison per new id,
 * exact whatever the order.
 *
 * @internal
 * @module
 */

/** Ids in one chunk of the sorted run: 64 KB, one small allocation each. */
const CHUNK = 8192;

/**
 * The ids seen so far.
 *
 * **Details**
 *
 * Ids above every id seen are appended to a sorted run kept in fixed-size
 * `Float64Array` chunks (the common case: one comparison, no hashing). An id
 * at or below the largest is looked up by binary search there, then in a
 * small `Set` of the ids that arrived out of order. The run grows a chunk at
 * a time and is never copied: one array doubled as it grew made every
 * listing allocate and free large buffers, and peak memory rose with the
 * workspace. A `Set<number>` costs several times the memory and much more
 * time per id.
 *
 * @example
 * ```ts
 * const ids = new IdSet();
 * ids.add(3); // => true
 * ids.add(7); // => true
 * ids.add(3); // => false
 * ids.add(5); // => true (out of order, still new)
 * ```
 */
export class IdSet {
  private readonly chunks: Array<Float64Array> = [];
  /** The chunk ids are appended to, and how many it holds. */
  private tail = new Float64Array(0);
  private filled = 0;
  /** The largest id of the sorted run. */
  private largest = -Infinity;
  private readonly outOfOrder = new Set<number>();

  /** How many distinct ids were added. */
  get size(): number {
    const full = this.chunks.length === 0 ? 0 : (this.chunks.length - 1) * CHUNK;
    return full + this.filled + this.outOfOrder.size;
  }

  /** Adds `id`; `true` when it was not there yet. */
  add(id: number): boolean {
    if (id > this.largest) {
      if (this.filled === this.tail.length) this.grow();
      this.tail[this.filled++] = id;
      this.largest = id;
      return true;
    }
    if (this.has(id)) return false;
    this.outOfOrder.add(id);
    return true;
  }

  /**
   * Adds `ids` from the start for as long as each is above every id seen
   * (the common case of a whole page, in one loop); returns how many were
   * added. The caller goes on with {@link add} from there.
   */
  addAscending(ids: ArrayLike<number>): number {
    let tail = this.tail;
    let filled = this.filled;
    let last = this.largest;
    let i = 0;
    for (; i < ids.length; i++) {
      const id = ids[i];
      if (!(id > last)) break;
      if (filled === tail.length) {
        this.filled = filled;
        this.grow();
        tail = this.tail;
        filled = 0;
      }
      tail[filled++] = id;
      last = id;
    }
    this.filled = filled;
    this.largest = last;
    return i;
  }

  /** Whether `id` was added. */
  has(id: number): boolean {
    if (id <= this.largest) {
      // The last chunk whose first id is at or below `id`, then `id` in it.
      const chunks = this.chunks;
      let low = 0;
      let high = chunks.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >>> 1;
        if (chunks[middle][0] <= id) low = middle;
        else high = middle - 1;
      }
      const chunk = chunks[low];
      if (chunk !== undefined && chunk[0] <= id) {
        let from = 0;
        let to = (chunk === this.tail ? this.filled : CHUNK) - 1;
        while (from <= to) {
          const middle = (from + to) >>> 1;
          const value = chunk[middle];
          if (value === id) return true;
          if (value < id) from = middle + 1;
          else to = middle - 1;
        }
      }
    }
    return this.outOfOrder.has(id);
  }

  /** Starts a new chunk of the sorted run. */
  private grow(): void {
    this.tail = new Float64Array(CHUNK);
    this.filled = 0;
    this.chunks.push(this.tail);
  }
}
