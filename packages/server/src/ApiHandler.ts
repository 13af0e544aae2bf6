/**
 * The Discovery API as a fetch handler over a {@link ListingStoreService}
 * and a {@link CredentialStoreService}, with no runtime-specific code:
 * core's `DiscoveryApi` served by `HttpApiBuilder`, the fast path, and
 * clean JSON answers at every edge. The stores decide where data lives (a
 * KV, memory, ...); the caller decides how requests arrive (Deno's server,
 * a `node:http` adapter, a test calling `fetch`).
 *
 * @module
 */
import * as Layer from "effect/Layer";
import * as HttpRouter from "effect/http/HttpRouter";
import * as HttpServer from "effect/http/HttpServer";
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder";
import {
  DiscoveryApi,
  type LastPageNext,
  RequestValidationLayer,
  ServerError,
} from "@mode-discovery/core";
import { batchHandlers } from "./Handlers.ts";
import { CredentialStore, type CredentialStoreService } from "./CredentialStore.ts";
import { CredentialCache } from "./CredentialCache.ts";
import { adminAuthLayer, signatureAuthLayer } from "./Auth.ts";
import { ListingStore, type ListingStoreService } from "./ListingStore.ts";
import { PageCache } from "./PageCache.ts";
import type { FetchHandler } from "./FetchHandler.ts";
import { ensureJson, fallbackMiddleware } from "./_fallback.ts";
import { makeFastPath } from "./_fastPath.ts";
import { errorResponse } from "./_render.ts";
import { bodyTooLargeResponse, MAX_BODY_BYTES } from "./_responses.ts";

/** Options of {@link makeApiHandler}. */
export interface ApiHandlerOptions {
  /** Where the workspaces' listings live. */
  readonly listings: ListingStoreService;
  /** Where the signature tokens and admin keys live. */
  readonly credentials: CredentialStoreService;
  /** What the last page's `next_page` does. Default `past-end`. */
  readonly lastPageNext?: LastPageNext | undefined;
  /** Answer plain page requests without the HttpApi pipeline when possible. Default `true`. */
  readonly fastPath?: boolean | undefined;
  /** Where the fast path keeps rendered pages. Default `PageCache.memory()` (32 million characters). */
  readonly pageCache?: PageCache | undefined;
  /** Seconds verified credentials are remembered. Default 10; 0 disables. */
  readonly credentialCacheSeconds?: number | undefined;
  /** Where unexpected failures are reported (one line, no secrets). Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
  /** What starts each reported failure line (`<name>: unexpected failure on ...`). Default `api`. */
  readonly name?: string | undefined;
}

/**
 * A running API handler: `fetch` answers one request and never rejects
 * (every answer is JSON); `dispose` releases it (the stores are the caller's).
 */
export interface ApiHandler {
  /** Answers one request; never rejects. */
  readonly fetch: FetchHandler;
  /** Requests answered so far, and how many of them by the fast path. */
  readonly stats: () => { readonly requests: number; readonly fastPath: number };
  /** Releases the handler. */
  readonly dispose: () => Promise<void>;
}

/**
 * Builds the Discovery API handler on the stores.
 *
 * **When to use**
 *
 * To serve the API from a runtime of your choice: wrap `fetch` with that
 * runtime's HTTP server, a `node:http` adapter, or call it in tests. For
 * the per-request policies (rate limit, faults, CORS, access log, the
 * built-in routes) and seeding, use `makeServerHandler`.
 *
 * @example
 * ```ts
 * import { makeApiHandler, MemoryCredentialStore, MemoryListingStore } from "@mode-discovery/server";
 * const api = makeApiHandler({
 *   listings: MemoryListingStore.make(),
 *   credentials: MemoryCredentialStore.make(),
 * });
 * const response = await api.fetch(new Request("http://localhost/batch/acme/reports"));
 * response.status; // => 401 (no credentials)
 * await api.dispose();
 * ```
 */
export const makeApiHandler = (options: ApiHandlerOptions): ApiHandler => {
  const { listings } = options;
  const lastPageNext = options.lastPageNext ?? "past-end";
  const log = options.log ?? ((line: string) => console.error(line));
  const name = options.name ?? "api";
  const credentials = new CredentialCache((options.credentialCacheSeconds ?? 10) * 1000);
  const api = HttpApiBuilder.layer(DiscoveryApi).pipe(
    Layer.provide(batchHandlers({ lastPageNext })),
    Layer.provide([signatureAuthLayer(credentials), adminAuthLayer, RequestValidationLayer]),
    Layer.provide(Layer.succeed(ListingStore, listings)),
    Layer.provide(Layer.succeed(CredentialStore, options.credentials)),
    Layer.provide(HttpServer.layerServices),
  );
  const web = HttpRouter.toWebHandler(Layer.mergeAll(api, fallbackMiddleware(log, name)), {
    disableLogger: true,
    routerConfig: { maxParamLength: 4096 },
  });
  const fast = options.fastPath === false ? undefined : makeFastPath({
    listings,
    credentials,
    lastPageNext,
    pages: options.pageCache ?? PageCache.memory(),
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
        return bodyTooLargeResponse();
      }
      return await ensureJson(await web.handler(request));
    } catch (error) {
      log(
        `${name}: unexpected failure on ${request.method}: ${
          error instanceof Error ? error.message.split("\n")[0] : String(error)
        }`,
      );
      return errorResponse(
        ServerError.status,
        ServerError.id,
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
