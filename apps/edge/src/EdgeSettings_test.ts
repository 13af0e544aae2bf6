import assert from "node:assert/strict";
import * as Redacted from "effect/Redacted";
import { settingsErrorFromEnv, settingsFromEnv } from "@mode-discovery/server/testing";
import {
  describeSettings,
  EDGE_SETTINGS_VARIABLES,
  EdgeSettings,
  KvLocation,
} from "./EdgeSettings.ts";

const settings = (env: Record<string, string>) => settingsFromEnv(EdgeSettings.fromConfig, env);

/** The start-up error for `env`: one line, naming `variable`. */
const settingsError = (
  env: Record<string, string>,
  variable: string,
  read: typeof EdgeSettings.fromConfig | typeof EdgeSettings.portFromConfig =
    EdgeSettings.fromConfig,
) => settingsErrorFromEnv<unknown>(read, env, variable);

const portOf = (env: Record<string, string>) => settingsFromEnv(EdgeSettings.portFromConfig, env);

Deno.test("settings: defaults with nothing set", () => {
  const s = settings({});
  assert.deepEqual(s.kv, KvLocation.memory);
  assert.deepEqual(s.seed, []);
  assert.equal(s.devCredentials, undefined);
  assert.equal(s.devAdmin, undefined);
  assert.equal(s.lastPageNext, "past-end");
  assert.deepEqual(s, EdgeSettings.make());
  assert.equal(portOf({}), 8787);
});

Deno.test("settings: every variable read", () => {
  const s = settings({
    MODE_KV_PATH: "/tmp/edge.kv",
    MODE_SEED: " acme:4146 , other:10 ",
    MODE_DEV_CREDENTIALS: "tok:key:se:cret",
    MODE_DEV_ADMIN: "adm:pa:ss",
    MODE_LAST_PAGE_NEXT: "omit",
  });
  assert.deepEqual(s.kv, KvLocation.path("/tmp/edge.kv"));
  assert.deepEqual(s.seed, [
    { workspace: "acme", count: 4146, counts: {} },
    { workspace: "other", count: 10, counts: {} },
  ]);
  assert.equal(Redacted.value(s.devCredentials!.token), "tok");
  assert.equal(Redacted.value(s.devCredentials!.accessKey), "key");
  assert.equal(Redacted.value(s.devCredentials!.accessSecret), "se:cret");
  assert.equal(Redacted.value(s.devAdmin!.apiKey), "adm");
  assert.equal(Redacted.value(s.devAdmin!.apiSecret), "pa:ss");
  assert.equal(s.lastPageNext, "omit");
  assert.equal(portOf({ PORT: "0" }), 0);
  assert.equal(portOf({ PORT: "8080" }), 8080);
});

Deno.test("settings: where the KV lives", () => {
  assert.deepEqual(settings({ MODE_KV_PATH: ":memory:" }).kv, KvLocation.memory);
  assert.deepEqual(settings({ MODE_KV_PATH: "" }).kv, KvLocation.memory);
  assert.deepEqual(settings({ DENO_DEPLOYMENT_ID: "abc" }).kv, KvLocation.platform);
  assert.deepEqual(
    settings({ DENO_DEPLOYMENT_ID: "abc", MODE_KV_PATH: "x.kv" }).kv,
    KvLocation.path("x.kv"),
  );
});

Deno.test("settings: a bad PORT stops start-up naming it", () => {
  for (const value of ["abc", "-1", "65536", "80.5"]) {
    assert.match(
      settingsError({ PORT: value }, "PORT", EdgeSettings.portFromConfig),
      /whole number from 0 to 65535/,
    );
  }
});

Deno.test("settings: rate limit, faults, CORS, access log and mirror are read", () => {
  const s = settings({
    MODE_RATE_LIMIT: "40/10s",
    MODE_FAULTS: "503:0.1,seed=42",
    MODE_CORS_ORIGINS: "http://localhost:5173",
    MODE_ACCESS_LOG: "off",
    MODE_MIRROR_FROM: "https://app.mode.com/",
    MODE_MIRROR_WORKSPACE: "acme",
    MODE_TOKEN: "tok",
    MODE_ACCESS_KEY: "key",
    MODE_ACCESS_SECRET: "secret",
  });
  assert.deepEqual(s.rateLimit, { limit: 40, windowMs: 10_000 });
  assert.deepEqual(s.faults, {
    outcomes: [{ outcome: { _tag: "Status", status: 503 }, probability: 0.1 }],
    delays: [],
    seed: 42,
  });
  assert.deepEqual(s.corsOrigins, { _tag: "List", origins: new Set(["http://localhost:5173"]) });
  assert.equal(s.accessLog, false);
  assert.equal(s.mirror?.from, "https://app.mode.com");
  assert.equal(s.mirror?.workspace, "acme");
  assert.equal(s.mirror?.schedule, "*/15 * * * *");
  assert.equal(Redacted.value(s.mirror!.credentials.accessSecret), "secret");
  assert.equal(settings({ MODE_ACCESS_LOG: "on" }).accessLog, true);
  assert.equal(settings({ MODE_TOKEN: "t" }).mirror, undefined, "credentials alone mirror nothing");
  assert.equal(settings({ MODE_RATE_LIMIT: "off" }).rateLimit, undefined);
});

Deno.test("settings: an incomplete mirror stops start-up naming what is missing, no secret", () => {
  const full = {
    MODE_MIRROR_FROM: "https://app.mode.com",
    MODE_MIRROR_WORKSPACE: "acme",
    MODE_TOKEN: "tok",
    MODE_ACCESS_KEY: "key",
    MODE_ACCESS_SECRET: "hidden-secret",
  };
  assert.match(
    settingsError({ MODE_MIRROR_WORKSPACE: "acme" }, "MODE_MIRROR_WORKSPACE"),
    /needs MODE_MIRROR_FROM/,
  );
  assert.match(
    settingsError({ ...full, MODE_MIRROR_FROM: "app.mode.com" }, "MODE_MIRROR_FROM"),
    /not an absolute URL/,
  );
  assert.match(
    settingsError({ ...full, MODE_MIRROR_FROM: "https://u:p@app.mode.com" }, "MODE_MIRROR_FROM"),
    /user name or password/,
  );
  assert.match(
    settingsError({ ...full, MODE_MIRROR_WORKSPACE: "" }, "MODE_MIRROR_WORKSPACE"),
    /not set/,
  );
  assert.match(
    settingsError({ ...full, MODE_MIRROR_WORKSPACE: "a b" }, "MODE_MIRROR_WORKSPACE"),
    /not a workspace username/,
  );
  const noSecret = settingsError({ ...full, MODE_ACCESS_SECRET: "" }, "MODE_ACCESS_SECRET");
  assert.match(noSecret, /MODE_ACCESS_SECRET is not set/);
  assert.match(
    settingsError({ ...full, MODE_MIRROR_SCHEDULE: "hourly" }, "MODE_MIRROR_SCHEDULE"),
    /five fields/,
  );
  for (
    const [variable, env] of [
      ["MODE_MIRROR_SCHEDULE", { ...full, MODE_MIRROR_SCHEDULE: "x" }],
      ["MODE_MIRROR_FROM", { ...full, MODE_MIRROR_FROM: "ftp://x" }],
    ] as const
  ) {
    assert.ok(!settingsError(env, variable).includes("hidden-secret"));
  }
});
Deno.test("settings: the edge reads the server's variables and its own, and says so without secrets", () => {
  assert.deepEqual(
    [...EDGE_SETTINGS_VARIABLES].filter((name) => !name.startsWith("MODE_MIRROR_")).sort(),
    [
      "DENO_DEPLOYMENT_ID",
      "MODE_ACCESS_KEY",
      "MODE_ACCESS_LOG",
      "MODE_ACCESS_SECRET",
      "MODE_CORS_ORIGINS",
      "MODE_DEV_ADMIN",
      "MODE_DEV_CREDENTIALS",
      "MODE_FAULTS",
      "MODE_KV_PATH",
      "MODE_LAST_PAGE_NEXT",
      "MODE_RATE_LIMIT",
      "MODE_SEED",
      "MODE_TOKEN",
    ],
  );
  const s = settings({
    MODE_KV_PATH: "/tmp/x.kv",
    MODE_SEED: "acme:3",
    MODE_DEV_CREDENTIALS: "tok:key:hidden-secret",
  });
  const line = describeSettings(s);
  assert.equal(
    line,
    "KV file /tmp/x.kv, seed acme:3:reports=3:queries=6:charts=6:members=1, last page next_page: past-end",
  );
  assert.ok(!line.includes("hidden-secret"));
  const seedError = settingsError({ MODE_SEED: "acme:300:widgets=2" }, "MODE_SEED");
  assert.match(seedError, /the keys are reports, queries, charts, members/);
});
