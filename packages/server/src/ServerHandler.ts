/**
 * The whole server as a fetch handler, on any runtime: the stores seeded
 * from the settings, the API handler (HttpApi and the fast path) and the
 * per-request policies in one pipeline. A runtime adapter only brings the
 * stores and the socket (apps/edge: Deno KV and Deno's HTTP server; apps/npm:
 * memory and `node:http`).
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Schema from "effect/Schema";
import type * as Scope from "effect/Scope";
import { type ApiHandlerOptions, makeApiHandler } from "./ApiHandler.ts";
import type { CredentialStoreService } from "./CredentialStore.ts";
import type { FetchHandler } from "./FetchHandler.ts";
import type { ListingStoreService } from "./ListingStore.ts";
import { makePolicies, type PolicyOptions, type PolicyStats } from "./Policies.ts";
import { seedStores } from "./Seeding.ts";
import { ServerSettings } from "./Settings.ts";

/** The counts of {@link ServerHandler.stats}. */
export interface ServerStats extends PolicyStats {
  /** Requests that reached the API handler (not the built-in routes, 429s or injected statuses). */
  readonly requests: number;
  /** How many of those the fast path answered. */
  readonly fastPath: number;
}

/**
 * A running server handler.
 *
 * **Details**
 *
 * `fetch` never rejects: every answer is JSON with `application/json`
 * (except `/docs`). `listings` and `credentials` are the live stores:
 * change data through them and the next request sees it. `dispose`
 * releases the handler (the stores are the caller's).
 */
export interface ServerHandler<
  L extends ListingStoreService = ListingStoreService,
  C extends CredentialStoreService = CredentialStoreService,
> {
  /** Answers one request; never rejects. */
  readonly fetch: FetchHandler;
  /** The live listing store behind the handler. */
  readonly listings: L;
  /** The live credential store behind the handler. */
  readonly credentials: C;
  /** The settings it was built with. */
  readonly settings: ServerSettings;
  /** Requests handled, fast-path answers, rate-limited requests, faults injected. */
  readonly stats: () => ServerStats;
  /** Releases the handler. */
  readonly dispose: () => Promise<void>;
}

/**
 * Options of {@link makeServerHandler}: the stores, the settings, the
 * API handler's options and the policies' (rate-limit store, `/healthz`
 * probe, log, access log, `onResponse` hook, clock, sleep).
 */
export interface ServerHandlerOptions<
  L extends ListingStoreService = ListingStoreService,
  C extends CredentialStoreService = CredentialStoreService,
> extends
  Omit<PolicyOptions, "settings">,
  Pick<ApiHandlerOptions, "fastPath" | "pageCache" | "credentialCacheSeconds"> {
  /** Where the listings live. */
  readonly listings: L;
  /** Where the signature tokens and admin keys live. */
  readonly credentials: C;
  /** The settings; default `ServerSettings.make()` (no seed, no policy). */
  readonly settings?: ServerSettings | undefined;
  /**
   * Reports a seeded workspace left alone because it holds data from
   * `source` (an import, a mirror). Default: a line to `log` naming
   * `MODE_SEED`, the workspace and the source.
   */
  readonly seedSkipped?: ((workspace: string, source: string) => void) | undefined;
}

/**
 * A failure to start: seeding failed. The message is one line and names
 * the setting involved.
 *
 * @example
 * ```ts
 * import { ServerStartupError } from "@mode-discovery/server";
 * new ServerStartupError({ message: "MODE_SEED: seeding acme: the KV store failed" });
 * ```
 */
export class ServerStartupError extends Schema.TaggedError<ServerStartupError>()(
  "ServerStartupError",
  { message: Schema.String },
) {}

/**
 * Builds the server handler in an Effect: seeds the stores, then puts the
 * policies around the API handler.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import {
 *   MemoryCredentialStore, MemoryListingStore, serverHandler, ServerSettings,
 * } from "@mode-discovery/server";
 * const status = await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
 *   const server = yield* serverHandler({
 *     listings: MemoryListingStore.make(),
 *     credentials: MemoryCredentialStore.make(),
 *     settings: ServerSettings.make({ seed: [{ workspace: "acme", count: 10 }] }),
 *   });
 *   const response = yield* Effect.promise(() => server.fetch(new Request("http://x/nope")));
 *   return response.status; // 404
 * })));
 * ```
 */
export const serverHandler = <L extends ListingStoreService, C extends CredentialStoreService>(
  options: ServerHandlerOptions<L, C>,
): Effect.Effect<ServerHandler<L, C>, ServerStartupError, Scope.Scope> =>
  Effect.acquireRelease(build(options), (handler) => Effect.promise(() => handler.dispose()));

const build = <L extends ListingStoreService, C extends CredentialStoreService>(
  options: ServerHandlerOptions<L, C>,
): Effect.Effect<ServerHandler<L, C>, ServerStartupError> =>
  Effect.gen(function* () {
    const settings = options.settings ?? ServerSettings.make();
    const log = options.log ?? ((line: string) => console.error(line));
    const name = options.name ?? "server";
    const { listings, credentials } = options;
    yield* seedStores({ listings, credentials }, {
      seed: settings.seed,
      devCredentials: settings.devCredentials,
      devAdmin: settings.devAdmin,
      tokenName: "development token (MODE_DEV_CREDENTIALS)",
      skipped: options.seedSkipped ?? ((workspace, source) =>
        log(
          `${name}: MODE_SEED: not seeding ${workspace}: the store already holds its data from ${source}; delete it or use another store`,
        )),
    }).pipe(Effect.mapError((failure) => {
      const step = failure.step;
      const what = step._tag === "Read"
        ? `Reading workspace ${step.workspace}`
        : step._tag === "Seed"
        ? `MODE_SEED: seeding ${step.workspace}`
        : step._tag === "DevCredentials"
        ? "MODE_DEV_CREDENTIALS"
        : "MODE_DEV_ADMIN";
      return new ServerStartupError({ message: `${what}: ${failure.error.message}` });
    }));
    const api = makeApiHandler({
      listings,
      credentials,
      lastPageNext: settings.lastPageNext,
      fastPath: options.fastPath,
      pageCache: options.pageCache,
      credentialCacheSeconds: options.credentialCacheSeconds,
      log,
      name,
    });
    const policies = makePolicies({
      settings,
      rateLimitStore: options.rateLimitStore,
      probe: options.probe,
      log,
      name,
      accessLog: options.accessLog,
      onResponse: options.onResponse,
      now: options.now,
      sleep: options.sleep,
    });
    return {
      fetch: policies.wrap(api.fetch),
      listings,
      credentials,
      settings,
      stats: () => ({ ...api.stats(), ...policies.stats() }),
      dispose: () => api.dispose(),
    } satisfies ServerHandler<L, C>;
  });

/**
 * Builds the server handler: seeds the stores from the settings and
 * returns `{ fetch, listings, credentials, stats, dispose }`.
 *
 * **When to use**
 *
 * To serve the API on any runtime: hand `fetch` to that runtime's HTTP
 * server, call it in tests, or wrap it with policies of your own.
 *
 * @example
 * ```ts
 * import {
 *   makeServerHandler, MemoryCredentialStore, MemoryListingStore, ServerSettings,
 * } from "@mode-discovery/server";
 * const server = await makeServerHandler({
 *   listings: MemoryListingStore.make(),
 *   credentials: MemoryCredentialStore.make(),
 *   settings: ServerSettings.make({ seed: [{ workspace: "acme", count: 10 }] }),
 * });
 * const response = await server.fetch(new Request("http://localhost/batch/acme/queries"));
 * response.status; // => 401 (no credentials)
 * await server.dispose();
 * ```
 */
export const makeServerHandler = async <
  L extends ListingStoreService,
  C extends CredentialStoreService,
>(options: ServerHandlerOptions<L, C>): Promise<ServerHandler<L, C>> => {
  const exit = await Effect.runPromiseExit(build(options));
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = Cause.findErrorOption(exit.cause);
  throw failure._tag === "Some"
    ? failure.value
    : new ServerStartupError({ message: "The server handler could not start." });
};
