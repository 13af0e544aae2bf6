/**
 * Mirroring from one live server into another over real sockets: every
 * page of every resource and view byte for byte, atomic for readers, and
 * nothing written when any listing fails.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import {
  type AnyResource,
  DiscoveryClient,
  reports,
  resources,
  SignatureCredentials,
} from "@mode-discovery/core";
import { mirrorUrlProblem, mirrorWorkspace } from "./Mirror.ts";
import { seedWorld } from "./Seed.ts";
import { DEV, DEV_AUTH, listen, pagePath, startTestServer, type TestServer } from "./_testing.ts";

/** A test server on a real socket. */
const serve = async (seed: number) => {
  const server = await startTestServer({ seed: [{ workspace: "acme", count: seed }] });
  const socket = listen(server.fetch);
  return {
    server,
    url: socket.url,
    close: async () => {
      await socket.close();
      await server.close();
    },
  };
};

const mirror = (from: string, into: TestServer, options: { maxRetries?: number } = {}) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: from,
        credentials: SignatureCredentials.fromStrings(DEV),
        maxRetries: options.maxRetries ?? 2,
        backoffBaseMs: 0,
        backoffMaxMs: 0,
      });
      return yield* mirrorWorkspace({
        client,
        store: into.listings,
        workspace: "acme",
        source: `mirror:${from}`,
        perPage: 500,
      });
    }).pipe(Effect.provide(FetchHttpClient.layer)),
  );

const body = async (base: string, path: string) => {
  const response = await fetch(`${base}${path}`, { headers: { authorization: DEV_AUTH } });
  assert.equal(response.status, 200, path);
  return await response.text();
};

/** Every page of both servers, every resource and view, at several sizes, past the end included. */
const assertSamePages = async (a: string, b: string, counts: Record<string, number>) => {
  let compared = 0;
  for (const resource of resources) {
    for (const all of resource.includeSpaces ? [false, true] : [false]) {
      for (const perPage of [1000, 137]) {
        const pages = Math.ceil(counts[resource.name] / perPage) + 1;
        for (let page = 1; page <= pages; page++) {
          const path = pagePath(resource, "acme", page, perPage, all);
          const [left, right] = await Promise.all([body(a, path), body(b, path)]);
          assert.equal(right, left, path);
          compared++;
        }
      }
    }
  }
  return compared;
};

Deno.test("mirror: a workspace copied from one server into another serves every page byte for byte", async () => {
  const source = await serve(345);
  const target = await serve(0);
  try {
    const { info, summaries } = await mirror(source.url, target.server);
    const expected = seedWorld({ workspace: "acme", count: 345 });
    for (const resource of resources) {
      assert.equal(info.counts[resource.name], (expected[resource.name] as Array<unknown>).length);
      assert.ok(summaries[resource.name] !== undefined, resource.name);
    }
    assert.equal(info.source, `mirror:${source.url}`);
    assert.equal(summaries.queries?.pagesFetched, 2);
    assert.ok(await assertSamePages(source.url, target.url, info.counts) > 30);
  } finally {
    await source.close();
    await target.close();
  }
});

Deno.test("mirror: readers of the target see the old copy or the new one, never a mix", async () => {
  const source = await serve(1500);
  const target = await serve(0);
  const path = (resource: AnyResource) => pagePath(resource, "acme", 2, 1000, true);
  try {
    await mirror(source.url, target.server);
    const old = await Promise.all([
      body(source.url, path(reports)),
      body(source.url, "/batch/acme/spaces?page=2"),
    ]);
    // The source changes: another world of another size.
    await Effect.runPromise(source.server.listings.replaceWorkspace(
      "acme",
      seedWorld({ workspace: "acme-next", count: 1800 }),
      { source: "test" },
    ));
    const next = await Promise.all([
      body(source.url, path(reports)),
      body(source.url, "/batch/acme/spaces?page=2"),
    ]);
    assert.notEqual(next[0], old[0]);
    let done = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!done) {
        const [a, b] = await Promise.all([
          body(target.url, path(reports)),
          body(target.url, "/batch/acme/spaces?page=2"),
        ]);
        const version = a === old[0] ? "old" : a === next[0] ? "new" : "neither";
        assert.notEqual(version, "neither", "a page from neither copy");
        seen.add(version);
        // Fetched in parallel, the two may straddle the swap, but each is whole.
        assert.ok(b === old[1] || b === next[1]);
      }
    })();
    await mirror(source.url, target.server);
    done = true;
    await reader;
    assert.ok(seen.has("old"), "the reader ran while the mirror was written");
    assert.equal(await body(target.url, path(reports)), next[0]);
  } finally {
    await source.close();
    await target.close();
  }
});

Deno.test("mirror: a listing that fails midway writes nothing; the old copy stays", async () => {
  const upstream = await startTestServer({ seed: [{ workspace: "acme", count: 600 }] });
  // Page 2 of the charts always fails: the mirror cannot complete (the collections already did).
  const failing = listen((request) =>
    /\/charts\?page=2(&|$)/.test(request.url)
      ? Promise.resolve(Response.json({ id: "server_error", message: "down" }, { status: 500 }))
      : upstream.fetch(request)
  );
  const target = await serve(77);
  try {
    const before = await body(target.url, "/batch/acme/spaces?page=1");
    await assert.rejects(() => mirror(failing.url, target.server, { maxRetries: 1 }), /500|down/);
    assert.equal(await body(target.url, "/batch/acme/spaces?page=1"), before);
    assert.equal(
      (await Effect.runPromise(target.server.listings.workspace("acme")))?.counts.collections,
      77,
    );
  } finally {
    await failing.close();
    await upstream.close();
    await target.close();
  }
});

Deno.test("mirror: the base URL must be absolute http(s), without credentials, query or fragment", () => {
  assert.equal(mirrorUrlProblem("https://app.mode.com"), undefined);
  assert.equal(mirrorUrlProblem("app.mode.com"), "it is not an absolute URL");
  assert.equal(mirrorUrlProblem("ftp://app.mode.com"), "it is not http or https");
  assert.match(mirrorUrlProblem("https://u:p@app.mode.com")!, /user name or password/);
  assert.equal(mirrorUrlProblem("https://app.mode.com/?x=1"), "it has a query or fragment");
});
