/**
 * A {@link ListingStore} held in plain memory: no KV, no runtime API, so
 * the server runs on Node and in browsers too (the npm package's
 * `mode-discovery/server` uses it).
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { pageSlice } from "@mode-discovery/core";
import {
  type ListingAddress,
  ListingStore,
  type ListingStoreService,
  type PageSlice,
  type ReplaceOptions,
  type StoreError,
  type WorkspaceData,
  type WorkspaceInfo,
} from "./ListingStore.ts";
import { organizationIdOf } from "./_organizationId.ts";
import { randomHex } from "./_secrets.ts";
import { storeFailure } from "./_credentials.ts";
import { checkWorkspaceName, encodeWorkspace, listingId } from "./_listings.ts";

/** Settings of a {@link MemoryListingStore}. */
export interface MemoryListingStoreOptions {
  /** Clock in epoch milliseconds (`updatedAt`). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** One listing of a version: its rows' JSON joined by commas, and where each starts. */
interface Listing {
  readonly text: string;
  /** `offsets[i]` is where row `i` starts; `offsets[count]` is `text.length + 1`. */
  readonly offsets: Uint32Array;
}

interface Stored {
  readonly info: WorkspaceInfo;
  readonly listings: ReadonlyMap<string, Listing>;
}

const joinRows = (rows: ReadonlyArray<string>): Listing => {
  const offsets = new Uint32Array(rows.length + 1);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    offsets[i] = at;
    at += rows[i].length + 1;
  }
  offsets[rows.length] = at === 0 ? 1 : at;
  return { text: rows.join(","), offsets };
};

const EMPTY = joinRows([]);

class MemoryStore {
  readonly #now: () => number;
  readonly #workspaces = new Map<string, Stored>();
  #versions = 0;

  constructor(options: MemoryListingStoreOptions | undefined) {
    this.#now = options?.now ?? Date.now;
  }

  replaceWorkspace(
    workspace: string,
    data: WorkspaceData,
    options: ReplaceOptions | undefined,
  ): WorkspaceInfo {
    checkWorkspaceName(workspace);
    const encoded = encodeWorkspace(data);
    const listings = new Map<string, Listing>();
    for (const listing of encoded.listings) {
      listings.set(
        listing.id,
        listing.sameAs === undefined ? joinRows(listing.rows) : listings.get(listing.sameAs)!,
      );
    }
    const info: WorkspaceInfo = {
      workspace,
      organizationId: options?.organizationId ??
        this.#workspaces.get(workspace)?.info.organizationId ?? organizationIdOf(workspace),
      counts: encoded.counts,
      version: `mem-${++this.#versions}-${randomHex(8)}`,
      source: options?.source ?? "api",
      updatedAt: new Date(this.#now()).toISOString(),
    };
    this.#workspaces.set(workspace, { info, listings });
    return info;
  }

  deleteWorkspace(workspace: string): boolean {
    return this.#workspaces.delete(workspace);
  }

  workspace(workspace: string): WorkspaceInfo | undefined {
    return this.#workspaces.get(workspace)?.info;
  }

  workspaces(): ReadonlyArray<WorkspaceInfo> {
    return [...this.#workspaces.keys()].sort().map((name) => this.#workspaces.get(name)!.info);
  }

  page(address: ListingAddress): PageSlice | undefined {
    const stored = this.#workspaces.get(address.workspace);
    if (stored === undefined) return undefined;
    const listing = stored.listings.get(listingId(address.resource, address.includeSpaces)) ??
      EMPTY;
    const count = listing.offsets.length - 1;
    const { start, end } = pageSlice(address.page, address.perPage, count);
    return {
      workspace: address.workspace,
      version: stored.info.version,
      totalCount: count,
      rows: start === end
        ? []
        : [listing.text.slice(listing.offsets[start], listing.offsets[end] - 1)],
    };
  }
}

const failure = storeFailure("memory");

const make = (options?: MemoryListingStoreOptions): ListingStoreService => {
  const store = new MemoryStore(options);
  const sync = <A>(operation: string, f: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({ try: f, catch: failure(operation) });
  return {
    replaceWorkspace: (workspace, data, replaceOptions) =>
      sync(
        `replacing workspace ${workspace}`,
        () => store.replaceWorkspace(workspace, data, replaceOptions),
      ),
    deleteWorkspace: (workspace) =>
      sync(`deleting workspace ${workspace}`, () => store.deleteWorkspace(workspace)),
    workspace: (workspace) =>
      sync(`reading workspace ${workspace}`, () => store.workspace(workspace)),
    workspaces: () => sync("listing workspaces", () => store.workspaces()),
    page: (address) => sync(`reading a page of ${address.workspace}`, () => store.page(address)),
    cachedPage: (address) => store.page(address),
    cachedVersion: (workspace) => store.workspace(workspace),
  };
};

/**
 * Builds the in-memory {@link ListingStore}: the same behaviour as the KV
 * store (atomic swaps, ascending keys, pre-encoded ASCII rows, both views
 * of the resources that take `include_spaces`), kept in the process.
 *
 * **When to use**
 *
 * Wherever no KV is at hand (Node, the npm package's test server), and in
 * tests that want none. Data is gone when the process ends.
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
 * import { collections } from "@mode-discovery/core";
 * import { MemoryListingStore, seedWorld } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 10 })));
 * const slice = await Effect.runPromise(
 *   store.page({ resource: collections, workspace: "acme", page: 1, perPage: 5 }),
 * );
 * slice?.totalCount; // => 10
 * ```
 */
export const MemoryListingStore = {
  make,
  /** The `ListingStore` service held in memory. */
  layer: (options?: MemoryListingStoreOptions): Layer.Layer<ListingStore> =>
    Layer.sync(ListingStore, () => make(options)),
} as const;
