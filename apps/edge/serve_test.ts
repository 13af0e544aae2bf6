/**
 * `deno task serve` (serve.ts) as a user runs it: start-up, the URL it logs,
 * clean shutdown on SIGTERM and SIGINT, and one-line errors for bad settings.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

const ROOT = fromFileUrl(new URL("../..", import.meta.url));
const SERVE = fromFileUrl(new URL("./serve.ts", import.meta.url));

const CLEAN_ENV = {
  MODE_KV_PATH: "",
  MODE_SEED: "",
  MODE_DEV_CREDENTIALS: "",
  MODE_DEV_ADMIN: "",
  MODE_LAST_PAGE_NEXT: "",
  MODE_RATE_LIMIT: "",
  MODE_FAULTS: "",
  MODE_CORS_ORIGINS: "",
  MODE_ACCESS_LOG: "",
  MODE_MIRROR_FROM: "",
  MODE_MIRROR_WORKSPACE: "",
  MODE_MIRROR_SCHEDULE: "",
  MODE_TOKEN: "",
  MODE_ACCESS_KEY: "",
  MODE_ACCESS_SECRET: "",
  PORT: "0",
  NO_COLOR: "1",
};

const spawn = (env: Record<string, string>) =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", SERVE],
    cwd: ROOT,
    env: { ...CLEAN_ENV, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });

/** Runs serve.ts to completion; for settings that stop start-up. */
const runToExit = async (env: Record<string, string>) => {
  const output = await spawn(env).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
};

const startupFailure = async (env: Record<string, string>, expected: RegExp) => {
  const result = await runToExit(env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.match(lines[0], expected);
  assert.ok(!/\bat .+:\d+:\d+/.test(result.stderr), "no stack trace");
};

Deno.test("serve: a bad MODE_SEED stops start-up with one line naming the part", async () => {
  await startupFailure(
    { MODE_SEED: "acme:lots" },
    /^mode-discovery edge: Invalid MODE_SEED: the count of acme is "lots"; it must be a whole number from 0 to 1000000\.$/,
  );
  await startupFailure(
    { MODE_SEED: "acme:300:widgets=3" },
    /^mode-discovery edge: Invalid MODE_SEED: "widgets" in acme: there is no such key; the keys are reports, queries, charts, members\.$/,
  );
  await startupFailure(
    { MODE_SEED: "acme:300:reports=-1" },
    /^mode-discovery edge: Invalid MODE_SEED: the count of reports in acme is "-1"/,
  );
  await startupFailure(
    { MODE_SEED: ":300" },
    /Invalid MODE_SEED: ":300" has an empty workspace name/,
  );
  await startupFailure({ MODE_SEED: "acme:3,acme:4" }, /Invalid MODE_SEED: acme is listed twice/);
});

Deno.test("serve: a malformed MODE_FAULTS stops start-up with one line saying what is wrong", async () => {
  await startupFailure(
    { MODE_FAULTS: "503:0.1,explode:0.2" },
    /^mode-discovery edge: Invalid MODE_FAULTS: "explode" is not a fault \(use a status such as 503 or 429, reset, truncate or delay=<duration>\)/,
  );
  await startupFailure(
    { MODE_FAULTS: "slow-above=widgets:250" },
    /^mode-discovery edge: Invalid MODE_FAULTS: "widgets" is not a resource/,
  );
  await startupFailure(
    { MODE_FAULTS: "503:0.7,429:0.5" },
    /^mode-discovery edge: Invalid MODE_FAULTS: the probabilities of the failing faults add up to 1\.2/,
  );
});

Deno.test("serve: a bad MODE_RATE_LIMIT or MODE_CORS_ORIGINS stops start-up naming it", async () => {
  await startupFailure(
    { MODE_RATE_LIMIT: "40 per 10s" },
    /^mode-discovery edge: Invalid MODE_RATE_LIMIT: /,
  );
  await startupFailure(
    { MODE_CORS_ORIGINS: "https://a.test/app" },
    /^mode-discovery edge: Invalid MODE_CORS_ORIGINS: "https:\/\/a\.test\/app" is not an origin/,
  );
});

Deno.test("serve: a bad PORT stops start-up with one line naming it", async () => {
  await startupFailure({ PORT: "http" }, /^mode-discovery edge: Invalid PORT: got "http"/);
});

Deno.test("serve: bad development credentials stop start-up without echoing them", async () => {
  const result = await runToExit({
    MODE_SEED: "acme:1",
    MODE_DEV_CREDENTIALS: "only:twoparts-secret",
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^mode-discovery edge: Invalid MODE_DEV_CREDENTIALS: /);
  assert.ok(!result.stderr.includes("twoparts-secret"));
});

/** Starts serve.ts, waits for its URL, runs `f`, then stops it with `signal`. */
const withServe = async (
  env: Record<string, string>,
  signal: Deno.Signal,
  f: (url: string) => Promise<void>,
) => {
  const child = spawn(env).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  let url: string | undefined;
  try {
    while (url === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    }
    assert.ok(url !== undefined, `no URL logged: ${stdout}`);
    await f(url);
  } finally {
    child.kill(signal);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
  }
  const status = await child.status;
  const stderr = await new Response(child.stderr).text();
  return { status, stdout, stderr };
};

Deno.test("serve: starts on 127.0.0.1, logs its URL, serves the seed, stops cleanly on SIGTERM", async () => {
  const auth = `Bearer ${btoa("devtok:devkey:devsecret")}`;
  const result = await withServe(
    { MODE_SEED: "acme:4146", MODE_DEV_CREDENTIALS: "devtok:devkey:devsecret" },
    "SIGTERM",
    async (url) => {
      const response = await fetch(`${url}/batch/acme/spaces`, {
        headers: { authorization: auth },
      });
      assert.equal(response.status, 200);
      assert.deepEqual((await response.json()).pagination, {
        page: 1,
        per_page: 1000,
        count: 1000,
        total_pages: 5,
        total_count: 4146,
      });
    },
  );
  assert.equal(result.status.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /in-memory KV, seed acme:4146:reports=4146:queries=8292:charts=8292:members=415, last page next_page: past-end/,
  );
  assert.match(
    result.stdout,
    / {2}resources: \/batch\/acme\/spaces \/batch\/acme\/reports \/batch\/acme\/queries \/batch\/acme\/charts \/batch\/acme\/report_stats \/batch\/acme\/members\n/,
  );
  assert.match(result.stdout, /SIGTERM, shutting down/);
  assert.ok(!result.stdout.includes("devsecret") && !result.stderr.includes("devsecret"));
  // The access log is on when serving: one JSON line for the request, no credentials.
  const logged = result.stdout.split("\n").filter((line) => line.startsWith("{"));
  assert.equal(logged.length, 1, result.stdout);
  const event = JSON.parse(logged[0]);
  assert.deepEqual([event.method, event.path, event.status, event.workspace], [
    "GET",
    "/batch/acme/spaces",
    200,
    "acme",
  ]);
  assert.ok(!logged[0].includes(btoa("devtok:devkey:devsecret")));
});

Deno.test("serve: stops cleanly on SIGINT; MODE_ACCESS_LOG=off silences the access log", async () => {
  const result = await withServe({ MODE_ACCESS_LOG: "off" }, "SIGINT", async (url) => {
    const response = await fetch(`${url}/nope`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });
  assert.equal(result.status.code, 0, result.stderr);
  assert.match(result.stdout, /SIGINT, shutting down/);
  assert.ok(!result.stdout.includes('"path"'), result.stdout);
});
