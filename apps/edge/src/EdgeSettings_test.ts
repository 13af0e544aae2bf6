import assert from "node:assert/strict";
import * as ConfigProvider from "effect/ConfigProvider";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { EdgeSettings, EdgeSettingsError, KvLocation } from "./EdgeSettings.ts";

const read = <A>(effect: Effect.Effect<A, EdgeSettingsError>, env: Record<string, string>) =>
  Effect.runSync(Effect.result(
    effect.pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })),
    ),
  ));

const settings = (env: Record<string, string>) => {
  const result = read(EdgeSettings.fromConfig, env);
  if (result._tag === "Failure") throw new Error(result.failure.message);
  return result.success;
};

const portOf = (env: Record<string, string>) => {
  const result = read(EdgeSettings.portFromConfig, env);
  if (result._tag === "Failure") throw new Error(result.failure.message);
  return result.success;
};

/** The start-up error for `env`: one line, naming `variable`. */
const settingsError = (
  env: Record<string, string>,
  variable: string,
  effect = EdgeSettings.fromConfig,
) => {
  const result = read(effect, env);
  assert.equal(result._tag, "Failure", `expected ${variable} to be refused`);
  const error = (result as { failure: EdgeSettingsError }).failure;
  assert.ok(error instanceof EdgeSettingsError);
  assert.equal(error.variable, variable);
  assert.ok(error.message.startsWith(`Invalid ${variable}: `), error.message);
  assert.ok(!error.message.includes("\n"), "one line");
  return error.message;
};

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
  assert.deepEqual(s.seed, [{ workspace: "acme", count: 4146 }, { workspace: "other", count: 10 }]);
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

Deno.test("settings: a bad PORT stops start-up naming it", () => {
  for (const value of ["abc", "-1", "65536", "80.5"]) {
    assert.match(
      settingsError({ PORT: value }, "PORT", EdgeSettings.portFromConfig as never),
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
    const env of [{ ...full, MODE_MIRROR_SCHEDULE: "x" }, { ...full, MODE_MIRROR_FROM: "ftp://x" }]
  ) {
    const result = read(EdgeSettings.fromConfig, env);
    assert.ok(result._tag === "Failure" && !result.failure.message.includes("hidden-secret"));
  }
});
