/**
 * Messages for requests that fail decoding, and the layer that turns such
 * failures into 400 `bad_request` answers naming the parameter or field.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import type * as Layer from "effect/Layer";
import * as SchemaIssue from "effect/SchemaIssue";
import * as HttpServerRequest from "effect/http/HttpServerRequest";
import * as HttpApiMiddleware from "effect/http-api/HttpApiMiddleware";
import type { HttpApiSchemaError } from "effect/http-api/HttpApiError";
import { BadRequest } from "./DiscoveryError.ts";
import { RequestValidation } from "./DiscoveryApi.ts";
import { PARAMETER_HELP } from "./Pagination.ts";

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const parameterHelp: Readonly<Record<string, string>> = PARAMETER_HELP;

const quote = (value: string): string =>
  JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);

/**
 * The message for a query parameter that is not acceptable: names it, shows
 * what was given and says what it takes.
 *
 * @example
 * ```ts
 * import { invalidParameterMessage } from "@mode-discovery/core";
 * invalidParameterMessage("per_page", ["0"]);
 * // => 'Invalid query parameter per_page: got "0". per_page must be a whole number from 1 to 1000 (default 1000).'
 * ```
 */
export const invalidParameterMessage = (
  name: string,
  given: ReadonlyArray<string>,
): string => {
  const help = parameterHelp[name] ?? "";
  if (given.length > 1) {
    return `Invalid query parameter ${name}: given ${given.length} times. Give it once. ${help}`
      .trim();
  }
  const value = given[0] ?? "";
  return `Invalid query parameter ${name}: got ${
    value === "" ? "an empty value" : quote(value)
  }. ${help}`
    .trim();
};

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key) => typeof key === "number" ? `[${key}]` : String(key)).join(".");

/**
 * The 400 `bad_request` for a request that failed decoding.
 *
 * **Details**
 *
 * Query failures name the parameter and the value given (see
 * {@link invalidParameterMessage}); path failures name the path parameter;
 * body failures name the field path (`signature_token.name`) and what it takes.
 */
export const badRequestFromSchemaError = (
  error: HttpApiSchemaError,
  searchParams: URLSearchParams,
): BadRequest => {
  const cause = error.cause as { readonly issue?: SchemaIssue.Issue } | undefined;
  const issues = cause?.issue === undefined ? [] : formatter(cause.issue).issues;
  const first = issues[0];
  const path = (first?.path ?? []).map((p) =>
    typeof p === "object" && p !== null ? (p as { key: PropertyKey }).key : p
  );
  const detail = first?.message ?? "the request could not be read";
  let message: string;
  switch (error.kind) {
    case "Query": {
      const name = String(path[0] ?? "query");
      message = invalidParameterMessage(name, searchParams.getAll(name));
      break;
    }
    case "Params":
      message = `Invalid path parameter ${String(path[0] ?? "")}: ${detail}.`;
      break;
    case "Payload":
      message = path.length === 0
        ? `Invalid request body: ${detail}. Send a JSON object as documented.`
        : `Invalid body field ${pathText(path)}: ${detail}.`;
      break;
    default:
      message = `Invalid request ${String(error.kind).toLowerCase()}: ${detail}.`;
  }
  return new BadRequest({ id: "bad_request", message });
};

/**
 * The {@link RequestValidation} middleware: request decoding failures become
 * 400 `bad_request` with a message naming the parameter or field.
 */
export const RequestValidationLayer: Layer.Layer<RequestValidation> = HttpApiMiddleware
  .layerSchemaErrorTransform(
    RequestValidation,
    (error) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const url = new URL(request.url, "http://localhost");
        return Effect.fail(badRequestFromSchemaError(error, url.searchParams));
      }),
  );
