/**
 * Mirroring a workspace of a real Discovery API (Mode) into the store:
 * listed through core's `DiscoveryClient`, then swapped in whole.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import type {
  Collection,
  DiscoveryClientShape,
  DiscoveryError,
  ListProgress,
  ListSummary,
} from "@mode-discovery/core";
import type { CollectionStoreService, StoreError, WorkspaceInfo } from "./CollectionStore.ts";

/** Options of {@link mirrorWorkspace}. */
export interface MirrorOptions {
  /** The client of the API to copy from (its base URL and credentials). */
  readonly client: DiscoveryClientShape;
  /** The store to write into. */
  readonly store: CollectionStoreService;
  /** The workspace to copy. */
  readonly workspace: string;
  /** The name to store it under. Default: `workspace`. */
  readonly into?: string | undefined;
  /** Where the data came from, kept as the workspace's `source` (never a secret). */
  readonly source: string;
  /** Collections per request (default 1000). */
  readonly perPage?: number | undefined;
  /** Pages in flight at once (default 4). */
  readonly concurrency?: number | undefined;
  /** Called after each page (for progress displays). */
  readonly onProgress?: ((progress: ListProgress) => void) | undefined;
}

/** What a mirror run did. */
export interface MirrorResult {
  /** The stored workspace after the swap. */
  readonly info: WorkspaceInfo;
  /** The client's account of the listing: pages, retries, drift, time. */
  readonly summary: ListSummary | undefined;
}

/**
 * Lists `workspace` through `client` and replaces the stored copy with it
 * in one atomic swap.
 *
 * **Details**
 *
 * Nothing is written until the whole listing has been read: a listing that
 * fails (after the client's retries) leaves the stored copy as it was.
 * The swap is `replaceWorkspace`: readers see the old copy or the new one,
 * never half of each. When the upstream totals changed during the listing
 * (`summary.totalsDrifted`), the copy holds each collection once, as it was
 * when its page was read.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as FetchHttpClient from "effect/http/FetchHttpClient";
 * import { DiscoveryClient, SignatureCredentials } from "@mode-discovery/core";
 * import { MemoryCollectionStore, mirrorWorkspace } from "@mode-discovery/edge";
 * const program = Effect.gen(function* () {
 *   const client = yield* DiscoveryClient.make({
 *     baseUrl: "https://app.mode.com",
 *     credentials: SignatureCredentials.fromStrings({ token: "t", accessKey: "k", accessSecret: "s" }),
 *   });
 *   return yield* mirrorWorkspace({
 *     client, store: MemoryCollectionStore.make(), workspace: "acme",
 *     source: "mirror:https://app.mode.com",
 *   });
 * }).pipe(Effect.provide(FetchHttpClient.layer));
 * ```
 */
export const mirrorWorkspace = (
  options: MirrorOptions,
): Effect.Effect<MirrorResult, DiscoveryError | StoreError> =>
  Effect.gen(function* () {
    let summary: ListSummary | undefined;
    const collections: ReadonlyArray<Collection> = yield* Stream.runCollect(
      options.client.collections.list({
        workspace: options.workspace,
        perPage: options.perPage,
        concurrency: options.concurrency,
        onProgress: options.onProgress,
        onSummary: (s) => {
          summary = s;
        },
      }),
    );
    const info = yield* options.store.replaceWorkspace(
      options.into ?? options.workspace,
      collections,
      { source: options.source },
    );
    return { info, summary };
  });
