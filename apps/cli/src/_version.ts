/**
 * The version of `mode-discovery` (from apps/cli/deno.json), printed by
 * `--version` and recorded in every snapshot file.
 *
 * @internal
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };

/** The version of `mode-discovery`, such as `0.1.0`. */
export const VERSION: string = denoConfig.version;
