/**
 * The edge server's settings: where the KV lives, what to seed, development
 * credentials and the last-page quirk. Read from environment variables
 * through Effect `Config`, or built in code with the same shape.
 *
 * @module
 */
import * as Config from "effect/Config";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import {
  AdminCredentials,
  LastPageNext,
  SignatureCredentials,
  WorkspaceName,
} from "@mode-discovery/core";
import { EdgeSettingsError, quoteSetting, settingsError } from "./EdgeSettingsError.ts";
import { type CorsOrigins, describeCorsOrigins, parseCorsOrigins } from "./Cors.ts";
import { describeFaults, type FaultSpec, parseFaults } from "./Faults.ts";
import { type MirrorSettings, readMirrorSettings } from "./MirrorSettings.ts";
import { describeRateLimit, parseRateLimit, type RateLimitSpec } from "./RateLimit.ts";

/** Where the KV store lives. */
export type KvLocation =
  | { readonly _tag: "Memory" }
  | { readonly _tag: "Path"; readonly path: string }
  | { readonly _tag: "Platform" };

/**
 * Constructors of {@link KvLocation}.
 *
 * @example
 * ```ts
 * import { KvLocation } from "@mode-discovery/edge";
 * KvLocation.path("./data/edge.kv");
 * ```
 */
export const KvLocation = {
  /** An in-memory KV, gone when the server stops. */
  memory: { _tag: "Memory" } as KvLocation,
  /** A KV file at `path` (created if missing). */
  path: (path: string): KvLocation => ({ _tag: "Path", path }),
  /** The platform's default KV: `Deno.openKv()` with no path (Deno Deploy). */
  platform: { _tag: "Platform" } as KvLocation,
} as const;

/** One workspace to seed: its name and how many collections. */
export interface SeedWorkspace {
  /** The workspace username. */
  readonly workspace: string;
  /** How many collections to generate. */
  readonly count: number;
}

/** Most collections one seeded workspace may have. */
export const MAX_SEED_COUNT = 1_000_000;

/**
 * Everything the edge server is configured with, the typed form of its
 * environment variables.
 *
 * | field | variable | default |
 * | --- | --- | --- |
 * | `kv` | `MODE_KV_PATH` | in memory (Deno Deploy: the platform KV) |
 * | `seed` | `MODE_SEED` | none |
 * | `devCredentials` | `MODE_DEV_CREDENTIALS` | none |
 * | `devAdmin` | `MODE_DEV_ADMIN` | none |
 * | `lastPageNext` | `MODE_LAST_PAGE_NEXT` | `past-end` |
 * | `rateLimit` | `MODE_RATE_LIMIT` | off |
 * | `faults` | `MODE_FAULTS` | off |
 * | `corsOrigins` | `MODE_CORS_ORIGINS` | off (no CORS headers) |
 * | `accessLog` | `MODE_ACCESS_LOG` | unset: on when serving (`deno task serve`, `main.ts`, the CLI's `serve`), off in code |
 * | `mirror` | `MODE_MIRROR_FROM`, `MODE_MIRROR_WORKSPACE`, `MODE_MIRROR_SCHEDULE`, `MODE_TOKEN`... | off |
 */
export interface EdgeSettings {
  /** Where the KV store lives. */
  readonly kv: KvLocation;
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
  /** A mirror to keep fresh with `Deno.cron` (main.ts on Deno Deploy). */
  readonly mirror?: MirrorSettings | undefined;
}

export { EdgeSettingsError } from "./EdgeSettingsError.ts";

const fail = settingsError;

const isWorkspaceName = Schema.is(WorkspaceName);
const quote = quoteSetting;

/**
 * Parses `MODE_SEED`: `workspace:count` pairs separated by commas, such as
 * `acme:4146,other:10`.
 *
 * @example
 * ```ts
 * import { parseSeed } from "@mode-discovery/edge";
 * parseSeed("acme:4146,other:10");
 * // => [{ workspace: "acme", count: 4146 }, { workspace: "other", count: 10 }]
 * ```
 */
export const parseSeed = (
  text: string,
  variable = "MODE_SEED",
): ReadonlyArray<SeedWorkspace> | EdgeSettingsError => {
  const help = "give workspace:count pairs separated by commas, such as acme:4146,other:10";
  const out: Array<SeedWorkspace> = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") return fail(variable, `an entry is empty; ${help}.`);
    const colon = item.lastIndexOf(":");
    if (colon < 0) return fail(variable, `${quote(item)} has no ":count"; ${help}.`);
    const workspace = item.slice(0, colon).trim();
    const countText = item.slice(colon + 1).trim();
    if (!isWorkspaceName(workspace)) {
      return fail(
        variable,
        `${
          quote(workspace)
        } is not a workspace username (1 to 100 letters, digits, '_', '-' or '.'); ${help}.`,
      );
    }
    if (!/^[0-9]{1,7}$/.test(countText) || Number(countText) > MAX_SEED_COUNT) {
      return fail(
        variable,
        `the count of ${workspace} is ${
          quote(countText)
        }; it must be a whole number from 0 to ${MAX_SEED_COUNT}.`,
      );
    }
    if (out.some((s) => s.workspace === workspace)) {
      return fail(variable, `${workspace} is listed twice; list each workspace once.`);
    }
    out.push({ workspace, count: Number(countText) });
  }
  return out;
};

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
 */
export const parseDevCredentials = (
  text: string,
  variable = "MODE_DEV_CREDENTIALS",
): SignatureCredentials | EdgeSettingsError => {
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
 */
export const parseDevAdmin = (
  text: string,
  variable = "MODE_DEV_ADMIN",
): AdminCredentials | EdgeSettingsError => {
  const parts = splitParts(text.trim(), 2);
  if (parts === undefined) {
    return fail(
      variable,
      "it must be api_key:api_secret, two non-empty parts separated by a colon.",
    );
  }
  return AdminCredentials.fromStrings({ apiKey: parts[0], apiSecret: parts[1] });
};

/** Parses `MODE_LAST_PAGE_NEXT`: `past-end`, `self` or `omit`. */
export const parseLastPageNext = (
  text: string,
  variable = "MODE_LAST_PAGE_NEXT",
): LastPageNext | EdgeSettingsError => {
  const value = text.trim();
  return Schema.is(LastPageNext)(value)
    ? value
    : fail(variable, `got ${quote(value)}; it must be past-end, self or omit (default past-end).`);
};

/** Parses `PORT`: a whole number from 0 to 65535 (0 picks a free port). */
export const parsePort = (text: string, variable = "PORT"): number | EdgeSettingsError => {
  const value = text.trim();
  return /^[0-9]{1,5}$/.test(value) && Number(value) <= 65535
    ? Number(value)
    : fail(variable, `got ${quote(value)}; it must be a whole number from 0 to 65535.`);
};

/** The port `deno task serve` listens on when `PORT` is unset. */
export const DEFAULT_PORT = 8787;

const optionalText = (name: string): Effect.Effect<string | undefined, EdgeSettingsError> =>
  Config.option(Config.String(name)).pipe(
    Effect.map((value) => {
      const text = Option.getOrUndefined(value);
      return text === undefined || text.trim() === "" ? undefined : text;
    }),
    Effect.mapError((error) => fail(name, error.message.split("\n")[0])),
  );

const check = <A>(value: A | EdgeSettingsError): Effect.Effect<A, EdgeSettingsError> =>
  value instanceof EdgeSettingsError ? Effect.fail(value) : Effect.succeed(value);

/**
 * Builds settings in code, defaults for everything not given.
 *
 * @example
 * ```ts
 * import { EdgeSettings } from "@mode-discovery/edge";
 * const settings = EdgeSettings.make({ seed: [{ workspace: "acme", count: 4146 }] });
 * ```
 */
const make = (partial: Partial<EdgeSettings> = {}): EdgeSettings => ({
  kv: partial.kv ?? KvLocation.memory,
  seed: partial.seed ?? [],
  devCredentials: partial.devCredentials,
  devAdmin: partial.devAdmin,
  lastPageNext: partial.lastPageNext ?? "past-end",
  rateLimit: partial.rateLimit,
  faults: partial.faults,
  corsOrigins: partial.corsOrigins,
  accessLog: partial.accessLog,
  mirror: partial.mirror,
});

/** Parses `MODE_ACCESS_LOG`: `on` or `off` (also true/false, 1/0, yes/no). */
export const parseAccessLog = (
  text: string,
  variable = "MODE_ACCESS_LOG",
): boolean | EdgeSettingsError => {
  const value = text.trim().toLowerCase();
  if (["on", "true", "1", "yes"].includes(value)) return true;
  if (["off", "false", "0", "no"].includes(value)) return false;
  return settingsError(variable, `got ${quoteSetting(text.trim())}; it must be on or off.`);
};

/** The variables of the scheduled mirror job, read by {@link EdgeSettings.fromConfig}. */
const MIRROR_VARIABLES = [
  "MODE_MIRROR_FROM",
  "MODE_MIRROR_WORKSPACE",
  "MODE_MIRROR_SCHEDULE",
  "MODE_TOKEN",
  "MODE_ACCESS_KEY",
  "MODE_ACCESS_SECRET",
] as const;

/**
 * Every environment variable `EdgeSettings.fromConfig` reads (`PORT`, read
 * by `EdgeSettings.portFromConfig`, is not among them), for a host that
 * passes the server its settings, such as the CLI's `serve`.
 *
 * @example
 * ```ts
 * import { EDGE_SETTINGS_VARIABLES } from "@mode-discovery/edge";
 * EDGE_SETTINGS_VARIABLES.includes("MODE_SEED"); // => true
 * ```
 */
export const EDGE_SETTINGS_VARIABLES = [
  "MODE_KV_PATH",
  "DENO_DEPLOYMENT_ID",
  "MODE_SEED",
  "MODE_DEV_CREDENTIALS",
  "MODE_DEV_ADMIN",
  "MODE_LAST_PAGE_NEXT",
  "MODE_RATE_LIMIT",
  "MODE_FAULTS",
  "MODE_CORS_ORIGINS",
  "MODE_ACCESS_LOG",
  ...MIRROR_VARIABLES,
] as const;

/**
 * Reads the settings from `MODE_KV_PATH`, `MODE_SEED`,
 * `MODE_DEV_CREDENTIALS`, `MODE_DEV_ADMIN`, `MODE_LAST_PAGE_NEXT`,
 * `MODE_RATE_LIMIT`, `MODE_FAULTS`, `MODE_CORS_ORIGINS`, `MODE_ACCESS_LOG`
 * and the mirror's `MODE_MIRROR_FROM`, `MODE_MIRROR_WORKSPACE`,
 * `MODE_MIRROR_SCHEDULE` (with `MODE_TOKEN`, `MODE_ACCESS_KEY`,
 * `MODE_ACCESS_SECRET`) through Effect `Config` (the environment by
 * default).
 *
 * **Details**
 *
 * Empty values count as unset. With `MODE_KV_PATH` unset the KV is in
 * memory, except on Deno Deploy (`DENO_DEPLOYMENT_ID` set) where it is the
 * platform KV. The development credentials need `MODE_SEED`: they belong to
 * its first workspace.
 *
 * @example
 * ```ts
 * import * as ConfigProvider from "effect/ConfigProvider";
 * import * as Effect from "effect/Effect";
 * import { EdgeSettings } from "@mode-discovery/edge";
 * const settings = Effect.runSync(EdgeSettings.fromConfig.pipe(
 *   Effect.provideService(
 *     ConfigProvider.ConfigProvider,
 *     ConfigProvider.fromEnv({ env: { MODE_SEED: "acme:10" } }),
 *   ),
 * ));
 * ```
 */
const fromConfig: Effect.Effect<EdgeSettings, EdgeSettingsError> = Effect.gen(function* () {
  const kvPath = yield* optionalText("MODE_KV_PATH");
  const deployment = yield* optionalText("DENO_DEPLOYMENT_ID");
  const seedText = yield* optionalText("MODE_SEED");
  const credentialsText = yield* optionalText("MODE_DEV_CREDENTIALS");
  const adminText = yield* optionalText("MODE_DEV_ADMIN");
  const lastText = yield* optionalText("MODE_LAST_PAGE_NEXT");
  const rateText = yield* optionalText("MODE_RATE_LIMIT");
  const faultsText = yield* optionalText("MODE_FAULTS");
  const corsText = yield* optionalText("MODE_CORS_ORIGINS");
  const accessText = yield* optionalText("MODE_ACCESS_LOG");
  const mirrorEnv: Record<string, string | undefined> = {};
  for (const name of MIRROR_VARIABLES) {
    mirrorEnv[name] = yield* optionalText(name);
  }
  const seed = seedText === undefined ? [] : yield* check(parseSeed(seedText));
  const devCredentials = credentialsText === undefined
    ? undefined
    : yield* check(parseDevCredentials(credentialsText));
  const devAdmin = adminText === undefined ? undefined : yield* check(parseDevAdmin(adminText));
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
    kv: kvPath === undefined
      ? (deployment === undefined ? KvLocation.memory : KvLocation.platform)
      : kvPath === ":memory:"
      ? KvLocation.memory
      : KvLocation.path(kvPath),
    seed,
    devCredentials,
    devAdmin,
    lastPageNext: lastText === undefined ? "past-end" : yield* check(parseLastPageNext(lastText)),
    rateLimit: rateText === undefined ? undefined : yield* check(parseRateLimit(rateText)),
    faults: faultsText === undefined ? undefined : yield* check(parseFaults(faultsText)),
    corsOrigins: corsText === undefined ? undefined : yield* check(parseCorsOrigins(corsText)),
    accessLog: accessText === undefined ? undefined : yield* check(parseAccessLog(accessText)),
    mirror: yield* check(readMirrorSettings((name) => mirrorEnv[name])),
  });
});

/** Reads `PORT` through Effect `Config`: default {@link DEFAULT_PORT}. */
const portFromConfig: Effect.Effect<number, EdgeSettingsError> = Effect.gen(function* () {
  const text = yield* optionalText("PORT");
  return text === undefined ? DEFAULT_PORT : yield* check(parsePort(text));
});

/**
 * Builds and reads {@link EdgeSettings}: `make` in code, `fromConfig` from
 * the environment, `portFromConfig` for `PORT`.
 */
export const EdgeSettings = { make, fromConfig, portFromConfig } as const;

/** Describes settings for a log line, without secrets. */
export const describeSettings = (settings: EdgeSettings): string => {
  const kv = settings.kv._tag === "Path"
    ? `KV file ${settings.kv.path}`
    : settings.kv._tag === "Platform"
    ? "platform KV"
    : "in-memory KV";
  const seed = settings.seed.length === 0
    ? "no seed"
    : `seed ${settings.seed.map((s) => `${s.workspace}:${s.count}`).join(",")}`;
  const extras = [
    settings.rateLimit === undefined
      ? undefined
      : `rate limit ${describeRateLimit(settings.rateLimit)} per token`,
    settings.faults === undefined ? undefined : describeFaults(settings.faults),
    settings.corsOrigins === undefined ? undefined : describeCorsOrigins(settings.corsOrigins),
    settings.mirror === undefined
      ? undefined
      : `mirror of ${settings.mirror.workspace} from ${settings.mirror.from} on ${settings.mirror.schedule}`,
  ].filter((x) => x !== undefined);
  return `${kv}, ${seed}, last page next_page: ${settings.lastPageNext}${
    extras.length === 0 ? "" : `, ${extras.join(", ")}`
  }`;
};
