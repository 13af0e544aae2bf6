/**
 * One API call: sent by a {@link Transport}, redirects followed only within
 * the base URL's origin, an optional requests-per-second budget through
 * effect's `RateLimiter`, a timeout per attempt, the answer decoded, and
 * `Effect.retry` with a `Schedule` (exponential, full jitter, capped,
 * honouring `Retry-After`) once an attempt has failed.
 *
 * @internal
 * @module
 */
import * as Clock from "effect/Clock";
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import type * as Fiber from "effect/Fiber";
import * as Random from "effect/Random";
import type * as Redacted from "effect/Redacted";
import * as Result from "effect/Result";
import * as Schedule from "effect/Schedule";
import type * as SchemaIssue from "effect/SchemaIssue";
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
import {
  abortable,
  type Answer,
  type DirectSend,
  type HopFailure,
  isAnswer,
  type Transport,
} from "./_transport.ts";

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

/** A {@link Failure}, told apart from any value an attempt decodes. */
class FailureOf implements Failure {
  constructor(
    readonly error: DiscoveryError,
    readonly retryable: boolean,
    readonly retryAfterSeconds: number | undefined,
  ) {}
}

const failure = (
  error: DiscoveryError,
  retryable: boolean,
  retryAfterSeconds?: number,
): Failure => new FailureOf(error, retryable, retryAfterSeconds);

const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304;

/** Whether a result of an attempt is its failure. */
const isFailure = (result: unknown): result is Failure => result instanceof FailureOf;

/** What a first attempt gives: the value, or the effect that goes on with the retries. */
export type Outcome<A> = { readonly value: A } | {
  readonly rest: Effect.Effect<A, DiscoveryError>;
};

/**
 * A first attempt whose answer has arrived: `ok` when it is a 2xx, and
 * `read`, which parses and decodes it (once, when called), so that a caller
 * taking answers in order reads each in its turn, not as it arrives.
 */
export interface Answered<A> {
  readonly ok: boolean;
  readonly read: () => Outcome<A>;
}

/**
 * A call's first attempt, started in plain JavaScript: it resolves (never
 * rejects) once its answer has arrived, or its request has failed;
 * `abort` stops its request. Its answer, once read, waits to be decoded
 * until `turn` is called (the fetch transport).
 */
export interface Started<A> {
  readonly result: Promise<Answered<A>>;
  readonly abort: () => void;
  /** Its turn has come: an answer waiting is decoded from now on. */
  readonly turn: () => void;
}

/** Sends calls for one client: shares its requests-per-second budget. */
export interface Requester {
  readonly send: <A>(call: Call<A>) => Effect.Effect<A, DiscoveryError>;
  /**
   * Starts `call`'s first attempt now, outside any fiber, with `fiber`'s
   * services, where it can be: the fetch transport, no requests-per-second
   * budget and no shared permits; `undefined` otherwise (use `send`).
   */
  readonly start: <A>(
    call: Call<A>,
    fiber: Fiber.Fiber<unknown, unknown>,
  ) => Started<A> | undefined;
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

/** What a request event says of a hop that got no answer. */
const hopFailureText = (hopFailure: HopFailure, timeoutMs: number): string =>
  hopFailure._tag === "TimedOut"
    ? `TimeoutError: no complete answer within ${timeoutMs} ms`
    : `${hopFailure.reason}: ${hopFailure.cause}`;

/**
 * A {@link Requester} sending with `transport` under `settings`.
 *
 * **Details**
 *
 * - Each attempt has `timeoutMs` from sending its first request to the last
 *   byte of its last redirect hop; with `requestsPerSecond`, every request
 *   sent (retries and redirect hops included) first waits for the budget
 *   (effect's `RateLimiter`, a token bucket of one request per
 *   `1000 / requestsPerSecond` ms), and that wait is not part of the timeout.
 * - Redirects (301, 302, 303, 307, 308) are followed, up to
 *   {@link MAX_REDIRECTS}, only within the base URL's origin: a `Location`
 *   elsewhere fails with `PaginationError` `cross-origin` before anything is
 *   sent there, so credentials never leave the origin. A POST follows only
 *   303 (as a GET without its body), 307 and 308.
 * - Retried (`Effect.retry` with {@link retrySchedule}, entered only once an
 *   attempt has failed) for GET: 408, 429, 500, 502, 503, 504, transport
 *   failures, timeouts and a 2xx body that starts like JSON but does not
 *   parse (cut short). For POST (not safe to repeat): 408 and 429 only. A
 *   body that is not JSON at all (HTML) or JSON of the wrong shape is never
 *   retried.
 */
export const makeRequester = (
  transport: Transport,
  settings: Settings,
  onRequest: ((event: RequestEvent) => void) | undefined,
): Effect.Effect<Requester> =>
  Effect.gen(function* () {
    let limited: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E> = (effect) => effect;
    // Hops are sent in one callback per attempt unless each has to wait for the budget.
    const direct = settings.requestsPerSecond === undefined ? transport.direct : undefined;
    if (settings.requestsPerSecond !== undefined) {
      const limiter = yield* RateLimiter.make.pipe(Effect.provide(RateLimiter.layerStoreMemory));
      const budget = {
        key: "mode-discovery",
        algorithm: "token-bucket",
        onExceeded: "delay",
        limit: 1,
        // A twentieth under the budget: the bucket spaces requests from
        // when they are admitted, so one sent late and the next on time can
        // arrive closer than 1/rps apart, one too many for a server that
        // counts fixed windows.
        window: Duration.millis((1000 / settings.requestsPerSecond) * RATE_MARGIN),
      } as const;
      limited = (effect) =>
        Effect.flatMap(
          // The in-memory store never fails: its failure would be a defect.
          Effect.orDie(limiter.consume(budget)),
          ({ delay }) => Duration.isZero(delay) ? effect : Effect.delay(effect, delay),
        );
    }
    const schedule = retrySchedule(settings);
    const { timeoutMs } = settings;

    /** A call's attempts and their state (the attempt count), each way of sending it. */
    const prepare = <A>(call: Call<A>) => {
      let attempt = 0;
      const where = `${call.method} ${call.url.href}`;

      const unanswered = (hopFailure: HopFailure): Failure => {
        const retries = attempt - 1;
        if (hopFailure._tag === "TimedOut") {
          return failure(
            new TimeoutError({
              url: call.url.href,
              timeoutMs,
              message: `${where} did not answer within ${timeoutMs} ms${
                retriedNote(retries, "timing out")
              }. The server may be overloaded; try again later or raise the timeout${
                call.method === "GET" ? "" : " (the request may still have been carried out)"
              }.`,
            }),
            call.method === "GET",
          );
        }
        return failure(
          new TransportError({
            url: call.url.href,
            message: `${where} failed before a complete answer arrived${
              retriedNote(retries)
            }: ${hopFailure.cause}. Check the base URL (MODE_BASE_URL) and your network${
              call.method === "GET"
                ? ", then try again"
                : "; the request may still have been carried out"
            }.`,
          }),
          hopFailure.transient && call.method === "GET",
        );
      };

      /** Reports the outcome of one request sent at `sentMs`, when events are asked for. */
      const reporter = (clock: Clock.Clock, method: string, url: string, sentMs: number) =>
        onRequest === undefined ? undefined : (
          outcome: { readonly status: number } | { readonly error: string },
          waitedMs = 0,
        ) =>
          onRequest({
            method,
            url,
            attempt,
            ...outcome,
            // An answer that waited for its turn: the wait is not the request's.
            durationMs: Math.max(0, clock.currentTimeMillisUnsafe() - sentMs - waitedMs),
          });

      /**
       * One request of the attempt and the redirects after it; `startedMs`
       * is when the attempt's first request went out (its timeout counts
       * from then).
       */
      const hop = (
        clock: Clock.Clock,
        method: "GET" | "POST",
        url: string,
        body: string | undefined,
        redirects: number,
        startedMs: number | undefined,
      ): Effect.Effect<Answer, Failure> =>
        limited(Effect.suspend(() => {
          const sentMs = clock.currentTimeMillisUnsafe();
          const started = startedMs ?? sentMs;
          const left = timeoutMs - (sentMs - started);
          if (left <= 0) return Effect.fail(unanswered({ _tag: "TimedOut" }));
          const report = reporter(clock, method, url, sentMs);
          const sent = transport.send({
            method,
            url,
            authorization: call.authorization,
            body,
          }, left);
          return Effect.matchEffect(
            report === undefined ? sent : Effect.onInterrupt(
              sent,
              () => Effect.sync(() => report({ error: "interrupted" })),
            ),
            {
              onFailure: (hopFailure) => {
                report?.({ error: hopFailureText(hopFailure, left) });
                return Effect.fail(unanswered(hopFailure));
              },
              onSuccess: (answer) => {
                report?.({ status: answer.status });
                const next = redirectTarget(answer, redirects, settings);
                if (next === undefined) return Effect.succeed(answer);
                if ("refused" in next) return Effect.fail(next.refused);
                const see = answer.status === 303;
                return hop(
                  clock,
                  see ? "GET" : method,
                  next.url,
                  see ? undefined : body,
                  redirects + 1,
                  started,
                );
              },
            },
          );
        }));

      /**
       * The attempt's requests as {@link hop} sends them, in plain
       * JavaScript in one callback: for a transport that can, when no
       * requests-per-second budget has to be waited for.
       */
      const directHops = async (
        direct: DirectSend,
        clock: Clock.Clock,
        controller: AbortController,
        turn?: Promise<void>,
      ): Promise<Answer | Failure> => {
        let method = call.method;
        let url = call.url.href;
        let body = call.body;
        const startedMs = clock.currentTimeMillisUnsafe();
        for (let redirects = 0;; redirects++) {
          const sentMs = clock.currentTimeMillisUnsafe();
          const left = timeoutMs - (sentMs - startedMs);
          if (left <= 0) return unanswered({ _tag: "TimedOut" });
          const result = await direct(
            { method, url, authorization: call.authorization, body },
            left,
            controller,
            turn,
          );
          const report = reporter(clock, method, url, sentMs);
          if (!("status" in result)) {
            report?.({
              error: controller.signal.aborted && result._tag !== "TimedOut"
                ? "interrupted"
                : hopFailureText(result, left),
            }, result._tag === "Unanswered" ? result.waitedMs : undefined);
            return unanswered(result);
          }
          report?.({ status: result.status }, result.waitedMs);
          const next = redirectTarget(result, redirects, settings);
          if (next === undefined) return result;
          if ("refused" in next) return next.refused;
          if (result.status === 303) {
            method = "GET";
            body = undefined;
          }
          url = next.url;
        }
      };

      /** The attempt's requests, under a shared permit if the call has one. */
      const exchange = (): Effect.Effect<Answer, Failure> => {
        const exchanged = Effect.withFiber((fiber) => {
          const clock = fiber.getRef(Clock.Clock);
          if (direct === undefined) {
            return hop(clock, call.method, call.url.href, call.body, 0, undefined);
          }
          const send = direct(fiber);
          return abortable<Answer, Failure>(
            (controller) => directHops(send, clock, controller),
            isAnswer,
          );
        });
        // After its permit goes, the call lets the calls waiting for one
        // send their requests before it decodes its answer.
        return call.permits === undefined
          ? exchanged
          : Effect.tap(call.permits.withPermits(1)(exchanged), () => Effect.yieldNow);
      };

      const once: Effect.Effect<A, Failure> = Effect.suspend(() => {
        attempt++;
        if (attempt > 1) call.onRetry?.();
        return Effect.flatMap(exchange(), (answer) =>
          Effect.clockWith((clock) => {
            const result = interpret(answer, clock.currentTimeMillisUnsafe());
            return isFailure(result) ? Effect.fail(result) : Effect.succeed(result);
          }));
      });

      /** What an answer means for the call at time `now`: its decoded value, or why not. */
      const interpret = (answer: Answer, now: number): A | Failure => {
        const retries = attempt - 1;
        const { status, text } = answer;
        const context: RequestContext = {
          method: call.method,
          url: answer.url,
          kind: call.kind,
          workspace: call.workspace,
          page: call.page,
          plural: call.plural,
        };
        if (isRedirect(status)) return redirectFailure(call, answer);
        if (status >= 200 && status < 300) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch (error) {
            const truncated = looksTruncated(text);
            return failure(
              notJsonError({
                status,
                bodyText: text,
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
            ? decoded.success
            : failure(decodeError({ status, issue: decoded.failure, context }), false);
        }
        const retryAfterSeconds = status === 429 || status === 503
          ? parseRetryAfter(answer.header("retry-after"), now)
          : undefined;
        return failure(
          apiErrorFromResponse({
            status,
            bodyText: text,
            context,
            retries,
            retryAfterSeconds,
          }),
          isRetryableStatus(status, call.method),
          retryAfterSeconds,
        );
      };

      /**
       * What follows a failed first attempt: the retry policy, replaying
       * that failure to the schedule, then the typed error.
       */
      const after = (first: Failure): Effect.Effect<A, DiscoveryError> => {
        if (!first.retryable || settings.maxRetries === 0) return Effect.fail(first.error);
        let replay = true;
        return Effect.suspend(() => {
          if (!replay) return once;
          replay = false;
          return Effect.fail(first);
        }).pipe(
          Effect.retry({
            schedule,
            times: settings.maxRetries,
            while: (f: Failure) => f.retryable,
          }),
          Effect.mapError((f) => f.error),
        );
      };

      /**
       * The first attempt in plain JavaScript, started now (fetch
       * transport, no budget to wait for, no shared permits): its value,
       * or the effect that goes on with the retries.
       */
      const startDirect = (fiber: Fiber.Fiber<unknown, unknown>): Started<A> | undefined => {
        if (direct === undefined || call.permits !== undefined) return undefined;
        const clock = fiber.getRef(Clock.Clock);
        const send = direct(fiber);
        const controller = new AbortController();
        let inTurn!: () => void;
        const turn = new Promise<void>((resolve) => {
          inTurn = resolve;
        });
        attempt = 1;
        const result = directHops(send, clock, controller, turn).then(
          (answer): Answered<A> => ({
            ok: !isFailure(answer) && answer.status >= 200 && answer.status < 300,
            read: () => {
              try {
                const read = isFailure(answer)
                  ? answer
                  : interpret(answer, clock.currentTimeMillisUnsafe());
                return isFailure(read) ? { rest: after(read) } : { value: read };
              } catch (cause) {
                // Nothing above throws by design; if it did, the call fails as a defect.
                return { rest: Effect.die(cause) };
              }
            },
          }),
          (cause: unknown): Answered<A> => ({
            ok: false,
            read: () => ({ rest: Effect.die(cause) }),
          }),
        );
        const abort = () => {
          controller.abort();
          // An answer waiting for its turn is let go of undecoded: it fails, aborted.
          inTurn();
        };
        return { result, abort, turn: inTurn };
      };

      return { once, after, startDirect };
    };

    const send = <A>(call: Call<A>): Effect.Effect<A, DiscoveryError> =>
      Effect.suspend(() => {
        // The first attempt runs on its own; the retry policy starts only once it has failed.
        const { once, after } = prepare(call);
        return Effect.catch(once, after);
      });

    const start = <A>(call: Call<A>, fiber: Fiber.Fiber<unknown, unknown>) =>
      prepare(call).startDirect(fiber);

    return { send, start };
  });

/**
 * Where a redirect answer leads: `undefined` when it is not one to follow
 * here (not a redirect, no `Location`, or {@link MAX_REDIRECTS} followed
 * already: the answer then fails as it is); refused for a `Location` on
 * another origin (nothing is sent there) and for a 301 or 302 of a POST
 * (following would turn it into a GET and drop its body).
 */
const redirectTarget = (
  answer: Answer,
  redirects: number,
  settings: Settings,
): { readonly url: string } | { readonly refused: Failure } | undefined => {
  const { status } = answer;
  if (!isRedirect(status)) return undefined;
  const location = answer.header("location");
  if (location === undefined || location === "") return undefined;
  const target = resolveLink(location, settings.baseUrl, {
    against: new URL(answer.url),
    via: "redirect",
  });
  if (target instanceof PaginationError) return { refused: failure(target, false) };
  if (answer.method !== "GET" && (status === 301 || status === 302)) {
    return {
      refused: failure(
        ServerError.withStatus(
          status,
          "redirect_refused",
          `${answer.method} ${answer.url} answered ${status}, a redirect that would turn the ${answer.method} into a GET and drop its body; it was not followed. Check the base URL (MODE_BASE_URL).`,
        ),
        false,
      ),
    };
  }
  return redirects >= MAX_REDIRECTS ? undefined : { url: target.href };
};

/** The failure for a redirect not followed: no `Location`, or too many. */
const redirectFailure = (call: Call<unknown>, answer: Answer): Failure => {
  const where = `${answer.method} ${answer.url}`;
  const location = answer.header("location");
  return failure(
    location === undefined || location === ""
      ? ServerError.withStatus(
        answer.status,
        "redirect_without_location",
        `${where} answered ${answer.status} (a redirect) without a Location header. Check the base URL (MODE_BASE_URL).`,
      )
      : ServerError.withStatus(
        answer.status,
        "too_many_redirects",
        `${call.method} ${call.url.href} redirected more than ${MAX_REDIRECTS} times in a row; the last Location was ${
          JSON.stringify(location)
        }. Check the base URL (MODE_BASE_URL).`,
      ),
    false,
  );
};
