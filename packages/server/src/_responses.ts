/**
 * Error answers shared by the handlers and middleware.
 *
 * @internal
 * @module
 */
import * as HttpServerResponse from "effect/http/HttpServerResponse";
import { BadRequest, errorBody, NotFound, ServerError } from "@mode-discovery/core";
import type { StoreError } from "./ListingStore.ts";
import { errorResponse, JSON_CONTENT_TYPE } from "./_render.ts";

/** Largest request body accepted, in bytes (a signature token request is tiny). */
export const MAX_BODY_BYTES = 65_536;

/**
 * 400 `bad_request` for a request body over {@link MAX_BODY_BYTES},
 * declared or streamed: the answer of the server, and of an adapter that
 * reads bodies itself.
 *
 * @example
 * ```ts
 * import { bodyTooLargeResponse } from "@mode-discovery/server";
 * bodyTooLargeResponse().status; // => 400
 * ```
 */
export const bodyTooLargeResponse = (): Response =>
  errorResponse(
    BadRequest.status,
    BadRequest.id,
    `The request body is larger than ${MAX_BODY_BYTES} bytes; a signature token request is a small JSON object.`,
  );

/**
 * The 404 for an unknown workspace and for credentials of another workspace:
 * the same words for both, so the answer does not tell which workspaces exist.
 */
export const workspaceNotFound = (workspace: string): NotFound =>
  new NotFound({
    id: NotFound.id,
    message: `Workspace ${
      JSON.stringify(workspace)
    } was not found, or these credentials do not give access to it.`,
  });

/** 503 `server_error` when a store cannot be read or written; retrying may work. */
export const storeFailureResponse = (error: StoreError): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(
    errorBody(
      ServerError.id,
      error.reason === "Invalid"
        ? "The server's store refused the data; see the server log."
        : "The server's store is unavailable right now; retry in a moment.",
    ),
    { status: 503, contentType: JSON_CONTENT_TYPE, headers: { "retry-after": "1" } },
  );
