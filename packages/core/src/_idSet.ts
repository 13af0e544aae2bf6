/**
 * A set of item ids (a resource's key) tuned for ids that mostly arrive in
 * ascending order (the API's order): a few bits per id when they are dense,
 * two bytes when they are sparse, exact whatever the order.
 *
 * @internal
 * @module
 */

/** Ids per block: a block holds the ids that share `floor(id / BLOCK)`. */
const BLOCK = 65536;

/** Words of a block's bitmap: one bit per id of the block, 8 KiB. */
const WORDS = BLOCK / 32;

/** The most ids a block keeps as a sorted list before it turns into a bitmap (the same 8 KiB). */
const LIST_MAX = 4096;

/** Room of a new block's sorted list. */
const LIST_START = 64;

/** Sets the bit of offset `low` in a block's bitmap. */
const setBit = (bits: Uint32Array, low: number): void => {
  bits[low >>> 5] |= 1 << (low & 31);
};

/**
 * The ids of one block, by their offset in it (0 to 65535): a sorted
 * `Uint16Array` while they are few, a bitmap once they are many.
 */
class Block {
  /** The sorted offsets (the first `n`), until the block turns into a bitmap. */
  list: Uint16Array | undefined = new Uint16Array(LIST_START);
  n = 0;
  bits: Uint32Array | undefined = undefined;

  /** Whether offset `low` is in the block. */
  has(low: number): boolean {
    const bits = this.bits;
    if (bits !== undefined) return (bits[low >>> 5] & (1 << (low & 31))) !== 0;
    return this.find(low) >= 0;
  }

  /** Adds offset `low`; `true` when it was not there yet. */
  add(low: number): boolean {
    const bits = this.bits;
    if (bits !== undefined) {
      if (this.has(low)) return false;
      setBit(bits, low);
      return true;
    }
    const n = this.n;
    if (n === 0 || this.list![n - 1] < low) {
      this.append(low);
      return true;
    }
    const at = this.find(low);
    if (at >= 0) return false;
    if (n === LIST_MAX) {
      this.toBitmap();
      return this.add(low);
    }
    this.room();
    const list = this.list!;
    const index = -at - 1;
    list.copyWithin(index + 1, index, n);
    list[index] = low;
    this.n = n + 1;
    return true;
  }

  /** Adds offset `low`, above every offset in the block. */
  append(low: number): void {
    const bits = this.bits;
    if (bits !== undefined) return setBit(bits, low);
    if (this.n === LIST_MAX) return setBit(this.toBitmap(), low);
    this.room();
    this.list![this.n++] = low;
  }

  /** The index of `low` in the sorted list, or `-(insertion index) - 1`. */
  private find(low: number): number {
    const list = this.list!;
    let from = 0;
    let to = this.n - 1;
    while (from <= to) {
      const middle = (from + to) >>> 1;
      const value = list[middle];
      if (value === low) return middle;
      if (value < low) from = middle + 1;
      else to = middle - 1;
    }
    return -from - 1;
  }

  /** Makes room for one more offset in the sorted list (doubling it). */
  private room(): void {
    const list = this.list!;
    if (this.n < list.length) return;
    const bigger = new Uint16Array(Math.min(list.length * 2, LIST_MAX));
    bigger.set(list);
    this.list = bigger;
  }

  /** Turns the sorted list into the block's bitmap, which it returns. */
  private toBitmap(): Uint32Array {
    const bits = new Uint32Array(WORDS);
    const list = this.list!;
    for (let i = 0; i < this.n; i++) setBit(bits, list[i]);
    this.bits = bits;
    this.list = undefined;
    return bits;
  }
}

/** Whether `id` is kept in a block (a whole number from 0 to 2^53 - 1). */
const inBlocks = (id: number): boolean =>
  id >= 0 && id <= Number.MAX_SAFE_INTEGER && Number.isInteger(id);

/**
 * The ids seen so far.
 *
 * **Details**
 *
 * Ids are kept in blocks of 65,536 consecutive ids, each a sorted list of
 * 16-bit offsets while it holds up to 4,096 of them and a bitmap (8 KiB)
 * after that, in the manner of a roaring bitmap: a workspace's ids, which
 * the API numbers from one sequence, cost about a bit each when dense and
 * two bytes each when sparse, so that listing a million items keeps well
 * under a megabyte for them. An id above every id seen (the common case)
 * is appended to its block without a search; any other is looked up there.
 * Ids that are not whole numbers from 0 to 2^53 - 1 go to a `Set`.
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
  private readonly blocks = new Map<number, Block>();
  /** The block of the last id added and its number, looked up without the map. */
  private lastHigh = -1;
  private lastBlock: Block | undefined = undefined;
  /** The largest id seen. */
  private largest = -Infinity;
  private count = 0;
  private readonly others = new Set<number>();

  /** How many distinct ids were added. */
  get size(): number {
    return this.count;
  }

  /** Adds `id`; `true` when it was not there yet. */
  add(id: number): boolean {
    if (!inBlocks(id)) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      this.note(id);
      return true;
    }
    const high = Math.floor(id / BLOCK);
    if (!this.blockOf(high).add(id - high * BLOCK)) return false;
    this.note(id);
    return true;
  }

  /**
   * Adds `ids` from the start for as long as each is above every id seen
   * (the common case of a whole page, in one loop); returns how many were
   * added. The caller goes on with {@link add} from there.
   */
  addAscending(ids: ArrayLike<number>): number {
    let last = this.largest;
    let i = 0;
    for (; i < ids.length; i++) {
      const id = ids[i];
      if (!(id > last)) break;
      if (inBlocks(id)) {
        const high = Math.floor(id / BLOCK);
        this.blockOf(high).append(id - high * BLOCK);
      } else {
        this.others.add(id);
      }
      last = id;
    }
    this.largest = last;
    this.count += i;
    return i;
  }

  /** Whether `id` was added. */
  has(id: number): boolean {
    if (!inBlocks(id)) return this.others.has(id);
    if (!(id <= this.largest)) return false;
    const high = Math.floor(id / BLOCK);
    const block = high === this.lastHigh ? this.lastBlock : this.blocks.get(high);
    return block !== undefined && block.has(id - high * BLOCK);
  }

  private note(id: number): void {
    this.count++;
    if (id > this.largest) this.largest = id;
  }

  /** Block `high`, made when it is new. */
  private blockOf(high: number): Block {
    if (high === this.lastHigh) return this.lastBlock!;
    let block = this.blocks.get(high);
    if (block === undefined) {
      block = new Block();
      this.blocks.set(high, block);
    }
    this.lastHigh = high;
    this.lastBlock = block;
    return block;
  }
}
