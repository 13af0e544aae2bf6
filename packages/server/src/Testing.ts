/**
 * Fixtures for tests of the server and of code served by it: known
 * development credentials, settings seeding them, and a check of the
 * `{id, message}` error answers. Runtime-neutral like the rest of the
 * package; entry point `@mode-discovery/server/testing`.
 *
 * @module
 */
import * as ConfigProvider from "effect/ConfigProvider";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { AdminCredentials, SignatureCredentials } from "@mode-discovery/core";
import type { SeedWorkspace } from "./Seed.ts";
import { ServerSettings } from "./Settings.ts";
import { SettingsError } from "./SettingsError.ts";

/**
 * The development signature token the fixtures seed for the first workspace.
 *
 * @example
 * ```ts
 * import { DEV } from "@mode-discovery/server/testing";
 * DEV.token; // => "devtoken0001"
 * ```
 */
export const DEV = {
  token: "devtoken0001",
  accessKey: "devkey",
  accessSecret: "dev:secret:with:colons",
} as const;

/** The development admin API key the fixtures seed for the first workspace. */
export const ADMIN = { apiKey: "devadmin", apiSecret: "admin-secret" } as const;

/**
 * The `Authorization` value of signature credentials (core's encoding).
 *
 * @example
 * ```ts
 * import { bearer } from "@mode-discovery/server/testing";
 * bearer("t", "k", "s"); // => "Bearer dDprOnM="
 * ```
 */
export const bearer = (token: string, accessKey: string, accessSecret: string): string =>
  Redacted.value(
    SignatureCredentials.fromStrings({ token, accessKey, accessSecret }).authorization,
  );

/** The `Authorization` value of {@link DEV}. */
export const DEV_AUTH: string = bearer(DEV.token, DEV.accessKey, DEV.accessSecret);

/** The `Authorization` value of {@link ADMIN}. */
export const ADMIN_AUTH: string = Redacted.value(AdminCredentials.fromStrings(ADMIN).authorization);

/**
 * Settings seeding `seed`, with {@link DEV} and {@link ADMIN} as the
 * development credentials; `more` overrides any field.
 *
 * @example
 * ```ts
 * import { devSettings } from "@mode-discovery/server/testing";
 * const settings = devSettings([{ workspace: "acme", count: 25 }], { lastPageNext: "omit" });
 * ```
 */
export const devSettings = (
  seed: ReadonlyArray<SeedWorkspace>,
  more: Partial<ServerSettings> = {},
): ServerSettings =>
  ServerSettings.make({
    seed,
    devCredentials: SignatureCredentials.fromStrings(DEV),
    devAdmin: AdminCredentials.fromStrings(ADMIN),
    ...more,
  });

/**
 * Checks an `{id, message}` JSON error answer (status, content type, the
 * two keys, the id, the message) and returns its message; throws an
 * `Error` saying what differs.
 *
 * @example
 * ```ts
 * import { expectError } from "@mode-discovery/server/testing";
 * const response = new Response('{"id":"not_found","message":"No route."}', {
 *   status: 404, headers: { "content-type": "application/json" },
 * });
 * await expectError(response, 404, "not_found", /No route/); // => "No route."
 * ```
 */
export const expectError = async (
  response: Response,
  status: number,
  id: string,
  message: RegExp | string,
): Promise<string> => {
  const text = await response.text();
  const fail = (what: string): never => {
    throw new Error(`${what}, in the answer ${response.status} ${text.slice(0, 300)}`);
  };
  if (response.status !== status) fail(`expected status ${status}`);
  if (response.headers.get("content-type") !== "application/json") fail("expected JSON");
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return fail("expected a JSON body");
  }
  if (Object.keys(body).sort().join(",") !== "id,message") fail("expected exactly id and message");
  if (body.id !== id) fail(`expected id ${id}`);
  const got = String(body.message);
  const matches = typeof message === "string" ? got === message : message.test(got);
  if (!matches) fail(`expected the message ${String(message)}`);
  return got;
};

/**
 * Runs a settings reader (such as `ServerSettings.fromConfig`) on the
 * variables of `env` instead of the process environment, and returns what
 * it read.
 *
 * @example
 * ```ts
 * import { ServerSettings } from "@mode-discovery/server";
 * import { settingsFromEnv } from "@mode-discovery/server/testing";
 * settingsFromEnv(ServerSettings.fromConfig, { MODE_LAST_PAGE_NEXT: "omit" }).lastPageNext;
 * // => "omit"
 * ```
 */
export const settingsFromEnv = <A>(
  read: Effect.Effect<A, SettingsError>,
  env: Record<string, string>,
): A => {
  const result = settingsResult(read, env);
  if (result._tag === "Failure") throw new Error(result.failure.message);
  return result.success;
};

/**
 * The {@link SettingsError} a settings reader fails with on `env`, checked
 * to be one line naming `variable` (`Invalid <variable>: ...`); throws an
 * `Error` when it reads them fine or names something else. Returns the
 * message.
 *
 * @example
 * ```ts
 * import { ServerSettings } from "@mode-discovery/server";
 * import { settingsErrorFromEnv } from "@mode-discovery/server/testing";
 * settingsErrorFromEnv(ServerSettings.fromConfig, { MODE_ACCESS_LOG: "loud" }, "MODE_ACCESS_LOG");
 * // => 'Invalid MODE_ACCESS_LOG: got "loud"; it must be on or off.'
 * ```
 */
export const settingsErrorFromEnv = <A>(
  read: Effect.Effect<A, SettingsError>,
  env: Record<string, string>,
  variable: string,
): string => {
  const result = settingsResult(read, env);
  if (result._tag === "Success") throw new Error(`expected ${variable} to be refused`);
  const error = result.failure;
  const ok = error instanceof SettingsError && error.variable === variable &&
    error.message.startsWith(`Invalid ${variable}: `) && !error.message.includes("\n");
  if (!ok) throw new Error(`expected one line naming ${variable}, got: ${error.message}`);
  return error.message;
};

const settingsResult = <A>(read: Effect.Effect<A, SettingsError>, env: Record<string, string>) =>
  Effect.runSync(Effect.result(
    read.pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })),
    ),
  ));
