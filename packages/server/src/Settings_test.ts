import assert from "node:assert/strict";
import * as Redacted from "effect/Redacted";
import { describeServerSettings, SERVER_SETTINGS_VARIABLES, ServerSettings } from "./Settings.ts";
import { settingsErrorFromEnv, settingsFromEnv } from "./Testing.ts";

const settings = (env: Record<string, string>) => settingsFromEnv(ServerSettings.fromConfig, env);

/** The start-up error for `env`: one line, naming `variable`. */
const settingsError = (
  env: Record<string, string>,
  variable: string,
  read = ServerSettings.fromConfig,
) => settingsErrorFromEnv<unknown>(read, env, variable);

Deno.test("settings: defaults with nothing set, and every server variable read", () => {
  assert.deepEqual(settings({}), ServerSettings.make());
  const s = settings({
    MODE_SEED: " acme:300:reports=1200:queries=2500:charts=3100:members=140 , other:10 ",
    MODE_DEV_CREDENTIALS: "tok:key:se:cret",
    MODE_DEV_ADMIN: "adm:pa:ss",
    MODE_LAST_PAGE_NEXT: "omit",
    MODE_RATE_LIMIT: "40/10s",
    MODE_FAULTS: "503:0.1,slow-above=members:250,seed=42",
    MODE_CORS_ORIGINS: "http://localhost:5173",
    MODE_ACCESS_LOG: "off",
  });
  assert.deepEqual(s.seed, [
    {
      workspace: "acme",
      count: 300,
      counts: { reports: 1200, queries: 2500, charts: 3100, members: 140 },
    },
    { workspace: "other", count: 10, counts: {} },
  ]);
  assert.equal(Redacted.value(s.devCredentials!.accessSecret), "se:cret");
  assert.equal(Redacted.value(s.devAdmin!.apiSecret), "pa:ss");
  assert.equal(s.lastPageNext, "omit");
  assert.deepEqual(s.rateLimit, { limit: 40, windowMs: 10_000 });
  assert.equal(s.faults?.slowAbove?.[0].size, 250);
  assert.equal(s.accessLog, false);
  assert.deepEqual([...SERVER_SETTINGS_VARIABLES].sort(), [
    "MODE_ACCESS_LOG",
    "MODE_CORS_ORIGINS",
    "MODE_DEV_ADMIN",
    "MODE_DEV_CREDENTIALS",
    "MODE_FAULTS",
    "MODE_LAST_PAGE_NEXT",
    "MODE_RATE_LIMIT",
    "MODE_SEED",
  ]);
  assert.equal(
    describeServerSettings(s),
    "seed acme:300:reports=1200:queries=2500:charts=3100:members=140,other:10:reports=10:queries=20:charts=20:members=1, last page next_page: omit, rate limit 40 requests per 10s per token, faults 503:0.1,slow-above=members:250 seed 42, CORS for http://localhost:5173",
  );
});

Deno.test("settings: a bad MODE_SEED stops start-up naming it", () => {
  assert.match(settingsError({ MODE_SEED: "acme" }, "MODE_SEED"), /"acme" has no ":count"/);
  assert.match(settingsError({ MODE_SEED: "acme:x" }, "MODE_SEED"), /count of acme is "x"/);
  assert.match(
    settingsError({ MODE_SEED: "acme:-1" }, "MODE_SEED"),
    /whole number from 0 to 1000000/,
  );
  assert.match(settingsError({ MODE_SEED: "acme:1000001" }, "MODE_SEED"), /from 0 to 1000000/);
  assert.match(
    settingsError({ MODE_SEED: "a b:1" }, "MODE_SEED"),
    /"a b" is not a workspace username/,
  );
  assert.match(settingsError({ MODE_SEED: "acme:1,,b:2" }, "MODE_SEED"), /an entry is empty/);
  assert.match(settingsError({ MODE_SEED: "acme:1,acme:2" }, "MODE_SEED"), /listed twice/);
});

Deno.test("settings: bad development credentials stop start-up without repeating the value", () => {
  for (const value of ["tok:key", "tok::secretvalue", ":key:secretvalue", "onlyone"]) {
    const message = settingsError(
      { MODE_SEED: "acme:1", MODE_DEV_CREDENTIALS: value },
      "MODE_DEV_CREDENTIALS",
    );
    assert.match(message, /token:access_key:access_secret/);
    assert.ok(!message.includes(value), "the value is not echoed");
  }
  const admin = settingsError(
    { MODE_SEED: "acme:1", MODE_DEV_ADMIN: "secretonly" },
    "MODE_DEV_ADMIN",
  );
  assert.match(admin, /api_key:api_secret/);
  assert.ok(!admin.includes("secretonly"));
});

Deno.test("settings: development credentials need MODE_SEED", () => {
  assert.match(
    settingsError({ MODE_DEV_CREDENTIALS: "t:k:s" }, "MODE_DEV_CREDENTIALS"),
    /needs MODE_SEED/,
  );
  assert.match(settingsError({ MODE_DEV_ADMIN: "k:s" }, "MODE_DEV_ADMIN"), /needs MODE_SEED/);
});

Deno.test("settings: a bad MODE_LAST_PAGE_NEXT stops start-up listing the choices", () => {
  assert.match(
    settingsError({ MODE_LAST_PAGE_NEXT: "never" }, "MODE_LAST_PAGE_NEXT"),
    /got "never"; it must be past-end, self or omit/,
  );
  assert.equal(settings({ MODE_LAST_PAGE_NEXT: "self" }).lastPageNext, "self");
});

Deno.test("settings: malformed policy settings stop start-up naming the variable", () => {
  assert.match(settingsError({ MODE_RATE_LIMIT: "lots" }, "MODE_RATE_LIMIT"), /has no "\/"/);
  assert.match(settingsError({ MODE_FAULTS: "503:lots" }, "MODE_FAULTS"), /probability of "503"/);
  assert.match(settingsError({ MODE_FAULTS: "boom:0.1" }, "MODE_FAULTS"), /"boom" is not a fault/);
  assert.match(
    settingsError({ MODE_CORS_ORIGINS: "localhost" }, "MODE_CORS_ORIGINS"),
    /not an http\(s\) origin/,
  );
  assert.match(settingsError({ MODE_ACCESS_LOG: "loud" }, "MODE_ACCESS_LOG"), /on or off/);
});
