/**
 * The errors of the Promise API: one `Error` subclass per failure a caller
 * handles differently, each with `status`, `id` and a message that says
 * what happened and what to do.
 *
 * **Details**
 *
 * - `status` is the HTTP status of the answer behind the error, or
 *   `undefined` when no HTTP answer was involved (network failure, timeout,
 *   abort, a refused listing).
 * - `id` is the API's error code (`unauthorized`, `not_found`, ...) or, for
 *   failures of the client itself, a code of the same style
 *   (`transport_error`, `timeout`, `aborted`, ...).
 * - Messages never contain a secret.
 *
 * @example
 * ```ts
 * import { createClient, NotFoundError, UnauthorizedError } from "mode-discovery";
 * try {
 *   await createClient().collections.page({ workspace: "acme" });
 * } catch (error) {
 *   if (error instanceof UnauthorizedError) console.error("check MODE_TOKEN and friends");
 *   else if (error instanceof NotFoundError) console.error("no such workspace");
 *   else throw error;
 * }
 * ```
 *
 * @module
 */

/** What every {@link ModeDiscoveryError} is built from. */
export interface ErrorDetails {
  /** The API's error code, or the client's own (`timeout`, `aborted`, ...). */
  readonly id: string;
  /** The HTTP status behind the error, when there was one. */
  readonly status?: number | undefined;
  /** The underlying cause, when there is one worth keeping. */
  readonly cause?: unknown;
}

/**
 * The base class of every error thrown by `mode-discovery`.
 *
 * **When to use**
 *
 * `instanceof ModeDiscoveryError` catches every failure of this package;
 * test for a subclass to handle one kind.
 */
export class ModeDiscoveryError extends Error {
  /** The HTTP status behind the error, or `undefined` when there was none. */
  readonly status: number | undefined;
  /** The API's error code, or the client's own code. */
  readonly id: string;

  /** Builds the error; prefer the subclasses. */
  constructor(message: string, details: ErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ModeDiscoveryError";
    this.id = details.id;
    this.status = details.status;
  }
}

/**
 * 400 `bad_request`: a parameter or option is wrong (checked before sending,
 * or refused by the server). The message names it and says what it takes.
 */
export class BadRequestError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "bad_request", status: 400, cause: options.cause });
    this.name = "BadRequestError";
  }
}

/**
 * 401 `unauthorized`: credentials are missing, incomplete, malformed, wrong
 * or expired.
 */
export class UnauthorizedError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "unauthorized", status: 401, cause: options.cause });
    this.name = "UnauthorizedError";
  }
}

/** 403 `forbidden`: the credentials are valid but may not do this. */
export class ForbiddenError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "forbidden", status: 403, cause: options.cause });
    this.name = "ForbiddenError";
  }
}

/**
 * 404 `not_found`: the workspace does not exist, or the credentials belong
 * to another workspace (the API does not say which).
 */
export class NotFoundError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "not_found", status: 404, cause: options.cause });
    this.name = "NotFoundError";
  }
}

/** 405 `method_not_allowed`: the route exists but not for this HTTP method. */
export class MethodNotAllowedError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "method_not_allowed", status: 405, cause: options.cause });
    this.name = "MethodNotAllowedError";
  }
}

/**
 * 429 `rate_limited`: too many requests, still refused after the client's
 * retries (which honour `Retry-After`).
 */
export class RateLimitedError extends ModeDiscoveryError {
  /** Seconds the server last asked to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;

  /** Builds the error. */
  constructor(
    message: string,
    options: { readonly retryAfterSeconds?: number | undefined; readonly cause?: unknown } = {},
  ) {
    super(message, { id: "rate_limited", status: 429, cause: options.cause });
    this.name = "RateLimitedError";
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The server failed (5xx, or an answer the API never gives), still failing
 * after the client's retries. `status` is the HTTP status; `id` the code the
 * server sent (`server_error` when it sent none).
 */
export class ServerError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(
    message: string,
    options: { readonly status: number; readonly id?: string; readonly cause?: unknown },
  ) {
    super(message, {
      id: options.id ?? "server_error",
      status: options.status,
      cause: options.cause,
    });
    this.name = "ServerError";
  }
}

/**
 * The request got no complete HTTP answer: DNS failure, refused or reset
 * connection, a body cut short. Retried before being thrown.
 */
export class TransportError extends ModeDiscoveryError {
  /** The URL requested. */
  readonly url: string;

  /** Builds the error. */
  constructor(message: string, options: { readonly url: string; readonly cause?: unknown }) {
    super(message, { id: "transport_error", cause: options.cause });
    this.name = "TransportError";
    this.url = options.url;
  }
}

/** A request attempt took longer than `timeoutMs`. Retried before being thrown. */
export class TimeoutError extends ModeDiscoveryError {
  /** The URL requested. */
  readonly url: string;
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /** Builds the error. */
  constructor(
    message: string,
    options: { readonly url: string; readonly timeoutMs: number; readonly cause?: unknown },
  ) {
    super(message, { id: "timeout", cause: options.cause });
    this.name = "TimeoutError";
    this.url = options.url;
    this.timeoutMs = options.timeoutMs;
  }
}

/**
 * An answer arrived but is not what the API promises (HTML, a wrong type).
 * `status` is the status of that answer; `path` locates the first bad field.
 */
export class ResponseDecodeError extends ModeDiscoveryError {
  /** The URL requested. */
  readonly url: string;
  /** The page number, for a page request. */
  readonly page: number | undefined;
  /** Path of the first bad field (empty for a body that is not JSON). */
  readonly path: ReadonlyArray<string | number>;

  /** Builds the error. */
  constructor(
    message: string,
    options: {
      readonly url: string;
      readonly status: number;
      readonly page?: number | undefined;
      readonly path?: ReadonlyArray<string | number> | undefined;
      readonly cause?: unknown;
    },
  ) {
    super(message, { id: "response_decode_error", status: options.status, cause: options.cause });
    this.name = "ResponseDecodeError";
    this.url = options.url;
    this.page = options.page;
    this.path = options.path ?? [];
  }
}

/** Why a walk through pages stopped with a {@link PaginationError}. */
export type PaginationErrorReason = "cross-origin" | "loop" | "page-cap" | "invalid-href";

/**
 * The walk through pages cannot go on safely: a link or redirect to another
 * origin (never followed, so credentials stay put), a loop, or more pages
 * than `maxPages`. Collections yielded before it were all real.
 */
export class PaginationError extends ModeDiscoveryError {
  /** What went wrong. */
  readonly reason: PaginationErrorReason;
  /** The href involved, when there is one. */
  readonly href: string | undefined;

  /** Builds the error. */
  constructor(
    message: string,
    options: {
      readonly reason: PaginationErrorReason;
      readonly href?: string | undefined;
      readonly cause?: unknown;
    },
  ) {
    super(message, { id: "pagination_error", cause: options.cause });
    this.name = "PaginationError";
    this.reason = options.reason;
    this.href = options.href;
  }
}

/**
 * The call was aborted through its `AbortSignal`. Requests in flight were
 * cancelled. `cause` is the signal's `reason`. Its `name` is `AbortError`,
 * as for `fetch`.
 */
export class AbortError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "aborted", cause: options.cause });
    this.name = "AbortError";
  }
}

/**
 * `toArray({ limit })` met more collections than `limit` and refused to
 * collect them; nothing was returned and the remaining requests were
 * cancelled.
 */
export class LimitExceededError extends ModeDiscoveryError {
  /** The limit that was exceeded. */
  readonly limit: number;

  /** Builds the error. */
  constructor(message: string, options: { readonly limit: number }) {
    super(message, { id: "limit_exceeded" });
    this.name = "LimitExceededError";
    this.limit = options.limit;
  }
}
