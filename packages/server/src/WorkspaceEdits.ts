/**
 * Whole-workspace reads and small edits of a stored workspace: read every
 * item of every resource, add some items of one resource, remove some.
 * Each edit is one atomic `replaceWorkspace`, so readers see the workspace
 * before or after it, never half of it.
 *
 * **When to use**
 *
 * The test hook for clients: change a workspace between page requests
 * (with the handler's `onResponse` option, after a given page is answered)
 * and check that the client notices drift, never loses or repeats an item,
 * and stops. Also how `import` keeps the resources it was not given.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import {
  INCLUDE_SPACES_ALL,
  type ItemNamed,
  MAX_PER_PAGE,
  type ResourceName,
  resourceNamed,
  resources,
} from "@mode-discovery/core";
import {
  type ListingStoreService,
  pageSliceJson,
  StoreError,
  type WorkspaceData,
  type WorkspaceInfo,
} from "./ListingStore.ts";
import { itemSchema } from "./_listings.ts";

/** Every item of every resource of a workspace, by resource name, all from one version. */
export type WorkspaceItems = { readonly [N in ResourceName]: ReadonlyArray<ItemNamed<N>> };

const decoders = new Map(
  resources.map((r) => [r.name, Schema.decodeUnknownSync(Schema.Array(itemSchema(r)))]),
);

const conflict = (workspace: string) =>
  Effect.fail(
    new StoreError({
      reason: "Conflict",
      message: `workspace ${workspace} kept changing while it was read; try again`,
    }),
  );

const missing = (workspace: string) =>
  Effect.fail(
    new StoreError({ reason: "Invalid", message: `workspace ${workspace} does not exist` }),
  );

/**
 * Every item of every resource of `workspace` in key order (personal
 * collections' items included), all from one version; `undefined` when the
 * workspace does not exist.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryListingStore, readWorkspace } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(readWorkspace(store, "acme")); // => undefined
 * ```
 */
export const readWorkspace = (
  store: ListingStoreService,
  workspace: string,
): Effect.Effect<WorkspaceItems | undefined, StoreError> =>
  Effect.gen(function* () {
    for (let attempt = 0; attempt < 5; attempt++) {
      const out: Record<string, Array<unknown>> = {};
      let version: string | undefined;
      let changed = false;
      for (const resource of resources) {
        const items: Array<unknown> = [];
        out[resource.name] = items;
        for (let page = 1;; page++) {
          const slice = yield* store.page({
            resource,
            workspace,
            page,
            perPage: MAX_PER_PAGE,
            includeSpaces: resource.includeSpaces ? INCLUDE_SPACES_ALL : undefined,
          });
          if (slice === undefined) {
            return version === undefined ? undefined : yield* conflict(workspace);
          }
          if (version !== undefined && slice.version !== version) {
            changed = true;
            break;
          }
          version = slice.version;
          const rows = decoders.get(resource.name)!(JSON.parse(pageSliceJson(slice)));
          items.push(...rows);
          if (items.length >= slice.totalCount || rows.length === 0) break;
        }
        if (changed) break;
      }
      if (!changed) return out as unknown as WorkspaceItems;
    }
    return yield* conflict(workspace);
  });

/**
 * Replaces some resources of `workspace` and keeps the others as they are,
 * in one atomic swap (the workspace must exist).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryListingStore, replaceResources } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", {}));
 * await Effect.runPromise(replaceResources(store, "acme", { members: [] }, { source: "import" }));
 * ```
 */
export const replaceResources = (
  store: ListingStoreService,
  workspace: string,
  data: WorkspaceData,
  options: { readonly source: string },
): Effect.Effect<WorkspaceInfo, StoreError> =>
  Effect.gen(function* () {
    const current = yield* readWorkspace(store, workspace);
    if (current === undefined) return yield* missing(workspace);
    return yield* store.replaceWorkspace(workspace, { ...current, ...data }, options);
  });

/**
 * Adds items of one resource to `workspace` (an item whose key is already
 * there replaces it), in one atomic swap.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { addItems, MemoryListingStore } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", {}));
 * await Effect.runPromise(addItems(store, "acme", "collections", [{
 *   id: 1, token: "abc", name: null, description: null, space_type: "custom",
 *   space_url: "/api/acme/spaces/abc",
 * }])); // => { counts: { collections: 1, ... }, ... }
 * ```
 */
export const addItems = <N extends ResourceName>(
  store: ListingStoreService,
  workspace: string,
  resource: N,
  items: Iterable<ItemNamed<N>>,
): Effect.Effect<WorkspaceInfo, StoreError> =>
  Effect.gen(function* () {
    const current = yield* readWorkspace(store, workspace);
    if (current === undefined) return yield* missing(workspace);
    const key = resourceNamed(resource).key;
    const byKey = new Map<unknown, unknown>(
      (current[resource] as ReadonlyArray<Record<string, unknown>>).map((
        item,
      ) => [item[key], item]),
    );
    for (const item of items) byKey.set((item as Record<string, unknown>)[key], item);
    return yield* store.replaceWorkspace(workspace, { ...current, [resource]: byKey.values() }, {
      source: "edit",
    });
  });

/**
 * Removes the items of one resource with the given keys from `workspace`
 * (keys not there are ignored), in one atomic swap.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryListingStore, removeItems } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", {}));
 * await Effect.runPromise(removeItems(store, "acme", "collections", [170, 171]));
 * ```
 */
export const removeItems = (
  store: ListingStoreService,
  workspace: string,
  resource: ResourceName,
  keys: Iterable<number>,
): Effect.Effect<WorkspaceInfo, StoreError> =>
  Effect.gen(function* () {
    const current = yield* readWorkspace(store, workspace);
    if (current === undefined) return yield* missing(workspace);
    const key = resourceNamed(resource).key;
    const drop = new Set(keys);
    const kept = (current[resource] as ReadonlyArray<Record<string, unknown>>).filter((item) =>
      !drop.has(item[key] as number)
    );
    return yield* store.replaceWorkspace(workspace, { ...current, [resource]: kept }, {
      source: "edit",
    });
  });
