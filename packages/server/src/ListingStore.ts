/**
 * `ListingStore`: where the server keeps each workspace's listings, one
 * per resource and view, all of one version. The interface is storage
 * neutral; `KvListingStore` implements it on any {@link KvLike} (Deno KV),
 * `MemoryListingStore` in plain memory.
 *
 * @module
 */
import * as Context from "effect/Context";
import type * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import type { AnyResource, IncludeSpaces, ResourceName } from "@mode-discovery/core";

/**
 * A storage failure. `reason` says what kind:
 *
 * - `Unavailable`: the store could not be read or written; retrying may work.
 * - `Invalid`: the data handed to the store is not acceptable (the message
 *   says which resource, which item and why).
 * - `Conflict`: the data kept changing under a write; retrying may work.
 *
 * @example
 * ```ts
 * import { StoreError } from "@mode-discovery/server";
 * new StoreError({ reason: "Invalid", message: "collections: duplicate id 170" });
 * ```
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  reason: Schema.Literals(["Unavailable", "Invalid", "Conflict"]),
  message: Schema.String,
}) {}

/**
 * A workspace's items, by resource name: what `replaceWorkspace` stores
 * and `readWorkspace` reads back. A resource left out holds no items.
 *
 * **Details**
 *
 * Items are decoded with the resource's item schema (so the lenient forms
 * the client accepts are accepted here too) and stored in ascending key
 * order.
 *
 * @example
 * ```ts
 * import type { WorkspaceData } from "@mode-discovery/server";
 * const data: WorkspaceData = { collections: [], members: [] };
 * ```
 */
export type WorkspaceData = { readonly [N in ResourceName]?: Iterable<unknown> | undefined };

/**
 * What the store knows about a workspace: the version now served, how many
 * items each resource holds, and where the data came from.
 */
export interface WorkspaceInfo {
  /** The workspace (organization) username. */
  readonly workspace: string;
  /** The numeric organization id given in signature tokens. */
  readonly organizationId: number;
  /** How many items each resource holds (everything, personal collections' items too). */
  readonly counts: Readonly<Record<ResourceName, number>>;
  /** Opaque id of the current version. */
  readonly version: string;
  /** Where the data came from, e.g. `seed:v2:acme:4146`, `import:acme.ndjson`, `mirror:<url>`. */
  readonly source: string;
  /** When the current version was put in place (ISO 8601). */
  readonly updatedAt: string;
}

/**
 * Which page of which listing: the resource, the workspace, the page, its
 * size, and `include_spaces` (for the resources that take it: `all` lists
 * items in personal collections too; absent, they are left out).
 */
export interface ListingAddress {
  /** The resource listed. */
  readonly resource: AnyResource;
  /** The workspace username. */
  readonly workspace: string;
  /** The page, from 1. */
  readonly page: number;
  /** Items per page. */
  readonly perPage: number;
  /** `all` for every item; ignored by resources without `includeSpaces`. */
  readonly includeSpaces?: IncludeSpaces | undefined;
}

/**
 * A page's items as pre-encoded JSON, with the version they came from.
 *
 * **Details**
 *
 * `rows` holds JSON fragments: each is one or more items (encoded with the
 * resource's item schema, non-ASCII characters as `\uXXXX` escapes)
 * separated by commas. Joined with commas and put in brackets they are the
 * page's array (see {@link pageSliceJson}). `totalCount` is the count of
 * the same version and view, so the pagination block and the rows always
 * agree.
 */
export interface PageSlice {
  /** The workspace the page belongs to. */
  readonly workspace: string;
  /** The version the rows come from. */
  readonly version: string;
  /** How many items the listing (this resource and view, this version) holds. */
  readonly totalCount: number;
  /** JSON fragments of the page's items, to join with commas. */
  readonly rows: ReadonlyArray<string>;
}

/**
 * The array of a {@link PageSlice} as JSON text.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { collections } from "@mode-discovery/core";
 * import { MemoryListingStore, pageSliceJson } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", {}));
 * const slice = await Effect.runPromise(
 *   store.page({ resource: collections, workspace: "acme", page: 1, perPage: 100 }),
 * );
 * pageSliceJson(slice!); // => "[]"
 * ```
 */
export const pageSliceJson = (slice: PageSlice): string => `[${slice.rows.join(",")}]`;

/** Options of {@link ListingStoreService.replaceWorkspace}. */
export interface ReplaceOptions {
  /** Where the data came from (kept in {@link WorkspaceInfo.source}). Default `api`. */
  readonly source?: string | undefined;
  /** The organization id; default: the one already stored, else one derived from the name. */
  readonly organizationId?: number | undefined;
}

/**
 * The operations of a {@link ListingStore}.
 *
 * **Details**
 *
 * - `replaceWorkspace` replaces every resource of a workspace in one atomic
 *   swap: readers see the old world or the new one, never a mix.
 * - `page` costs O(per_page) whatever the page number, for every resource
 *   and view.
 * - Whether an item is personal is derived from the resource model: a
 *   collection when `collections.personal(row)` (`space_type` `private`),
 *   any other item when one of its relations points at a personal item.
 */
export interface ListingStoreService {
  /** Replaces every resource of `workspace` (creating it if new) in one atomic swap. */
  readonly replaceWorkspace: (
    workspace: string,
    data: WorkspaceData,
    options?: ReplaceOptions,
  ) => Effect.Effect<WorkspaceInfo, StoreError>;
  /** Removes a workspace; `false` when it did not exist. */
  readonly deleteWorkspace: (workspace: string) => Effect.Effect<boolean, StoreError>;
  /** The workspace's info, or `undefined` when it does not exist. */
  readonly workspace: (workspace: string) => Effect.Effect<WorkspaceInfo | undefined, StoreError>;
  /** Every workspace, by name. */
  readonly workspaces: () => Effect.Effect<ReadonlyArray<WorkspaceInfo>, StoreError>;
  /**
   * One page of a listing in ascending key order, or `undefined` when the
   * workspace does not exist. A page past the end has no rows.
   */
  readonly page: (address: ListingAddress) => Effect.Effect<PageSlice | undefined, StoreError>;
  /**
   * The same page from memory only, without waiting: `undefined` unless
   * everything it needs is already cached. Used by the server's fast path.
   */
  readonly cachedPage: (address: ListingAddress) => PageSlice | undefined;
  /**
   * The workspace's current version from memory, without waiting:
   * `undefined` unless a fresh record is cached. Used by the server's fast path.
   */
  readonly cachedVersion: (workspace: string) => { readonly version: string } | undefined;
}

/**
 * The listing store behind the server, as an Effect service.
 *
 * **When to use**
 *
 * Read it in handlers; write it to seed, import or mirror a workspace
 * (tests change data between page requests with `replaceWorkspace`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { reports } from "@mode-discovery/core";
 * import { ListingStore } from "@mode-discovery/server";
 * const program = Effect.gen(function* () {
 *   const store = yield* ListingStore;
 *   return yield* store.page({ resource: reports, workspace: "acme", page: 1, perPage: 100 });
 * });
 * ```
 */
export class ListingStore extends Context.Service<ListingStore, ListingStoreService>()(
  "mode-discovery/server/ListingStore",
) {}
