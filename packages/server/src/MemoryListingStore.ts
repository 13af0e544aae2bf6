/**
 * A {@link CollectionStore} held in plain memory: no Deno KV, no runtime
 * APIs beyond Web Crypto, so the server runs on Node and in browsers too
 * (the npm package's `mode-discovery/server` uses it).
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import { type Collection, pageSlice, type SignatureToken } from "@mode-discovery/core";
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
  type StoreError,
  type WorkspaceInfo,
} from "./CollectionStore.ts";
import { organizationIdOf } from "./_organizationId.ts";
import { hashSecret, randomHex, type SecretHash } from "./_secrets.ts";
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

/** Settings of a {@link MemoryCollectionStore}. */
export interface MemoryCollectionStoreOptions {
  /** Clock in epoch milliseconds (token expiry, timestamps). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** One version of a workspace's listing: its rows' JSON joined by commas, and where each starts. */
interface Listing {
  readonly info: WorkspaceInfo;
  readonly text: string;
  /** `offsets[i]` is where row `i` starts; `offsets[count]` is `text.length + 1`. */
  readonly offsets: Uint32Array;
}

interface StoredToken {
  readonly workspace: string;
  readonly accessKey: string;
  readonly secret: SecretHash;
  readonly expiresAtMs: number | null;
}

interface StoredAdminKey {
  readonly workspace: string;
  readonly userId: number;
  readonly secret: SecretHash;
}

const joinRows = (rows: ReadonlyArray<string>): Pick<Listing, "text" | "offsets"> => {
  const offsets = new Uint32Array(rows.length + 1);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    offsets[i] = at;
    at += rows[i].length + 1;
  }
  offsets[rows.length] = at === 0 ? 1 : at;
  return { text: rows.join(","), offsets };
};

class MemoryStore {
  readonly #now: () => number;
  readonly #listings = new Map<string, Listing>();
  readonly #tokens = new Map<string, StoredToken>();
  readonly #adminKeys = new Map<string, StoredAdminKey>();
  #versions = 0;

  constructor(options: MemoryCollectionStoreOptions | undefined) {
    this.#now = options?.now ?? Date.now;
  }

  replaceWorkspace(
    workspace: string,
    collections: Iterable<Collection>,
    options: ReplaceOptions | undefined,
  ): WorkspaceInfo {
    checkWorkspaceName(workspace);
    const rows = encodeRows(collections);
    const info: WorkspaceInfo = {
      workspace,
      organizationId: options?.organizationId ??
        this.#listings.get(workspace)?.info.organizationId ?? organizationIdOf(workspace),
      count: rows.length,
      version: `mem-${++this.#versions}-${randomHex(8)}`,
      source: options?.source ?? "api",
      updatedAt: new Date(this.#now()).toISOString(),
    };
    this.#listings.set(workspace, { info, ...joinRows(rows) });
    return info;
  }

  deleteWorkspace(workspace: string): boolean {
    return this.#listings.delete(workspace);
  }

  workspace(workspace: string): WorkspaceInfo | undefined {
    return this.#listings.get(workspace)?.info;
  }

  workspaces(): ReadonlyArray<WorkspaceInfo> {
    return [...this.#listings.keys()].sort().map((name) => this.#listings.get(name)!.info);
  }

  page(workspace: string, page: number, perPage: number): PageSlice | undefined {
    const listing = this.#listings.get(workspace);
    if (listing === undefined) return undefined;
    const { start, end } = pageSlice(page, perPage, listing.info.count);
    return {
      workspace,
      version: listing.info.version,
      totalCount: listing.info.count,
      spaces: start === end
        ? []
        : [listing.text.slice(listing.offsets[start], listing.offsets[end] - 1)],
    };
  }

  organizationId(workspace: string): number {
    return this.#listings.get(workspace)?.info.organizationId ?? organizationIdOf(workspace);
  }

  async createSignatureToken(
    workspace: string,
    input: NewSignatureToken,
  ): Promise<SignatureToken> {
    if (!this.#listings.has(workspace)) throw invalid(`workspace ${workspace} does not exist`);
    const { accessKey, accessSecret, secret } = await newTokenSecret();
    let token = newTokenId();
    while (this.#tokens.has(token)) token = newTokenId();
    const expiresAt = input.expiresAt.toISOString();
    this.#tokens.set(token, {
      workspace,
      accessKey,
      secret,
      expiresAtMs: input.expiresAt.getTime(),
    });
    return createdToken({
      token,
      name: input.name,
      creatorId: input.creatorId,
      organizationId: this.organizationId(workspace),
      accessKey,
      accessSecret,
      now: new Date(this.#now()).toISOString(),
      expiresAt,
    });
  }

  async putSignatureToken(workspace: string, input: SignatureTokenInput): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.accessSecret));
    this.#tokens.set(input.token, {
      workspace,
      accessKey: input.accessKey,
      secret,
      expiresAtMs: input.expiresAt === null ? null : input.expiresAt.getTime(),
    });
  }

  async verifySignatureToken(
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ): Promise<SignatureVerification> {
    return await verifyToken(this.#tokens.get(token), token, accessKey, accessSecret, this.#now());
  }

  async putAdminKey(workspace: string, input: AdminKeyInput): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.apiSecret));
    this.#adminKeys.set(input.apiKey, { workspace, userId: input.userId, secret });
  }

  async verifyAdminKey(
    apiKey: string,
    apiSecret: Redacted.Redacted<string>,
  ): Promise<AdminVerification> {
    return await verifyAdmin(this.#adminKeys.get(apiKey), apiSecret);
  }
}

const failure = storeFailure("memory");

const make = (options?: MemoryCollectionStoreOptions): CollectionStoreService => {
  const store = new MemoryStore(options);
  const sync = <A>(operation: string, f: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({ try: f, catch: failure(operation) });
  const run = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
    Effect.tryPromise({ try: f, catch: failure(operation) });
  return {
    replaceWorkspace: (workspace, collections, replaceOptions) =>
      sync(
        `replacing workspace ${workspace}`,
        () => store.replaceWorkspace(workspace, collections, replaceOptions),
      ),
    deleteWorkspace: (workspace) =>
      sync(`deleting workspace ${workspace}`, () => store.deleteWorkspace(workspace)),
    workspace: (workspace) =>
      sync(`reading workspace ${workspace}`, () => store.workspace(workspace)),
    workspaces: () => sync("listing workspaces", () => store.workspaces()),
    count: (workspace) =>
      sync(`reading workspace ${workspace}`, () => store.workspace(workspace)?.count),
    page: (workspace, page, perPage) =>
      sync(`reading a page of ${workspace}`, () => store.page(workspace, page, perPage)),
    cachedPage: (workspace, page, perPage) => store.page(workspace, page, perPage),
    cachedVersion: (workspace) => store.workspace(workspace),
    ...credentialMethods(store, run),
  };
};

/**
 * Builds the in-memory {@link CollectionStore}: the same behaviour as the
 * Deno KV store (atomic swaps, ascending ids, pre-encoded ASCII rows,
 * salted secret hashes, constant-time checks), kept in the process.
 *
 * **When to use**
 *
 * Wherever Deno KV is not available (Node, the npm package's test server),
 * and in tests that want no KV at all. Data is gone when the process ends.
 *
 * **Details**
 *
 * Every page is always "cached": `cachedPage` and `cachedVersion` answer
 * from the same memory as `page`, so the server's fast path serves every
 * plain page request.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryCollectionStore, seedCollections } from "@mode-discovery/edge";
 * const store = MemoryCollectionStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", seedCollections("acme", 10)));
 * const slice = await Effect.runPromise(store.page("acme", 1, 5));
 * slice?.totalCount; // => 10
 * ```
 */
export const MemoryCollectionStore = {
  make,
  /** The `CollectionStore` service held in memory. */
  layer: (options?: MemoryCollectionStoreOptions): Layer.Layer<CollectionStore> =>
    Layer.sync(CollectionStore, () => make(options)),
} as const;
