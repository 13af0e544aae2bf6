/**
 * The Discovery API's routes: the workspace path parameter and its rule, the
 * form of every resource's path, and the signature tokens path. Shared by
 * the HttpApi contract (`DiscoveryApi`), the client, the page links and the
 * server's fast path, without loading the HttpApi modules.
 *
 * @module
 */
import * as Schema from "effect/Schema";

/**
 * The workspace rule as a regular expression source (no anchors): a first
 * letter, digit or `_`, then up to 99 letters, digits, `_`, `-` or `.`.
 */
export const WORKSPACE_PATTERN = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}";

/** The workspace rule in words, for messages. */
export const WORKSPACE_RULE =
  "1 to 100 letters, digits, '_', '-' or '.', not starting with '-' or '.' (the workspace's username)";

/**
 * A workspace (organization) username as it appears in the path: 1 to 100
 * letters, digits, `_`, `-` or `.`, not starting with `-` or `.`.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { WorkspaceName } from "@mode-discovery/core";
 * Schema.is(WorkspaceName)("modeanalytics"); // => true
 * Schema.is(WorkspaceName)(".."); // => false
 * ```
 */
export const WorkspaceName = Schema.String.check(
  Schema.isPattern(new RegExp(`^${WORKSPACE_PATTERN}$`), {
    message: `workspace must be ${WORKSPACE_RULE}`,
  }),
).annotate({ description: "The workspace (organization) username.", examples: ["modeanalytics"] });

/** The prefix of every route, in HttpApi's `:param` form. */
export const BATCH_PREFIX = "/batch/:workspace/" as const;

/**
 * The path of a list resource from its segment, in HttpApi's `:param` form.
 *
 * @example
 * ```ts
 * import { resourcePath } from "@mode-discovery/core";
 * resourcePath("reports"); // => "/batch/:workspace/reports"
 * ```
 */
export const resourcePath = <const S extends string>(segment: S): `/batch/:workspace/${S}` =>
  `${BATCH_PREFIX}${segment}`;

/** The segment of `POST /batch/{workspace}/signature_tokens`. */
export const SIGNATURE_TOKENS_SEGMENT = "signature_tokens" as const;

/** The path of `POST /batch/{workspace}/signature_tokens`, in HttpApi's `:param` form. */
export const SIGNATURE_TOKENS_PATH: "/batch/:workspace/signature_tokens" = resourcePath(
  SIGNATURE_TOKENS_SEGMENT,
);

/**
 * `path` with its `:workspace` filled in, percent-encoded.
 *
 * @example
 * ```ts
 * import { reports, workspacePath } from "@mode-discovery/core";
 * workspacePath(reports.path, "acme"); // => "/batch/acme/reports"
 * ```
 */
export const workspacePath = (path: string, workspace: string): string =>
  path.replace(":workspace", encodeURIComponent(workspace));

/**
 * `path` in the form of OpenAPI and of messages: `{workspace}` for the
 * `:workspace` parameter.
 *
 * @example
 * ```ts
 * import { openApiPath, reports } from "@mode-discovery/core";
 * openApiPath(reports.path); // => "/batch/{workspace}/reports"
 * ```
 */
export const openApiPath = (path: string): string => path.replace(":workspace", "{workspace}");
