/**
 * The edges of the handler: unknown routes (404), wrong methods (405),
 * responses that are not JSON, and failures nobody expected, all answered
 * with a clean `{id, message}` JSON body and never a stack trace.
 *
 * @internal
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import type * as Layer from "effect/Layer";
import * as HttpRouter from "effect/http/HttpRouter";
import * as HttpServerError from "effect/http/HttpServerError";
import * as HttpServerRequest from "effect/http/HttpServerRequest";
import * as HttpServerResponse from "effect/http/HttpServerResponse";
import {
  BadRequest,
  errorBody,
  errorIdForStatus,
  MethodNotAllowed,
  NotFound,
  openApiPath,
  resourcePath,
  ServerError,
  WORKSPACE_RULE,
} from "@mode-discovery/core";
import { errorResponse, JSON_CONTENT_TYPE } from "./_render.ts";
import { ROUTE_LIST, routeOfPath, routeWithoutWorkspace } from "./_routes.ts";

const shown = (text: string): string => text.length > 100 ? `${text.slice(0, 100)}...` : text;

const jsonResponse = (
  status: number,
  id: string,
  message: string,
  headers?: Record<string, string>,
) =>
  HttpServerResponse.text(errorBody(id, message), {
    status,
    contentType: JSON_CONTENT_TYPE,
    ...(headers === undefined ? {} : { headers }),
  });

/** The answer for a request no route matched: 405 for a known path, else 404. */
export const unmatchedResponse = (
  method: string,
  rawUrl: string,
  tooLong: boolean,
): HttpServerResponse.HttpServerResponse => {
  let path: string;
  try {
    path = new URL(rawUrl, "http://localhost").pathname;
  } catch {
    path = rawUrl;
  }
  const missing = routeWithoutWorkspace(path);
  if (missing !== undefined) {
    return jsonResponse(
      NotFound.status,
      NotFound.id,
      `The workspace is missing from the path ${JSON.stringify(shown(path))}: use ${
        openApiPath(resourcePath(missing.segment))
      } with the workspace's username.`,
    );
  }
  const route = routeOfPath(path)?.route;
  if (route !== undefined && !route.allow.includes(method.toUpperCase())) {
    return jsonResponse(
      MethodNotAllowed.status,
      MethodNotAllowed.id,
      `Method ${shown(method)} is not allowed on ${JSON.stringify(shown(path))}: use ${
        route.allow.filter((m) => m !== "HEAD").join(" or ")
      }.`,
      { allow: route.allow.join(", ") },
    );
  }
  if (route !== undefined) {
    return jsonResponse(
      BadRequest.status,
      BadRequest.id,
      `Invalid path parameter workspace: ${
        tooLong ? "it is far too long" : "it is not valid percent-encoded text"
      }. A workspace username is ${WORKSPACE_RULE}.`,
    );
  }
  return jsonResponse(
    NotFound.status,
    NotFound.id,
    `No route ${shown(method)} ${JSON.stringify(shown(path))}. ${ROUTE_LIST}`,
  );
};

/** The answer for a failure nobody expected: logged on the server, clean for the client. */
const internalErrorResponse = () =>
  jsonResponse(
    ServerError.status,
    ServerError.id,
    "The server failed to handle this request. This is a bug in the server; it has been logged.",
  );

/** One line describing a defect for the server log (no request data, no secrets). */
const describeDefect = (defect: unknown): string => {
  const text = defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect);
  return text.split("\n")[0].slice(0, 300);
};

/**
 * Global router middleware: turns "no route" into 404/405 and any defect
 * into a clean 500, calling `onDefect` with a one-line description.
 */
export const fallbackMiddleware = (
  onDefect: (line: string) => void,
  name: string,
): Layer.Layer<never, never, HttpRouter.HttpRouter> =>
  HttpRouter.middleware((effect) =>
    Effect.catchCause(effect, (cause) =>
      Effect.gen(function* () {
        if (Cause.hasInterruptsOnly(cause)) return yield* Effect.failCause(cause);
        const request = yield* HttpServerRequest.HttpServerRequest;
        const failure = Cause.findErrorOption(cause);
        if (failure._tag === "Some" && HttpServerError.isHttpServerError(failure.value)) {
          const reason = failure.value.reason;
          if (reason._tag === "RouteNotFound") {
            return unmatchedResponse(
              request.method,
              request.url,
              /maxParamLength/.test(String(reason.description ?? "")),
            );
          }
          if (reason._tag === "RequestParseError") {
            return jsonResponse(
              BadRequest.status,
              BadRequest.id,
              "The request could not be read: send a complete request with a JSON body.",
            );
          }
        }
        onDefect(
          `${name}: unexpected failure on ${request.method} ${shown(request.url.split("?")[0])}: ${
            describeDefect(Cause.squash(cause))
          }`,
        );
        return internalErrorResponse();
      })), { global: true });

/**
 * Makes sure a response is JSON: the router answers an unsupported body
 * type with a plain-text 415 and an oversized body with an empty 413; those
 * become `{id, message}` answers (a 415 becomes a 400 naming Content-Type).
 */
export const ensureJson = async (response: Response): Promise<Response> => {
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith(JSON_CONTENT_TYPE)) return response;
  await response.body?.cancel();
  if (response.status === 415) {
    return errorResponse(
      BadRequest.status,
      BadRequest.id,
      "Invalid request body: send it as JSON with the header Content-Type: application/json.",
    );
  }
  if (response.status === 413) {
    return errorResponse(BadRequest.status, BadRequest.id, "The request body is too large.");
  }
  if (response.status < 400) {
    return errorResponse(
      ServerError.status,
      ServerError.id,
      "The server produced a response it cannot send.",
    );
  }
  return errorResponse(
    response.status,
    errorIdForStatus(response.status),
    `The request failed with HTTP status ${response.status}.`,
  );
};
