/**
 * Mirroring a workspace of a Discovery API (Mode itself, or another
 * server) into a store: every resource listed through core's
 * `DiscoveryClient`, then swapped in whole.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import {
  type AnyResource,
  type DiscoveryClientShape,
  type DiscoveryError,
  INCLUDE_SPACES_ALL,
  type ListProgress,
  type ListSummary,
  type ResourceName,
  resources,
} from "@mode-discovery/core";
import type { ListingStoreService, StoreError, WorkspaceInfo } from "./ListingStore.ts";

/** Options of {@link mirrorWorkspace}. */
export interface MirrorOptions {
  /** The client of the API to copy from (its base URL and credentials). */
  readonly client: DiscoveryClientShape;
  /** The store to write into. */
  readonly store: ListingStoreService;
  /** The workspace to copy. */
  readonly workspace: string;
  /** The name to store it under. Default: `workspace`. */
  readonly into?: string | undefined;
  /** Where the data came from, kept as the workspace's `source` (never a secret). */
  readonly source: string;
  /** Items per request (default 1000). */
  readonly perPage?: number | undefined;
  /** Pages in flight at once, per resource (default 4). */
  readonly concurrency?: number | undefined;
  /** Called after each page (for progress displays), with the resource being listed. */
  readonly onProgress?: ((progress: ListProgress, resource: AnyResource) => void) | undefined;
}

/** What a mirror run did. */
export interface MirrorResult {
  /** The stored workspace after the swap. */
  readonly info: WorkspaceInfo;
  /** The client's account of each resource's listing: pages, retries, drift, time. */
  readonly summaries: Readonly<Partial<Record<ResourceName, ListSummary>>>;
}

/**
 * Lists every resource of `workspace` through `client` (with
 * `include_spaces=all` where the resource takes it, so items in personal
 * collections are copied too) and replaces the stored copy with them in
 * one atomic swap.
 *
 * **Details**
 *
 * The resources are listed one after the other, in the order of core's
 * `resources`. Nothing is written until every listing has been read: a
 * listing that fails (after the client's retries) leaves the stored copy as
 * it was. The swap is `replaceWorkspace`: readers see the old copy or the
 * new one, never half of each. The default view (without personal
 * collections' items) is derived from the copied collections as the
 * resource model decides, as on the source.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { DiscoveryClient, SignatureCredentials } from "@mode-discovery/core";
 * import { MemoryListingStore, mirrorWorkspace } from "@mode-discovery/server";
 * const program = Effect.gen(function* () {
 *   const client = yield* DiscoveryClient.make({
 *     baseUrl: "https://app.mode.com",
 *     credentials: SignatureCredentials.fromStrings({ token: "t", accessKey: "k", accessSecret: "s" }),
 *   });
 *   return yield* mirrorWorkspace({
 *     client, store: MemoryListingStore.make(), workspace: "acme",
 *     source: "mirror:https://app.mode.com",
 *   });
 * });
 * ```
 */
export const mirrorWorkspace = (
  options: MirrorOptions,
): Effect.Effect<MirrorResult, DiscoveryError | StoreError> =>
  Effect.gen(function* () {
    const summaries: Partial<Record<ResourceName, ListSummary>> = {};
    const data: Partial<Record<ResourceName, ReadonlyArray<unknown>>> = {};
    for (const resource of resources) {
      data[resource.name] = yield* Stream.runCollect(
        options.client.list(resource.name, {
          workspace: options.workspace,
          perPage: options.perPage,
          includeSpaces: resource.includeSpaces ? INCLUDE_SPACES_ALL : undefined,
          concurrency: options.concurrency,
          onProgress: options.onProgress === undefined
            ? undefined
            : (progress) => options.onProgress!(progress, resource),
          onSummary: (summary) => {
            summaries[resource.name] = summary;
          },
        }),
      );
    }
    const info = yield* options.store.replaceWorkspace(options.into ?? options.workspace, data, {
      source: options.source,
    });
    return { info, summaries };
  });

/**
 * Why `text` is not a usable base URL to mirror from, or `undefined`: it
 * must be an absolute http(s) URL without user name, password, query or
 * fragment.
 *
 * @example
 * ```ts
 * import { mirrorUrlProblem } from "@mode-discovery/server";
 * mirrorUrlProblem("app.mode.com"); // => "it is not an absolute URL"
 * mirrorUrlProblem("https://app.mode.com"); // => undefined
 * ```
 */
export const mirrorUrlProblem = (text: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "it is not an absolute URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "it is not http or https";
  if (url.username !== "" || url.password !== "") {
    return "it has a user name or password; the credentials go in MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET";
  }
  if (url.search !== "" || url.hash !== "") return "it has a query or fragment";
  return undefined;
};
