/**
 * The {@link ListingStore} on a {@link KvLike} (Deno KV).
 *
 * **Details**
 *
 * One workspace record points at the current version. Under the version,
 * each listing (each resource; for the resources that take
 * `include_spaces`, also the default view without personal collections'
 * items) lives as pre-encoded JSON chunks of `CHUNK_SIZE` items in
 * ascending key order, so a page of any listing costs O(per_page).
 * Replacing a workspace writes every listing of the new version, then
 * flips the pointer in one checked atomic write, then deletes the old
 * version. A record written by layout 1 (collections only) is read as a
 * workspace whose other resources are empty. See apps/edge/README.md.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { collections, pageSlice, type ResourceName, resources } from "@mode-discovery/core";
import type { KvAtomic, KvKey, KvLike } from "./Kv.ts";
import {
  type ListingAddress,
  ListingStore,
  type ListingStoreService,
  type PageSlice,
  type ReplaceOptions,
  StoreError,
  type WorkspaceData,
  type WorkspaceInfo,
} from "./ListingStore.ts";
import {
  type Chunk,
  CHUNK_SIZE,
  chunkKey,
  chunkRows,
  decodeChunk,
  encodeChunk,
  entrySize,
  healthKey,
  LAYOUT,
  listingPrefix,
  MAX_BATCH_BYTES,
  MAX_MUTATIONS,
  metaKey,
  metaPrefix,
  pendingKey,
  pendingPrefix,
  type StoredListing,
  type StoredMeta,
  type StoredMetaV1,
  type StoredPending,
  versionPrefix,
} from "./_kvLayout.ts";
import { Lru } from "./_lru.ts";
import { randomHex } from "./_secrets.ts";
import { organizationIdOf } from "./_organizationId.ts";
import { storeFailure } from "./_credentials.ts";
import {
  checkWorkspaceName,
  type EncodedListing,
  encodeWorkspace,
  fullCounts,
  listingId,
} from "./_listings.ts";

/** Settings of a {@link KvListingStore}. */
export interface KvListingStoreOptions {
  /**
   * How long a workspace record read from KV is reused, in milliseconds.
   * Writes through this store update it at once; writes by another process
   * sharing the KV file are seen within this time. Default 1000; 0 reads
   * the record on every request.
   */
  readonly metaTtlMs?: number | undefined;
  /** Characters of decoded chunks kept in memory. Default 64 million. */
  readonly cacheBudgetChars?: number | undefined;
  /** Clock in epoch milliseconds (pending markers). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** One listing of a version as the store reads it: its count and where its chunks are. */
interface ListingRef {
  readonly count: number;
  /** The prefix of its chunks' keys; the chunk index is the key part right after it. */
  readonly prefix: KvKey;
  /** Names the chunks in the memory cache (listings sharing chunks share it). */
  readonly cacheId: string;
}

/** A workspace record of either layout, read into one form. */
interface Meta {
  readonly version: string;
  readonly chunkSize: number;
  readonly organizationId: number;
  readonly source: string;
  readonly updatedAt: string;
  readonly listings: ReadonlyMap<string, ListingRef>;
  readonly counts: Readonly<Record<ResourceName, number>>;
}

const readMetaValue = (workspace: string, value: StoredMeta | StoredMetaV1): Meta => {
  if (value.layout === 1) {
    // Layout 1: collections only, their chunks right under the version prefix.
    const ref = {
      count: value.count,
      prefix: versionPrefix(workspace, value.version),
      cacheId: "",
    };
    return {
      ...value,
      listings: new Map([[listingId(collections, undefined), ref]]),
      counts: fullCounts({ collections: value.count }),
    };
  }
  const listings = new Map<string, ListingRef>();
  for (const [id, listing] of Object.entries(value.listings)) {
    listings.set(id, {
      count: listing.count,
      prefix: listingPrefix(workspace, value.version, listing.chunks),
      cacheId: listing.chunks,
    });
  }
  const counts = Object.fromEntries(
    resources.map((r) => [r.name, value.listings[listingId(r, "all")]?.count ?? 0]),
  );
  return { ...value, listings, counts: fullCounts(counts) };
};

/** The rows of chunk `index` that fall in positions `[start, end)`. */
const sliceOf = (
  chunk: Chunk,
  index: number,
  size: number,
  start: number,
  end: number,
): string =>
  chunkRows(
    chunk,
    Math.max(start - index * size, 0),
    Math.min(end - index * size, chunk.offsets.length - 1),
  );

/** A version left half-written for this long is taken as abandoned and deleted. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

class VersionGone {
  readonly _tag = "VersionGone";
}

const unavailable = storeFailure("KV");

const toInfo = (workspace: string, meta: Meta): WorkspaceInfo => ({
  workspace,
  organizationId: meta.organizationId,
  counts: meta.counts,
  version: meta.version,
  source: meta.source,
  updatedAt: meta.updatedAt,
});

interface CachedMeta {
  readonly meta: Meta | undefined;
  readonly readAt: number;
}

const EMPTY_LISTING: ListingRef = { count: 0, prefix: [], cacheId: "" };

/** Batches mutations into atomic writes under KV's limits. */
class Batch {
  #op: KvAtomic;
  #mutations = 0;
  #bytes = 0;

  constructor(readonly kv: KvLike) {
    this.#op = kv.atomic();
  }

  async set(key: KvKey, value: Uint8Array): Promise<void> {
    const size = entrySize(key, value);
    if (this.#mutations >= MAX_MUTATIONS || this.#bytes + size > MAX_BATCH_BYTES) {
      await this.flush();
    }
    this.#op.set(key, value);
    this.#mutations++;
    this.#bytes += size;
  }

  async delete(key: KvKey): Promise<void> {
    if (this.#mutations >= MAX_MUTATIONS) await this.flush();
    this.#op.delete(key);
    this.#mutations++;
  }

  async flush(): Promise<void> {
    if (this.#mutations === 0) return;
    const result = await this.#op.commit();
    if (!result.ok) throw new Error("an atomic write was refused");
    this.#op = this.kv.atomic();
    this.#mutations = 0;
    this.#bytes = 0;
  }
}

/**
 * The store on one {@link KvLike}. Use {@link KvListingStore.make} or
 * {@link KvListingStore.layer}; the KV stays owned by the caller.
 */
class KvStore {
  readonly #kv: KvLike;
  readonly #metaTtlMs: number;
  readonly #now: () => number;
  readonly #metas = new Map<string, CachedMeta>();
  /** Workspaces whose record is being read from KV right now (count of reads). */
  readonly #refreshing = new Map<string, number>();
  /** How many times this store has written each workspace's record. */
  readonly #writes = new Map<string, number>();
  readonly #chunks: Lru<string, Chunk>;

  constructor(kv: KvLike, options: KvListingStoreOptions | undefined) {
    this.#kv = kv;
    this.#metaTtlMs = options?.metaTtlMs ?? 1000;
    this.#now = options?.now ?? Date.now;
    this.#chunks = new Lru(options?.cacheBudgetChars ?? 64_000_000);
  }

  // ---------------------------------------------------------------- workspaces

  async #getMeta(workspace: string) {
    return await this.#kv.get<StoredMeta | StoredMetaV1>(metaKey(workspace));
  }

  async readMeta(workspace: string, fresh: boolean): Promise<Meta | undefined> {
    const now = performance.now();
    const cached = this.#metas.get(workspace);
    if (!fresh && cached !== undefined && now - cached.readAt < this.#metaTtlMs) {
      return cached.meta;
    }
    const writesBefore = this.#writes.get(workspace) ?? 0;
    this.#refreshing.set(workspace, (this.#refreshing.get(workspace) ?? 0) + 1);
    try {
      const entry = await this.#getMeta(workspace);
      if ((this.#writes.get(workspace) ?? 0) !== writesBefore) {
        // This store changed the workspace while the read was in flight: the
        // record it cached then is newer than what this read saw.
        return this.#metas.get(workspace)?.meta;
      }
      const meta = entry.value === null ? undefined : readMetaValue(workspace, entry.value);
      this.#rememberMeta(workspace, meta);
      return meta;
    } finally {
      const left = (this.#refreshing.get(workspace) ?? 1) - 1;
      if (left === 0) this.#refreshing.delete(workspace);
      else this.#refreshing.set(workspace, left);
    }
  }

  /** Caches a record this store just wrote (write-through). */
  #wrote(workspace: string, meta: Meta | undefined): void {
    this.#writes.set(workspace, (this.#writes.get(workspace) ?? 0) + 1);
    this.#rememberMeta(workspace, meta);
  }

  /** Caches a workspace record, dropping cached chunks of a version no longer current. */
  #rememberMeta(workspace: string, meta: Meta | undefined): void {
    const previous = this.#metas.get(workspace)?.meta;
    if (previous !== undefined && previous.version !== meta?.version) {
      const prefix = `${workspace}\n${previous.version}\n`;
      this.#chunks.deleteWhere((key) => key.startsWith(prefix));
    }
    this.#metas.set(workspace, { meta, readAt: performance.now() });
  }

  async replaceWorkspace(
    workspace: string,
    data: WorkspaceData,
    options: ReplaceOptions | undefined,
  ): Promise<WorkspaceInfo> {
    checkWorkspaceName(workspace);
    const encoded = encodeWorkspace(data);
    const version = `${Date.now().toString(36).padStart(9, "0")}-${randomHex(8)}`;
    const kv = this.#kv;
    await kv.set(
      pendingKey(workspace, version),
      { state: "writing", since: this.#now() } satisfies StoredPending,
    );
    await this.#writeListings(workspace, version, encoded.listings);
    const listings: Record<string, StoredListing> = {};
    for (const listing of encoded.listings) {
      listings[listing.id] = { count: listing.rows.length, chunks: listing.sameAs ?? listing.id };
    }
    let current = await this.#getMeta(workspace);
    let stored: StoredMeta | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      const previous = current.value === null ? undefined : readMetaValue(workspace, current.value);
      stored = {
        layout: LAYOUT,
        version,
        chunkSize: CHUNK_SIZE,
        organizationId: options?.organizationId ?? previous?.organizationId ??
          organizationIdOf(workspace),
        source: options?.source ?? "api",
        updatedAt: new Date().toISOString(),
        listings,
      };
      // One checked write flips the pointer: readers see the old version or the new one.
      const op = kv.atomic().check(current).set(metaKey(workspace), stored).delete(
        pendingKey(workspace, version),
      );
      if (previous !== undefined) {
        op.set(
          pendingKey(workspace, previous.version),
          { state: "garbage", since: this.#now() } satisfies StoredPending,
        );
      }
      const result = await op.commit();
      if (result.ok) break;
      stored = undefined;
      current = await this.#getMeta(workspace);
    }
    if (stored === undefined) {
      throw new StoreError({
        reason: "Conflict",
        message: `workspace ${workspace} kept changing while it was replaced; try again`,
      });
    }
    const meta = readMetaValue(workspace, stored);
    this.#wrote(workspace, meta);
    await this.collectGarbage(workspace);
    return toInfo(workspace, meta);
  }

  async #writeListings(
    workspace: string,
    version: string,
    listings: ReadonlyArray<EncodedListing>,
  ): Promise<void> {
    const batch = new Batch(this.#kv);
    for (const listing of listings) {
      if (listing.sameAs !== undefined) continue;
      const prefix = listingPrefix(workspace, version, listing.id);
      const rows = listing.rows;
      for (let chunk = 0; chunk * CHUNK_SIZE < rows.length; chunk++) {
        const parts = encodeChunk(rows.slice(chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE));
        for (let part = 0; part < parts.length; part++) {
          await batch.set(chunkKey(prefix, chunk, part, parts.length), parts[part]);
        }
      }
    }
    await batch.flush();
  }

  /**
   * Deletes versions no longer pointed at: old versions marked at a swap and
   * versions whose writer stopped more than an hour ago (a crash mid-write).
   */
  async collectGarbage(workspace?: string): Promise<number> {
    const prefix = workspace === undefined ? pendingPrefix : [...pendingPrefix, workspace];
    let removed = 0;
    for await (const entry of this.#kv.list<StoredPending>({ prefix })) {
      const [, , ws, version] = entry.key as [string, string, string, string];
      const state = entry.value;
      const abandoned = state.state === "writing" &&
        this.#now() - state.since > ABANDONED_AFTER_MS;
      if (state.state !== "garbage" && !abandoned) continue;
      const current = await this.#getMeta(ws);
      if (current.value?.version === version) {
        await this.#kv.atomic().check(entry).delete(entry.key).commit();
        continue;
      }
      await this.#deletePrefix(versionPrefix(ws, version));
      await this.#kv.atomic().check(entry).delete(entry.key).commit();
      removed++;
    }
    return removed;
  }

  async #deletePrefix(prefix: KvKey): Promise<void> {
    const batch = new Batch(this.#kv);
    for await (const entry of this.#kv.list({ prefix }, { batchSize: MAX_MUTATIONS })) {
      await batch.delete(entry.key);
    }
    await batch.flush();
  }

  async deleteWorkspace(workspace: string): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.#getMeta(workspace);
      if (current.value === null) {
        this.#wrote(workspace, undefined);
        return false;
      }
      const result = await this.#kv.atomic().check(current).delete(metaKey(workspace)).set(
        pendingKey(workspace, current.value.version),
        { state: "garbage", since: this.#now() } satisfies StoredPending,
      ).commit();
      if (result.ok) {
        this.#wrote(workspace, undefined);
        await this.collectGarbage(workspace);
        return true;
      }
    }
    throw new StoreError({
      reason: "Conflict",
      message: `workspace ${workspace} kept changing while it was deleted; try again`,
    });
  }

  async workspaces(): Promise<ReadonlyArray<WorkspaceInfo>> {
    const out: Array<WorkspaceInfo> = [];
    for await (const entry of this.#kv.list<StoredMeta | StoredMetaV1>({ prefix: metaPrefix })) {
      const workspace = String(entry.key[2]);
      out.push(toInfo(workspace, readMetaValue(workspace, entry.value)));
    }
    return out;
  }

  // --------------------------------------------------------------------- pages

  /**
   * The cached record while fresh. Once it expires, the first request reads
   * it again from KV; while that read is in flight (and for at most one more
   * TTL) the expired record still answers, so a busy server does not send
   * every request to KV at once.
   */
  cachedMeta(workspace: string): Meta | undefined {
    const cached = this.#metas.get(workspace);
    if (cached === undefined) return undefined;
    const age = performance.now() - cached.readAt;
    if (age < this.#metaTtlMs) return cached.meta;
    return this.#refreshing.has(workspace) && age < 2 * this.#metaTtlMs ? cached.meta : undefined;
  }

  #chunkCacheKey(workspace: string, meta: Meta, listing: ListingRef, index: number): string {
    return `${workspace}\n${meta.version}\n${listing.cacheId}\n${index}`;
  }

  cachedPage(address: ListingAddress): PageSlice | undefined {
    const { workspace } = address;
    const meta = this.cachedMeta(workspace);
    if (meta === undefined) return undefined;
    const listing = meta.listings.get(listingId(address.resource, address.includeSpaces)) ??
      EMPTY_LISTING;
    const { start, end } = pageSlice(address.page, address.perPage, listing.count);
    const rows: Array<string> = [];
    const size = meta.chunkSize;
    for (let index = Math.floor(start / size); index * size < end; index++) {
      const chunk = this.#chunks.get(this.#chunkCacheKey(workspace, meta, listing, index));
      if (chunk === undefined) return undefined;
      rows.push(sliceOf(chunk, index, size, start, end));
    }
    return { workspace, version: meta.version, totalCount: listing.count, rows };
  }

  async page(address: ListingAddress): Promise<PageSlice | undefined> {
    const { workspace } = address;
    for (let attempt = 0; attempt < 4; attempt++) {
      const meta = await this.readMeta(workspace, attempt > 0);
      if (meta === undefined) return undefined;
      const listing = meta.listings.get(listingId(address.resource, address.includeSpaces)) ??
        EMPTY_LISTING;
      const rows = await this.#readRows(workspace, meta, listing, address.page, address.perPage);
      if (!(rows instanceof VersionGone)) {
        return { workspace, version: meta.version, totalCount: listing.count, rows };
      }
    }
    throw new StoreError({
      reason: "Conflict",
      message: `the listing of ${workspace} kept changing while it was read; try again`,
    });
  }

  async #readRows(
    workspace: string,
    meta: Meta,
    listing: ListingRef,
    page: number,
    perPage: number,
  ): Promise<ReadonlyArray<string> | VersionGone> {
    const { start, end } = pageSlice(page, perPage, listing.count);
    if (start === end) return [];
    const size = meta.chunkSize;
    const first = Math.floor(start / size);
    const last = Math.floor((end - 1) / size);
    const chunks = new Map<number, Chunk>();
    let missingFrom = -1;
    let missingTo = -1;
    for (let index = first; index <= last; index++) {
      const chunk = this.#chunks.get(this.#chunkCacheKey(workspace, meta, listing, index));
      if (chunk !== undefined) {
        chunks.set(index, chunk);
      } else {
        if (missingFrom < 0) missingFrom = index;
        missingTo = index;
      }
    }
    if (missingFrom >= 0) {
      const loaded = await this.#loadChunks(workspace, meta, listing, missingFrom, missingTo);
      if (loaded instanceof VersionGone) return loaded;
      for (const [index, chunk] of loaded) chunks.set(index, chunk);
    }
    const rows: Array<string> = [];
    for (let index = first; index <= last; index++) {
      const chunk = chunks.get(index);
      if (chunk === undefined) return new VersionGone();
      rows.push(sliceOf(chunk, index, size, start, end));
    }
    return rows;
  }

  /** Reads chunks `from..to` of a listing in one range scan. */
  async #loadChunks(
    workspace: string,
    meta: Meta,
    listing: ListingRef,
    from: number,
    to: number,
  ): Promise<Map<number, Chunk> | VersionGone> {
    const { prefix } = listing;
    const at = prefix.length;
    const parts = new Map<number, Array<Uint8Array>>();
    const expectedParts = new Map<number, number>();
    const iterator = this.#kv.list<Uint8Array>(
      { start: [...prefix, from], end: [...prefix, to + 1] },
      { batchSize: Math.min(1000, (to - from + 1) * 2) },
    );
    for await (const entry of iterator) {
      const index = entry.key[at] as number;
      const part = entry.key[at + 1] as number;
      const count = entry.key[at + 2] as number;
      const list = parts.get(index) ?? [];
      if (list.length !== part) return new VersionGone();
      list.push(entry.value);
      parts.set(index, list);
      expectedParts.set(index, count);
    }
    const out = new Map<number, Chunk>();
    for (let index = from; index <= to; index++) {
      const list = parts.get(index);
      if (list === undefined || list.length !== expectedParts.get(index)) return new VersionGone();
      const expectedRows = Math.min(meta.chunkSize, listing.count - index * meta.chunkSize);
      const chunk = decodeChunk(list, expectedRows);
      if (chunk === undefined) return new VersionGone();
      out.set(index, chunk);
      this.#chunks.set(
        this.#chunkCacheKey(workspace, meta, listing, index),
        chunk,
        chunk.text.length,
      );
    }
    return out;
  }
}

/** The {@link ListingStore} service plus KV housekeeping. */
export interface KvListingStoreService extends ListingStoreService {
  /**
   * Deletes versions left behind by a swap or by a writer that crashed more
   * than an hour ago; returns how many versions it removed.
   */
  readonly collectGarbage: (workspace?: string) => Effect.Effect<number, StoreError>;
  /** One small read of the KV, for `/healthz` (rejects when the KV does not answer). */
  readonly probe: () => Promise<unknown>;
}

const make = (kv: KvLike, options?: KvListingStoreOptions): KvListingStoreService => {
  const store = new KvStore(kv, options);
  const run = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
    Effect.tryPromise({ try: f, catch: unavailable(operation) });
  return {
    replaceWorkspace: (workspace, data, replaceOptions) =>
      run(
        `replacing workspace ${workspace}`,
        () => store.replaceWorkspace(workspace, data, replaceOptions),
      ),
    deleteWorkspace: (workspace) =>
      run(`deleting workspace ${workspace}`, () => store.deleteWorkspace(workspace)),
    workspace: (workspace) =>
      run(`reading workspace ${workspace}`, async () => {
        const meta = await store.readMeta(workspace, false);
        return meta === undefined ? undefined : toInfo(workspace, meta);
      }),
    workspaces: () => run("listing workspaces", () => store.workspaces()),
    page: (address) => run(`reading a page of ${address.workspace}`, () => store.page(address)),
    cachedPage: (address) => store.cachedPage(address),
    cachedVersion: (workspace) => store.cachedMeta(workspace),
    collectGarbage: (workspace) =>
      run("deleting old versions", () => store.collectGarbage(workspace)),
    probe: () => kv.get(healthKey),
  };
};

/**
 * Builds the KV {@link ListingStore}.
 *
 * **When to use**
 *
 * `make` when you hold a KV (an open Deno KV: the edge server, the CLI's
 * `mirror` and `import`) and want the store value; `layer` to provide the
 * `ListingStore` service. The KV stays yours to close.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { KvListingStore, type KvLike } from "@mode-discovery/server";
 * declare const kv: KvLike; // an open Deno KV, for example
 * const store = KvListingStore.make(kv);
 * await Effect.runPromise(store.replaceWorkspace("acme", {}));
 * ```
 */
export const KvListingStore = {
  make,
  /** The `ListingStore` service on `kv`. */
  layer: (kv: KvLike, options?: KvListingStoreOptions): Layer.Layer<ListingStore> =>
    Layer.succeed(ListingStore, make(kv, options)),
} as const;
