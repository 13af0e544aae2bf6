/**
 * The Discovery API as a fetch handler over any {@link CollectionStoreService},
 * with no runtime-specific code: core's `DiscoveryApi` served by
 * `HttpApiBuilder`, the fast path, and clean JSON answers at every edge. The
 * store decides where data lives (Deno KV, memory, ...); the caller decides
 * how requests arrive (`Deno.serve`, `node:http`, a test calling `fetch`).
 *
 * @module
 */
import type * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as HttpRouter from "effect/http/HttpRouter";
import * as HttpServer from "effect/http/HttpServer";
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder";
import {
  type AdminCredentials,
  DiscoveryApi,
  type LastPageNext,
  RequestValidationLayer,
  type SignatureCredentials,
} from "@mode-discovery/core";
import { batchHandlers } from "./BatchHandlers.ts";
import {
  CollectionStore,
  type CollectionStoreService,
  type StoreError,
} from "./CollectionStore.ts";
import { CredentialCache } from "./CredentialCache.ts";
import { adminAuthLayer, signatureAuthLayer } from "./EdgeAuth.ts";
import { MAX_BODY_BYTES } from "./EdgePolicies.ts";
import { ensureJson, fallbackMiddleware } from "./_fallback.ts";
import { makeFastPath } from "./_fastPath.ts";
import { Lru } from "./_lru.ts";
import { errorResponse } from "./_render.ts";
import { seedWorkspaces } from "./_seeding.ts";

/** The user id given to the development admin key and the token it stands for (as the edge server). */
const DEV_USER_ID = 1;

/** Options of {@link makeApiHandler}. */
export interface ApiHandlerOptions {
  /** Where the collections, tokens and admin keys live. */
  readonly store: CollectionStoreService;
  /** What the last page's `next_page` does. Default `past-end`. */
  readonly lastPageNext?: LastPageNext | undefined;
  /** Answer plain page requests without the HttpApi pipeline when possible. Default `true`. */
  readonly fastPath?: boolean | undefined;
  /** Seconds verified credentials are remembered. Default 10; 0 disables. */
  readonly credentialCacheSeconds?: number | undefined;
  /** Where unexpected failures are reported (one line, no secrets). Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
  /** What starts each reported failure line (`<name>: unexpected failure on ...`). Default `api`. */
  readonly name?: string | undefined;
}

/**
 * A running API handler: `fetch` answers one request and never rejects
 * (every answer is JSON); `dispose` releases it (the store is the caller's).
 */
export interface ApiHandler {
  /** Answers one request; never rejects. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Requests answered so far, and how many of them by the fast path. */
  readonly stats: () => { readonly requests: number; readonly fastPath: number };
  /** Releases the handler. */
  readonly dispose: () => Promise<void>;
}

/**
 * Builds the Discovery API handler on `store`.
 *
 * **When to use**
 *
 * To serve the API from a runtime of your choice: wrap `fetch` with
 * `Deno.serve`, a `node:http` adapter, or call it in tests.
 *
 * @example
 * ```ts
 * import { MemoryCollectionStore, makeApiHandler } from "@mode-discovery/edge";
 * const api = makeApiHandler({ store: MemoryCollectionStore.make() });
 * const response = await api.fetch(new Request("http://localhost/batch/acme/spaces"));
 * response.status; // => 401 (no credentials)
 * await api.dispose();
 * ```
 */
export const makeApiHandler = (options: ApiHandlerOptions): ApiHandler => {
  const { store } = options;
  const lastPageNext = options.lastPageNext ?? "past-end";
  const log = options.log ?? ((line: string) => console.error(line));
  const name = options.name ?? "api";
  const credentials = new CredentialCache((options.credentialCacheSeconds ?? 10) * 1000);
  const api = HttpApiBuilder.layer(DiscoveryApi).pipe(
    Layer.provide(batchHandlers({ lastPageNext })),
    Layer.provide([signatureAuthLayer(credentials), adminAuthLayer, RequestValidationLayer]),
    Layer.provide(Layer.succeed(CollectionStore, store)),
    Layer.provide(HttpServer.layerServices),
  );
  const web = HttpRouter.toWebHandler(Layer.mergeAll(api, fallbackMiddleware(log)), {
    disableLogger: true,
    routerConfig: { maxParamLength: 4096 },
  });
  const fast = options.fastPath === false ? undefined : makeFastPath({
    store,
    credentials,
    lastPageNext,
    pages: new Lru(32_000_000),
  });
  let requests = 0;
  let fastAnswers = 0;
  let disposed: Promise<void> | undefined;
  const fetch = async (request: Request): Promise<Response> => {
    requests++;
    try {
      const answer = fast?.(request);
      if (answer !== undefined) {
        fastAnswers++;
        return answer;
      }
      if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
        await request.body?.cancel();
        return errorResponse(
          400,
          "bad_request",
          `The request body is larger than ${MAX_BODY_BYTES} bytes; a signature token request is a small JSON object.`,
        );
      }
      return await ensureJson(await web.handler(request));
    } catch (error) {
      log(
        `${name}: unexpected failure on ${request.method}: ${
          error instanceof Error ? error.message.split("\n")[0] : String(error)
        }`,
      );
      return errorResponse(
        500,
        "server_error",
        "The server failed to handle this request. This is a bug in the server; it has been logged.",
      );
    }
  };
  return {
    fetch,
    stats: () => ({ requests, fastPath: fastAnswers }),
    dispose: () => disposed ??= web.dispose(),
  };
};

/** What {@link seedStore} puts in a store. */
export interface SeedStoreOptions {
  /** Workspaces to seed with `seedCollections`, in order. */
  readonly seed: ReadonlyArray<{ readonly workspace: string; readonly count: number }>;
  /** A non-expiring signature token of the first seeded workspace. */
  readonly devCredentials?: SignatureCredentials | undefined;
  /** An admin API key of the first seeded workspace. */
  readonly devAdmin?: AdminCredentials | undefined;
  /** Where a skipped workspace is reported. Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * Seeds a store: each workspace with its deterministic collections (unless
 * it already holds the same seed, or data from elsewhere, which is never
 * overwritten), then the development token and admin key of the first one.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryCollectionStore, seedStore } from "@mode-discovery/edge";
 * const store = MemoryCollectionStore.make();
 * await Effect.runPromise(seedStore(store, { seed: [{ workspace: "acme", count: 4146 }] }));
 * ```
 */
export const seedStore = (
  store: CollectionStoreService,
  options: SeedStoreOptions,
): Effect.Effect<void, StoreError> =>
  seedWorkspaces(store, {
    seed: options.seed,
    devCredentials: options.devCredentials,
    devAdmin: options.devAdmin,
    tokenName: "development token",
    devUserId: DEV_USER_ID,
    skipped: (workspace, source) =>
      (options.log ?? ((line: string) => console.error(line)))(
        `seed: not seeding ${workspace}: the store already holds its data from ${source}`,
      ),
    failure: () => (error) => error,
  });
