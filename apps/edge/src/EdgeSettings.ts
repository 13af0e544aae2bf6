/**
 * The edge server's settings: the server's own (`ServerSettings`: seed,
 * development credentials, last-page quirk, rate limit, faults, CORS,
 * access log) plus what the Deno adapter adds: where the KV lives
 * (`MODE_KV_PATH`, `DENO_DEPLOYMENT_ID`) and the scheduled mirror
 * (`MODE_MIRROR_*`). Read from environment variables through Effect
 * `Config`, or built in code with the same shape.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import {
  checkSetting,
  describeServerSettings,
  optionalSetting,
  quoteSetting,
  SERVER_SETTINGS_VARIABLES,
  ServerSettings,
  type SettingsError,
  settingsError,
} from "@mode-discovery/server";
import { MIRROR_VARIABLES, type MirrorSettings, readMirrorSettings } from "./MirrorSettings.ts";

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

/**
 * Everything the edge server is configured with: {@link ServerSettings}
 * and the adapter's own.
 *
 * | field | variable | default |
 * | --- | --- | --- |
 * | `kv` | `MODE_KV_PATH` | in memory (Deno Deploy: the platform KV) |
 * | `mirror` | `MODE_MIRROR_FROM`, `MODE_MIRROR_WORKSPACE`, `MODE_MIRROR_SCHEDULE`, `MODE_TOKEN`... | off |
 * | the rest | see `ServerSettings` | |
 */
export interface EdgeSettings extends ServerSettings {
  /** Where the KV store lives. */
  readonly kv: KvLocation;
  /** A mirror to keep fresh with `Deno.cron` (main.ts on Deno Deploy). */
  readonly mirror?: MirrorSettings | undefined;
}

/**
 * Parses `PORT`: a whole number from 0 to 65535 (0 picks a free port).
 *
 * @example
 * ```ts
 * import { parsePort } from "@mode-discovery/edge";
 * parsePort("8787"); // => 8787
 * ```
 */
export const parsePort = (text: string, variable = "PORT"): number | SettingsError => {
  const value = text.trim();
  return /^[0-9]{1,5}$/.test(value) && Number(value) <= 65535 ? Number(value) : settingsError(
    variable,
    `got ${quoteSetting(value)}; it must be a whole number from 0 to 65535.`,
  );
};

/** The port `deno task serve` listens on when `PORT` is unset. */
export const DEFAULT_PORT = 8787;

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
  ...ServerSettings.make(partial),
  kv: partial.kv ?? KvLocation.memory,
  mirror: partial.mirror,
});

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
  ...SERVER_SETTINGS_VARIABLES,
  ...MIRROR_VARIABLES,
] as const;

/**
 * Reads the settings from the environment through Effect `Config`: the
 * server's variables (see `ServerSettings.fromConfig`), `MODE_KV_PATH`,
 * `DENO_DEPLOYMENT_ID` and the mirror's `MODE_MIRROR_FROM`,
 * `MODE_MIRROR_WORKSPACE`, `MODE_MIRROR_SCHEDULE` (with `MODE_TOKEN`,
 * `MODE_ACCESS_KEY`, `MODE_ACCESS_SECRET`).
 *
 * **Details**
 *
 * Empty values count as unset. With `MODE_KV_PATH` unset the KV is in
 * memory, except on Deno Deploy (`DENO_DEPLOYMENT_ID` set) where it is the
 * platform KV. A bad value fails with a `SettingsError` naming the variable.
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
const fromConfig: Effect.Effect<EdgeSettings, SettingsError> = Effect.gen(function* () {
  const kvPath = yield* optionalSetting("MODE_KV_PATH");
  const deployment = yield* optionalSetting("DENO_DEPLOYMENT_ID");
  const server = yield* ServerSettings.fromConfig;
  const mirrorEnv: Record<string, string | undefined> = {};
  for (const name of MIRROR_VARIABLES) mirrorEnv[name] = yield* optionalSetting(name);
  return make({
    ...server,
    kv: kvPath === undefined
      ? (deployment === undefined ? KvLocation.memory : KvLocation.platform)
      : kvPath === ":memory:"
      ? KvLocation.memory
      : KvLocation.path(kvPath),
    mirror: yield* checkSetting(readMirrorSettings((name) => mirrorEnv[name])),
  });
});

/** Reads `PORT` through Effect `Config`: default {@link DEFAULT_PORT}. */
const portFromConfig: Effect.Effect<number, SettingsError> = Effect.gen(function* () {
  const text = yield* optionalSetting("PORT");
  return text === undefined ? DEFAULT_PORT : yield* checkSetting(parsePort(text));
});

/**
 * Builds and reads {@link EdgeSettings}: `make` in code, `fromConfig` from
 * the environment, `portFromConfig` for `PORT`.
 */
export const EdgeSettings = { make, fromConfig, portFromConfig } as const;

/**
 * Describes settings for a log line, without secrets.
 *
 * @example
 * ```ts
 * import { describeSettings, EdgeSettings } from "@mode-discovery/edge";
 * describeSettings(EdgeSettings.make());
 * // => "in-memory KV, no seed, last page next_page: past-end"
 * ```
 */
export const describeSettings = (settings: EdgeSettings): string => {
  const kv = settings.kv._tag === "Path"
    ? `KV file ${settings.kv.path}`
    : settings.kv._tag === "Platform"
    ? "platform KV"
    : "in-memory KV";
  const mirror = settings.mirror === undefined
    ? ""
    : `, mirror of ${settings.mirror.workspace} from ${settings.mirror.from} on ${settings.mirror.schedule}`;
  return `${kv}, ${describeServerSettings(settings)}${mirror}`;
};
