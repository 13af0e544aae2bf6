/**
 * Error answers shared by the handlers and middleware.
 *
 * @internal
 * @module
 */
import * as HttpServerResponse from "effect/http/HttpServerResponse";
import { NotFound } from "@mode-discovery/core";
import type { StoreError } from "./CollectionStore.ts";
import { JSON_CONTENT_TYPE } from "./_render.ts";

/**
 * The 404 for an unknown workspace and for credentials of another workspace:
 * the same words for both, so the answer does not tell which workspaces exist.
 */
export const workspaceNotFound = (workspace: string): NotFound =>
  new NotFound({
    id: "not_found",
    message: `Workspace ${
      JSON.stringify(workspace)
    } was not found, or these credentials do not give access to it.`,
  });

/** 503 `server_error` when the store cannot be read or written; retrying may work. */
export const storeFailureResponse = (error: StoreError): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(
    JSON.stringify({
      id: "server_error",
      message: error.reason === "Invalid"
        ? "The server's store refused the data; see the server log."
        : "The server's store is unavailable right now; retry in a moment.",
    }),
    { status: 503, contentType: JSON_CONTENT_TYPE, headers: { "retry-after": "1" } },
  );
