/**
 * Small edits of a stored workspace: read all its collections, add some,
 * remove some. Each edit is one atomic `replaceWorkspace`, so readers see
 * the listing before or after it, never half of it.
 *
 * **When to use**
 *
 * The test hook for clients: change a workspace between page requests
 * (with the handler's `onResponse` option, after a given page is answered)
 * and check that the client notices drift, never loses or repeats a
 * collection, and stops.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import { Collection, MAX_PER_PAGE } from "@mode-discovery/core";
import {
  type CollectionStoreService,
  pageSliceJson,
  StoreError,
  type WorkspaceInfo,
} from "./CollectionStore.ts";

const decodeRows = Schema.decodeUnknownSync(Schema.Array(Collection));

/**
 * Every collection of `workspace` in id order, all from one version of its
 * listing; `undefined` when the workspace does not exist.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryCollectionStore, readWorkspace } from "@mode-discovery/edge";
 * const store = MemoryCollectionStore.make();
 * await Effect.runPromise(readWorkspace(store, "acme")); // => undefined
 * ```
 */
export const readWorkspace = (
  store: CollectionStoreService,
  workspace: string,
): Effect.Effect<ReadonlyArray<Collection> | undefined, StoreError> =>
  Effect.gen(function* () {
    for (let attempt = 0; attempt < 5; attempt++) {
      const out: Array<Collection> = [];
      let version: string | undefined;
      let changed = false;
      for (let page = 1;; page++) {
        const slice = yield* store.page(workspace, page, MAX_PER_PAGE);
        if (slice === undefined) return page === 1 ? undefined : yield* conflict(workspace);
        if (version !== undefined && slice.version !== version) {
          changed = true;
          break;
        }
        version = slice.version;
        const rows = decodeRows(JSON.parse(pageSliceJson(slice)));
        out.push(...rows);
        if (out.length >= slice.totalCount || rows.length === 0) break;
      }
      if (!changed) return out;
    }
    return yield* conflict(workspace);
  });

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
 * Adds collections to `workspace` (a collection whose id is already there
 * replaces it), in one atomic swap.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { addCollections, MemoryCollectionStore } from "@mode-discovery/edge";
 * const store = MemoryCollectionStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", []));
 * await Effect.runPromise(addCollections(store, "acme", [{
 *   id: 1, token: "abc", name: null, description: null, space_type: "custom",
 *   space_url: "/api/acme/spaces/abc",
 * }])); // => { count: 1, ... }
 * ```
 */
export const addCollections = (
  store: CollectionStoreService,
  workspace: string,
  collections: Iterable<Collection>,
): Effect.Effect<WorkspaceInfo, StoreError> =>
  Effect.gen(function* () {
    const current = yield* readWorkspace(store, workspace);
    if (current === undefined) return yield* missing(workspace);
    const byId = new Map(current.map((c) => [c.id, c]));
    for (const c of collections) byId.set(c.id, c);
    return yield* store.replaceWorkspace(workspace, byId.values(), { source: "edit" });
  });

/**
 * Removes the collections with the given ids from `workspace` (ids not
 * there are ignored), in one atomic swap.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryCollectionStore, removeCollections } from "@mode-discovery/edge";
 * const store = MemoryCollectionStore.make();
 * await Effect.runPromise(store.replaceWorkspace("acme", []));
 * await Effect.runPromise(removeCollections(store, "acme", [170, 171]));
 * ```
 */
export const removeCollections = (
  store: CollectionStoreService,
  workspace: string,
  ids: Iterable<number>,
): Effect.Effect<WorkspaceInfo, StoreError> =>
  Effect.gen(function* () {
    const current = yield* readWorkspace(store, workspace);
    if (current === undefined) return yield* missing(workspace);
    const drop = new Set(ids);
    return yield* store.replaceWorkspace(
      workspace,
      current.filter((c) => !drop.has(c.id)),
      { source: "edit" },
    );
  });
