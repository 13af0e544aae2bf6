/**
 * The server's settings, whatever runtime serves it: what to seed,
 * development credentials, the last-page quirk, the rate limit, faults,
 * CORS and the access log. Read from environment variables through Effect
 * `Config` (any `ConfigProvider`), or built in code with the same shape.
 * A runtime adapter adds its own (apps/edge: the KV location and the
 * mirror job).
 *
 * @module
 */
import * as Config from "effect/Config";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import { AdminCredentials, LastPageNext, SignatureCredentials } from "@mode-discovery/core";
import { quoteSetting, SettingsError, settingsError } from "./SettingsError.ts";
import { type CorsOrigins, describeCorsOrigins, parseCorsOrigins } from "./Cors.ts";
import { describeFaults, type FaultSpec, parseFaults } from "./Faults.ts";
import { describeRateLimit, parseRateLimit, type RateLimitSpec } from "./RateLimit.ts";
import { describeSeed, parseSeed, type SeedWorkspace } from "./Seed.ts";

/**
 * Everything the server is configured with, the typed form of its
 * environment variables.
 *
 * | field | variable | default |
 * | --- | --- | --- |
 * | `seed` | `MODE_SEED` | none |
 * | `devCredentials` | `MODE_DEV_CREDENTIALS` | none |
 * | `devAdmin` | `MODE_DEV_ADMIN` | none |
 * | `lastPageNext` | `MODE_LAST_PAGE_NEXT` | `past-end` |
 * | `rateLimit` | `MODE_RATE_LIMIT` | off |
 * | `faults` | `MODE_FAULTS` | off |
 * | `corsOrigins` | `MODE_CORS_ORIGINS` | off (no CORS headers) |
 * | `accessLog` | `MODE_ACCESS_LOG` | unset: the entry point decides (on when serving, off in code) |
 */
export interface ServerSettings {
  /** Workspaces to seed, in order; the first owns the development credentials. */
  readonly seed: ReadonlyArray<SeedWorkspace>;
  /** A non-expiring signature token of the first seeded workspace. */
  readonly devCredentials: SignatureCredentials | undefined;
  /** An admin API key of the first seeded workspace. */
  readonly devAdmin: AdminCredentials | undefined;
  /** What the last page's `next_page` does. */
  readonly lastPageNext: LastPageNext;
  /** Requests allowed per signature token and window; `undefined`: no limit. */
  readonly rateLimit?: RateLimitSpec | undefined;
  /** Faults to inject; `undefined`: none (and the `X-Mode-Fault` header is ignored). */
  readonly faults?: FaultSpec | undefined;
  /** Origins allowed to call the API from a browser; `undefined`: no CORS headers. */
  readonly corsOrigins?: CorsOrigins | undefined;
  /** One JSON line per request; `undefined` lets the entry point decide (on when serving). */
  readonly accessLog?: boolean | undefined;
}

const fail = settingsError;

const splitParts = (text: string, count: number): ReadonlyArray<string> | undefined => {
  const parts: Array<string> = [];
  let rest = text;
  for (let i = 0; i < count - 1; i++) {
    const colon = rest.indexOf(":");
    if (colon < 0) return undefined;
    parts.push(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  parts.push(rest);
  return parts.every((p) => p !== "") ? parts : undefined;
};

/**
 * Parses `MODE_DEV_CREDENTIALS`: `token:access_key:access_secret` (the secret
 * may contain colons). The error never repeats the value.
 *
 * @example
 * ```ts
 * import { parseDevCredentials } from "@mode-discovery/server";
 * const credentials = parseDevCredentials("devtoken:devkey:dev:secret");
 * ```
 */
export const parseDevCredentials = (
  text: string,
  variable = "MODE_DEV_CREDENTIALS",
): SignatureCredentials | SettingsError => {
  const parts = splitParts(text.trim(), 3);
  if (parts === undefined) {
    return fail(
      variable,
      "it must be token:access_key:access_secret, three non-empty parts separated by colons.",
    );
  }
  return SignatureCredentials.fromStrings({
    token: parts[0],
    accessKey: parts[1],
    accessSecret: parts[2],
  });
};

/**
 * Parses `MODE_DEV_ADMIN`: `api_key:api_secret` (the secret may contain
 * colons). The error never repeats the value.
 *
 * @example
 * ```ts
 * import { parseDevAdmin } from "@mode-discovery/server";
 * const admin = parseDevAdmin("devadmin:admin-secret");
 * ```
 */
export const parseDevAdmin = (
  text: string,
  variable = "MODE_DEV_ADMIN",
): AdminCredentials | SettingsError => {
  const parts = splitParts(text.trim(), 2);
  if (parts === undefined) {
    return fail(
      variable,
      "it must be api_key:api_secret, two non-empty parts separated by a colon.",
    );
  }
  return AdminCredentials.fromStrings({ apiKey: parts[0], apiSecret: parts[1] });
};

/**
 * Parses `MODE_LAST_PAGE_NEXT`: `past-end`, `self` or `omit`.
 *
 * @example
 * ```ts
 * import { parseLastPageNext } from "@mode-discovery/server";
 * parseLastPageNext("self"); // => "self"
 * ```
 */
export const parseLastPageNext = (
  text: string,
  variable = "MODE_LAST_PAGE_NEXT",
): LastPageNext | SettingsError => {
  const value = text.trim();
  return Schema.is(LastPageNext)(value) ? value : fail(
    variable,
    `got ${quoteSetting(value)}; it must be past-end, self or omit (default past-end).`,
  );
};

/**
 * Parses `MODE_ACCESS_LOG`: `on` or `off` (also true/false, 1/0, yes/no).
 *
 * @example
 * ```ts
 * import { parseAccessLog } from "@mode-discovery/server";
 * parseAccessLog("off"); // => false
 * ```
 */
export const parseAccessLog = (
  text: string,
  variable = "MODE_ACCESS_LOG",
): boolean | SettingsError => {
  const value = text.trim().toLowerCase();
  if (["on", "true", "1", "yes"].includes(value)) return true;
  if (["off", "false", "0", "no"].includes(value)) return false;
  return fail(variable, `got ${quoteSetting(text.trim())}; it must be on or off.`);
};

/**
 * Reads an optional text setting through `Config`: empty counts as unset.
 *
 * @example
 * ```ts
 * import { optionalSetting } from "@mode-discovery/server";
 * const kvPath = optionalSetting("MODE_KV_PATH");
 * ```
 */
export const optionalSetting = (
  name: string,
): Effect.Effect<string | undefined, SettingsError> =>
  Config.option(Config.String(name)).pipe(
    Effect.map((value) => {
      const text = Option.getOrUndefined(value);
      return text === undefined || text.trim() === "" ? undefined : text;
    }),
    Effect.mapError((error) => fail(name, error.message.split("\n")[0])),
  );

/**
 * A parsed value, or its {@link SettingsError} as the failure.
 *
 * @example
 * ```ts
 * import { checkSetting, parseAccessLog } from "@mode-discovery/server";
 * const on = checkSetting(parseAccessLog("on"));
 * ```
 */
export const checkSetting = <A>(value: A | SettingsError): Effect.Effect<A, SettingsError> =>
  value instanceof SettingsError ? Effect.fail(value) : Effect.succeed(value);

/**
 * Builds settings in code, defaults for everything not given.
 *
 * @example
 * ```ts
 * import { ServerSettings } from "@mode-discovery/server";
 * const settings = ServerSettings.make({ seed: [{ workspace: "acme", count: 4146 }] });
 * ```
 */
const make = (partial: Partial<ServerSettings> = {}): ServerSettings => ({
  seed: partial.seed ?? [],
  devCredentials: partial.devCredentials,
  devAdmin: partial.devAdmin,
  lastPageNext: partial.lastPageNext ?? "past-end",
  rateLimit: partial.rateLimit,
  faults: partial.faults,
  corsOrigins: partial.corsOrigins,
  accessLog: partial.accessLog,
});

/**
 * Every environment variable `ServerSettings.fromConfig` reads, for a host
 * that passes the server its settings.
 *
 * @example
 * ```ts
 * import { SERVER_SETTINGS_VARIABLES } from "@mode-discovery/server";
 * SERVER_SETTINGS_VARIABLES.includes("MODE_SEED"); // => true
 * ```
 */
export const SERVER_SETTINGS_VARIABLES = [
  "MODE_SEED",
  "MODE_DEV_CREDENTIALS",
  "MODE_DEV_ADMIN",
  "MODE_LAST_PAGE_NEXT",
  "MODE_RATE_LIMIT",
  "MODE_FAULTS",
  "MODE_CORS_ORIGINS",
  "MODE_ACCESS_LOG",
] as const;

/**
 * Reads the settings from `MODE_SEED`, `MODE_DEV_CREDENTIALS`,
 * `MODE_DEV_ADMIN`, `MODE_LAST_PAGE_NEXT`, `MODE_RATE_LIMIT`,
 * `MODE_FAULTS`, `MODE_CORS_ORIGINS` and `MODE_ACCESS_LOG` through Effect
 * `Config` (the environment by default).
 *
 * **Details**
 *
 * Empty values count as unset. The development credentials need
 * `MODE_SEED`: they belong to its first workspace. A bad value fails with
 * a {@link SettingsError} naming the variable.
 *
 * @example
 * ```ts
 * import * as ConfigProvider from "effect/ConfigProvider";
 * import * as Effect from "effect/Effect";
 * import { ServerSettings } from "@mode-discovery/server";
 * const settings = Effect.runSync(ServerSettings.fromConfig.pipe(
 *   Effect.provideService(
 *     ConfigProvider.ConfigProvider,
 *     ConfigProvider.fromEnv({ env: { MODE_SEED: "acme:10" } }),
 *   ),
 * ));
 * ```
 */
const fromConfig: Effect.Effect<ServerSettings, SettingsError> = Effect.gen(function* () {
  const seedText = yield* optionalSetting("MODE_SEED");
  const credentialsText = yield* optionalSetting("MODE_DEV_CREDENTIALS");
  const adminText = yield* optionalSetting("MODE_DEV_ADMIN");
  const lastText = yield* optionalSetting("MODE_LAST_PAGE_NEXT");
  const rateText = yield* optionalSetting("MODE_RATE_LIMIT");
  const faultsText = yield* optionalSetting("MODE_FAULTS");
  const corsText = yield* optionalSetting("MODE_CORS_ORIGINS");
  const accessText = yield* optionalSetting("MODE_ACCESS_LOG");
  const seed = seedText === undefined ? [] : yield* checkSetting(parseSeed(seedText));
  const devCredentials = credentialsText === undefined
    ? undefined
    : yield* checkSetting(parseDevCredentials(credentialsText));
  const devAdmin = adminText === undefined
    ? undefined
    : yield* checkSetting(parseDevAdmin(adminText));
  if (seed.length === 0 && devCredentials !== undefined) {
    return yield* fail(
      "MODE_DEV_CREDENTIALS",
      "it needs MODE_SEED: the token belongs to the first seeded workspace.",
    );
  }
  if (seed.length === 0 && devAdmin !== undefined) {
    return yield* fail(
      "MODE_DEV_ADMIN",
      "it needs MODE_SEED: the key belongs to the first seeded workspace.",
    );
  }
  return make({
    seed,
    devCredentials,
    devAdmin,
    lastPageNext: lastText === undefined
      ? "past-end"
      : yield* checkSetting(parseLastPageNext(lastText)),
    rateLimit: rateText === undefined ? undefined : yield* checkSetting(parseRateLimit(rateText)),
    faults: faultsText === undefined ? undefined : yield* checkSetting(parseFaults(faultsText)),
    corsOrigins: corsText === undefined
      ? undefined
      : yield* checkSetting(parseCorsOrigins(corsText)),
    accessLog: accessText === undefined
      ? undefined
      : yield* checkSetting(parseAccessLog(accessText)),
  });
});

/**
 * Builds and reads {@link ServerSettings}: `make` in code, `fromConfig`
 * from the environment.
 */
export const ServerSettings = { make, fromConfig } as const;

/**
 * Describes settings for a log line, without secrets.
 *
 * @example
 * ```ts
 * import { describeServerSettings, ServerSettings } from "@mode-discovery/server";
 * describeServerSettings(ServerSettings.make());
 * // => "no seed, last page next_page: past-end"
 * ```
 */
export const describeServerSettings = (settings: ServerSettings): string => {
  const seed = settings.seed.length === 0
    ? "no seed"
    : `seed ${settings.seed.map(describeSeed).join(",")}`;
  const extras = [
    settings.rateLimit === undefined
      ? undefined
      : `rate limit ${describeRateLimit(settings.rateLimit)} per token`,
    settings.faults === undefined ? undefined : describeFaults(settings.faults),
    settings.corsOrigins === undefined ? undefined : describeCorsOrigins(settings.corsOrigins),
  ].filter((x) => x !== undefined);
  return `${seed}, last page next_page: ${settings.lastPageNext}${
    extras.length === 0 ? "" : `, ${extras.join(", ")}`
  }`;
};
