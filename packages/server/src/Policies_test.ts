/**
 * The policies inside the server handler: every request is seen, fast path
 * included (access log, rate limit, faults, CORS), the built-in routes, and
 * the test hook that changes data between page requests.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import * as OpenApi from "effect/http-api/OpenApi";
import {
  collections,
  DiscoveryApi,
  DiscoveryClient,
  type ListSummary,
  openApiPath,
  resources,
  SignatureCredentials,
} from "@mode-discovery/core";
import { seedCollections } from "./Seed.ts";
import { parseFaults } from "./Faults.ts";
import { parseCorsOrigins } from "./Cors.ts";
import { addItems, readWorkspace, removeItems } from "./WorkspaceEdits.ts";
import {
  bearer,
  DEV,
  DEV_AUTH,
  devSettings,
  get,
  listen,
  readPage,
  startTestServer,
  type TestServer,
  withServer,
} from "./_testing.ts";

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect);

const faults = (text: string) => {
  const spec = parseFaults(text);
  if (spec instanceof Error) throw spec;
  return spec;
};

Deno.test("policies: the access log has one line per request, fast path and errors included, no secret", async () => {
  const lines: Array<string> = [];
  await withServer(async (edge) => {
    for (let i = 0; i < 3; i++) await (await get(edge, "/batch/acme/spaces?per_page=10")).text();
    await (await get(edge, "/batch/acme/spaces?per_page=10", null)).text();
    await (await get(edge, "/batch/acme/reports?per_page=10&include_spaces=all")).text();
    await (await get(edge, "/batch/acme/reports?per_page=10&include_spaces=all")).text();
    await (await get(edge, "/healthz", null)).text();
    assert.ok(edge.stats().fastPath >= 2, "some answers came from the fast path");
  }, {
    settings: devSettings([{ workspace: "acme", count: 25 }], { accessLog: true }),
    accessLog: (line) => lines.push(line),
  });
  assert.equal(lines.length, 7);
  const events = lines.map((line) => JSON.parse(line));
  assert.deepEqual(events.map((e) => [e.method, e.path, e.status, e.workspace ?? null]), [
    ["GET", "/batch/acme/spaces", 200, "acme"],
    ["GET", "/batch/acme/spaces", 200, "acme"],
    ["GET", "/batch/acme/spaces", 200, "acme"],
    ["GET", "/batch/acme/spaces", 401, "acme"],
    ["GET", "/batch/acme/reports", 200, "acme"],
    ["GET", "/batch/acme/reports", 200, "acme"],
    ["GET", "/healthz", 200, null],
  ]);
  assert.equal(events[4].query, "per_page=10&include_spaces=all");
  assert.ok(events.every((e) => typeof e.ms === "number" && e.ms >= 0));
  for (const secret of [DEV.accessSecret, DEV.accessKey, DEV_AUTH.slice(7)]) {
    assert.ok(!lines.join("\n").includes(secret));
  }
});

Deno.test("policies: the access log is off unless asked for", async () => {
  const lines: Array<string> = [];
  await withServer(async (edge) => {
    await (await get(edge, "/batch/acme/spaces")).text();
  }, { accessLog: (line) => lines.push(line) });
  assert.deepEqual(lines, []);
});

Deno.test("policies: a token hammering in parallel is held to the limit, fast path or not; others are not", async () => {
  await withServer(async (edge) => {
    await run(edge.credentials.putSignatureToken("acme", {
      token: "calmtoken001",
      accessKey: "calmkey",
      accessSecret: Redacted.make("calm-secret"),
      name: "calm",
      creatorId: 1,
      organizationId: 1,
      expiresAt: null,
    }));
    const calm = bearer("calmtoken001", "calmkey", "calm-secret");
    // One request first, so the credentials and page are cached: the rest take the fast path.
    assert.equal(
      (await (await get(edge, "/batch/acme/queries?per_page=5")).json()).queries.length,
      5,
    );
    const fastBefore = edge.stats().fastPath;
    const responses = await Promise.all([
      ...Array.from({ length: 120 }, () => get(edge, "/batch/acme/queries?per_page=5")),
      ...Array.from({ length: 10 }, () => get(edge, "/batch/acme/spaces?per_page=5", calm)),
    ]);
    const hammer = responses.slice(0, 120);
    const others = responses.slice(120);
    assert.equal(hammer.filter((r) => r.status === 200).length, 9, "the limit less the first");
    const limited = hammer.filter((r) => r.status === 429);
    assert.equal(limited.length, 111);
    for (const r of limited) {
      assert.equal(r.headers.get("retry-after"), "10");
      assert.equal((await r.json()).id, "rate_limited");
    }
    assert.deepEqual(others.map((r) => r.status), Array(10).fill(200));
    for (const r of [...hammer.filter((r) => r.status === 200), ...others]) await r.text();
    assert.equal(edge.stats().rateLimited, 111);
    assert.ok(edge.stats().fastPath >= fastBefore + 9, "the allowed ones came from the fast path");
  }, {
    settings: devSettings([{ workspace: "acme", count: 25 }], {
      rateLimit: { limit: 10, windowMs: 10_000 },
    }),
    now: () => 1_700_000_000_000,
  });
});

Deno.test("policies: /healthz answers without credentials, and 503 when the store is gone", async () => {
  const kv = await Deno.openKv(":memory:");
  const edge = await startTestServer({
    settings: devSettings([{ workspace: "acme", count: 3 }], {
      faults: faults("503:0.5,seed=3"),
      rateLimit: { limit: 5, windowMs: 1000 },
    }),
    kv,
  });
  try {
    const ok = await get(edge, "/healthz", null);
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.status, "ok");
    assert.deepEqual(body.checks, { store: "ok" });
    assert.deepEqual(body.faults, { injected: 0, delayed: 0, byKind: {}, seed: 3 });
    assert.equal(body.rateLimited, 0);
    assert.ok(!JSON.stringify(body).includes("acme"), "no workspace names");
    const head = await edge.fetch(new Request("http://edge.test/healthz", { method: "HEAD" }));
    assert.equal(head.status, 200);
    await head.body?.cancel();
    const post = await edge.fetch(new Request("http://edge.test/healthz/", { method: "POST" }));
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    assert.equal((await post.json()).id, "method_not_allowed");
    kv.close();
    const down = await get(edge, "/healthz", null);
    assert.equal(down.status, 503);
    assert.equal((await down.json()).checks.store, "unavailable");
  } finally {
    await edge.close();
  }
});

Deno.test("policies: /openapi.json is core's contract, /docs renders it with nothing from a CDN", async () => {
  await withServer(async (edge) => {
    const spec = await get(edge, "/openapi.json", null);
    assert.equal(spec.status, 200);
    assert.equal(spec.headers.get("content-type"), "application/json");
    const doc = await spec.json();
    assert.deepEqual(doc, JSON.parse(JSON.stringify(OpenApi.fromApi(DiscoveryApi))));
    for (const resource of resources) {
      assert.equal(
        doc.paths[openApiPath(resource.path)].get.summary,
        `List ${resource.plural} for a workspace`,
      );
    }
    const docs = await get(edge, "/docs", null);
    assert.equal(docs.status, 200);
    assert.equal(docs.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await docs.text();
    for (const resource of resources) assert.ok(html.includes(openApiPath(resource.path)));
    assert.ok(!/<script[^>]+src=/i.test(html), "no external script");
    assert.ok(!/<link[^>]+href=["']https?:/i.test(html), "no external stylesheet");
    assert.match(html, /"withDefaultFonts":false/);
  });
});

Deno.test("policies: the onResponse hook changes the data between page requests", async () => {
  let edge: TestServer | undefined = undefined;
  edge = await startTestServer({
    seed: [{ workspace: "acme", count: 25 }],
    onResponse: async (event) => {
      if (event.page === 1 && event.status === 200) {
        const all = await run(readWorkspace(edge!.listings, "acme"));
        await run(
          removeItems(
            edge!.listings,
            "acme",
            "collections",
            all!.collections.slice(0, 3).map((c) => c.id),
          ),
        );
      }
    },
  });
  try {
    const page1 = await (await get(edge, "/batch/acme/spaces?page=1&per_page=10")).json();
    assert.equal(page1.pagination.total_count, 25, "page 1 was answered before the edit");
    const page2 = await (await get(edge, "/batch/acme/spaces?page=2&per_page=10")).json();
    assert.equal(page2.pagination.total_count, 22, "page 2 sees it");
    assert.equal(page2.spaces[0].id, seedCollections("acme", 25)[13].id, "three fewer before it");
  } finally {
    await edge.close();
  }
});

Deno.test("policies: collections added and removed are served at once, in id order", async () => {
  await withServer(async (edge) => {
    const before = (await run(readWorkspace(edge.listings, "acme")))!.collections;
    await run(addItems(edge.listings, "acme", "collections", [{
      id: 1,
      token: "added0000001",
      name: "added",
      description: null,
      space_type: "custom",
      space_url: "/api/acme/spaces/added0000001",
    }]));
    await run(removeItems(edge.listings, "acme", "collections", [before[4].id]));
    const page = await readPage(collections, await get(edge, "/batch/acme/spaces?per_page=100"));
    assert.equal(page.pagination.total_count, before.length);
    assert.equal(page.spaces[0].id, 1);
    assert.ok(!page.spaces.some((s) => s.id === before[4].id));
    assert.equal((await run(edge.listings.workspace("acme")))?.source, "edit");
  });
});

Deno.test("policies: a client retries every injected fault and still gets every collection once", async () => {
  const handler = await startTestServer({
    settings: devSettings([{ workspace: "acme", count: 2500 }], {
      faults: faults("503:0.15,429:0.1,reset:0.05,truncate:0.05,seed=11"),
    }),
  });
  const server = listen(handler.fetch);
  try {
    let summary: ListSummary | undefined;
    const ids = await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* DiscoveryClient.make({
          baseUrl: server.url,
          credentials: SignatureCredentials.fromStrings(DEV),
          maxRetries: 20,
          backoffBaseMs: 0,
          backoffMaxMs: 0,
          maxRetryAfterSeconds: 0,
        });
        const all = yield* Stream.runCollect(
          client.collections.list({
            workspace: "acme",
            perPage: 100,
            concurrency: 1,
            onSummary: (s) => (summary = s),
          }),
        );
        return all.map((c) => c.id);
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    assert.equal(ids.length, 2500);
    assert.equal(new Set(ids).size, 2500);
    const stats = handler.stats().faults!;
    assert.ok(stats.injected > 5, `only ${stats.injected} faults`);
    assert.equal(summary?.retries, stats.injected, "one retry per injected fault");
  } finally {
    await server.close();
    await handler.close();
  }
});

Deno.test("policies: fast and HttpApi answers go through the same pipeline (CORS, faults, log)", async () => {
  const origins = parseCorsOrigins("http://localhost:5173");
  if (origins instanceof Error) throw origins;
  const lines: Array<string> = [];
  await withServer(async (edge) => {
    const ask = (path: string, fault?: string) =>
      edge.fetch(
        new Request(`http://server.test${path}`, {
          headers: {
            authorization: DEV_AUTH,
            origin: "http://localhost:5173",
            ...(fault === undefined ? {} : { "x-mode-fault": fault }),
          },
        }),
      );
    for (const resource of resources) {
      const path = `/batch/acme/${resource.segment}?per_page=5`;
      const slowBefore = edge.stats().requests - edge.stats().fastPath;
      const first = await ask(path);
      const fastBefore = edge.stats().fastPath;
      const second = await ask(path);
      assert.equal(edge.stats().fastPath, fastBefore + 1, `${resource.name}: the second is fast`);
      assert.ok(edge.stats().requests - edge.stats().fastPath > slowBefore, "the first was not");
      for (const response of [first, second]) {
        assert.equal(response.headers.get("access-control-allow-origin"), "http://localhost:5173");
        assert.equal(response.headers.get("vary"), "Origin");
        await response.text();
      }
      const faulted = await ask(path, "503");
      assert.equal(faulted.status, 503);
      assert.equal(faulted.headers.get("access-control-allow-origin"), "http://localhost:5173");
      assert.equal((await faulted.json()).id, "server_error");
    }
  }, {
    settings: devSettings([{ workspace: "acme", count: 25 }], {
      corsOrigins: origins,
      faults: faults("header"),
      accessLog: true,
    }),
    accessLog: (line) => lines.push(line),
  });
  assert.equal(lines.length, 3 * resources.length);
});
