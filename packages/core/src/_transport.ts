/**
 * How the client puts one request on the wire and reads its answer whole:
 * with the `fetch` in context (`FetchHttpClient.Fetch`, the global `fetch`
 * by default), or through an `HttpClient` given by the program.
 *
 * Neither follows redirects: the requester does, within the base URL's
 * origin. Both give up after the time they are given and report why a
 * request got no complete answer, never with a secret in it.
 *
 * @internal
 * @module
 */
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import type * as Fiber from "effect/Fiber";
import * as Option from "effect/Option";
import * as Redacted from "effect/Redacted";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import * as HttpClient from "effect/http/HttpClient";
import type * as HttpClientError from "effect/http/HttpClientError";
import * as HttpClientRequest from "effect/http/HttpClientRequest";
import { type ReadBody, readBody } from "./_bodyText.ts";
import { Deadlines } from "./_deadlines.ts";

/** One request to send: a single hop, redirects not followed. */
export interface Hop {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** The `Authorization` header value. */
  readonly authorization: Redacted.Redacted<string>;
  /** A JSON request body. */
  readonly body?: string | undefined;
}

/** An answer read to its last byte. */
export interface Answer {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** A response header by its lower-case name. */
  readonly header: (name: string) => string | undefined;
  /** The body; empty for a redirect with a `Location`, whose body is not read. */
  readonly text: string;
  /** Milliseconds its body, read whole, waited for its turn to be decoded, when it did. */
  readonly waitedMs?: number | undefined;
}

/** Why a hop got no complete answer. */
export type HopFailure =
  | {
    readonly _tag: "Unanswered";
    /** What failed (`TransportError`, `DecodeError`, ...), for request events. */
    readonly reason: string;
    /** The cause's message, one line, without secrets. */
    readonly cause: string;
    /** Whether the same request may get through if sent again. */
    readonly transient: boolean;
    /** Milliseconds its body, read whole, waited for its turn before the failure, when it did. */
    readonly waitedMs?: number | undefined;
  }
  | {
    /** No complete answer within the time given (a body waiting for its turn is already in). */
    readonly _tag: "TimedOut";
  };

/** Sends hops. */
export interface Transport {
  /** Sends `hop`, failing with `TimedOut` if the whole answer is not in after `timeoutMs`. */
  readonly send: (hop: Hop, timeoutMs: number) => Effect.Effect<Answer, HopFailure>;
  /**
   * The same sending as a plain function, with the fiber's services (its
   * `fetch`), where the transport has one: a caller may then send a hop
   * and its redirects in one callback.
   */
  readonly direct?: ((fiber: Fiber.Fiber<unknown, unknown>) => DirectSend) | undefined;
}

const TIMED_OUT: HopFailure = { _tag: "TimedOut" };

/** Whether a result is an answer (it has a status), not a failure. */
export const isAnswer = <E>(result: Answer | E): result is Answer =>
  typeof result === "object" && result !== null && "status" in result;

/**
 * `run` as an effect: it succeeds with the result `ok` takes and fails with
 * any other; interrupting it aborts `run`'s controller. `run` never rejects.
 */
export const abortable = <A, E>(
  run: (controller: AbortController) => Promise<A | E>,
  ok: (result: A | E) => result is A,
): Effect.Effect<A, E> =>
  Effect.callback<A, E>((resume) => {
    const controller = new AbortController();
    run(controller).then(
      (result) => resume(ok(result) ? Effect.succeed(result) : Effect.fail(result as E)),
      // `run` does not reject by contract; if it did, a defect rather than a fiber left waiting.
      (cause: unknown) => resume(Effect.die(cause)),
    );
    return Effect.sync(() => controller.abort());
  });

/** A cause's message on one line, cut to 300 characters. */
export const oneLine = (cause: unknown, fallback: string): string => {
  const text = cause instanceof Error ? cause.message : cause === undefined ? "" : String(cause);
  return text === "" ? fallback : text.replace(/\s+/g, " ").slice(0, 300);
};

const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304;

const headersOf = (hop: Hop): Record<string, string> =>
  hop.body === undefined
    ? { authorization: Redacted.value(hop.authorization), accept: "application/json" }
    : {
      authorization: Redacted.value(hop.authorization),
      accept: "application/json",
      "content-type": "application/json",
    };

/** A client span per hop, as `HttpClient` gives one (`traceRequests`). */
const traced = (hop: Hop, sent: Effect.Effect<Answer, HopFailure>) =>
  Effect.withSpan(
    Effect.tap(sent, (answer) =>
      Effect.annotateCurrentSpan("http.response.status_code", answer.status)),
    `http.client ${hop.method}`,
    { kind: "client", attributes: { "http.request.method": hop.method, "url.full": hop.url } },
  );

/**
 * One hop sent from plain JavaScript: the answer or why there is none.
 *
 * With `turn`, the answer's body is read as it arrives but decoded only
 * once `turn` resolves (see {@link readBody}); the time it waits for its
 * turn does not count against `timeoutMs`.
 */
export type DirectSend = (
  hop: Hop,
  timeoutMs: number,
  controller: AbortController,
  turn?: Promise<void>,
) => Promise<Answer | HopFailure>;

/** The deadlines of every request `fetchOnce` has in flight, in this process. */
const deadlines = new Deadlines();

/** Bodies read and waiting for their turn to be decoded, in this process. */
let waiting = 0;

/** How many bodies are read and waiting for their turn now, in this process. */
export const bodiesWaiting = (): number => waiting;

/**
 * Sends `hop` with `fetch` (and `init`), redirects not followed: the answer
 * read whole and decoded (at once, or once `turn` resolves), or a failure
 * once `timeoutMs` has passed (its deadline aborts `controller`), the
 * request failed or `controller` was aborted.
 *
 * **Details**
 *
 * A page fetched ahead of its turn is read as it arrives, into a buffer
 * reused from page to page, and decoded when its turn comes: it waits as
 * bytes outside the JavaScript heap, not as a string that outlives
 * young-generation collections. Its deadline ends once its last byte is
 * in; a body aborted while it waits is let go of undecoded.
 */
const fetchOnce = (
  fetch: typeof globalThis.fetch,
  init: globalThis.RequestInit | undefined,
): DirectSend =>
(hop, timeoutMs, controller, turn) => {
  let timedOut = false;
  const deadline = deadlines.add(timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  let waitedMs: number | undefined;
  const answered = (response: Response, text: string): Answer => ({
    method: hop.method,
    url: hop.url,
    status: response.status,
    header: (name) => response.headers.get(name) ?? undefined,
    text,
    waitedMs,
  });
  const inTurn = (response: Response, body: ReadBody): Answer | Promise<Answer> => {
    deadlines.remove(deadline);
    if (turn === undefined) return answered(response, body.text());
    waiting++;
    const readAt = performance.now();
    return turn.then(() => {
      waiting--;
      waitedMs = performance.now() - readAt;
      if (controller.signal.aborted) {
        body.release();
        throw new DOMException("The listing stopped before this page's turn.", "AbortError");
      }
      return answered(response, body.text());
    });
  };
  const sent = fetch(hop.url, {
    ...init,
    method: hop.method,
    headers: headersOf(hop),
    body: hop.body,
    redirect: "manual",
    signal: controller.signal,
  }).then((response) => {
    if (isRedirect(response.status) && response.headers.has("location")) {
      // Not read: only its Location matters, and it may be large.
      response.body?.cancel().catch(() => {});
      return answered(response, "");
    }
    return readBody(response).then((body) => inTurn(response, body));
  }).then(
    (answer) => {
      deadlines.remove(deadline);
      return answer;
    },
    (cause: unknown): HopFailure => {
      deadlines.remove(deadline);
      if (timedOut) return TIMED_OUT;
      return {
        _tag: "Unanswered",
        waitedMs,
        reason: "TransportError",
        cause: oneLine(cause, "TransportError"),
        transient: true,
      };
    },
  );
  return sent;
};

/**
 * Sends with the `fetch` in context (`FetchHttpClient.Fetch`) and the
 * `FetchHttpClient.RequestInit` in context, if any; redirects are never
 * followed by fetch.
 *
 * **Details**
 *
 * One callback per hop: the request, a deadline for `timeoutMs` and the
 * body read as text, with no `HttpClient` pipeline in between. Interruption
 * and the deadline abort the request. `direct` gives the same sending as a
 * plain function, for a caller that follows redirects in one callback and
 * may leave a page's body undecoded until its turn.
 */
export const fetchTransport = (traceRequests: boolean): Transport => {
  const directOf = (fiber: Fiber.Fiber<unknown, unknown>): DirectSend =>
    fetchOnce(
      fiber.getRef(FetchHttpClient.Fetch),
      Context.getOrUndefined(fiber.context, FetchHttpClient.RequestInit),
    );
  const send = (hop: Hop, timeoutMs: number): Effect.Effect<Answer, HopFailure> =>
    Effect.withFiber((fiber) => {
      const direct = directOf(fiber);
      return abortable<Answer, HopFailure>(
        (controller) => direct(hop, timeoutMs, controller),
        isAnswer,
      );
    });
  return traceRequests
    ? { send: (hop, timeoutMs) => traced(hop, send(hop, timeoutMs)) }
    : { send, direct: directOf };
};

const noTracing = (): boolean => true;

/**
 * Sends through `client`: for programs that give the client their own
 * `HttpClient` (a proxy, instrumentation, a test double). Fetch's own
 * redirect following is turned off (`FetchHttpClient.RequestInit`); other
 * `HttpClient`s must not follow redirects themselves.
 */
export const httpClientTransport = (
  client: HttpClient.HttpClient,
  traceRequests: boolean,
): Transport => ({
  send: (hop, timeoutMs) => {
    let request = HttpClientRequest.make(hop.method)(hop.url, {
      headers: {
        authorization: Redacted.value(hop.authorization),
        accept: "application/json",
      },
    });
    if (hop.body !== undefined) {
      request = HttpClientRequest.bodyText(request, hop.body, "application/json");
    }
    const sent = client.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (text): Answer => ({
          method: hop.method,
          url: hop.url,
          status: response.status,
          header: (name) => response.headers[name],
          text,
        }))
      ),
      Effect.mapError((error: HttpClientError.HttpClientError): HopFailure => {
        const reason = error.reason._tag;
        return {
          _tag: "Unanswered",
          reason,
          cause: oneLine((error.reason as { readonly cause?: unknown }).cause, reason),
          transient: reason === "TransportError" || reason === "DecodeError" ||
            reason === "EmptyBodyError",
        };
      }),
      Effect.timeoutOrElse({ duration: timeoutMs, orElse: () => Effect.fail(TIMED_OUT) }),
    );
    const manual = Effect.flatMap(
      Effect.serviceOption(FetchHttpClient.RequestInit),
      (init) =>
        Effect.provideService(sent, FetchHttpClient.RequestInit, {
          ...Option.getOrUndefined(init),
          redirect: "manual",
        }),
    );
    return traceRequests ? manual : Effect.provideService(
      manual,
      HttpClient.TracerDisabledWhen,
      noTracing,
    );
  },
});
