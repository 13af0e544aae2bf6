/**
 * In a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): a page on another origin runs the reference page's
 * XMLHttpRequest example against the API and gets the page; a page on a
 * disallowed origin is blocked; `/docs` renders with every request to a
 * non-loopback host blocked, shows every resource's endpoint once Scalar
 * has rendered it (waited for, with a deadline), and is kept as
 * test-artifacts/docs.png.
 *
 * Needs Chromium at /usr/bin/chromium (or MODE_CHROMIUM_PATH). Without it
 * the test fails saying so; MODE_SKIP_BROWSER=1 skips it for quick local
 * runs.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { openApiPath, resources } from "@mode-discovery/core";
import { parseCorsOrigins } from "@mode-discovery/server";
import { DEV, devSettings } from "@mode-discovery/server/testing";
import { EdgeSettings } from "./EdgeSettings.ts";
import { startEdgeServer } from "./EdgeServer.ts";

const SKIP = Deno.env.get("MODE_SKIP_BROWSER") === "1";
const CHROMIUM = Deno.env.get("MODE_CHROMIUM_PATH") || "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));

/** How long the docs page may take to show what the test looks for (a loaded CI machine). */
const DOCS_DEADLINE_MS = 60_000;

/** The flags Chromium runs with: headless, nothing phoning home, no GPU, no sandbox (CI runs as root). */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The reference page's JavaScript example, pointed at `api`, reporting into `window.result`. */
const examplePage = (api: string) =>
  `<!doctype html>
<html><head><meta charset="utf-8"><title>XHR example</title></head><body>
<script>
var token = ${JSON.stringify(DEV.token)};
var access_key = ${JSON.stringify(DEV.accessKey)};
var access_secret = ${JSON.stringify(DEV.accessSecret)};
var request = new XMLHttpRequest();
var decoded_token = token + ':' + access_key + ':' + access_secret;
var encoded_token = btoa(decoded_token);
var bearer_token = 'Bearer ' + encoded_token;
request.open('GET', '${api}/batch/acme/spaces?per_page=100');
request.withCredentials = true;
request.setRequestHeader('Authorization', bearer_token);
request.setRequestHeader('Content-Type', 'application/json');
request.setRequestHeader('Accept', 'application/json');
request.onreadystatechange = function () {
  if (this.readyState === 4) {
    window.result = { status: this.status, headers: this.getAllResponseHeaders(), body: this.responseText };
  }
};
request.send();
</script></body></html>`;

const servePage = (html: () => string) =>
  Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(html(), { headers: { "content-type": "text/html; charset=utf-8" } }),
  );

const chromiumMissing = async (): Promise<string | undefined> => {
  try {
    const info = await Deno.stat(CHROMIUM);
    return info.isFile ? undefined : `${CHROMIUM} is not a file`;
  } catch {
    return `Chromium is not installed at ${CHROMIUM}`;
  }
};

Deno.test({
  name:
    "browser: Chromium calls the API across origins as the reference example does, and renders /docs offline",
  ignore: SKIP,
  // playwright-core keeps its own pipes and timers to the browser process.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const missing = await chromiumMissing();
    if (missing !== undefined) {
      assert.fail(
        `${missing}. Install it (Debian/Ubuntu: apt-get install -y chromium) or set MODE_CHROMIUM_PATH; ` +
          "set MODE_SKIP_BROWSER=1 to skip the browser tests.",
      );
    }
    let apiUrl = "";
    const allowedPage = servePage(() => examplePage(apiUrl));
    const otherPage = servePage(() => examplePage(apiUrl));
    const allowedOrigin = `http://127.0.0.1:${allowedPage.addr.port}`;
    const otherOrigin = `http://127.0.0.1:${otherPage.addr.port}`;
    const origins = parseCorsOrigins(allowedOrigin);
    if (origins instanceof Error) throw origins;
    const api = await startEdgeServer({
      port: 0,
      settings: EdgeSettings.make(
        devSettings([{ workspace: "acme", count: 250 }], { corsOrigins: origins }),
      ),
      log: () => {},
    });
    apiUrl = api.url;
    const profile = await Deno.makeTempDir({ prefix: "mode-discovery-chromium-" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    try {
      await t.step("a page on an allowed origin gets the collections page", async () => {
        const page = await context.newPage();
        await page.goto(allowedOrigin);
        await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined);
        const result = await page.evaluate(() =>
          (globalThis as unknown as {
            result: { status: number; headers: string; body: string };
          }).result
        );
        assert.equal(result.status, 200, result.body);
        const body = JSON.parse(result.body);
        assert.deepEqual(body.pagination, {
          page: 1,
          per_page: 100,
          count: 100,
          total_pages: 3,
          total_count: 250,
        });
        assert.equal(body.spaces.length, 100);
        assert.match(result.headers, /content-type: application\/json/i);
        await page.close();
      });

      await t.step("a page on another origin is blocked by the browser", async () => {
        const page = await context.newPage();
        const blocked: Array<string> = [];
        page.on("console", (message) => blocked.push(message.text()));
        await page.goto(otherOrigin);
        await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined);
        const status = await page.evaluate(() =>
          (globalThis as unknown as { result: { status: number } }).result.status
        );
        assert.equal(status, 0, "the browser must not hand the answer to the page");
        assert.ok(blocked.some((line) => /CORS/i.test(line)), blocked.join("\n"));
        await page.close();
      });

      await t.step(
        "/docs renders with nothing fetched from outside, showing every resource's endpoint",
        async () => {
          const page = await context.newPage();
          const outside: Array<string> = [];
          await page.route("**/*", (route) => {
            const url = new URL(route.request().url());
            if (url.hostname === "127.0.0.1" || url.hostname === "localhost") {
              return route.continue();
            }
            outside.push(url.href);
            return route.abort();
          });
          await page.goto(`${api.url}/docs`, { waitUntil: "load" });
          // Scalar renders the operations after the page has loaded, one by one: wait (with a
          // deadline) until the page's text shows every summary and path the test checks.
          const expected = [
            ...resources.map((r) => `List ${r.plural} for a workspace`),
            ...resources.map((r) => openApiPath(r.path)),
          ];
          const shown = await page.waitForFunction(
            (wanted: Array<string>) => {
              // Runs in the page: its DOM, not Deno's globals.
              const text = (globalThis as unknown as {
                document: { body: { innerText: string } };
              }).document.body.innerText;
              return wanted.every((w) => text.includes(w)) ? text : false;
            },
            expected,
            { timeout: DOCS_DEADLINE_MS, polling: 250 },
          ).then((handle) => handle.jsonValue(), async (error) => {
            const text = await page.locator("body").innerText();
            const missing = expected.filter((w) => !text.includes(w));
            throw new Error(
              `/docs did not show ${missing.join(", ")} within ${DOCS_DEADLINE_MS} ms (${
                String(error).split("\n")[0]
              })`,
            );
          });
          for (const wanted of expected) assert.ok(String(shown).includes(wanted), wanted);
          await Deno.mkdir(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: `${ARTIFACTS}docs.png`, fullPage: false });
          assert.ok((await Deno.stat(`${ARTIFACTS}docs.png`)).size > 10_000);
          assert.deepEqual(outside, [], "requests to non-loopback hosts");
          await page.close();
        },
      );
    } finally {
      await context.close();
      await api.close();
      await allowedPage.shutdown();
      await otherPage.shutdown();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
