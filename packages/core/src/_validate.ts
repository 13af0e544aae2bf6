/**
 * Checks of the options of each client call, against core's schemas, before
 * anything is sent: a bad option is a `ClientOptionError` naming it.
 *
 * @internal
 * @module
 */
import * as Result from "effect/Result";
import * as Schema from "effect/Schema";
import * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";
import { ClientOptionError } from "./DiscoveryError.ts";
import { WorkspaceName } from "./Routes.ts";
import { PageNumber, PerPage } from "./Pagination.ts";
import { AUTHENTICATION_FOR, AUTHORIZATION_TYPE, SignatureTokenRequest } from "./SignatureToken.ts";
import { DEFAULTS, invalidOption } from "./_settings.ts";

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const firstIssue = (issue: SchemaIssue.Issue): { path: string; message: string } => {
  const first = formatter(issue).issues[0];
  const path = (first?.path ?? []).map((p) =>
    typeof p === "object" && p !== null && "key" in p
      ? String((p as { key: unknown }).key)
      : String(p)
  );
  return { path: path.join("."), message: first?.message ?? "invalid value" };
};

const shown = (value: unknown): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
};

const checkSchema = <A>(
  schema: Schema.Decoder<A>,
  name: string,
  value: unknown,
  takes: string,
): A | ClientOptionError => {
  const result = SchemaParser.decodeUnknownResult(schema)(value);
  if (Result.isSuccess(result)) return result.success;
  return new ClientOptionError({
    option: name,
    message: `Invalid ${name}: got ${shown(value)}; ${
      firstIssue(result.failure).message
    }. ${takes}`,
  });
};

/** Checks a workspace name (the workspace's username). */
export const checkWorkspace = (workspace: unknown): string | ClientOptionError =>
  checkSchema(
    WorkspaceName,
    "workspace",
    workspace,
    "Give the workspace's username, as in its Mode URLs.",
  );

/** Checks `perPage` (default 1000). */
export const checkPerPage = (perPage: unknown, name = "perPage"): number | ClientOptionError =>
  checkSchema(
    PerPage,
    name,
    perPage,
    name === "perPage"
      ? "Leave it unset for the default, 1000."
      : "Leave it unset for the default.",
  );

/** Checks `page` (default 1). */
export const checkPage = (page: unknown): number | ClientOptionError =>
  checkSchema(PageNumber, "page", page, "Pages are numbered from 1.");

/** Checks `concurrency` of `collections.list`: a whole number from 1 to 64. */
export const checkConcurrency = (value: number | undefined): number | ClientOptionError =>
  value === undefined
    ? DEFAULTS.concurrency
    : Number.isSafeInteger(value) && value >= 1 && value <= 64
    ? value
    : invalidOption(
      "concurrency",
      value,
      `Use a whole number of pages in flight from 1 to 64 (default ${DEFAULTS.concurrency}).`,
    );

/** Checks `maxPages` of `collections.list`: a whole number of 1 or more. */
export const checkMaxPages = (value: number | undefined): number | ClientOptionError =>
  value === undefined
    ? DEFAULTS.maxPages
    : Number.isSafeInteger(value) && value >= 1
    ? value
    : invalidOption(
      "maxPages",
      value,
      `Use a whole number of 1 or more (default ${DEFAULTS.maxPages}).`,
    );

/** Checks `strategy` of `collections.list`. */
export const checkStrategy = (value: unknown): "totals" | "links" | ClientOptionError =>
  value === undefined || value === "totals"
    ? "totals"
    : value === "links"
    ? "links"
    : invalidOption("strategy", value, `Use "totals" (the default) or "links".`);

const encodeRequest = Schema.encodeSync(SignatureTokenRequest);

/**
 * The JSON body of `POST /batch/{workspace}/signature_tokens` for a name and
 * an expiry, checked against core's `SignatureTokenRequest`.
 */
export const signatureTokenBody = (
  name: unknown,
  expiresAt: unknown,
): string | ClientOptionError => {
  const input = {
    signature_token: {
      name,
      expires_at: expiresAt,
      auth_scope: {
        authentication_for: AUTHENTICATION_FOR,
        authorization_type: AUTHORIZATION_TYPE,
      },
    },
  };
  const result = SchemaParser.decodeUnknownResult(SignatureTokenRequest)(input);
  if (Result.isFailure(result)) {
    const { path, message } = firstIssue(result.failure);
    const option = path.endsWith("expires_at")
      ? "expiresAt"
      : path.endsWith("name")
      ? "name"
      : path;
    const value = option === "expiresAt" ? expiresAt : option === "name" ? name : undefined;
    return new ClientOptionError({
      option,
      message: `Invalid ${option} of the signature token: got ${shown(value)}; ${message}. ${
        option === "expiresAt"
          ? "Give an ISO 8601 time such as 2027-01-01T00:00:00Z."
          : "Give a name of 4 to 64 characters."
      }`,
    });
  }
  return JSON.stringify(encodeRequest(result.success));
};
