import assert from "node:assert/strict";
import * as Cause from "effect/Cause";
import {
  BadRequest,
  type DiscoveryError,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  PaginationError as CorePaginationError,
  RateLimited,
  ResponseDecodeError as CoreResponseDecodeError,
  ServerError as CoreServerError,
  TimeoutError as CoreTimeoutError,
  TransportError as CoreTransportError,
  Unauthorized,
} from "@mode-discovery/core";
import {
  AbortError,
  BadRequestError,
  ForbiddenError,
  MethodNotAllowedError,
  ModeDiscoveryError,
  NotFoundError,
  PaginationError,
  RateLimitedError,
  ResponseDecodeError,
  ServerError,
  TimeoutError,
  TransportError,
  UnauthorizedError,
} from "./Errors.ts";
import { fromCause, fromDiscoveryError } from "./_toError.ts";

const URL_ = "http://127.0.0.1:8787/batch/acme/spaces?page=2&per_page=1000";

Deno.test("every core error becomes its Error subclass with status, id and message", () => {
  const cases: Array<
    [DiscoveryError, new (...args: never[]) => Error, number | undefined, string]
  > = [
    [new BadRequest({ id: "bad_request", message: "m" }), BadRequestError, 400, "bad_request"],
    [
      new Unauthorized({ id: "unauthorized", message: "m" }),
      UnauthorizedError,
      401,
      "unauthorized",
    ],
    [new Forbidden({ id: "forbidden", message: "m" }), ForbiddenError, 403, "forbidden"],
    [new NotFound({ id: "not_found", message: "m" }), NotFoundError, 404, "not_found"],
    [
      new MethodNotAllowed({ id: "method_not_allowed", message: "m" }),
      MethodNotAllowedError,
      405,
      "method_not_allowed",
    ],
    [RateLimited.withRetryAfter("m", 7), RateLimitedError, 429, "rate_limited"],
    [CoreServerError.withStatus(502, "bad_gateway", "m"), ServerError, 502, "bad_gateway"],
    [
      new CoreTransportError({ url: URL_, message: "m" }),
      TransportError,
      undefined,
      "transport_error",
    ],
    [
      new CoreTimeoutError({ url: URL_, timeoutMs: 10, message: "m" }),
      TimeoutError,
      undefined,
      "timeout",
    ],
    [
      new CoreResponseDecodeError({
        url: URL_,
        page: 2,
        status: 200,
        path: ["spaces", 3],
        message: "m",
      }),
      ResponseDecodeError,
      200,
      "response_decode_error",
    ],
    [
      new CorePaginationError({ reason: "cross-origin", href: "https://evil.test/", message: "m" }),
      PaginationError,
      undefined,
      "pagination_error",
    ],
  ];
  for (const [core, ErrorClass, status, id] of cases) {
    const error = fromDiscoveryError(core);
    assert.ok(error instanceof ErrorClass, core._tag);
    assert.ok(error instanceof ModeDiscoveryError);
    assert.ok(error instanceof Error);
    assert.equal(error.status, status, core._tag);
    assert.equal(error.id, id, core._tag);
    assert.equal(error.message, "m");
    assert.equal(error.name, ErrorClass.name);
  }
});

Deno.test("the extra fields of each error are kept", () => {
  const rate = fromDiscoveryError(RateLimited.withRetryAfter("m", 7)) as RateLimitedError;
  assert.equal(rate.retryAfterSeconds, 7);
  const decode = fromDiscoveryError(
    new CoreResponseDecodeError({
      url: URL_,
      page: 2,
      status: 200,
      path: ["spaces", 3],
      message: "m",
    }),
  ) as ResponseDecodeError;
  assert.deepEqual([decode.url, decode.page, decode.path], [URL_, 2, ["spaces", 3]]);
  const timeout = fromDiscoveryError(
    new CoreTimeoutError({ url: URL_, timeoutMs: 10, message: "m" }),
  ) as TimeoutError;
  assert.deepEqual([timeout.url, timeout.timeoutMs], [URL_, 10]);
  const pagination = fromDiscoveryError(
    new CorePaginationError({ reason: "loop", href: "/x", message: "m" }),
  ) as PaginationError;
  assert.deepEqual([pagination.reason, pagination.href], ["loop", "/x"]);
});

Deno.test("an interruption is an AbortError carrying the signal's reason", () => {
  const controller = new AbortController();
  controller.abort(new Error("user pressed stop"));
  const error = fromCause(Cause.interrupt(), "The request", controller.signal);
  assert.ok(error instanceof AbortError);
  assert.equal(error.name, "AbortError");
  assert.match(error.message, /The request was aborted by its AbortSignal: user pressed stop/);
  assert.equal((error as AbortError).cause, controller.signal.reason);
  const closed = fromCause(Cause.interrupt(), "The listing", undefined);
  assert.ok(closed instanceof AbortError);
  assert.match(closed.message, /was cancelled/);
  const defect = fromCause(Cause.die("boom"), "The listing", undefined);
  assert.ok(defect instanceof ModeDiscoveryError);
  assert.match(defect.message, /bug in mode-discovery/);
});
