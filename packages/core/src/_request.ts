/**
 * One API call: send it over the `HttpClient`, follow same-origin redirects
 * only, time each attempt out, decode the answer, and retry what is worth
 * retrying with backoff, within an optional requests-per-second budget.
 *
 * @internal
 * @module
 */
import * as Cause from "effect/Cause";
import * as Clock from "effect/Clock";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Random from "effect/Random";
import * as Redacted from "effect/Redacted";
import * as Result from "effect/Result";
import type * as SchemaIssue from "effect/SchemaIssue";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import type * as HttpClient from "effect/http/HttpClient";
import type * as HttpClientError from "effect/http/HttpClientError";
import * as HttpClientRequest from "effect/http/HttpClientRequest";
import {
  type DiscoveryError,
  PaginationError,
  ServerError,
  TimeoutError,
  TransportError,
} from "./DiscoveryError.ts";
import type { RequestEvent } from "./DiscoveryClient.ts";
import { resolveLink } from "./_links.ts";
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from "./_retry.ts";
import {
  apiErrorFromResponse,
  decodeError,
  looksTruncated,
  notJsonError,
  type RequestContext,
  retriedNote,
} from "./_responseError.ts";
import type { Settings } from "./_settings.ts";

/** Redirects followed for one request before giving up. */
export const MAX_REDIRECTS = 5;

/** One API call to make. */
export interface Call<A> {
  readonly method: "GET" | "POST";
  readonly url: URL;
  /** The `Authorization` header value. */
  readonly authorization: Redacted.Redacted<string>;
  /** A JSON request body. */
  readonly body?: string | undefined;
  /** What the call is, for messages (`url` and `method` are taken from above). */
  readonly kind: RequestContext["kind"];
  readonly workspace?: string | undefined;
  readonly page?: number | undefined;
  /** What a page lists, plural, for messages. */
  readonly plural?: string | undefined;
  /** Decodes a 2xx JSON body (a precompiled Schema decoder). */
  readonly decode: (json: unknown) => Result.Result<A, SchemaIssue.Issue>;
  /** Called before each retry (for the walk's retry count). */
  readonly onRetry?: (() => void) | undefined;
}

/** Why one attempt failed, and whether another attempt may succeed. */
interface Failure {
  readonly error: DiscoveryError;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number | undefined;
}

const fail = (
  error: DiscoveryError,
  retryable: boolean,
  retryAfterSeconds?: number,
): Effect.Effect<never, Failure> => Effect.fail({ error, retryable, retryAfterSeconds });

/** The answer to one HTTP exchange, body read in full. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly text: string;
  readonly url: URL;
}

const causeText = (error: HttpClientError.HttpClientError): string => {
  const cause = (error.reason as { readonly cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : cause === undefined ? "" : String(cause);
  return text === "" ? error.reason._tag : text.replace(/\s+/g, " ").slice(0, 300);
};

/**
 * Runs `effect` with fetch's own redirect following turned off, so that
 * redirects reach the client (which follows same-origin ones only). Other
 * `HttpClient` implementations ignore this setting and do not follow
 * redirects themselves.
 */
const manualRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, {
        ...Option.getOrUndefined(init),
        redirect: "manual",
      }),
  );

/** Sends calls for one client: shares its requests-per-second budget. */
export interface Requester {
  readonly send: <A>(call: Call<A>) => Effect.Effect<A, DiscoveryError>;
}

/**
 * A {@link Requester} over `client` with `settings`.
 *
 * **Details**
 *
 * - Each attempt (every redirect hop included) waits for the budget, then has
 *   `timeoutMs` to send the request and read the whole body.
 * - Redirects (301, 302, 303, 307, 308) are followed only within the base
 *   URL's origin; one to another origin fails with `PaginationError`
 *   `cross-origin` before anything is sent there, so credentials never leave
 *   the origin. A POST follows only 307 and 308.
 * - Retried for GET: 408, 429, 500, 502, 503, 504, transport failures,
 *   timeouts and a 2xx body that starts like JSON but does not parse (cut
 *   short). For POST (not safe to repeat): 408 and 429 only. A body that is
 *   not JSON at all (HTML) or JSON of the wrong shape is never retried.
 * - `Retry-After` (429, 503) is honoured up to `maxRetryAfterSeconds`;
 *   otherwise exponential backoff with full jitter.
 */
export const makeRequester = (
  client: HttpClient.HttpClient,
  settings: Settings,
  onRequest: ((event: RequestEvent) => void) | undefined,
): Requester => {
  const spacingMs = settings.requestsPerSecond === undefined
    ? 0
    : 1000 / settings.requestsPerSecond;
  let nextSlotMs = 0;
  // Each request takes the next free slot, `spacingMs` after the previous one.
  const throttle: Effect.Effect<void> = spacingMs === 0
    ? Effect.void
    : Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const slot = Math.max(now, nextSlotMs);
      nextSlotMs = slot + spacingMs;
      return slot > now ? Effect.sleep(slot - now) : Effect.void;
    });

  const report = (event: RequestEvent): Effect.Effect<void> =>
    onRequest === undefined ? Effect.void : Effect.sync(() => onRequest(event));

  const send = <A>(call: Call<A>): Effect.Effect<A, DiscoveryError> => {
    const exchange = (
      method: string,
      url: URL,
      body: string | undefined,
      attempt: number,
      hop: number,
    ): Effect.Effect<Answer, Failure> => {
      const retries = attempt - 1;
      const where = `${method} ${url.href}`;
      let request = HttpClientRequest.make(method as "GET")(url.href, {
        headers: {
          authorization: Redacted.value(call.authorization),
          accept: "application/json",
        },
      });
      if (body !== undefined) {
        request = HttpClientRequest.bodyText(request, body, "application/json");
      }
      const started = Date.now();
      const once = client.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (text): Answer => ({
            status: response.status,
            headers: response.headers,
            text,
            url,
          }))
        ),
        manualRedirects,
        Effect.catch((error: HttpClientError.HttpClientError) => {
          const transient = error.reason._tag === "TransportError" ||
            error.reason._tag === "DecodeError" || error.reason._tag === "EmptyBodyError";
          return fail(
            new TransportError({
              url: url.href,
              message: `${where} failed before a complete answer arrived${retriedNote(retries)}: ${
                causeText(error)
              }. Check the base URL (MODE_BASE_URL) and your network${
                method === "GET"
                  ? ", then try again"
                  : "; the request may still have been carried out"
              }.`,
            }),
            transient && method === "GET",
          );
        }),
        Effect.timeoutOrElse({
          duration: settings.timeoutMs,
          orElse: () =>
            fail(
              new TimeoutError({
                url: url.href,
                timeoutMs: settings.timeoutMs,
                message: `${where} did not answer within ${settings.timeoutMs} ms${
                  retriedNote(retries, "timing out")
                }. The server may be overloaded; try again later or raise the timeout${
                  method === "GET" ? "" : " (the request may still have been carried out)"
                }.`,
              }),
              method === "GET",
            ),
        }),
        Effect.onExit((exit) =>
          report({
            method,
            url: url.href,
            attempt,
            ...(exit._tag === "Success"
              ? { status: exit.value.status }
              : { error: failureText(exit.cause) }),
            durationMs: Date.now() - started,
          })
        ),
      );
      return Effect.flatMap(Effect.andThen(throttle, once), (answer) => {
        const { status } = answer;
        if (status < 300 || status >= 400 || status === 304) return Effect.succeed(answer);
        const location = answer.headers["location"];
        if (location === undefined || location === "") {
          return fail(
            ServerError.withStatus(
              status,
              "redirect_without_location",
              `${where} answered ${status} (a redirect) without a Location header. Check the base URL (MODE_BASE_URL).`,
            ),
            false,
          );
        }
        const target = resolveLink(location, settings.baseUrl, { against: url, via: "redirect" });
        if (target instanceof PaginationError) return fail(target, false);
        if (hop >= MAX_REDIRECTS) {
          return fail(
            ServerError.withStatus(
              status,
              "too_many_redirects",
              `${where} redirected more than ${MAX_REDIRECTS} times in a row; the last Location was ${
                JSON.stringify(target.href)
              }. Check the base URL (MODE_BASE_URL).`,
            ),
            false,
          );
        }
        if (status === 303 && method !== "GET") {
          return exchange("GET", target, undefined, attempt, hop + 1);
        }
        if (method !== "GET" && status !== 307 && status !== 308) {
          return fail(
            ServerError.withStatus(
              status,
              "redirect_refused",
              `${where} answered ${status}, a redirect that would turn the ${method} into a GET and drop its body; it was not followed. Check the base URL (MODE_BASE_URL).`,
            ),
            false,
          );
        }
        return exchange(method, target, body, attempt, hop + 1);
      });
    };

    const attemptOnce = (attempt: number): Effect.Effect<A, Failure> =>
      Effect.flatMap(exchange(call.method, call.url, call.body, attempt, 0), (answer) => {
        const retries = attempt - 1;
        const context: RequestContext = {
          method: call.method,
          url: answer.url.href,
          kind: call.kind,
          workspace: call.workspace,
          page: call.page,
          plural: call.plural,
        };
        const { status } = answer;
        if (status >= 200 && status < 300) {
          let json: unknown;
          try {
            json = JSON.parse(answer.text);
          } catch (error) {
            const truncated = looksTruncated(answer.text);
            return fail(
              notJsonError({
                status,
                bodyText: answer.text,
                parseError: error instanceof Error ? error.message : String(error),
                truncated,
                context,
                retries,
              }),
              truncated && call.method === "GET",
            );
          }
          const decoded = call.decode(json);
          return Result.isSuccess(decoded)
            ? Effect.succeed(decoded.success)
            : fail(decodeError({ status, issue: decoded.failure, context }), false);
        }
        const retryAfterSeconds = status === 429 || status === 503
          ? parseRetryAfter(answer.headers["retry-after"], Date.now())
          : undefined;
        return fail(
          apiErrorFromResponse({
            status,
            bodyText: answer.text,
            context,
            retries,
            retryAfterSeconds,
          }),
          isRetryableStatus(status, call.method),
          retryAfterSeconds,
        );
      });

    const loop = (attempt: number): Effect.Effect<A, DiscoveryError> =>
      Effect.catch(attemptOnce(attempt), (failure: Failure) => {
        if (!failure.retryable || attempt > settings.maxRetries) {
          return Effect.fail(failure.error);
        }
        return Effect.flatMap(Random.next, (random) => {
          const delay = retryDelayMs(attempt, failure.retryAfterSeconds, settings, random);
          call.onRetry?.();
          return Effect.andThen(Effect.sleep(delay), loop(attempt + 1));
        });
      });

    return loop(1);
  };

  return { send };
};

const failureText = (cause: Cause.Cause<Failure>): string => {
  const failure = Cause.findErrorOption(cause);
  if (Option.isSome(failure)) return `${failure.value.error._tag}: ${failure.value.error.message}`;
  return Cause.hasInterrupts(cause) ? "interrupted" : "unexpected failure";
};
