/**
 * Every failure of Mode's Discovery API and of the client that talks to it,
 * one class per failure a caller handles differently.
 *
 * **Details**
 *
 * Server errors travel as `{ "id": "<code>", "message": "<text>" }` with the
 * HTTP status attached to their class (`httpApiStatus`). Each class also has
 * a `_tag` for `Effect.catchTag`, which is not part of the wire body.
 *
 * @module
 */
import * as Schema from "effect/Schema";

/**
 * Every error body of the API: `{"id": "<code>", "message": "<text>"}`.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ErrorBody } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(ErrorBody)({ id: "not_found", message: "Workspace not found." });
 * ```
 */
export const ErrorBody = Schema.Struct({
  id: Schema.String.annotate({ description: "The error code, such as not_found." }),
  message: Schema.String.annotate({ description: "What went wrong and what to do." }),
}).annotate({ identifier: "Error", description: "An error: its code and a message." });

/** The decoded type of {@link ErrorBody}. */
export type ErrorBody = typeof ErrorBody.Type;

/**
 * The JSON text of an error body.
 *
 * @example
 * ```ts
 * import { errorBody } from "@mode-discovery/core";
 * errorBody("not_found", "No such route."); // => '{"id":"not_found","message":"No such route."}'
 * ```
 */
export const errorBody = (id: string, message: string): string => JSON.stringify({ id, message });

// The wire form of one error class, named as a reader of the OpenAPI document expects.
const wire = <const Id extends string>(identifier: string, id: Id, description: string) =>
  Schema.Struct({ id: Schema.Literal(id), message: Schema.String }).annotate({
    identifier,
    description,
  });

/**
 * 400 `bad_request`: a parameter or body field is wrong. The message names it.
 *
 * @example
 * ```ts
 * import { BadRequest } from "@mode-discovery/core";
 * new BadRequest({ id: "bad_request", message: "per_page must be an integer from 1 to 1000, got 0." });
 * ```
 */
export class BadRequest extends Schema.Error<BadRequest>("BadRequest")(
  wire("BadRequest", "bad_request", "A parameter or body field is invalid."),
  { httpApiStatus: 400, description: "A parameter or body field is invalid." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "BadRequest" as const;
  /** The HTTP status of this error. */
  static readonly status = 400;
  /** The `id` of this error's body. */
  static readonly id = "bad_request";
}

/**
 * 401 `unauthorized`: credentials are missing, malformed, wrong or expired.
 *
 * @example
 * ```ts
 * import { Unauthorized } from "@mode-discovery/core";
 * new Unauthorized({ id: "unauthorized", message: "The signature token has expired." });
 * ```
 */
export class Unauthorized extends Schema.Error<Unauthorized>("Unauthorized")(
  wire("Unauthorized", "unauthorized", "Missing, malformed, wrong or expired credentials."),
  { httpApiStatus: 401, description: "Missing, malformed, wrong or expired credentials." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "Unauthorized" as const;
  /** The HTTP status of this error. */
  static readonly status = 401;
  /** The `id` of this error's body. */
  static readonly id = "unauthorized";
}

/**
 * 403 `forbidden`: the credentials are valid but may not do this.
 *
 * @example
 * ```ts
 * import { Forbidden } from "@mode-discovery/core";
 * new Forbidden({ id: "forbidden", message: "This token is read-only." });
 * ```
 */
export class Forbidden extends Schema.Error<Forbidden>("Forbidden")(
  wire("Forbidden", "forbidden", "The credentials may not perform this request."),
  { httpApiStatus: 403, description: "The credentials may not perform this request." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "Forbidden" as const;
  /** The HTTP status of this error. */
  static readonly status = 403;
  /** The `id` of this error's body. */
  static readonly id = "forbidden";
}

/**
 * 404 `not_found`: the workspace does not exist, or the credentials belong to
 * another workspace (the API does not reveal which), or the route is unknown.
 *
 * @example
 * ```ts
 * import { NotFound } from "@mode-discovery/core";
 * new NotFound({ id: "not_found", message: "Workspace not found." });
 * ```
 */
export class NotFound extends Schema.Error<NotFound>("NotFound")(
  wire("NotFound", "not_found", "Workspace (organization) not found."),
  { httpApiStatus: 404, description: "Workspace (organization) not found." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "NotFound" as const;
  /** The HTTP status of this error. */
  static readonly status = 404;
  /** The `id` of this error's body. */
  static readonly id = "not_found";
}

/**
 * 405 `method_not_allowed`: the route exists but not for this HTTP method.
 *
 * @example
 * ```ts
 * import { MethodNotAllowed } from "@mode-discovery/core";
 * new MethodNotAllowed({ id: "method_not_allowed", message: "Use GET." });
 * ```
 */
export class MethodNotAllowed extends Schema.Error<MethodNotAllowed>("MethodNotAllowed")(
  wire("MethodNotAllowed", "method_not_allowed", "The route does not accept this HTTP method."),
  { httpApiStatus: 405, description: "The route does not accept this HTTP method." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "MethodNotAllowed" as const;
  /** The HTTP status of this error. */
  static readonly status = 405;
  /** The `id` of this error's body. */
  static readonly id = "method_not_allowed";
}

/**
 * 429 `rate_limited`: too many requests for this signature token. The wire
 * body is `{id, message}`; the wait comes in the `Retry-After` header and is
 * kept here as `retryAfterSeconds` (absent when the server sent none).
 *
 * @example
 * ```ts
 * import { RateLimited } from "@mode-discovery/core";
 * const e = new RateLimited({ id: "rate_limited", message: "Slow down." });
 * ```
 */
export class RateLimited extends Schema.Error<RateLimited>("RateLimited")(
  wire("RateLimited", "rate_limited", "Too many requests; retry after `Retry-After` seconds."),
  { httpApiStatus: 429, description: "Too many requests; retry after `Retry-After` seconds." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "RateLimited" as const;
  /** The HTTP status of this error. */
  static readonly status = 429;
  /** The `id` of this error's body. */
  static readonly id = "rate_limited";
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  retryAfterSeconds: number | undefined = undefined;

  /** Builds the error with the wait the server asked for attached. */
  static withRetryAfter(message: string, retryAfterSeconds: number | undefined): RateLimited {
    const error = new RateLimited({ id: "rate_limited", message });
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }
}

/**
 * 5xx: the server failed. `id` is whatever code the server sent
 * (`server_error` from ours); `status` is the HTTP status when known.
 *
 * @example
 * ```ts
 * import { ServerError } from "@mode-discovery/core";
 * new ServerError({ id: "server_error", message: "The server failed; retry later." });
 * ```
 */
export class ServerError extends Schema.Error<ServerError>("ServerError")(
  ErrorBody.annotate({
    identifier: "ServerError",
    description: "The server failed; retrying later may succeed.",
  }),
  { httpApiStatus: 500, description: "The server failed; retrying later may succeed." },
) {
  /** Tag for `Effect.catchTag`; not sent on the wire. */
  readonly _tag = "ServerError" as const;
  /** The `id` of this error's body (from this project's server). */
  static readonly id = "server_error";
  /** The HTTP status of this error when the server gives none of its own. */
  static readonly status = 500;
  /** The HTTP status the server answered with (500 unless set). */
  status = 500;

  /** Builds the error for a given 5xx (or other unexpected) status. */
  static withStatus(status: number, id: string, message: string): ServerError {
    const error = new ServerError({ id, message });
    error.status = status;
    return error;
  }
}

/**
 * The error classes of the API's answers, each with its `status` and `id`:
 * the one source of the status-to-id mapping.
 */
export const apiErrorClasses = [
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  MethodNotAllowed,
  RateLimited,
  ServerError,
] as const;

/**
 * The `id` of the error body for an HTTP status: the class's own for the
 * statuses of {@link apiErrorClasses}, `bad_request` for any other 4xx,
 * `server_error` for anything else.
 *
 * @example
 * ```ts
 * import { errorIdForStatus } from "@mode-discovery/core";
 * errorIdForStatus(404); // => "not_found"
 * errorIdForStatus(431); // => "bad_request"
 * errorIdForStatus(503); // => "server_error"
 * ```
 */
export const errorIdForStatus = (status: number): string =>
  apiErrorClasses.find((error) => error.status === status)?.id ??
    (status >= 400 && status < 500 ? BadRequest.id : ServerError.id);

/**
 * The errors the Discovery API answers with, as found on the wire.
 */
export type ApiError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | MethodNotAllowed
  | RateLimited
  | ServerError;

/**
 * The request never got an HTTP answer: DNS, refused or reset connection,
 * a body cut short, or an aborted stream.
 *
 * @example
 * ```ts
 * import { TransportError } from "@mode-discovery/core";
 * new TransportError({ url: "https://app.mode.com/batch/acme/spaces", message: "connection refused" });
 * ```
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  url: Schema.String,
  message: Schema.String,
}) {}

/**
 * A request took longer than the configured per-request timeout.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@mode-discovery/core";
 * new TimeoutError({ url: "https://app.mode.com/batch/acme/spaces", timeoutMs: 30000, message: "timed out" });
 * ```
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  url: Schema.String,
  timeoutMs: Schema.Number,
  message: Schema.String,
}) {}

/**
 * A response arrived but is not what the API promises (HTML, a truncated
 * body, a wrong type). Names the page, the HTTP status and the path of the
 * first bad field (empty for a body that is not JSON at all).
 *
 * @example
 * ```ts
 * import { ResponseDecodeError } from "@mode-discovery/core";
 * new ResponseDecodeError({
 *   url: "http://localhost:8787/batch/acme/spaces?page=3&per_page=1000", page: 3, status: 200,
 *   path: ["spaces", 12, "id"], message: "Expected an integer",
 * });
 * ```
 */
export class ResponseDecodeError
  extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
    url: Schema.String,
    page: Schema.optionalKey(Schema.Int),
    status: Schema.Int,
    path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
    message: Schema.String,
    /** The body started like JSON but was cut short (a smaller page may get through). */
    truncated: Schema.optionalKey(Schema.Boolean),
  }) {}

/**
 * The walk through pages cannot go on safely: a `next_page` href that points
 * at another origin, a link that loops, or more pages than the hard cap.
 *
 * @example
 * ```ts
 * import { PaginationError } from "@mode-discovery/core";
 * new PaginationError({ reason: "cross-origin", href: "https://evil.example/x", message: "refused" });
 * ```
 */
export class PaginationError extends Schema.TaggedError<PaginationError>()("PaginationError", {
  reason: Schema.Literals(["cross-origin", "loop", "page-cap", "invalid-href"]),
  href: Schema.optionalKey(Schema.String),
  message: Schema.String,
}) {}

/**
 * A client option or call option is not acceptable (`timeoutMs: 0`, a base
 * URL with a password in it, `perPage: 0`, an unknown resource). Raised by
 * `DiscoveryClient.make` for client options, by the call for call options;
 * nothing is sent. `option` names the option.
 *
 * @example
 * ```ts
 * import { ClientOptionError } from "@mode-discovery/core";
 * new ClientOptionError({ option: "timeoutMs", message: "Invalid client option timeoutMs: got 0." });
 * ```
 */
export class ClientOptionError extends Schema.TaggedError<ClientOptionError>()(
  "ClientOptionError",
  {
    option: Schema.String,
    message: Schema.String,
  },
) {}

/**
 * The errors the client's own work can fail with, apart from the API's.
 */
export type ClientError =
  | TransportError
  | TimeoutError
  | ResponseDecodeError
  | PaginationError
  | ClientOptionError;

/**
 * Every error a `DiscoveryClient` call can fail with.
 */
export type DiscoveryError = ApiError | ClientError;
