/**
 * The per-request policies around the API, applied to every request
 * (those the fast path answers too): the access log and request hook,
 * header size limit, CORS, `/healthz`, `/openapi.json`, `/docs`, rate
 * limiting per signature token and fault injection.
 *
 * @module
 */
import type { FetchHandler } from "./FetchHandler.ts";
import { accessLogLine, describeRequest, type RequestEvent } from "./AccessLog.ts";
import { docsPage, openApiJson } from "./ApiDocs.ts";
import { withCors } from "./Cors.ts";
import type { EdgeSettings } from "./EdgeSettings.ts";
import { describeFaults, FaultInjector, type FaultStats } from "./Faults.ts";
import { healthResponse } from "./Health.ts";
import {
  type RateDecision,
  rateLimitedResponse,
  RateLimiter,
  RateLimitStore,
} from "./RateLimit.ts";
import { bearerToken } from "./_bearerToken.ts";
import { errorResponse, JSON_CONTENT_TYPE } from "./_render.ts";

/** Largest total size of a request's headers (names and values), in bytes. */
export const MAX_HEADER_BYTES = 16_384;

/** Largest request body accepted, in bytes (a signature token request is tiny). */
export const MAX_BODY_BYTES = 65_536;

const bodyTooLarge = () =>
  errorResponse(
    400,
    "bad_request",
    `The request body is larger than ${MAX_BODY_BYTES} bytes; a signature token request is a small JSON object.`,
  );

/** The whole body if it is at most `max` bytes, else `undefined` (the rest is cancelled). */
const readAtMost = async (
  body: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> => {
  const chunks: Array<Uint8Array> = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
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

/** Options of {@link makeEdgePolicies}. */
export interface EdgePolicyOptions {
  /** The settings: rate limit, faults, CORS origins, access log. */
  readonly settings: EdgeSettings;
  /** Where rate-limit counts live. Default: this process's memory. */
  readonly rateLimitStore?: RateLimitStore | undefined;
  /** Checks the store for `/healthz`. Default: always healthy. */
  readonly probe?: (() => Promise<unknown>) | undefined;
  /** Warnings (a failing rate-limit store). Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
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
export interface EdgePolicies {
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
 * here and refused over {@link MAX_BODY_BYTES}), CORS (`MODE_CORS_ORIGINS`), the built-in
 * routes `/healthz`, `/openapi.json` and `/docs` (GET and HEAD, no
 * authentication), the rate limit per signature token (`MODE_RATE_LIMIT`:
 * requests whose `Authorization` is a Bearer value are counted against its
 * token, before the token is checked, so guessing secrets is limited too),
 * and fault injection (`MODE_FAULTS`). A policy that is not configured
 * costs nothing.
 *
 * @example
 * ```ts
 * import { EdgeSettings, makeEdgePolicies } from "@mode-discovery/edge";
 * const policies = makeEdgePolicies({
 *   settings: EdgeSettings.make({ rateLimit: { limit: 40, windowMs: 10_000 } }),
 * });
 * const fetch = policies.wrap(() => Promise.resolve(Response.json({})));
 * (await fetch(new Request("http://x/healthz"))).status; // => 200
 * ```
 */
export const makeEdgePolicies = (options: EdgePolicyOptions): EdgePolicies => {
  const settings = options.settings;
  const log = options.log ?? ((line: string) => console.error(line));
  const startedAt = Date.now();
  const limiter = settings.rateLimit === undefined ? undefined : new RateLimiter(
    settings.rateLimit,
    options.rateLimitStore ?? RateLimitStore.memory(),
    { now: options.now, onStoreError: log },
  );
  const faults = settings.faults === undefined
    ? undefined
    : new FaultInjector(settings.faults, { sleep: options.sleep });
  if (faults !== undefined && settings.faults?.seed === undefined) {
    log(
      `edge: MODE_FAULTS: ${describeFaults(settings.faults!, faults.seed)} (seed picked at start)`,
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
        405,
        "method_not_allowed",
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

  const wrap = (next: FetchHandler): FetchHandler => {
    let api: FetchHandler = next;
    if (faults !== undefined) api = faults.wrap(api);
    if (limiter !== undefined) {
      const inner = api;
      const spec = limiter.spec;
      const answer = (request: Request, decision: RateDecision): Promise<Response> => {
        if (decision.allowed) return inner(request);
        const refused = rateLimitedResponse(spec, decision.retryAfterSeconds);
        return request.body === null
          ? Promise.resolve(refused)
          : request.body.cancel().then(() => refused);
      };
      api = (request) => {
        const token = bearerToken(request.headers.get("authorization"));
        if (token === undefined) return inner(request);
        const decision = limiter.check(token);
        return decision instanceof Promise
          ? decision.then((d) => answer(request, d))
          : answer(request, decision);
      };
    }
    const routed = api;
    let handler: FetchHandler = (request) => {
      const path = pathOf(request.url);
      const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
      if (BUILT_IN.has(trimmed)) return builtIn(request, trimmed);
      return routed(request);
    };
    if (settings.corsOrigins !== undefined) handler = withCors(handler, settings.corsOrigins);
    const guarded = handler;
    const refuseHeaders = async (request: Request, bytes: number) => {
      await request.body?.cancel();
      return errorResponse(
        431,
        "bad_request",
        `The request headers are ${bytes} bytes, more than the ${MAX_HEADER_BYTES} allowed: send only the headers the API needs (Authorization, Accept, Content-Type).`,
      );
    };
    const readBody = async (request: Request, body: ReadableStream<Uint8Array>) => {
      // A body without a declared length (chunked) is read here, up to the limit.
      const bytes = await readAtMost(body, MAX_BODY_BYTES);
      return bytes === undefined ? bodyTooLarge() : guarded(new Request(request, { body: bytes }));
    };
    handler = (request) => {
      const bytes = headerBytes(request.headers);
      if (bytes > MAX_HEADER_BYTES) return refuseHeaders(request, bytes);
      if (request.body !== null && !request.headers.has("content-length")) {
        return readBody(request, request.body);
      }
      return guarded(request);
    };
    const accessLog = settings.accessLog === true ? (options.accessLog ?? console.log) : undefined;
    const onResponse = options.onResponse;
    if (accessLog !== undefined || onResponse !== undefined) {
      const observed = handler;
      handler = async (request) => {
        const at = new Date();
        const started = performance.now();
        const response = await observed(request);
        const event = describeRequest(request, response, performance.now() - started, at);
        if (accessLog !== undefined) accessLog(accessLogLine(event));
        if (onResponse !== undefined) await onResponse(event);
        return response;
      };
    }
    return handler;
  };

  return { wrap, stats };
};
