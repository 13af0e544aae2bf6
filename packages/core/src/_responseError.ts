/**
 * The client's errors built from what the server answered: an error status
 * decoded into core's error classes, a body that is not the expected JSON,
 * and the messages that say what happened and what to do.
 *
 * @internal
 * @module
 */
import * as SchemaIssue from "effect/SchemaIssue";
import {
  type ApiError,
  BadRequest,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  RateLimited,
  ResponseDecodeError,
  ServerError,
  Unauthorized,
} from "./DiscoveryError.ts";

/** What a request was, for messages: never holds a secret. */
export interface RequestContext {
  /** `GET` or `POST`. */
  readonly method: string;
  /** Absolute URL requested. */
  readonly url: string;
  /** Which kind of call: a page of a resource or a signature token. */
  readonly kind: "page" | "signature-token";
  /** What a page lists, plural (`collections`, `report stats`), for pages. */
  readonly plural?: string | undefined;
  /** The workspace, when known. */
  readonly workspace?: string | undefined;
  /** The page number, for pages. */
  readonly page?: number | undefined;
}

/** A short, single-line excerpt of a body for messages. */
export const excerpt = (text: string, max = 120): string => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
};

const what = (ctx: RequestContext): string =>
  ctx.kind === "page"
    ? `page ${ctx.page ?? "?"} of ${
      ctx.workspace === undefined ? "the workspace" : `workspace "${ctx.workspace}"`
    }`
    : "the signature token request";

/** ` (still failing after 2 retries)`, or nothing before any retry. */
export const retriedNote = (retries: number, verb = "failing"): string =>
  retries === 0 ? "" : ` (still ${verb} after ${retries} ${retries === 1 ? "retry" : "retries"})`;

/** The `{id, message}` of an error body, when it is one. */
const errorBody = (text: string): { readonly id?: string; readonly message?: string } => {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === "object" && json !== null) {
      const { id, message } = json as Record<string, unknown>;
      return {
        ...(typeof id === "string" ? { id } : {}),
        ...(typeof message === "string" ? { message: excerpt(message, 300) } : {}),
      };
    }
  } catch {
    // not JSON: described below from the raw text
  }
  return {};
};

/**
 * The typed error for a response with an error status.
 *
 * **Details**
 *
 * 400, 401, 403, 404, 405 and 429 become core's classes of the same status;
 * any other status becomes `ServerError` with that status. The message says
 * what the server answered (its own message, or an excerpt of a body that is
 * not JSON), for which request, and what to do.
 */
export const apiErrorFromResponse = (options: {
  readonly status: number;
  readonly bodyText: string;
  readonly context: RequestContext;
  readonly retries: number;
  readonly retryAfterSeconds?: number | undefined;
}): ApiError => {
  const { status, context: ctx } = options;
  const body = errorBody(options.bodyText);
  const text = options.bodyText.trim();
  const said = body.message !== undefined
    ? `the server said: ${body.message.replace(/[.\s]+$/, "")}`
    : text === ""
    ? "the body was empty"
    : text.startsWith("<")
    ? `the body was an HTML page: ${JSON.stringify(excerpt(text.replace(/<[^>]*>/g, " ")))}`
    : ctx.kind === "signature-token"
    // The body of a token request may be the token itself: never quote it.
    ? "the body was not a JSON error"
    : `the body was not a JSON error: ${JSON.stringify(excerpt(text))}`;
  const head = `${ctx.method} ${ctx.url} answered ${status} for ${what(ctx)}${
    retriedNote(options.retries)
  }; ${said}.`;
  const admin = ctx.kind === "signature-token";
  switch (status) {
    case 400:
      return new BadRequest({
        id: "bad_request",
        message: `${head} Correct the parameter or field it names and try again.`,
      });
    case 401:
      return new Unauthorized({
        id: "unauthorized",
        message: admin
          ? `${head} Check the admin API key and secret (a workspace admin's API token and password).`
          : `${head} Check MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET: they must be the token, access key and access secret of one signature token that has not expired; create a new one if needed.`,
      });
    case 403:
      return new Forbidden({
        id: "forbidden",
        message: admin
          ? `${head} The API key must belong to an admin of the workspace.`
          : `${head} For the Discovery API this means the workspace's plan does not include the Discovery API, or the signature token may not read this workspace (its admin may have left, or it is not a read-only batch-api token). Ask a workspace admin to check the plan and to create a new signature token.`,
      });
    case 404:
      return new NotFound({
        id: "not_found",
        message: `${head} Check the workspace name (its username, as in Mode's URLs) and that the ${
          admin
            ? "API key belongs to an admin of that workspace"
            : "signature token was created in that workspace"
        }; the API answers 404 for both. Also check that the base URL is the Discovery API's.`,
      });
    case 405:
      return new MethodNotAllowed({
        id: "method_not_allowed",
        message: `${head} The base URL may not be the Discovery API's; check MODE_BASE_URL.`,
      });
    case 429:
      return RateLimited.withRetryAfter(
        `${head} Wait${
          options.retryAfterSeconds === undefined ? "" : ` ${options.retryAfterSeconds} s`
        } before trying again, lower concurrency, or set a requests-per-second budget.`,
        options.retryAfterSeconds,
      );
    default:
      return ServerError.withStatus(
        status,
        body.id ?? (status >= 500 ? "server_error" : "unexpected_status"),
        status >= 500
          ? `${head} The server failed; try again later.`
          : `${head} This status is not part of the Discovery API; check MODE_BASE_URL.`,
      );
  }
};

const pathOf = (path: ReadonlyArray<unknown>): Array<string | number> =>
  path.map((p) => {
    const key = typeof p === "object" && p !== null && "key" in p
      ? (p as { readonly key: unknown }).key
      : p;
    return typeof key === "number" ? key : String(key);
  });

/** `spaces[12].id` from `["spaces", 12, "id"]`. */
export const pathText = (path: ReadonlyArray<string | number>): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text === "" ? key : `${text}.${key}`,
    "",
  );

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const expected = (ctx: RequestContext): string =>
  ctx.kind === "page" ? `a ${ctx.plural ?? "collections"} page` : "a signature token";

/**
 * The error for a 2xx body that is valid JSON but not the expected shape:
 * names the URL, page, status and the path of the first bad field.
 */
export const decodeError = (options: {
  readonly status: number;
  readonly issue: SchemaIssue.Issue;
  readonly context: RequestContext;
}): ResponseDecodeError => {
  const first = formatter(options.issue).issues[0];
  const path = pathOf(first?.path ?? []);
  // Schema quotes the offending value; a huge value must not make a huge message.
  const detail = excerpt(first?.message ?? "the body does not match", 200);
  const ctx = options.context;
  return new ResponseDecodeError({
    url: ctx.url,
    ...(ctx.page === undefined ? {} : { page: ctx.page }),
    status: options.status,
    path,
    message: `${ctx.method} ${ctx.url} answered ${options.status} for ${
      what(ctx)
    }, but the body is not ${expected(ctx)}: at ${
      path.length === 0 ? "the top level" : pathText(path)
    }: ${detail}. Check that the base URL is the Discovery API's; if it is, the API has changed and this client needs an update.`,
  });
};

/**
 * The error for a 2xx body that is not JSON at all: HTML, plain text, or JSON
 * cut short (`truncated`), after any retries.
 */
export const notJsonError = (options: {
  readonly status: number;
  readonly bodyText: string;
  readonly parseError: string;
  readonly truncated: boolean;
  readonly context: RequestContext;
  readonly retries: number;
}): ResponseDecodeError => {
  const ctx = options.context;
  const head = `${ctx.method} ${ctx.url} answered ${options.status} for ${what(ctx)}${
    retriedNote(options.retries)
  }`;
  const message = options.truncated
    ? `${head}, but the body is cut short or is not valid JSON (${options.parseError}). The connection or a proxy may be dropping data; try again later or with lower concurrency.`
    : options.bodyText.trim() === ""
    ? `${head} with an empty body instead of ${
      expected(ctx)
    }. Check that the base URL is the Discovery API's.`
    : `${head} with a body that is not JSON: ${
      JSON.stringify(excerpt(options.bodyText, 80))
    }. The base URL may point at a web page rather than the Discovery API (default https://app.mode.com); check MODE_BASE_URL.`;
  return new ResponseDecodeError({
    url: ctx.url,
    ...(ctx.page === undefined ? {} : { page: ctx.page }),
    status: options.status,
    path: [],
    message,
    ...(options.truncated ? { truncated: true } : {}),
  });
};

/**
 * Whether a body that failed `JSON.parse` looks like JSON cut short (worth
 * retrying) rather than another format (HTML, text: not worth retrying).
 */
export const looksTruncated = (text: string): boolean => {
  const start = text.trimStart();
  return start.startsWith("{") || start.startsWith("[");
};
