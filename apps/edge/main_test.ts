/**
 * main.ts under `deno serve`, as Deno Deploy runs it: `export default { fetch }`.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Runs `deno serve main.ts` with `env`, calls `f` with its URL, then stops it. */
const withDenoServe = async (
  env: Record<string, string>,
  f: (url: string) => Promise<void>,
  flags: ReadonlyArray<string> = [],
) => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      ...flags,
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      MAIN,
    ],
    cwd: ROOT,
    env: {
      MODE_KV_PATH: "",
      MODE_SEED: "",
      MODE_DEV_CREDENTIALS: "",
      MODE_DEV_ADMIN: "",
      MODE_LAST_PAGE_NEXT: "",
      MODE_MIRROR_FROM: "",
      MODE_MIRROR_WORKSPACE: "",
      MODE_ACCESS_LOG: "",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let errText = "";
  let url: string | undefined;
  try {
    // `deno serve` announces its address on stderr.
    while (url === undefined) {
      const { value, done } = await stderr.read();
      if (done) break;
      errText += value;
      url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(errText)?.[1];
    }
    assert.ok(url !== undefined, `no address announced: ${errText}`);
    await f(url);
  } finally {
    child.kill("SIGTERM");
    for (const reader of [stdout, stderr]) {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (reader === stderr) errText += value;
      }
    }
    await child.status;
  }
  return errText;
};

Deno.test("main: deno serve answers from the environment's settings", async () => {
  await withDenoServe(
    { MODE_SEED: "acme:30", MODE_DEV_CREDENTIALS: "tok:key:secret", MODE_LAST_PAGE_NEXT: "omit" },
    async (url) => {
      const response = await fetch(`${url}/batch/acme/spaces?per_page=10&page=3`, {
        headers: { authorization: `Bearer ${btoa("tok:key:secret")}` },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/json");
      const body = await response.json();
      assert.equal(body.pagination.total_count, 30);
      assert.equal(body._links.next_page, undefined, "MODE_LAST_PAGE_NEXT=omit applied");
      const missing = await fetch(`${url}/nope`);
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).id, "not_found");
    },
  );
});

Deno.test("main: bad settings answer 503 and log the one-line reason", async () => {
  const log = await withDenoServe({ MODE_LAST_PAGE_NEXT: "sometimes" }, async (url) => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${url}/batch/acme/spaces`);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("content-type"), "application/json");
      const body = await response.json();
      assert.equal(body.id, "server_error");
      assert.match(body.message, /not configured correctly/);
    }
  });
  const reasons = log.split("\n").filter((line) => line.includes("MODE_LAST_PAGE_NEXT"));
  assert.equal(reasons.length, 1, log);
  assert.match(reasons[0], /^Invalid MODE_LAST_PAGE_NEXT: got "sometimes"/);
});

Deno.test("main: a configured mirror is scheduled with Deno.cron, and only when Deno.cron exists", async () => {
  const env = {
    MODE_SEED: "acme:3",
    MODE_DEV_CREDENTIALS: "tok:key:secret",
    MODE_MIRROR_FROM: "http://127.0.0.1:9",
    MODE_MIRROR_WORKSPACE: "acme",
    MODE_TOKEN: "up-token",
    MODE_ACCESS_KEY: "up-key",
    MODE_ACCESS_SECRET: "up-secret-value",
  };
  const check = async (url: string) => {
    const response = await fetch(`${url}/healthz`);
    assert.equal((await response.json()).status, "ok");
  };
  const scheduled = await withDenoServe(env, check, ["--unstable-cron"]);
  assert.match(
    scheduled,
    /edge: mirror of acme from http:\/\/127\.0\.0\.1:9 scheduled \(\*\/15 \* \* \* \*, UTC\)/,
  );
  const unavailable = await withDenoServe(env, check);
  assert.match(unavailable, /MODE_MIRROR_FROM is set but Deno\.cron is not available/);
  for (const log of [scheduled, unavailable]) assert.ok(!log.includes("up-secret-value"));
  const none = await withDenoServe({ MODE_SEED: "acme:3" }, check, ["--unstable-cron"]);
  assert.ok(!none.includes("mirror"), none);
});
