/**
 * `KvLike`: the part of a Deno-KV-style key-value store the server's KV
 * stores use, as a structural TypeScript interface with no runtime types.
 * An open Deno KV (what Deno's `openKv` returns) satisfies it as it is, so
 * the Deno adapter (apps/edge)
 * and the CLI (`mirror`, `import`) open the KV file themselves and hand it
 * to {@link KvListingStore}, {@link KvCredentialStore} and
 * {@link KvRateLimitStore}; any other store with the same semantics
 * (ordered keys, versionstamps, checked atomic writes) can stand in.
 *
 * @module
 */

/** One part of a key: keys sort by their parts, in order. */
export type KvKeyPart = string | number | bigint | boolean | Uint8Array | symbol;

/** A key: a list of parts. */
export type KvKey = ReadonlyArray<KvKeyPart>;

/** An entry found by `list`. */
export interface KvEntry<T> {
  /** The key. */
  readonly key: KvKey;
  /** The value. */
  readonly value: T;
  /** The version of the value. */
  readonly versionstamp: string;
}

/** An entry as read: `value` and `versionstamp` are `null` when the key holds nothing. */
export interface KvEntryMaybe<T> {
  /** The key read. */
  readonly key: KvKey;
  /** The value, or `null` when absent. */
  readonly value: T | null;
  /** The version of the value, or `null` when absent. */
  readonly versionstamp: string | null;
}

/** Which keys `list` returns: under a prefix, and/or from `start` (inclusive) to `end` (exclusive). */
export type KvListSelector =
  | { readonly prefix: KvKey }
  | { readonly prefix: KvKey; readonly start: KvKey }
  | { readonly prefix: KvKey; readonly end: KvKey }
  | { readonly start: KvKey; readonly end: KvKey };

/** Options of `list`. */
export interface KvListOptions {
  /** Entries fetched per round trip. */
  readonly batchSize?: number;
}

/** A condition of an atomic write: the key still has this versionstamp (`null`: absent). */
export interface KvCheck {
  /** The key checked. */
  readonly key: KvKey;
  /** The versionstamp it must have, or `null` for "holds nothing". */
  readonly versionstamp: string | null;
}

/** What a commit answers: `ok` false when a check failed (nothing was written). */
export type KvCommitResult = { readonly ok: true } | { readonly ok: false };

/** An atomic write being built: checks, then sets and deletes, committed at once or not at all. */
export interface KvAtomic {
  /** Adds conditions. */
  check(...checks: Array<KvCheck>): this;
  /** Sets a key (`expireIn`: milliseconds until it may be deleted). */
  set(key: KvKey, value: unknown, options?: { readonly expireIn?: number }): this;
  /** Deletes a key. */
  delete(key: KvKey): this;
  /** Commits: every check holds and every mutation applies, or nothing does. */
  commit(): Promise<KvCommitResult>;
}

/**
 * The KV operations the server's stores use. An open Deno KV satisfies it.
 *
 * **Details**
 *
 * Values are structured-clonable (the stores write plain objects, numbers
 * and `Uint8Array`s). `list` returns keys in ascending key order. An
 * atomic write is all or nothing and fails (`ok: false`) when a check no
 * longer holds.
 *
 * @example
 * ```ts
 * import { KvListingStore, type KvLike } from "@mode-discovery/server";
 * declare const kv: KvLike; // an open Deno KV, for example
 * const listings = KvListingStore.make(kv);
 * ```
 */
export interface KvLike {
  /** Reads one key. */
  get<T = unknown>(key: KvKey): Promise<KvEntryMaybe<T>>;
  /** Writes one key. */
  set(
    key: KvKey,
    value: unknown,
    options?: { readonly expireIn?: number },
  ): Promise<unknown>;
  /** Deletes one key. */
  delete(key: KvKey): Promise<void>;
  /** Lists entries in ascending key order. */
  list<T = unknown>(selector: KvListSelector, options?: KvListOptions): AsyncIterable<KvEntry<T>>;
  /** Starts an atomic write. */
  atomic(): KvAtomic;
}
