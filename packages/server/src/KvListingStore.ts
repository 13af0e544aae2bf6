/**
 * The Deno KV implementation of {@link CollectionStore}.
 *
 * **Details**
 *
 * A workspace's collections live as pre-encoded JSON chunks of
 * `CHUNK_SIZE` collections, in ascending id order, under a version prefix.
 * The workspace record points at the current version. Replacing a workspace
 * writes the new version's chunks, flips the pointer in one atomic
 * operation, then deletes the old chunks. See apps/edge/README.md.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import {
  AUTHENTICATION_FOR,
  AUTHORIZATION_TYPE,
  type Collection,
  pageSlice,
  type SignatureToken,
} from "@mode-discovery/core";
import {
  type AdminKeyInput,
  type AdminVerification,
  CollectionStore,
  type CollectionStoreService,
  type NewSignatureToken,
  type PageSlice,
  type ReplaceOptions,
  type SignatureTokenInput,
  type SignatureVerification,
  StoreError,
  type WorkspaceInfo,
} from "./CollectionStore.ts";
import {
  adminKey,
  type Chunk,
  CHUNK_SIZE,
  chunkKey,
  chunkRows,
  decodeChunk,
  encodeChunk,
  entrySize,
  LAYOUT,
  MAX_BATCH_BYTES,
  MAX_MUTATIONS,
  metaKey,
  metaPrefix,
  pendingKey,
  pendingPrefix,
  type StoredAdminKey,
  type StoredMeta,
  type StoredPending,
  type StoredToken,
  tokenKey,
  versionPrefix,
} from "./_kvLayout.ts";
import { Lru } from "./_lru.ts";
import { hashSecret, randomHex } from "./_secrets.ts";
import { organizationIdOf } from "./_organizationId.ts";
import {
  checkWorkspaceName,
  createdToken,
  credentialMethods,
  encodeRows,
  invalid,
  newTokenId,
  newTokenSecret,
  storeFailure,
  verifyAdmin,
  verifyToken,
} from "./_storeShared.ts";

export { organizationIdOf } from "./_organizationId.ts";

/** Settings of a {@link KvCollectionStore}. */
export interface KvCollectionStoreOptions {
  /**
   * How long a workspace record read from KV is reused, in milliseconds.
   * Writes through this store update it at once; writes by another process
   * sharing the KV file are seen within this time. Default 1000; 0 reads
   * the record on every request.
   */
  readonly metaTtlMs?: number | undefined;
  /** Characters of decoded chunks kept in memory. Default 64 million. */
  readonly cacheBudgetChars?: number | undefined;
  /** Clock in epoch milliseconds (token expiry). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

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

const toInfo = (workspace: string, meta: StoredMeta): WorkspaceInfo => ({
  workspace,
  organizationId: meta.organizationId,
  count: meta.count,
  version: meta.version,
  source: meta.source,
  updatedAt: meta.updatedAt,
});

interface CachedMeta {
  readonly meta: StoredMeta | undefined;
  readonly readAt: number;
}

/**
 * The store on one `Deno.Kv`. Use {@link KvCollectionStore.make} or
 * {@link KvCollectionStore.layer}; the KV stays owned by the caller.
 */
class KvStore {
  readonly #kv: Deno.Kv;
  readonly #metaTtlMs: number;
  readonly #now: () => number;
  readonly #metas = new Map<string, CachedMeta>();
  /** Workspaces whose record is being read from KV right now (count of reads). */
  readonly #refreshing = new Map<string, number>();
  /** How many times this store has written each workspace's record. */
  readonly #writes = new Map<string, number>();
  readonly #chunks: Lru<string, Chunk>;

  constructor(kv: Deno.Kv, options: KvCollectionStoreOptions | undefined) {
    this.#kv = kv;
    this.#metaTtlMs = options?.metaTtlMs ?? 1000;
    this.#now = options?.now ?? Date.now;
    this.#chunks = new Lru(options?.cacheBudgetChars ?? 64_000_000);
  }

  // ---------------------------------------------------------------- workspaces

  async readMeta(workspace: string, fresh: boolean): Promise<StoredMeta | undefined> {
    const now = performance.now();
    const cached = this.#metas.get(workspace);
    if (!fresh && cached !== undefined && now - cached.readAt < this.#metaTtlMs) {
      return cached.meta;
    }
    const writesBefore = this.#writes.get(workspace) ?? 0;
    this.#refreshing.set(workspace, (this.#refreshing.get(workspace) ?? 0) + 1);
    try {
      const entry = await this.#kv.get<StoredMeta>(metaKey(workspace));
      if ((this.#writes.get(workspace) ?? 0) !== writesBefore) {
        // This store changed the workspace while the read was in flight: the
        // record it cached then is newer than what this read saw.
        return this.#metas.get(workspace)?.meta;
      }
      this.#rememberMeta(workspace, entry.value ?? undefined);
      return entry.value ?? undefined;
    } finally {
      const left = (this.#refreshing.get(workspace) ?? 1) - 1;
      if (left === 0) this.#refreshing.delete(workspace);
      else this.#refreshing.set(workspace, left);
    }
  }

  /** Caches a record this store just wrote (write-through). */
  #wrote(workspace: string, meta: StoredMeta | undefined): void {
    this.#writes.set(workspace, (this.#writes.get(workspace) ?? 0) + 1);
    this.#rememberMeta(workspace, meta);
  }

  /** Caches a workspace record, dropping cached chunks of a version no longer current. */
  #rememberMeta(workspace: string, meta: StoredMeta | undefined): void {
    const previous = this.#metas.get(workspace)?.meta;
    if (previous !== undefined && previous.version !== meta?.version) {
      const prefix = `${workspace}\n${previous.version}\n`;
      this.#chunks.deleteWhere((key) => key.startsWith(prefix));
    }
    this.#metas.set(workspace, { meta, readAt: performance.now() });
  }

  async replaceWorkspace(
    workspace: string,
    collections: Iterable<Collection>,
    options: ReplaceOptions | undefined,
  ): Promise<WorkspaceInfo> {
    checkWorkspaceName(workspace);
    const rows = encodeRows(collections);
    const version = `${Date.now().toString(36).padStart(9, "0")}-${randomHex(8)}`;
    const kv = this.#kv;
    await kv.set(
      pendingKey(workspace, version),
      {
        state: "writing",
        since: this.#now(),
      } satisfies StoredPending,
    );
    await this.#writeChunks(workspace, version, rows);
    const previous = await kv.get<StoredMeta>(metaKey(workspace));
    let current = previous;
    let meta: StoredMeta | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      meta = {
        layout: LAYOUT,
        version,
        count: rows.length,
        chunkSize: CHUNK_SIZE,
        organizationId: options?.organizationId ?? current.value?.organizationId ??
          organizationIdOf(workspace),
        source: options?.source ?? "api",
        updatedAt: new Date().toISOString(),
      };
      const op = kv.atomic().check(current).set(metaKey(workspace), meta).delete(
        pendingKey(workspace, version),
      );
      if (current.value !== null) {
        op.set(
          pendingKey(workspace, current.value.version),
          { state: "garbage", since: this.#now() } satisfies StoredPending,
        );
      }
      const result = await op.commit();
      if (result.ok) break;
      meta = undefined;
      current = await kv.get<StoredMeta>(metaKey(workspace));
    }
    if (meta === undefined) {
      throw new StoreError({
        reason: "Conflict",
        message: `workspace ${workspace} kept changing while it was replaced; try again`,
      });
    }
    this.#wrote(workspace, meta);
    await this.collectGarbage(workspace);
    return toInfo(workspace, meta);
  }

  async #writeChunks(
    workspace: string,
    version: string,
    rows: ReadonlyArray<string>,
  ): Promise<void> {
    let op = this.#kv.atomic();
    let mutations = 0;
    let bytes = 0;
    for (let chunk = 0; chunk * CHUNK_SIZE < rows.length; chunk++) {
      const parts = encodeChunk(rows.slice(chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE));
      for (let part = 0; part < parts.length; part++) {
        const key = chunkKey(workspace, version, chunk, part, parts.length);
        const size = entrySize(key, parts[part]);
        if (mutations > 0 && (mutations >= MAX_MUTATIONS || bytes + size > MAX_BATCH_BYTES)) {
          await this.#commit(op);
          op = this.#kv.atomic();
          mutations = 0;
          bytes = 0;
        }
        op.set(key, parts[part]);
        mutations++;
        bytes += size;
      }
    }
    if (mutations > 0) await this.#commit(op);
  }

  async #commit(op: Deno.AtomicOperation): Promise<void> {
    const result = await op.commit();
    if (!result.ok) throw new Error("an atomic write was refused");
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
      const current = await this.#kv.get<StoredMeta>(metaKey(ws));
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

  async #deletePrefix(prefix: Deno.KvKey): Promise<void> {
    let op = this.#kv.atomic();
    let mutations = 0;
    for await (const entry of this.#kv.list({ prefix }, { batchSize: MAX_MUTATIONS })) {
      op.delete(entry.key);
      if (++mutations >= MAX_MUTATIONS) {
        await this.#commit(op);
        op = this.#kv.atomic();
        mutations = 0;
      }
    }
    if (mutations > 0) await this.#commit(op);
  }

  async deleteWorkspace(workspace: string): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.#kv.get<StoredMeta>(metaKey(workspace));
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
    for await (const entry of this.#kv.list<StoredMeta>({ prefix: metaPrefix })) {
      out.push(toInfo(String(entry.key[2]), entry.value));
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
  cachedMeta(workspace: string): StoredMeta | undefined {
    const cached = this.#metas.get(workspace);
    if (cached === undefined) return undefined;
    const age = performance.now() - cached.readAt;
    if (age < this.#metaTtlMs) return cached.meta;
    return this.#refreshing.has(workspace) && age < 2 * this.#metaTtlMs ? cached.meta : undefined;
  }

  cachedPage(workspace: string, page: number, perPage: number): PageSlice | undefined {
    const meta = this.cachedMeta(workspace);
    if (meta === undefined) return undefined;
    const { start, end } = pageSlice(page, perPage, meta.count);
    const spaces: Array<string> = [];
    const size = meta.chunkSize;
    for (let index = Math.floor(start / size); index * size < end; index++) {
      const chunk = this.#chunks.get(`${workspace}\n${meta.version}\n${index}`);
      if (chunk === undefined) return undefined;
      spaces.push(sliceOf(chunk, index, size, start, end));
    }
    return { workspace, version: meta.version, totalCount: meta.count, spaces };
  }

  async page(workspace: string, page: number, perPage: number): Promise<PageSlice | undefined> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const meta = await this.readMeta(workspace, attempt > 0);
      if (meta === undefined) return undefined;
      const spaces = await this.#readRows(workspace, meta, page, perPage);
      if (!(spaces instanceof VersionGone)) {
        return { workspace, version: meta.version, totalCount: meta.count, spaces };
      }
    }
    throw new StoreError({
      reason: "Conflict",
      message: `the listing of ${workspace} kept changing while it was read; try again`,
    });
  }

  async #readRows(
    workspace: string,
    meta: StoredMeta,
    page: number,
    perPage: number,
  ): Promise<ReadonlyArray<string> | VersionGone> {
    const { start, end } = pageSlice(page, perPage, meta.count);
    if (start === end) return [];
    const size = meta.chunkSize;
    const first = Math.floor(start / size);
    const last = Math.floor((end - 1) / size);
    const chunks = new Map<number, Chunk>();
    let missingFrom = -1;
    let missingTo = -1;
    for (let index = first; index <= last; index++) {
      const chunk = this.#chunks.get(`${workspace}\n${meta.version}\n${index}`);
      if (chunk !== undefined) {
        chunks.set(index, chunk);
      } else {
        if (missingFrom < 0) missingFrom = index;
        missingTo = index;
      }
    }
    if (missingFrom >= 0) {
      const loaded = await this.#loadChunks(workspace, meta, missingFrom, missingTo);
      if (loaded instanceof VersionGone) return loaded;
      for (const [index, chunk] of loaded) chunks.set(index, chunk);
    }
    const spaces: Array<string> = [];
    for (let index = first; index <= last; index++) {
      const chunk = chunks.get(index);
      if (chunk === undefined) return new VersionGone();
      spaces.push(sliceOf(chunk, index, size, start, end));
    }
    return spaces;
  }

  /** Reads chunks `from..to` of the meta's version in one range scan. */
  async #loadChunks(
    workspace: string,
    meta: StoredMeta,
    from: number,
    to: number,
  ): Promise<Map<number, Chunk> | VersionGone> {
    const prefix = versionPrefix(workspace, meta.version);
    const parts = new Map<number, Array<Uint8Array>>();
    const expectedParts = new Map<number, number>();
    const iterator = this.#kv.list<Uint8Array>(
      { start: [...prefix, from], end: [...prefix, to + 1] },
      { batchSize: Math.min(1000, (to - from + 1) * 2) },
    );
    for await (const entry of iterator) {
      const index = entry.key[4] as number;
      const part = entry.key[5] as number;
      const count = entry.key[6] as number;
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
      const expectedRows = Math.min(meta.chunkSize, meta.count - index * meta.chunkSize);
      const chunk = decodeChunk(list, expectedRows);
      if (chunk === undefined) return new VersionGone();
      out.set(index, chunk);
      this.#chunks.set(`${workspace}\n${meta.version}\n${index}`, chunk, chunk.text.length);
    }
    return out;
  }

  // -------------------------------------------------------------------- tokens

  async createSignatureToken(
    workspace: string,
    input: NewSignatureToken,
  ): Promise<SignatureToken> {
    const meta = await this.readMeta(workspace, true);
    if (meta === undefined) throw invalid(`workspace ${workspace} does not exist`);
    const { accessKey, accessSecret, secret } = await newTokenSecret();
    const now = new Date(this.#now()).toISOString();
    for (let attempt = 0; attempt < 10; attempt++) {
      const token = newTokenId();
      const stored: StoredToken = {
        workspace,
        name: input.name,
        creatorId: input.creatorId,
        organizationId: meta.organizationId,
        accessKey,
        secretSalt: secret.salt,
        secretHash: secret.hash,
        createdAt: now,
        updatedAt: now,
        expiresAt: input.expiresAt.toISOString(),
        authenticationFor: AUTHENTICATION_FOR,
        authorizationType: AUTHORIZATION_TYPE,
      };
      const result = await this.#kv.atomic().check({ key: tokenKey(token), versionstamp: null })
        .set(tokenKey(token), stored).commit();
      if (result.ok) {
        return createdToken({
          token,
          name: stored.name,
          creatorId: stored.creatorId,
          organizationId: stored.organizationId,
          accessKey,
          accessSecret,
          now,
          expiresAt: stored.expiresAt ?? "",
        });
      }
    }
    throw new StoreError({ reason: "Conflict", message: "could not pick an unused token id" });
  }

  async putSignatureToken(
    workspace: string,
    input: SignatureTokenInput,
  ): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.accessSecret));
    const now = new Date(this.#now()).toISOString();
    const meta = await this.readMeta(workspace, true);
    const stored: StoredToken = {
      workspace,
      name: input.name,
      creatorId: input.creatorId,
      organizationId: meta?.organizationId ?? organizationIdOf(workspace),
      accessKey: input.accessKey,
      secretSalt: secret.salt,
      secretHash: secret.hash,
      createdAt: now,
      updatedAt: now,
      expiresAt: input.expiresAt?.toISOString() ?? null,
      authenticationFor: AUTHENTICATION_FOR,
      authorizationType: AUTHORIZATION_TYPE,
    };
    await this.#kv.set(tokenKey(input.token), stored);
  }

  async verifySignatureToken(
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ): Promise<SignatureVerification> {
    const entry = await this.#kv.get<StoredToken>(tokenKey(token));
    const stored = entry.value ?? undefined;
    return await verifyToken(
      stored === undefined ? undefined : {
        workspace: stored.workspace,
        accessKey: stored.accessKey,
        secret: { salt: stored.secretSalt, hash: stored.secretHash },
        expiresAtMs: stored.expiresAt === null ? null : Date.parse(stored.expiresAt),
      },
      token,
      accessKey,
      accessSecret,
      this.#now(),
    );
  }

  async putAdminKey(
    workspace: string,
    input: AdminKeyInput,
  ): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.apiSecret));
    const stored: StoredAdminKey = {
      workspace,
      userId: input.userId,
      secretSalt: secret.salt,
      secretHash: secret.hash,
    };
    await this.#kv.set(adminKey(input.apiKey), stored);
  }

  async verifyAdminKey(
    apiKey: string,
    apiSecret: Redacted.Redacted<string>,
  ): Promise<AdminVerification> {
    const entry = await this.#kv.get<StoredAdminKey>(adminKey(apiKey));
    const stored = entry.value ?? undefined;
    return await verifyAdmin(
      stored === undefined ? undefined : {
        workspace: stored.workspace,
        userId: stored.userId,
        secret: { salt: stored.secretSalt, hash: stored.secretHash },
      },
      apiSecret,
    );
  }
}

/** The {@link CollectionStore} service plus KV housekeeping. */
export interface KvCollectionStoreService extends CollectionStoreService {
  /**
   * Deletes versions left behind by a swap or by a writer that crashed more
   * than an hour ago; returns how many versions it removed.
   */
  readonly collectGarbage: (workspace?: string) => Effect.Effect<number, StoreError>;
}

const make = (kv: Deno.Kv, options?: KvCollectionStoreOptions): KvCollectionStoreService => {
  const store = new KvStore(kv, options);
  const run = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
    Effect.tryPromise({ try: f, catch: unavailable(operation) });
  return {
    replaceWorkspace: (workspace, collections, replaceOptions) =>
      run(
        `replacing workspace ${workspace}`,
        () => store.replaceWorkspace(workspace, collections, replaceOptions),
      ),
    deleteWorkspace: (workspace) =>
      run(`deleting workspace ${workspace}`, () => store.deleteWorkspace(workspace)),
    workspace: (workspace) =>
      run(`reading workspace ${workspace}`, async () => {
        const meta = await store.readMeta(workspace, false);
        return meta === undefined ? undefined : toInfo(workspace, meta);
      }),
    workspaces: () => run("listing workspaces", () => store.workspaces()),
    count: (workspace) =>
      run(
        `reading workspace ${workspace}`,
        async () => (await store.readMeta(workspace, false))?.count,
      ),
    page: (workspace, page, perPage) =>
      run(`reading a page of ${workspace}`, () => store.page(workspace, page, perPage)),
    cachedPage: (workspace, page, perPage) => store.cachedPage(workspace, page, perPage),
    cachedVersion: (workspace) => store.cachedMeta(workspace),
    ...credentialMethods(store, run),
    collectGarbage: (workspace) =>
      run("deleting old versions", () => store.collectGarbage(workspace)),
  };
};

/**
 * Builds the Deno KV {@link CollectionStore}.
 *
 * **When to use**
 *
 * `make` when you hold a `Deno.Kv` and want the store value (tests, imports);
 * `layer` to provide the `CollectionStore` service. The KV stays yours to
 * close.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { KvCollectionStore } from "@mode-discovery/edge";
 * const kv = await Deno.openKv(":memory:");
 * const store = KvCollectionStore.make(kv);
 * await Effect.runPromise(store.replaceWorkspace("acme", []));
 * kv.close();
 * ```
 */
export const KvCollectionStore = {
  make,
  /** The `CollectionStore` service on `kv`. */
  layer: (kv: Deno.Kv, options?: KvCollectionStoreOptions): Layer.Layer<CollectionStore> =>
    Layer.succeed(CollectionStore, make(kv, options)),
} as const;
