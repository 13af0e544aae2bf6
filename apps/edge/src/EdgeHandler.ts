/**
 * The edge server as a fetch handler: core's `DiscoveryApi` served by
 * `HttpApiBuilder` on a Deno KV {@link CollectionStore}, seeded from the
 * settings, with clean JSON answers at every edge.
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Schema from "effect/Schema";
import type * as Scope from "effect/Scope";
import type { StoreError } from "./CollectionStore.ts";
import { EdgeSettings, type KvLocation } from "./EdgeSettings.ts";
import { KvCollectionStore, type KvCollectionStoreService } from "./KvCollectionStore.ts";
import { makeApiHandler } from "./ApiHandler.ts";
import { seedWorkspaces } from "./_seeding.ts";
import type { RequestEvent } from "./AccessLog.ts";
import { makeEdgePolicies, type PolicyStats } from "./EdgePolicies.ts";
import { KvRateLimitStore } from "./KvRateLimitStore.ts";
import type { RateLimitStore } from "./RateLimit.ts";

/** The user id of the development admin (`MODE_DEV_ADMIN`), and creator of the dev token. */
export const DEV_ADMIN_USER_ID = 1;

export { MAX_BODY_BYTES } from "./EdgePolicies.ts";

export type { FetchHandler } from "./FetchHandler.ts";
import type { FetchHandler } from "./FetchHandler.ts";

/**
 * A running edge handler.
 *
 * **Details**
 *
 * `fetch` never rejects: every answer is JSON with `application/json`.
 * `store` is the live store (change data through it and the next request
 * sees it). `dispose` releases the handler and closes the KV if the handler
 * opened it.
 */
export interface EdgeHandler {
  /** Answers one request; never rejects. */
  readonly fetch: FetchHandler;
  /** The live store behind the handler. */
  readonly store: KvCollectionStoreService;
  /** The settings it was built with. */
  readonly settings: EdgeSettings;
  /**
   * Requests that reached the API handler and how many of them the fast
   * path answered; requests refused by the rate limit; faults injected.
   */
  readonly stats: () => EdgeStats;
  /** Releases the handler and closes the KV if it opened it. */
  readonly dispose: () => Promise<void>;
}

/** The counts of {@link EdgeHandler.stats}. */
export interface EdgeStats extends PolicyStats {
  /** Requests that reached the API handler (not the built-in routes, 429s or injected statuses). */
  readonly requests: number;
  /** How many of those the fast path answered. */
  readonly fastPath: number;
}

/** Options of {@link makeEdgeHandler}. */
export interface EdgeHandlerOptions {
  /** The settings; default `EdgeSettings.make()` (in-memory KV, no seed). */
  readonly settings?: EdgeSettings | undefined;
  /** Use this KV instead of opening `settings.kv`; it is not closed by `dispose`. */
  readonly kv?: Deno.Kv | undefined;
  /**
   * Answer plain page requests from memory when everything is cached
   * (default `true`). Turn it off when wrapping per-request policies into
   * the HttpApi middleware rather than around `fetch`.
   */
  readonly fastPath?: boolean | undefined;
  /** Seconds verified credentials are remembered. Default 10; 0 disables. */
  readonly credentialCacheSeconds?: number | undefined;
  /** Milliseconds a workspace record is reused (see `KvCollectionStoreOptions`). Default 1000. */
  readonly metaTtlMs?: number | undefined;
  /** Where warnings and unexpected failures are reported. Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
  /**
   * Where access log lines go when `settings.accessLog` is on. Default
   * `console.log` (standard output).
   */
  readonly accessLog?: ((line: string) => void) | undefined;
  /**
   * Called after each request is answered and before its answer is
   * returned (awaited): the test hook to change data between page requests,
   * for example with `removeCollections(edge.store, ...)` once page 2 was
   * answered.
   */
  readonly onResponse?: ((event: RequestEvent) => void | Promise<void>) | undefined;
  /** Where rate-limit counts live. Default: the handler's KV (shared by instances). */
  readonly rateLimitStore?: RateLimitStore | undefined;
  /** Clock of the rate limit, epoch ms. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** How fault delays wait. Default `setTimeout`. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/**
 * A failure to start: the KV cannot be opened, or seeding failed. The
 * message is one line and names the setting involved.
 */
export class EdgeStartupError extends Schema.TaggedError<EdgeStartupError>()("EdgeStartupError", {
  message: Schema.String,
}) {}

/**
 * Opens the Deno KV at `location`; fails with an {@link EdgeStartupError}
 * naming `MODE_KV_PATH` when it cannot (or when KV is not enabled).
 */
export const openKv = (location: KvLocation): Effect.Effect<Deno.Kv, EdgeStartupError> =>
  Effect.tryPromise({
    try: () => {
      if (typeof Deno.openKv !== "function") {
        throw new Error(
          'Deno KV is not enabled: run with --unstable-kv or add "unstable": ["kv"] to deno.json',
        );
      }
      return location._tag === "Memory"
        ? Deno.openKv(":memory:")
        : location._tag === "Path"
        ? Deno.openKv(location.path)
        : Deno.openKv();
    },
    catch: (error) =>
      new EdgeStartupError({
        message: `Cannot open the KV store${
          location._tag === "Path" ? ` at MODE_KV_PATH=${location.path}` : ""
        }: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      }),
  });

const startupFailure = (what: string) => (error: StoreError) =>
  new EdgeStartupError({ message: `${what}: ${error.message}` });

/**
 * Seeds the workspaces of `MODE_SEED`, stores the development credentials
 * and clears versions left over by a crash.
 *
 * **Details**
 *
 * A workspace is (re)seeded when it is missing or holds other seeded data;
 * a workspace holding data from elsewhere (an import) is left alone, with a
 * warning, so a seed never overwrites real data.
 */
export const applySettings = (
  store: KvCollectionStoreService,
  settings: EdgeSettings,
  log: (line: string) => void,
): Effect.Effect<void, EdgeStartupError> =>
  Effect.gen(function* () {
    yield* store.collectGarbage().pipe(Effect.mapError(startupFailure("Cleaning the KV store")));
    yield* seedWorkspaces(store, {
      seed: settings.seed,
      devCredentials: settings.devCredentials,
      devAdmin: settings.devAdmin,
      tokenName: "development token (MODE_DEV_CREDENTIALS)",
      devUserId: DEV_ADMIN_USER_ID,
      skipped: (workspace, source) =>
        log(
          `edge: MODE_SEED: not seeding ${workspace}: the KV already holds its data from ${source}; delete it or use another MODE_KV_PATH`,
        ),
      failure: (step) =>
        startupFailure(
          step._tag === "Read"
            ? `Reading workspace ${step.workspace}`
            : step._tag === "Seed"
            ? `MODE_SEED: seeding ${step.workspace}`
            : step._tag === "DevCredentials"
            ? "MODE_DEV_CREDENTIALS"
            : "MODE_DEV_ADMIN",
        ),
    });
  });

/**
 * Builds the edge handler in a scope (closing the scope disposes it).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { edgeHandler, EdgeSettings } from "@mode-discovery/edge";
 * const status = await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
 *   const edge = yield* edgeHandler({ settings: EdgeSettings.make() });
 *   const response = yield* Effect.promise(() => edge.fetch(new Request("http://x/nope")));
 *   return response.status; // 404
 * })));
 * ```
 */
export const edgeHandler = (
  options: EdgeHandlerOptions = {},
): Effect.Effect<EdgeHandler, EdgeStartupError, Scope.Scope> =>
  Effect.acquireRelease(build(options), (handler) => Effect.promise(() => handler.dispose()));

const build = (options: EdgeHandlerOptions): Effect.Effect<EdgeHandler, EdgeStartupError> =>
  Effect.gen(function* () {
    const settings = options.settings ?? EdgeSettings.make();
    const log = options.log ?? ((line: string) => console.error(line));
    const ownsKv = options.kv === undefined;
    const kv = options.kv ?? (yield* openKv(settings.kv));
    const closeKv = () => {
      if (ownsKv) {
        try {
          kv.close();
        } catch {
          // already closed
        }
      }
    };
    const store = KvCollectionStore.make(kv, { metaTtlMs: options.metaTtlMs });
    const applied = yield* Effect.exit(applySettings(store, settings, log));
    if (Exit.isFailure(applied)) {
      closeKv();
      return yield* Effect.failCause(applied.cause);
    }
    const api = makeApiHandler({
      store,
      lastPageNext: settings.lastPageNext,
      fastPath: options.fastPath,
      credentialCacheSeconds: options.credentialCacheSeconds,
      log,
      name: "edge",
    });
    let disposed = false;
    const policies = makeEdgePolicies({
      settings,
      rateLimitStore: options.rateLimitStore ?? KvRateLimitStore.make(kv),
      probe: () => kv.get(["mode-discovery", "health"]),
      log,
      accessLog: options.accessLog,
      onResponse: options.onResponse,
      now: options.now,
      sleep: options.sleep,
    });
    const fetch = policies.wrap(api.fetch);
    return {
      fetch,
      store,
      settings,
      stats: () => ({ ...api.stats(), ...policies.stats() }),
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        await api.dispose();
        closeKv();
      },
    } satisfies EdgeHandler;
  });

/**
 * Builds the edge handler: opens the KV, seeds it from the settings and
 * returns `{ fetch, store, dispose }`.
 *
 * **When to use**
 *
 * To serve the API from your own `Deno.serve`, in tests (call `fetch`
 * in-process), or to wrap `fetch` with middleware of your own.
 *
 * @example
 * ```ts
 * import { EdgeSettings, makeEdgeHandler } from "@mode-discovery/edge";
 * const edge = await makeEdgeHandler({
 *   settings: EdgeSettings.make({ seed: [{ workspace: "acme", count: 10 }] }),
 * });
 * const response = await edge.fetch(new Request("http://localhost/batch/acme/spaces"));
 * response.status; // => 401 (no credentials)
 * await edge.dispose();
 * ```
 */
export const makeEdgeHandler = async (options: EdgeHandlerOptions = {}): Promise<EdgeHandler> => {
  const exit = await Effect.runPromiseExit(build(options));
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = Cause.findErrorOption(exit.cause);
  throw failure._tag === "Some"
    ? failure.value
    : new EdgeStartupError({ message: "The edge handler could not start." });
};
