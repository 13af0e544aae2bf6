/**
 * The environment variables `mode-discovery` reads, for `--help` and the
 * README. Kept free of heavy imports: `--help` loads it.
 *
 * @module
 */
import { BUNDLE_SWITCH } from "./_bundle.ts";

/**
 * Each environment variable with what it is for.
 *
 * @example
 * ```ts
 * import { environmentVariables } from "@mode-discovery/cli";
 * environmentVariables.map(([name]) => name).includes("MODE_TOKEN"); // => true
 * ```
 */
export const environmentVariables: ReadonlyArray<readonly [string, string]> = [
  ["MODE_BASE_URL", "API base URL when --base-url is not given (default https://app.mode.com)"],
  ["MODE_WORKSPACE", "workspace username when --workspace is not given"],
  ["MODE_TOKEN", "signature token: token"],
  ["MODE_ACCESS_KEY", "signature token: access_key"],
  ["MODE_ACCESS_SECRET", "signature token: access_secret"],
  ["MODE_API_KEY", "a workspace admin's API key (tokens create)"],
  ["MODE_API_SECRET", "a workspace admin's API secret (tokens create)"],
  ["MODE_KV_PATH", "the Deno KV file serve reads and mirror and import write"],
  [BUNDLE_SWITCH, "off: run the CLI from its sources, not from its cached bundle"],
  ["NO_COLOR", "set (non-empty) to turn colours off"],
];
