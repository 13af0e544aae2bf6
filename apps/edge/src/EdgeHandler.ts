/**
 * The edge server as a fetch handler: packages/server's handler on Deno
 * KV (the listing, credential and rate-limit stores on one `Deno.Kv`),
 * seeded from the settings.
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Schema from "effect/Schema";
import type * as Scope from "effect/Scope";
import {
  type CredentialStoreService,
  KvCredentialStore,
  KvListingStore,
  type KvListingStoreService,
  KvRateLimitStore,
  makeServerHandler,
  type ServerHandler,
  type ServerHandlerOptions,
} from "@mode-discovery/server";
import { EdgeSettings, type KvLocation } from "./EdgeSettings.ts";

/**
 * A running edge handler: the server handler on Deno KV.
 *
 * **Details**
 *
 * `fetch` never rejects: every answer is JSON with `application/json`
 * (except `/docs`). `listings` (with `collectGarbage`) and `credentials`
 * are the live stores on the KV: change data through them and the next
 * request sees it. `dispose` releases the handler and closes the KV if
 * the handler opened it.
 */
export interface EdgeHandler
  extends Omit<ServerHandler<KvListingStoreService, CredentialStoreService>, "settings"> {
  /** The settings it was built with. */
  readonly settings: EdgeSettings;
  /** The KV behind the stores. */
  readonly kv: Deno.Kv;
}

/** Options of {@link makeEdgeHandler}: the server handler's, without the stores. */
export interface EdgeHandlerOptions
  extends
    Omit<ServerHandlerOptions, "listings" | "credentials" | "settings" | "name" | "seedSkipped"> {
  /** The settings; default `EdgeSettings.make()` (in-memory KV, no seed). */
  readonly settings?: EdgeSettings | undefined;
  /** Use this KV instead of opening `settings.kv`; it is not closed by `dispose`. */
  readonly kv?: Deno.Kv | undefined;
  /** Milliseconds a workspace record is reused (see `KvListingStoreOptions`). Default 1000. */
  readonly metaTtlMs?: number | undefined;
}

/**
 * A failure to start: the KV cannot be opened, or seeding failed. The
 * message is one line and names the setting involved.
 *
 * @example
 * ```ts
 * import { EdgeStartupError } from "@mode-discovery/edge";
 * new EdgeStartupError({ message: "Cannot open the KV store at MODE_KV_PATH=/nope/edge.kv: ..." });
 * ```
 */
export class EdgeStartupError extends Schema.TaggedError<EdgeStartupError>()("EdgeStartupError", {
  message: Schema.String,
}) {}

/**
 * Opens the Deno KV at `location`; fails with an {@link EdgeStartupError}
 * naming `MODE_KV_PATH` when it cannot (or when KV is not enabled).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { KvLocation, openKv } from "@mode-discovery/edge";
 * const kv = await Effect.runPromise(openKv(KvLocation.memory));
 * kv.close();
 * ```
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
      if (!ownsKv) return;
      try {
        kv.close();
      } catch {
        // already closed
      }
    };
    const listings = KvListingStore.make(kv, { metaTtlMs: options.metaTtlMs });
    const started = yield* Effect.exit(Effect.gen(function* () {
      // Versions left half-written by a crash are deleted before serving.
      yield* listings.collectGarbage().pipe(
        Effect.mapError((error) =>
          new EdgeStartupError({ message: `Cleaning the KV store: ${error.message}` })
        ),
      );
      return yield* Effect.tryPromise({
        try: () =>
          makeServerHandler({
            ...options,
            listings,
            credentials: KvCredentialStore.make(kv),
            settings,
            rateLimitStore: options.rateLimitStore ?? KvRateLimitStore.make(kv),
            probe: options.probe ?? listings.probe,
            log,
            name: "edge",
            seedSkipped: (workspace, source) =>
              log(
                `edge: MODE_SEED: not seeding ${workspace}: the KV already holds its data from ${source}; delete it or use another MODE_KV_PATH`,
              ),
          }),
        catch: (error) =>
          new EdgeStartupError({
            message: error instanceof Error ? error.message : String(error),
          }),
      });
    }));
    if (Exit.isFailure(started)) {
      closeKv();
      return yield* Effect.failCause(started.cause);
    }
    const server = started.value;
    let disposed = false;
    return {
      ...server,
      settings,
      kv,
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        await server.dispose();
        closeKv();
      },
    } satisfies EdgeHandler;
  });

/**
 * Builds the edge handler: opens the KV, seeds it from the settings and
 * returns `{ fetch, listings, credentials, stats, dispose }`.
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
 * const response = await edge.fetch(new Request("http://localhost/batch/acme/reports"));
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
