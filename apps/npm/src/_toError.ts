/**
 * Turns the end of an Effect run into what the Promise API throws: core's
 * `DiscoveryError`s become the `Error` subclasses of `Errors.ts`,
 * interruption by a signal becomes `AbortError`.
 *
 * @internal
 * @module
 */
import * as Cause from "effect/Cause";
import type { DiscoveryError, SnapshotError } from "@mode-discovery/core";
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

/** The Promise API's error for one of core's errors. */
export const fromDiscoveryError = (error: DiscoveryError): ModeDiscoveryError => {
  switch (error._tag) {
    case "BadRequest":
      return new BadRequestError(error.message);
    case "Unauthorized":
      return new UnauthorizedError(error.message);
    case "Forbidden":
      return new ForbiddenError(error.message);
    case "NotFound":
      return new NotFoundError(error.message);
    case "MethodNotAllowed":
      return new MethodNotAllowedError(error.message);
    case "RateLimited":
      return new RateLimitedError(error.message, { retryAfterSeconds: error.retryAfterSeconds });
    case "ServerError":
      return new ServerError(error.message, { status: error.status, id: error.id });
    case "TransportError":
      return new TransportError(error.message, { url: error.url });
    case "TimeoutError":
      return new TimeoutError(error.message, { url: error.url, timeoutMs: error.timeoutMs });
    case "ResponseDecodeError":
      return new ResponseDecodeError(error.message, {
        url: error.url,
        status: error.status,
        page: error.page,
        path: error.path,
      });
    case "PaginationError":
      return new PaginationError(error.message, { reason: error.reason, href: error.href });
    case "ClientOptionError":
      return new BadRequestError(error.message);
  }
};

const reasonText = (reason: unknown): string => {
  if (reason instanceof Error) {
    return reason.name === "AbortError" && /operation was aborted/i.test(reason.message)
      ? ""
      : `: ${reason.message}`;
  }
  if (reason === undefined) return "";
  const text = String(reason);
  return text === "" ? "" : `: ${text.slice(0, 200)}`;
};

/** The `AbortError` for an aborted signal, naming what was aborted. */
export const abortError = (what: string, signal: AbortSignal | undefined): AbortError =>
  new AbortError(
    `${what} was aborted by its AbortSignal${
      reasonText(signal?.reason)
    }; requests in flight were cancelled.`,
    { cause: signal?.reason },
  );

/**
 * The error to throw for a failed run: the mapped `DiscoveryError`, an
 * `AbortError` when the run was interrupted, or the defect itself.
 */
export const fromCause = (
  cause: Cause.Cause<DiscoveryError | SnapshotError>,
  what: string,
  signal: AbortSignal | undefined,
): Error => {
  const failure = Cause.findErrorOption(cause);
  if (failure._tag === "Some") {
    const error = failure.value;
    if (error._tag !== "SnapshotError") return fromDiscoveryError(error);
    // The failing resource's own error class, its message naming the resource.
    const mapped = fromDiscoveryError(error.error as DiscoveryError);
    mapped.message = error.message;
    return mapped;
  }
  if (Cause.hasInterruptsOnly(cause)) {
    return signal?.aborted
      ? abortError(what, signal)
      : new AbortError(`${what} was cancelled: it was closed while a request was in flight.`);
  }
  const defect = Cause.squash(cause);
  return defect instanceof Error ? defect : new ModeDiscoveryError(
    `${what} failed unexpectedly: ${
      String(defect).slice(0, 300)
    }. This is a bug in mode-discovery.`,
    { id: "internal_error", cause: defect },
  );
};
