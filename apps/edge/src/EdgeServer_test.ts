import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import { CollectionsPage, SignatureToken, signatureTokenCredentials } from "@mode-discovery/core";
import { EdgeStartupError } from "./EdgeHandler.ts";
import { KvLocation } from "./EdgeSettings.ts";
import { type EdgeServer, startEdgeServer } from "./EdgeServer.ts";
import { seedCollections } from "./Seed.ts";
import { ADMIN_AUTH, DEV_AUTH, devSettings } from "./_testing.ts";

const decodePage = Schema.decodeUnknownSync(CollectionsPage);

const getJson = async (
  server: EdgeServer,
  path: string,
  authorization: string | null = DEV_AUTH,
) => {
  const response = await fetch(`${server.url}${path}`, {
    headers: authorization === null ? {} : { authorization },
  });
  const body = await response.json();
  assert.equal(response.headers.get("content-type"), "application/json");
  return { status: response.status, body, headers: response.headers };
};

const createToken = async (server: EdgeServer, workspace = "acme") => {
  const response = await fetch(`${server.url}/batch/${workspace}/signature_tokens`, {
    method: "POST",
    headers: { authorization: ADMIN_AUTH, "content-type": "application/json" },
    body: JSON.stringify({
      signature_token: {
        name: "socket test",
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
      },
    }),
  });
  assert.equal(response.status, 200);
  return Schema.decodeUnknownSync(SignatureToken)(await response.json());
};

Deno.test("server: over a real socket, the documented example and a full walk", async () => {
  const server = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 4146 }]),
    log: () => {},
  });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.port > 0);
    const first = await getJson(server, "/batch/acme/spaces");
    assert.equal(first.status, 200);
    const page = decodePage(first.body);
    assert.deepEqual(page.pagination, {
      page: 1,
      per_page: 1000,
      count: 1000,
      total_pages: 5,
      total_count: 4146,
    });
    assert.deepEqual(page._links, {
      next_page: { href: "/batch/acme/spaces?page=2&per_page=1000" },
      prev_page: { href: "/batch/acme/spaces?page=1&per_page=1000" },
    });
    const seen = [...page.spaces];
    let href: string | undefined = page._links.next_page?.href;
    while (href !== undefined) {
      const next = decodePage((await getJson(server, href)).body);
      if (next.spaces.length === 0) break;
      seen.push(...next.spaces);
      href = next._links.next_page?.href;
    }
    assert.deepEqual(seen, seedCollections("acme", 4146));
  } finally {
    await server.close();
  }
});

Deno.test("server: over a real socket, errors are JSON with the right status", async () => {
  const server = await startEdgeServer({
    port: 0,
    settings: devSettings([{ workspace: "acme", count: 10 }]),
    log: () => {},
  });
  try {
    const cases: Array<[string, string | null, number, string]> = [
      ["/batch/acme/spaces?per_page=0", DEV_AUTH, 400, "bad_request"],
      ["/batch/acme/spaces", null, 401, "unauthorized"],
      ["/batch/acme/spaces", "Bearer %%%", 401, "unauthorized"],
      ["/batch/nope/spaces", DEV_AUTH, 404, "not_found"],
      ["/nope", null, 404, "not_found"],
    ];
    for (const [path, authorization, status, id] of cases) {
      const answer = await getJson(server, path, authorization);
      assert.equal(answer.status, status, path);
      assert.equal(answer.body.id, id, path);
      assert.equal(typeof answer.body.message, "string");
    }
    const wrongMethod = await fetch(`${server.url}/batch/acme/spaces`, { method: "DELETE" });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "GET, HEAD");
    assert.equal((await wrongMethod.json()).id, "method_not_allowed");
    const huge = await fetch(`${server.url}/batch/acme/signature_tokens`, {
      method: "POST",
      headers: { authorization: ADMIN_AUTH, "content-type": "application/json" },
      body: JSON.stringify({ signature_token: { name: "x".repeat(100_000) } }),
    });
    assert.equal(huge.status, 400);
    assert.match((await huge.json()).message, /^The request body is larger than 65536 bytes/);
    const token = await createToken(server);
    const withToken = await getJson(
      server,
      "/batch/acme/spaces?per_page=3",
      Redacted.value(signatureTokenCredentials(token).authorization),
    );
    assert.equal(withToken.status, 200);
    assert.equal(withToken.body.spaces.length, 3);
  } finally {
    await server.close();
  }
});

Deno.test("server: a port already in use is a one-line start-up error naming PORT", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    await assert.rejects(
      () => startEdgeServer({ port, settings: devSettings([]), log: () => {} }),
      (error: unknown) => {
        assert.ok(error instanceof EdgeStartupError);
        assert.equal(
          error.message,
          `Cannot listen on 127.0.0.1:${port}: port ${port} on 127.0.0.1 is already in use; set PORT to a free port`,
        );
        return true;
      },
    );
  } finally {
    taken.close();
  }
});

Deno.test("server: a KV path that cannot be opened is a one-line start-up error", async () => {
  await assert.rejects(
    () =>
      startEdgeServer({
        port: 0,
        settings: devSettings([], { kv: KvLocation.path("/nonexistent-dir/sub/edge.kv") }),
        log: () => {},
      }),
    (error: unknown) => {
      assert.ok(error instanceof EdgeStartupError);
      assert.match(
        error.message,
        /^Cannot open the KV store at MODE_KV_PATH=\/nonexistent-dir\/sub\/edge\.kv: /,
      );
      assert.ok(!error.message.includes("\n"));
      return true;
    },
  );
});

Deno.test("server: a file-backed KV keeps workspaces and tokens across a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edge-kv-" });
  const path = `${dir}/edge.kv`;
  try {
    const seed = [{ workspace: "acme", count: 1234 }];
    const first = await startEdgeServer({
      port: 0,
      settings: devSettings(seed, { kv: KvLocation.path(path) }),
      log: () => {},
    });
    let token;
    let version;
    try {
      token = await createToken(first);
      version = (await Effect.runPromise(first.handler.store.workspace("acme")))?.version;
      await Effect.runPromise(
        first.handler.store.replaceWorkspace("imported", seedCollections("imported", 7), {
          source: "import",
        }),
      );
    } finally {
      await first.close();
    }
    // Restart with no seed and no development credentials: everything comes from the file.
    const lines: Array<string> = [];
    const second = await startEdgeServer({
      port: 0,
      settings: devSettings([], {
        kv: KvLocation.path(path),
        devCredentials: undefined,
        devAdmin: undefined,
      }),
      log: (line) => lines.push(line),
    });
    try {
      const authorization = Redacted.value(signatureTokenCredentials(token).authorization);
      const seen = [];
      for (let page = 1; page <= 2; page++) {
        const answer = await getJson(
          second,
          `/batch/acme/spaces?page=${page}&per_page=1000`,
          authorization,
        );
        assert.equal(answer.status, 200);
        seen.push(...decodePage(answer.body).spaces);
      }
      assert.deepEqual(seen, seedCollections("acme", 1234));
      // The development token was stored too (hashed) and still works.
      assert.equal((await getJson(second, "/batch/acme/spaces?per_page=1")).status, 200);
      assert.equal(await Effect.runPromise(second.handler.store.count("imported")), 7);
    } finally {
      await second.close();
    }
    // Restart with the same seed: nothing is rewritten. A seed never overwrites imported data.
    const third = await startEdgeServer({
      port: 0,
      settings: devSettings([...seed, { workspace: "imported", count: 3 }], {
        kv: KvLocation.path(path),
      }),
      log: (line) => lines.push(line),
    });
    try {
      const info = await Effect.runPromise(third.handler.store.workspace("acme"));
      assert.equal(info?.version, version);
      assert.equal(await Effect.runPromise(third.handler.store.count("imported")), 7);
      assert.ok(
        lines.some((l) =>
          /MODE_SEED: not seeding imported: the KV already holds its data from import/.test(l)
        ),
      );
    } finally {
      await third.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
