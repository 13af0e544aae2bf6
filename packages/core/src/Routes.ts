/**
 * The Discovery API's routes: their paths and their one path parameter, the
 * workspace. Shared by the HttpApi contract (`DiscoveryApi`), the client and
 * the page links, without loading the HttpApi modules.
 *
 * @module
 */
import * as Schema from "effect/Schema";

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
  Schema.isPattern(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, {
    message:
      "workspace must be 1 to 100 letters, digits, '_', '-' or '.', not starting with '-' or '.' (the workspace's username)",
  }),
).annotate({ description: "The workspace (organization) username.", examples: ["modeanalytics"] });

/** The path of `GET /batch/{workspace}/spaces`, in HttpApi's `:param` form. */
export const SPACES_PATH = "/batch/:workspace/spaces";

/** The path of `POST /batch/{workspace}/signature_tokens`, in HttpApi's `:param` form. */
export const SIGNATURE_TOKENS_PATH = "/batch/:workspace/signature_tokens";

/**
 * `path` with its `:workspace` filled in, percent-encoded.
 *
 * @example
 * ```ts
 * import { SPACES_PATH, workspacePath } from "@mode-discovery/core";
 * workspacePath(SPACES_PATH, "acme"); // => "/batch/acme/spaces"
 * ```
 */
export const workspacePath = (path: string, workspace: string): string =>
  path.replace(":workspace", encodeURIComponent(workspace));
