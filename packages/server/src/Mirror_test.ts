/**
 * Mirroring from one live server into another: every page byte for byte,
 * atomic for readers, and nothing written when the listing fails.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import { DiscoveryClient, SignatureCredentials } from "@mode-discovery/core";
import { makeEdgeHandler } from "./EdgeHandler.ts";
import { type EdgeServer, startEdgeServer } from "./EdgeServer.ts";
import { KvLocation } from "./EdgeSettings.ts";
import { mirrorWorkspace } from "./Mirror.ts";
import { seedCollections } from "./Seed.ts";
import { DEV, DEV_AUTH, devSettings } from "./_testing.ts";

const mirror = (from: string, into: EdgeServer, options: { maxRetries?: number } = {}) =>
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
        store: into.handler.store,
        workspace: "acme",
        source: `mirror:${from}`,
        perPage: 500,
      });
    }).pipe(Effect.provide(FetchHttpClient.layer)),
  );

const body = async (base: string, page: number, perPage: number) => {
  const response = await fetch(`${base}/batch/acme/spaces?page=${page}&per_page=${perPage}`, {
    headers: { authorization: DEV_AUTH },
  });
  assert.equal(response.status, 200);
  return await response.text();
};

/** Every page of both servers at several page sizes, past the end included. */
const assertSamePages = async (a: string, b: string, count: number) => {
  let compared = 0;
  for (const perPage of [1000, 100, 37]) {
    for (let page = 1; page <= Math.ceil(count / perPage) + 1; page++) {
      const [left, right] = await Promise.all([body(a, page, perPage), body(b, page, perPage)]);
      assert.equal(right, left, `page ${page} at per_page ${perPage}`);
      compared++;
    }
  }
  return compared;
};

Deno.test("mirror: a workspace copied from one server into another serves every page byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  const source = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 2345 }]),
    log: () => {},
  });
  const target = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 0 }], {
      kv: KvLocation.path(`${dir}/target.kv`),
    }),
    log: () => {},
  });
  try {
    const { info, summary } = await mirror(source.url, target);
    assert.equal(info.count, 2345);
    assert.equal(info.source, `mirror:${source.url}`);
    assert.equal(summary?.pagesFetched, 5);
    assert.equal(await assertSamePages(source.url, target.url, 2345), 4 + 25 + 65);
  } finally {
    await source.close();
    await target.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mirror: readers of the target see the old copy or the new one, never a mix", async () => {
  const source = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 1500 }]),
    log: () => {},
  });
  const target = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 0 }]),
    log: () => {},
  });
  try {
    await mirror(source.url, target);
    const oldPage = await body(source.url, 2, 1000);
    // The source changes: another listing of another size.
    await Effect.runPromise(source.handler.store.replaceWorkspace(
      "acme",
      seedCollections("acme-next", 1800).map((c) => ({ ...c, id: c.id + 5 })),
      { source: "test" },
    ));
    const newPage = await body(source.url, 2, 1000);
    assert.notEqual(newPage, oldPage);
    let done = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!done) {
        const page = await body(target.url, 2, 1000);
        assert.ok(page === oldPage || page === newPage, "a page from neither copy");
        seen.add(page === oldPage ? "old" : "new");
      }
    })();
    await mirror(source.url, target);
    done = true;
    await reader;
    assert.ok(seen.has("old"), "the reader ran while the mirror was written");
    assert.equal(await body(target.url, 2, 1000), newPage);
  } finally {
    await source.close();
    await target.close();
  }
});

Deno.test("mirror: a listing that fails midway writes nothing; the old copy stays", async () => {
  const upstream = await makeEdgeHandler({
    settings: devSettings([{ workspace: "acme", count: 2000 }]),
    log: () => {},
  });
  // Page 3 always fails: the listing cannot complete.
  const failing = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) =>
      /[?&]page=3(&|$)/.test(request.url)
        ? Response.json({ id: "server_error", message: "down" }, { status: 500 })
        : upstream.fetch(request),
  );
  const from = `http://127.0.0.1:${failing.addr.port}`;
  const target = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 77 }]),
    log: () => {},
  });
  try {
    const before = await body(target.url, 1, 1000);
    await assert.rejects(() => mirror(from, target, { maxRetries: 1 }), /500/);
    assert.equal(await body(target.url, 1, 1000), before);
    assert.equal((await Effect.runPromise(target.handler.store.workspace("acme")))?.count, 77);
  } finally {
    await failing.shutdown();
    await upstream.dispose();
    await target.close();
  }
});
