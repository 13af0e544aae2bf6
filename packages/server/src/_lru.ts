/**
 * A small least-recently-used cache with a weight budget.
 *
 * @internal
 * @module
 */

/** LRU map: `get` refreshes an entry; `set` evicts the oldest entries over budget. */
export class Lru<K, V> {
  readonly #entries = new Map<K, { readonly value: V; readonly weight: number }>();
  #weight = 0;

  constructor(readonly budget: number) {}

  /** The value under `key`, marking it most recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` with its weight, evicting least recently used entries over budget. */
  set(key: K, value: V, weight: number): void {
    this.delete(key);
    if (weight > this.budget) return;
    this.#entries.set(key, { value, weight });
    this.#weight += weight;
    for (const [oldKey, old] of this.#entries) {
      if (this.#weight <= this.budget) break;
      this.#entries.delete(oldKey);
      this.#weight -= old.weight;
    }
  }

  /** Removes `key`. */
  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
  }

  /** Removes every entry whose key matches. */
  deleteWhere(predicate: (key: K) => boolean): void {
    for (const key of [...this.#entries.keys()]) if (predicate(key)) this.delete(key);
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }
}
