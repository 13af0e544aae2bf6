/**
 * The per-request policies around the API, applied in one pipeline to
 * every request, whether the fast path or the HttpApi handler answers it:
 * the access log and request hook, the header and body size limits, CORS,
 * `/healthz`, `/openapi.json`, `/docs`, rate limiting per signature token
 * and fault injection.
 *
 * **Details**
 *
 * The pipeline is a list of `Policy` values, `(next) => FetchHandler`,
 * composed once, outermost first (see {@link makePolicies}). They work on
 * web `Request`/`Response` values rather than inside effect's `HttpRouter`
 * (where `HttpMiddleware.cors` and `HttpMiddleware.logger` live), because
 * the fast path answers without entering the router: router middleware
 * would either miss those answers or have to be restated for them.
 *
 * @module
 */
import type { FetchHandler } from "./FetchHandler.ts";
import { accessLogLine, describeRequest, type RequestEvent } from "./AccessLog.ts";
import { docsPage, openApiJson } from "./ApiDocs.ts";
import { withCors } from "./Cors.ts";
import { describeFaults, FaultInjector, type FaultStats } from "./Faults.ts";
import { healthResponse } from "./Health.ts";
import {
  type RateDecision,
  rateLimitedResponse,
  RateLimiter,
  RateLimitStore,
} from "./RateLimit.ts";
import type { ServerSettings } from "./Settings.ts";
import { bearerToken } from "./_bearerToken.ts";
import { errorResponse, JSON_CONTENT_TYPE } from "./_render.ts";
import { bodyTooLargeResponse, MAX_BODY_BYTES } from "./_responses.ts";
import { BadRequest, MethodNotAllowed } from "@mode-discovery/core";

export { bodyTooLargeResponse, MAX_BODY_BYTES } from "./_responses.ts";

/** Largest total size of a request's headers (names and values), in bytes. */
export const MAX_HEADER_BYTES = 16_384;

/**
 * One step of the pipeline: wraps the handler inside it.
 *
 * @example
 * ```ts
 * import type { Policy } from "@mode-discovery/server";
 * const noStore: Policy = (next) => async (request) => {
 *   const response = await next(request);
 *   response.headers.set("cache-control", "no-store");
 *   return response;
 * };
 * ```
 */
export type Policy = (next: FetchHandler) => FetchHandler;

/**
 * Composes policies around `handler`, the first outermost (it sees the
 * request first and the answer last).
 *
 * @example
 * ```ts
 * import { pipeline } from "@mode-discovery/server";
 * const fetch = pipeline([], () => Promise.resolve(Response.json({})));
 * ```
 */
export const pipeline = (policies: ReadonlyArray<Policy>, handler: FetchHandler): FetchHandler =>
  policies.reduceRight((next, policy) => policy(next), handler);

/**
 * The whole body if it is at most `max` bytes, else `undefined` (the rest is
 * not read: leaving the loop cancels a web stream). Takes any async
 * iterable of bytes: a web `ReadableStream`, or a Node request.
 *
 * **When to use**
 *
 * In a runtime adapter that reads bodies itself (apps/npm's `node:http`
 * bridge), with {@link MAX_BODY_BYTES}, so it refuses what the server would.
 *
 * @example
 * ```ts
 * import { MAX_BODY_BYTES, readBodyAtMost } from "@mode-discovery/server";
 * const body = await readBodyAtMost(new Response("{}").body!, MAX_BODY_BYTES);
 * body?.length; // => 2
 * ```
 */
export const readBodyAtMost = async (
  body: AsyncIterable<Uint8Array>,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> => {
  const chunks: Array<Uint8Array> = [];
  let size = 0;
  for await (const value of body) {
    size += value.length;
    if (size > max) return undefined;
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};

/** Counts kept by the policies. */
export interface PolicyStats {
  /** Requests refused with 429 by the rate limit. */
  readonly rateLimited: number;
  /** Faults injected, when `MODE_FAULTS` is set. */
  readonly faults: FaultStats | undefined;
}

/** Options of {@link makePolicies}. */
export interface PolicyOptions {
  /** The settings: rate limit, faults, CORS origins, access log. */
  readonly settings: Pick<ServerSettings, "rateLimit" | "faults" | "corsOrigins" | "accessLog">;
  /** Where rate-limit counts live. Default: this process's memory. */
  readonly rateLimitStore?: RateLimitStore | undefined;
  /** Checks the store for `/healthz`. Default: always healthy. */
  readonly probe?: (() => Promise<unknown>) | undefined;
  /** Warnings (a failing rate-limit store). Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
  /** What starts each warning line (`<name>: MODE_FAULTS: ...`). Default `server`. */
  readonly name?: string | undefined;
  /** Where access log lines go when `settings.accessLog` is on. Default `console.log`. */
  readonly accessLog?: ((line: string) => void) | undefined;
  /**
   * Called after each request is answered, before the answer is returned
   * (awaited): the test hook for changing data between page requests.
   */
  readonly onResponse?: ((event: RequestEvent) => void | Promise<void>) | undefined;
  /** Clock of the rate limit, epoch ms. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** How fault delays wait. Default `setTimeout`. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** The policies, ready to wrap a handler. */
export interface Policies {
  /** The configured policies, outermost first (for a pipeline of your own). */
  readonly list: ReadonlyArray<Policy>;
  /** Wraps the API handler with every configured policy. */
  readonly wrap: (next: FetchHandler) => FetchHandler;
  /** Counts kept so far. */
  readonly stats: () => PolicyStats;
}

/** Where a request goes, from its path (no URL parsing: this runs on every request). */
const pathOf = (url: string): string => {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  let end = url.length;
  for (const mark of ["?", "#"]) {
    const at = url.indexOf(mark, start);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(start, end);
};

const BUILT_IN = new Set(["/healthz", "/openapi.json", "/docs"]);

const headerBytes = (headers: Headers): number => {
  let total = 0;
  for (const [name, value] of headers) total += name.length + value.length + 4;
  return total;
};

/**
 * Builds the policies of `options.settings`.
 *
 * **Details**
 *
 * From the outside in: the request hook and access log (one JSON line per
 * request, see `AccessLog.ts`), the header size limit (431 over
 * {@link MAX_HEADER_BYTES}; a body sent without `Content-Length` is read
 * here and refused over {@link MAX_BODY_BYTES}), CORS
 * (`MODE_CORS_ORIGINS`), the built-in routes `/healthz`, `/openapi.json`
 * and `/docs` (GET and HEAD, no authentication), the rate limit per
 * signature token (`MODE_RATE_LIMIT`: requests whose `Authorization` is a
 * Bearer value are counted against its token, before the token is checked,
 * so guessing secrets is limited too), and fault injection
 * (`MODE_FAULTS`). A policy that is not configured is not in the list and
 * costs nothing.
 *
 * @example
 * ```ts
 * import { makePolicies, ServerSettings } from "@mode-discovery/server";
 * const policies = makePolicies({
 *   settings: ServerSettings.make({ rateLimit: { limit: 40, windowMs: 10_000 } }),
 * });
 * const fetch = policies.wrap(() => Promise.resolve(Response.json({})));
 * (await fetch(new Request("http://x/healthz"))).status; // => 200
 * ```
 */
export const makePolicies = (options: PolicyOptions): Policies => {
  const settings = options.settings;
  const log = options.log ?? ((line: string) => console.error(line));
  const name = options.name ?? "server";
  const startedAt = Date.now();
  const limiter = settings.rateLimit === undefined ? undefined : new RateLimiter(
    settings.rateLimit,
    options.rateLimitStore ?? RateLimitStore.memory(),
    { now: options.now, onStoreError: (line) => log(`${name}: ${line}`) },
  );
  const faults = settings.faults === undefined
    ? undefined
    : new FaultInjector(settings.faults, { sleep: options.sleep });
  if (faults !== undefined && settings.faults?.seed === undefined) {
    log(
      `${name}: MODE_FAULTS: ${
        describeFaults(settings.faults!, faults.seed)
      } (seed picked at start)`,
    );
  }
  const stats = (): PolicyStats => ({
    rateLimited: limiter?.refused ?? 0,
    faults: faults?.stats(),
  });

  const builtIn = async (request: Request, path: string): Promise<Response> => {
    await request.body?.cancel();
    if (request.method !== "GET" && request.method !== "HEAD") {
      return errorResponse(
        MethodNotAllowed.status,
        MethodNotAllowed.id,
        `Method ${request.method.slice(0, 20)} is not allowed on ${path}: use GET.`,
        { allow: "GET, HEAD" },
      );
    }
    if (path === "/healthz") {
      return healthResponse({
        probe: options.probe ?? (() => Promise.resolve()),
        startedAt,
        details: () => {
          const current = stats();
          return {
            ...(limiter === undefined ? {} : { rateLimited: current.rateLimited }),
            ...(current.faults === undefined ? {} : { faults: current.faults }),
          };
        },
      });
    }
    if (path === "/openapi.json") {
      return new Response(openApiJson(), {
        headers: { "content-type": JSON_CONTENT_TYPE, "cache-control": "public, max-age=300" },
      });
    }
    return new Response(await docsPage(), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "public, max-age=300",
      },
    });
  };

  /** The request hook and the access log: one event per request, whoever answered it. */
  const observe = (): Policy | undefined => {
    const accessLog = settings.accessLog === true ? (options.accessLog ?? console.log) : undefined;
    const onResponse = options.onResponse;
    if (accessLog === undefined && onResponse === undefined) return undefined;
    return (next) => async (request) => {
      const at = new Date();
      const started = performance.now();
      const response = await next(request);
      const event = describeRequest(request, response, performance.now() - started, at);
      if (accessLog !== undefined) accessLog(accessLogLine(event));
      if (onResponse !== undefined) await onResponse(event);
      return response;
    };
  };

  /** Oversized headers (431), and a body without a declared length read up to the limit. */
  const limits: Policy = (next) => {
    const refuseHeaders = async (request: Request, bytes: number) => {
      await request.body?.cancel();
      return errorResponse(
        431,
        BadRequest.id,
        `The request headers are ${bytes} bytes, more than the ${MAX_HEADER_BYTES} allowed: send only the headers the API needs (Authorization, Accept, Content-Type).`,
      );
    };
    const readBody = async (request: Request, body: ReadableStream<Uint8Array>) => {
      const bytes = await readBodyAtMost(body, MAX_BODY_BYTES);
      return bytes === undefined
        ? bodyTooLargeResponse()
        : next(new Request(request, { body: bytes }));
    };
    return (request) => {
      const bytes = headerBytes(request.headers);
      if (bytes > MAX_HEADER_BYTES) return refuseHeaders(request, bytes);
      if (request.body !== null && !request.headers.has("content-length")) {
        return readBody(request, request.body);
      }
      return next(request);
    };
  };

  /** `/healthz`, `/openapi.json` and `/docs`, before any credentials are looked at. */
  const builtInRoutes: Policy = (next) => (request) => {
    const path = pathOf(request.url);
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    return BUILT_IN.has(trimmed) ? builtIn(request, trimmed) : next(request);
  };

  /** The rate limit per signature token, decided in memory while a lease lasts. */
  const rateLimit = (rate: RateLimiter): Policy => (next) => {
    const answer = (request: Request, decision: RateDecision): Promise<Response> => {
      if (decision.allowed) return next(request);
      const refused = rateLimitedResponse(rate.spec, decision.retryAfterSeconds);
      return request.body === null
        ? Promise.resolve(refused)
        : request.body.cancel().then(() => refused);
    };
    return (request) => {
      const token = bearerToken(request.headers.get("authorization"));
      if (token === undefined) return next(request);
      const decision = rate.check(token);
      return decision instanceof Promise
        ? decision.then((d) => answer(request, d))
        : answer(request, decision);
    };
  };

  const list: ReadonlyArray<Policy> = [
    observe(),
    limits,
    settings.corsOrigins === undefined
      ? undefined
      : (next: FetchHandler) => withCors(next, settings.corsOrigins!),
    builtInRoutes,
    limiter === undefined ? undefined : rateLimit(limiter),
    faults === undefined ? undefined : (next: FetchHandler) => faults.wrap(next),
  ].filter((policy): policy is Policy => policy !== undefined);

  return { list, wrap: (next) => pipeline(list, next), stats };
};
