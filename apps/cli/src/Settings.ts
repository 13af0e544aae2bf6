/**
 * Settings that come from a flag or, failing that, an environment variable:
 * the API base URL and the workspace; and checks of flag values.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { DEFAULT_BASE_URL } from "@mode-discovery/core/DiscoveryClient";
import { PageNumber, PerPage } from "@mode-discovery/core/Pagination";
import { type AnyResource, resources } from "@mode-discovery/core/Resources";
import { WorkspaceName } from "@mode-discovery/core/Routes";
import { UsageError } from "./CliFailure.ts";
import { schemaProblem } from "./_schema.ts";

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * The API base URL from `--base-url`, else `MODE_BASE_URL`, else Mode's.
 *
 * **Details**
 *
 * Must be an absolute `http:` or `https:` URL without user info, query or
 * fragment; a trailing `/` is dropped. Plain `http:` to a host other than
 * loopback is allowed but reported through `warn`, since credentials would
 * cross the network unencrypted.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { resolveBaseUrl } from "@mode-discovery/cli";
 * Effect.runSync(resolveBaseUrl(Option.some("http://127.0.0.1:8787/"), () => undefined));
 * // => "http://127.0.0.1:8787"
 * ```
 */
export const resolveBaseUrl = (
  flag: Option.Option<string>,
  env: (name: string) => string | undefined,
  warn: (message: string) => void = () => {},
): Effect.Effect<string, UsageError> => {
  const fromFlag = Option.getOrUndefined(flag);
  const fromEnv = env("MODE_BASE_URL");
  const source = fromFlag !== undefined ? "--base-url" : "MODE_BASE_URL";
  const raw = (fromFlag ?? (fromEnv === "" ? undefined : fromEnv) ?? DEFAULT_BASE_URL).trim();
  const bad = (why: string) =>
    Effect.fail(
      new UsageError({
        message: `${source} ${JSON.stringify(raw.slice(0, 200))} ${why}. ` +
          `Give an http(s) URL such as ${DEFAULT_BASE_URL} or http://127.0.0.1:8787.`,
      }),
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return bad("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return bad("is not http or https");
  if (url.username !== "" || url.password !== "") {
    return Effect.fail(
      new UsageError({
        message: `${source} must not contain a user name or password: ` +
          "give credentials in MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET " +
          "or --credentials-file.",
      }),
    );
  }
  if (url.search !== "" || url.hash !== "") return bad("must not have a query or fragment");
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    warn(
      `${source} uses plain http to ${url.host}: credentials travel unencrypted. ` +
        "Use https unless this is a trusted network.",
    );
  }
  return Effect.succeed(url.href.replace(/\/+$/, ""));
};

/**
 * The workspace from `--workspace`, else `MODE_WORKSPACE`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { resolveWorkspace } from "@mode-discovery/cli";
 * Effect.runSync(resolveWorkspace(Option.none(), (n) => n === "MODE_WORKSPACE" ? "demo" : undefined));
 * // => "demo"
 * ```
 */
export const resolveWorkspace = (
  flag: Option.Option<string>,
  env: (name: string) => string | undefined,
): Effect.Effect<string, UsageError> => {
  const value = (Option.getOrUndefined(flag) ?? env("MODE_WORKSPACE") ?? "").trim();
  if (value === "") {
    return Effect.fail(
      new UsageError({
        message: "no workspace: pass --workspace NAME or set MODE_WORKSPACE " +
          "(the workspace's username, as in https://app.mode.com/NAME).",
      }),
    );
  }
  const problem = schemaProblem(WorkspaceName, value);
  if (problem !== undefined) {
    return Effect.fail(
      new UsageError({
        message: `--workspace ${JSON.stringify(value.slice(0, 100))} is not valid: ${problem}.`,
      }),
    );
  }
  return Effect.succeed(value);
};

/**
 * Checks an optional numeric flag against one of core's schemas: `--per-page`
 * against `PerPage`, `--page` against `PageNumber`. Unset stays unset (the
 * client's default applies).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { checkPageFlag } from "@mode-discovery/cli";
 * Effect.runSync(checkPageFlag("--per-page", Option.some(100))); // => 100
 * ```
 */
export const checkPageFlag = (
  flag: "--per-page" | "--page",
  value: Option.Option<number>,
): Effect.Effect<number | undefined, UsageError> => {
  if (Option.isNone(value)) return Effect.succeed(undefined);
  const problem = schemaProblem(flag === "--page" ? PageNumber : PerPage, value.value);
  return problem === undefined
    ? Effect.succeed(value.value)
    : Effect.fail(new UsageError({ message: `${flag} ${value.value}: ${problem}.` }));
};

/**
 * `--include-spaces`: `all` on a resource that takes it, else a usage error
 * saying what is wrong (the value, or that the resource does not take it).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { reports } from "@mode-discovery/core";
 * import { checkIncludeSpaces } from "@mode-discovery/cli";
 * Effect.runSync(checkIncludeSpaces(Option.some("all"), reports)); // => "all"
 * ```
 */
export const checkIncludeSpaces = (
  flag: Option.Option<string>,
  resource: AnyResource,
): Effect.Effect<"all" | undefined, UsageError> => {
  if (Option.isNone(flag)) return Effect.succeed(undefined);
  const takes = resources.filter((r) => r.includeSpaces).map((r) => r.cliName).join(", ");
  if (!resource.includeSpaces) {
    return Effect.fail(
      new UsageError({
        message: `${resource.cliName} do not take --include-spaces: ${
          resource.personal === undefined
            ? "they are never in members' personal collections"
            : "personal collections are always listed"
        }. It applies to ${takes}.`,
      }),
    );
  }
  if (flag.value !== "all") {
    return Effect.fail(
      new UsageError({
        message:
          `--include-spaces takes only all (items in members' personal collections too), got ${
            JSON.stringify(flag.value.slice(0, 40))
          }. Leave it out to skip personal collections.`,
      }),
    );
  }
  return Effect.succeed("all");
};
