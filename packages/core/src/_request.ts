/**
 * One API call, built from effect's pieces: the `HttpClient` with a
 * same-origin guard under `HttpClient.followRedirects`, an optional
 * requests-per-second budget through `HttpClient.withRateLimiter`, a
 * timeout per attempt, the answer decoded, and `Effect.retry` with a
 * `Schedule` (exponential, full jitter, capped, honouring `Retry-After`).
 *
 * @internal
 * @module
 */
import * as Cause from "effect/Cause";
import * as Clock from "effect/Clock";
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Random from "effect/Random";
import * as Redacted from "effect/Redacted";
import * as Result from "effect/Result";
import * as Schedule from "effect/Schedule";
import type * as SchemaIssue from "effect/SchemaIssue";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import * as HttpClient from "effect/http/HttpClient";
import type * as HttpClientError from "effect/http/HttpClientError";
import * as HttpClientRequest from "effect/http/HttpClientRequest";
import type * as HttpClientResponse from "effect/http/HttpClientResponse";
import * as RateLimiter from "effect/persistence/RateLimiter";
import type * as Semaphore from "effect/Semaphore";
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
  /** Decodes a 2xx JSON body (a precompiled decoder). */
  readonly decode: (json: unknown) => Result.Result<A, SchemaIssue.Issue>;
  /** Called before each retry (for the walk's retry count). */
  readonly onRetry?: (() => void) | undefined;
  /**
   * A budget of requests in flight shared with other calls: each attempt
   * holds one permit from sending the request to the last byte of the
   * answer, not while the body is decoded or a retry waits.
   */
  readonly permits?: Semaphore.Semaphore | undefined;
}

/** How much longer than 1/rps the rate limiter spaces requests. */
const RATE_MARGIN = 1.05;

/** Why one attempt failed, and whether another attempt may succeed. */
interface Failure {
  readonly error: DiscoveryError;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number | undefined;
}

const failure = (
  error: DiscoveryError,
  retryable: boolean,
  retryAfterSeconds?: number,
): Failure => ({ error, retryable, retryAfterSeconds });

/** A failure the redirect guard raises inside the `HttpClient` pipeline. */
class Refused {
  readonly _tag = "Refused";
  constructor(readonly failure: Failure) {}
}

const causeText = (error: HttpClientError.HttpClientError): string => {
  const cause = (error.reason as { readonly cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : cause === undefined ? "" : String(cause);
  return text === "" ? error.reason._tag : text.replace(/\s+/g, " ").slice(0, 300);
};

/**
 * Runs `effect` with fetch's own redirect following turned off, so that
 * redirects reach `HttpClient.followRedirects` and the same-origin guard.
 * Other `HttpClient` implementations ignore this setting.
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

const noTracing = (): boolean => true;

const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304;

/** Sends calls for one client: shares its requests-per-second budget. */
export interface Requester {
  readonly send: <A>(call: Call<A>) => Effect.Effect<A, DiscoveryError>;
}

/**
 * The retry policy as a `Schedule` over the failures: exponential from
 * `backoffBaseMs`, full jitter, capped at `backoffMaxMs`; a failure that
 * carries `Retry-After` waits that long instead (capped at
 * `maxRetryAfterSeconds`).
 */
const retrySchedule = (settings: Settings): Schedule.Schedule<Duration.Duration, Failure> =>
  Schedule.exponential(Duration.millis(Math.max(settings.backoffBaseMs, 1))).pipe(
    Schedule.setInputType<Failure>(),
    Schedule.modifyDelay(({ input, attempt }) =>
      Effect.map(
        Random.next,
        (random) =>
          Duration.millis(retryDelayMs(attempt, input.retryAfterSeconds, settings, random)),
      )
    ),
  );

/**
 * A {@link Requester} over `client` with `settings`.
 *
 * **Details**
 *
 * - Each attempt has `timeoutMs` to send the request, follow its redirects
 *   and read the whole body; with `requestsPerSecond`, every request sent
 *   (retries and redirect hops included) first waits for the budget
 *   (`HttpClient.withRateLimiter`, a token bucket of one request per
 *   `1000 / requestsPerSecond` ms).
 * - Redirects (301, 302, 303, 307, 308) are followed by
 *   `HttpClient.followRedirects`, only within the base URL's origin: a guard
 *   under it fails with `PaginationError` `cross-origin` before anything is
 *   sent elsewhere, so credentials never leave the origin. A POST follows
 *   only 303 (as a GET), 307 and 308.
 * - Retried (`Effect.retry` with {@link retrySchedule}) for GET: 408, 429,
 *   500, 502, 503, 504, transport failures, timeouts and a 2xx body that
 *   starts like JSON but does not parse (cut short). For POST (not safe to
 *   repeat): 408 and 429 only. A body that is not JSON at all (HTML) or JSON
 *   of the wrong shape is never retried.
 */
export const makeRequester = (
  client: HttpClient.HttpClient,
  settings: Settings,
  onRequest: ((event: RequestEvent) => void) | undefined,
): Effect.Effect<Requester> =>
  Effect.gen(function* () {
    let base: HttpClient.HttpClient = client.pipe(HttpClient.transformResponse(manualRedirects));
    if (settings.requestsPerSecond !== undefined) {
      const limiter = yield* RateLimiter.make.pipe(Effect.provide(RateLimiter.layerStoreMemory));
      base = base.pipe(
        HttpClient.withRateLimiter({
          limiter,
          key: "mode-discovery",
          algorithm: "token-bucket",
          limit: 1,
          // A twentieth under the budget: the bucket spaces requests from
          // when they are admitted, so one sent late and the next on time can
          // arrive closer than 1/rps apart, one too many for a server that
          // counts fixed windows.
          window: Duration.millis((1000 / settings.requestsPerSecond) * RATE_MARGIN),
          times: 0,
          disableResponseInspection: true,
        }),
        // The limiter's own failure (its in-memory store never fails) is a defect.
        HttpClient.catchTag("RateLimiterError", (error) => Effect.die(error)),
      );
    }
    const schedule = retrySchedule(settings);

    const send = <A>(call: Call<A>): Effect.Effect<A, DiscoveryError> =>
      Effect.suspend(() => {
        let attempt = 0;

        // Reports every request sent (each redirect hop), then guards its redirect.
        const hops = base.pipe(
          HttpClient.transformResponse((effect) =>
            Effect.flatMap(Clock.currentTimeMillis, (started) =>
              effect.pipe(
                Effect.onExit((exit) =>
                  onRequest === undefined ? Effect.void : Effect.flatMap(
                    Clock.currentTimeMillis,
                    (now) =>
                      Effect.sync(() =>
                        onRequest({
                          method: exit._tag === "Success" ? exit.value.request.method : call.method,
                          url: exit._tag === "Success" ? exit.value.request.url : call.url.href,
                          attempt,
                          ...(exit._tag === "Success"
                            ? { status: exit.value.status }
                            : { error: failureText(exit.cause) }),
                          durationMs: now - started,
                        })
                      ),
                  )
                ),
              ))
          ),
          HttpClient.transformResponse(Effect.flatMap(guardRedirect(call, settings))),
          HttpClient.followRedirects(MAX_REDIRECTS),
        );

        const exchange = (): Effect.Effect<{
          readonly response: HttpClientResponse.HttpClientResponse;
          readonly text: string;
        }, Failure> => {
          const retries = attempt - 1;
          const where = `${call.method} ${call.url.href}`;
          let request = HttpClientRequest.make(call.method)(call.url.href, {
            headers: {
              authorization: Redacted.value(call.authorization),
              accept: "application/json",
            },
          });
          if (call.body !== undefined) {
            request = HttpClientRequest.bodyText(request, call.body, "application/json");
          }
          const exchanged = hops.execute(request).pipe(
            Effect.flatMap((response) => Effect.map(response.text, (text) => ({ response, text }))),
            Effect.catch((error: HttpClientError.HttpClientError | Refused) => {
              if (error instanceof Refused) return Effect.fail(error.failure);
              const transient = error.reason._tag === "TransportError" ||
                error.reason._tag === "DecodeError" || error.reason._tag === "EmptyBodyError";
              return Effect.fail(failure(
                new TransportError({
                  url: call.url.href,
                  message: `${where} failed before a complete answer arrived${
                    retriedNote(retries)
                  }: ${causeText(error)}. Check the base URL (MODE_BASE_URL) and your network${
                    call.method === "GET"
                      ? ", then try again"
                      : "; the request may still have been carried out"
                  }.`,
                }),
                transient && call.method === "GET",
              ));
            }),
            Effect.timeoutOrElse({
              duration: settings.timeoutMs,
              orElse: () =>
                Effect.fail(failure(
                  new TimeoutError({
                    url: call.url.href,
                    timeoutMs: settings.timeoutMs,
                    message: `${where} did not answer within ${settings.timeoutMs} ms${
                      retriedNote(retries, "timing out")
                    }. The server may be overloaded; try again later or raise the timeout${
                      call.method === "GET" ? "" : " (the request may still have been carried out)"
                    }.`,
                  }),
                  call.method === "GET",
                )),
            }),
          );
          // After its permit goes, the call lets the calls waiting for one
          // send their requests before it decodes its answer.
          return call.permits === undefined
            ? exchanged
            : Effect.tap(call.permits.withPermits(1)(exchanged), () => Effect.yieldNow);
        };

        const once: Effect.Effect<A, Failure> = Effect.suspend(() => {
          attempt++;
          if (attempt > 1) call.onRetry?.();
          return Effect.flatMap(exchange(), ({ response, text }) => {
            const retries = attempt - 1;
            const context: RequestContext = {
              method: call.method,
              url: response.request.url,
              kind: call.kind,
              workspace: call.workspace,
              page: call.page,
              plural: call.plural,
            };
            const { status } = response;
            if (isRedirect(status)) return Effect.fail(redirectFailure(call, response));
            if (status >= 200 && status < 300) {
              let json: unknown;
              try {
                json = JSON.parse(text);
              } catch (error) {
                const truncated = looksTruncated(text);
                return Effect.fail(failure(
                  notJsonError({
                    status,
                    bodyText: text,
                    parseError: error instanceof Error ? error.message : String(error),
                    truncated,
                    context,
                    retries,
                  }),
                  truncated && call.method === "GET",
                ));
              }
              const decoded = call.decode(json);
              return Result.isSuccess(decoded) ? Effect.succeed(decoded.success) : Effect.fail(
                failure(decodeError({ status, issue: decoded.failure, context }), false),
              );
            }
            return Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const retryAfterSeconds = status === 429 || status === 503
                ? parseRetryAfter(response.headers["retry-after"], now)
                : undefined;
              return Effect.fail(failure(
                apiErrorFromResponse({
                  status,
                  bodyText: text,
                  context,
                  retries,
                  retryAfterSeconds,
                }),
                isRetryableStatus(status, call.method),
                retryAfterSeconds,
              ));
            });
          });
        });

        const sent = once.pipe(
          Effect.retry({
            schedule,
            times: settings.maxRetries,
            while: (f: Failure) => f.retryable,
          }),
          Effect.mapError((f) => f.error),
        );
        return settings.traceRequests ? sent : Effect.provideService(
          sent,
          HttpClient.TracerDisabledWhen,
          noTracing,
        );
      });

    return { send };
  });

/**
 * Checks one redirect before `followRedirects` follows it: refuses a
 * `Location` on another origin (nothing is sent there) and a 301 or 302 of a
 * POST (following would turn it into a GET and drop its body).
 */
const guardRedirect = (call: Call<unknown>, settings: Settings) =>
(
  response: HttpClientResponse.HttpClientResponse,
): Effect.Effect<HttpClientResponse.HttpClientResponse, Refused> => {
  const { status } = response;
  if (!isRedirect(status)) return Effect.succeed(response);
  const location = response.headers["location"];
  if (location === undefined || location === "") return Effect.succeed(response);
  const target = resolveLink(location, settings.baseUrl, {
    against: new URL(response.request.url),
    via: "redirect",
  });
  if (target instanceof PaginationError) return Effect.fail(new Refused(failure(target, false)));
  const method = response.request.method;
  if (method !== "GET" && (status === 301 || status === 302)) {
    return Effect.fail(
      new Refused(failure(
        ServerError.withStatus(
          status,
          "redirect_refused",
          `${method} ${response.request.url} answered ${status}, a redirect that would turn the ${method} into a GET and drop its body; it was not followed. Check the base URL (MODE_BASE_URL).`,
        ),
        false,
      )),
    );
  }
  void call;
  return Effect.succeed(response);
};

/** The failure for a redirect `followRedirects` did not follow: no `Location`, or too many. */
const redirectFailure = (
  call: Call<unknown>,
  response: HttpClientResponse.HttpClientResponse,
): Failure => {
  const where = `${response.request.method} ${response.request.url}`;
  const location = response.headers["location"];
  return failure(
    location === undefined || location === ""
      ? ServerError.withStatus(
        response.status,
        "redirect_without_location",
        `${where} answered ${response.status} (a redirect) without a Location header. Check the base URL (MODE_BASE_URL).`,
      )
      : ServerError.withStatus(
        response.status,
        "too_many_redirects",
        `${call.method} ${call.url.href} redirected more than ${MAX_REDIRECTS} times in a row; the last Location was ${
          JSON.stringify(location)
        }. Check the base URL (MODE_BASE_URL).`,
      ),
    false,
  );
};

const failureText = (cause: Cause.Cause<unknown>): string => {
  const found = Cause.findErrorOption(cause);
  if (Option.isSome(found)) {
    const error = found.value;
    if (error instanceof Refused) {
      return `${error.failure.error._tag}: ${error.failure.error.message}`;
    }
    const reason = (error as { readonly reason?: { readonly _tag?: unknown } }).reason;
    if (typeof reason?._tag === "string") {
      return `${reason._tag}: ${causeText(error as HttpClientError.HttpClientError)}`;
    }
    return String(error).slice(0, 300);
  }
  return Cause.hasInterrupts(cause) ? "interrupted" : "unexpected failure";
};
