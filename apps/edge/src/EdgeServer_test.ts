import assert from "node:assert/strict";
import * as ConfigProvider from "effect/ConfigProvider";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import {
  type AnyResource,
  INCLUDE_SPACES_ALL,
  pageHref,
  relations,
  resources,
  SignatureToken,
  signatureTokenCredentials,
} from "@mode-discovery/core";
import { readWorkspace, seedCounts, seedWorld } from "@mode-discovery/server";
import { ADMIN_AUTH, DEV, DEV_AUTH, devSettings } from "@mode-discovery/server/testing";
import { EdgeStartupError } from "./EdgeHandler.ts";
import { EdgeSettings, KvLocation } from "./EdgeSettings.ts";
import { type EdgeServer, startEdgeServer } from "./EdgeServer.ts";

type Row = Record<string, unknown>;

/** The test fixtures' settings (dev credentials of the first workspace), on the edge. */
const edgeSettings = (
  seed: Parameters<typeof devSettings>[0],
  more: Partial<EdgeSettings> = {},
): EdgeSettings => EdgeSettings.make({ ...devSettings(seed), ...more });

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

/** Every item of a listing, walked by `next_page` from page 1, each page decoded. */
const walk = async (
  server: EdgeServer,
  resource: AnyResource,
  all: boolean,
  authorization = DEV_AUTH,
): Promise<{ readonly items: Array<Row>; readonly total: number }> => {
  const decode = Schema.decodeUnknownSync(resource.page as unknown as Schema.Codec<Row, unknown>);
  const items: Array<Row> = [];
  let total = -1;
  let href: string | undefined = pageHref({
    route: resource,
    workspace: "acme",
    page: 1,
    perPage: 1000,
    includeSpaces: all && resource.includeSpaces ? INCLUDE_SPACES_ALL : undefined,
  });
  for (let pages = 0; href !== undefined && pages < 100; pages++) {
    const answer = await getJson(server, href, authorization);
    assert.equal(answer.status, 200, href);
    const page = decode(answer.body) as {
      pagination: { total_count: number };
      _links: { next_page?: { href: string } };
    } & Row;
    total = page.pagination.total_count;
    const rows = page[resource.segment] as Array<Row>;
    if (rows.length === 0) break;
    items.push(...rows);
    href = page._links.next_page?.href;
  }
  return { items, total };
};

Deno.test("server: MODE_SEED=acme:4146 over a real socket: every resource walked whole, every relation joined", async () => {
  const settings = await Effect.runPromise(EdgeSettings.fromConfig.pipe(
    Effect.provideService(
      ConfigProvider.ConfigProvider,
      ConfigProvider.fromEnv({
        env: {
          MODE_SEED: "acme:4146",
          MODE_DEV_CREDENTIALS: `${DEV.token}:${DEV.accessKey}:${DEV.accessSecret}`,
        },
      }),
    ),
  ));
  const server = await startEdgeServer({ port: 0, settings, log: () => {} });
  try {
    const counts = seedCounts({ workspace: "acme", count: 4146 });
    const walked = new Map<string, Map<boolean, Array<Row>>>();
    for (const resource of resources) {
      const views = new Map<boolean, Array<Row>>();
      for (const all of resource.includeSpaces ? [false, true] : [false]) {
        const { items, total } = await walk(server, resource, all);
        assert.equal(items.length, total, `${resource.name} all=${all}: the walk got total_count`);
        const keys = items.map((item) => item[resource.key]);
        assert.equal(new Set(keys).size, keys.length, `${resource.name}: each item once`);
        assert.deepEqual(keys, [...keys].sort((a, b) => Number(a) - Number(b)));
        views.set(all, items);
      }
      walked.set(resource.name, views);
      const everything = views.get(true) ?? views.get(false)!;
      assert.equal(everything.length, counts[resource.name], `${resource.name}: the seed's count`);
    }
    const rows = (name: string, all: boolean) => {
      const views = walked.get(name)!;
      return views.get(all) ?? views.get(false)!;
    };
    for (const all of [false, true]) {
      // Every relation of core's model, joined across the walked resources.
      for (const { child, parent, relation, parentField } of relations) {
        const parents = new Map(rows(parent.name, true).map((row) => [row[parentField], row]));
        for (const row of rows(child.name, all)) {
          const target = parents.get(row[relation.field]);
          assert.ok(target !== undefined, `${child.name}.${relation.field} ${row[relation.field]}`);
          if (relation.token !== undefined) {
            assert.equal(row[relation.token], target[parent.token]);
          }
          for (const [own, theirs] of Object.entries(relation.copies ?? {})) {
            assert.equal(row[own], target[theirs], `${child.name}.${own}`);
          }
        }
      }
      // What the reference spells out: queries agree with their report on the space; charts
      // with their query; every creator is a member; the report stats are the reports.
      const reportsById = new Map(rows("reports", true).map((r) => [r.id, r]));
      const queriesById = new Map(rows("queries", true).map((q) => [q.id, q]));
      const emails = new Set(rows("members", false).map((m) => m.member_email));
      for (const query of rows("queries", all)) {
        assert.equal(reportsById.get(query.report_id)?.space_id, query.space_id);
        assert.ok(emails.has(query.creator_email));
      }
      for (const chart of rows("charts", all)) {
        const query = queriesById.get(chart.query_id)!;
        assert.deepEqual(
          [chart.report_id, chart.space_id, chart.report_token, chart.space_token],
          [query.report_id, query.space_id, query.report_token, query.space_token],
        );
        assert.equal(reportsById.get(chart.report_id)?.creator_email, chart.report_creator_email);
      }
      for (const report of rows("reports", all)) assert.ok(emails.has(report.creator_email));
      assert.deepEqual(
        new Set(rows("reportStats", all).map((s) => s.report_token)),
        new Set(rows("reports", all).map((r) => r.token)),
      );
      // The default view leaves out exactly the items of personal collections.
      const personal = new Set(
        rows("collections", false).filter((c) => c.space_type === "private").map((c) => c.id),
      );
      assert.ok(personal.size > 400);
      for (const name of ["reports", "queries", "charts"]) {
        const left = rows(name, all).filter((row) => personal.has(row.space_id)).length;
        assert.equal(left > 0, all, `${name} all=${all}: items in personal collections`);
      }
    }
    // What was walked is what was seeded.
    const world = seedWorld({ workspace: "acme", count: 4146 });
    for (const resource of resources) {
      assert.deepEqual(rows(resource.name, true), world[resource.name], resource.name);
    }
  } finally {
    await server.close();
  }
});

Deno.test("server: over a real socket, errors on every resource are JSON with the right status", async () => {
  const server = await startEdgeServer({
    port: 0,
    settings: edgeSettings([{ workspace: "acme", count: 10 }]),
    log: () => {},
  });
  try {
    for (const resource of resources) {
      const path = `/batch/acme/${resource.segment}`;
      const cases: Array<[string, string | null, number, string]> = [
        [`${path}?per_page=0`, DEV_AUTH, 400, "bad_request"],
        [path, null, 401, "unauthorized"],
        [path, "Bearer %%%", 401, "unauthorized"],
        [`/batch/nope/${resource.segment}`, DEV_AUTH, 404, "not_found"],
      ];
      if (resource.includeSpaces) {
        cases.push([`${path}?include_spaces=ALL`, DEV_AUTH, 400, "bad_request"]);
      }
      for (const [target, authorization, status, id] of cases) {
        const answer = await getJson(server, target, authorization);
        assert.equal(answer.status, status, target);
        assert.equal(answer.body.id, id, target);
        assert.equal(typeof answer.body.message, "string");
      }
      const wrongMethod = await fetch(`${server.url}${path}`, { method: "DELETE" });
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get("allow"), "GET, HEAD");
      assert.equal((await wrongMethod.json()).id, "method_not_allowed");
    }
    assert.equal((await getJson(server, "/nope", null)).status, 404);
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
      "/batch/acme/queries?per_page=3",
      Redacted.value(signatureTokenCredentials(token).authorization),
    );
    assert.equal(withToken.status, 200);
    assert.equal(withToken.body.queries.length, 3);
  } finally {
    await server.close();
  }
});

Deno.test("server: a port already in use is a one-line start-up error naming PORT", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    await assert.rejects(
      () => startEdgeServer({ port, settings: edgeSettings([]), log: () => {} }),
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
        settings: EdgeSettings.make({ kv: KvLocation.path("/nonexistent-dir/sub/edge.kv") }),
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

Deno.test("server: a file-backed KV keeps every resource and the tokens across a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edge-kv-" });
  const path = `${dir}/edge.kv`;
  try {
    const seed = [{ workspace: "acme", count: 1234 }];
    const first = await startEdgeServer({
      port: 0,
      settings: edgeSettings(seed, { kv: KvLocation.path(path) }),
      log: () => {},
    });
    let token;
    let version;
    try {
      token = await createToken(first);
      version = (await Effect.runPromise(first.handler.listings.workspace("acme")))?.version;
      await Effect.runPromise(
        first.handler.listings.replaceWorkspace(
          "imported",
          seedWorld({ workspace: "imported", count: 7 }),
          { source: "import" },
        ),
      );
    } finally {
      await first.close();
    }
    // Restart with no seed and no development credentials: everything comes from the file.
    const lines: Array<string> = [];
    const second = await startEdgeServer({
      port: 0,
      settings: EdgeSettings.make({ kv: KvLocation.path(path) }),
      log: (line) => lines.push(line),
    });
    try {
      const authorization = Redacted.value(signatureTokenCredentials(token).authorization);
      const world = seedWorld({ workspace: "acme", count: 1234 });
      for (const resource of resources) {
        const { items } = await walk(second, resource, true, authorization);
        assert.deepEqual(items, world[resource.name], resource.name);
      }
      // The development token was stored too (hashed) and still works.
      assert.equal((await getJson(second, "/batch/acme/members?per_page=1")).status, 200);
      assert.equal(
        (await Effect.runPromise(second.handler.listings.workspace("imported")))?.counts.queries,
        14,
      );
    } finally {
      await second.close();
    }
    // Restart with the same seed: nothing is rewritten. A seed never overwrites imported data.
    const third = await startEdgeServer({
      port: 0,
      settings: edgeSettings([...seed, { workspace: "imported", count: 3 }], {
        kv: KvLocation.path(path),
      }),
      log: (line) => lines.push(line),
    });
    try {
      const info = await Effect.runPromise(third.handler.listings.workspace("acme"));
      assert.equal(info?.version, version);
      const imported = await Effect.runPromise(readWorkspace(third.handler.listings, "imported"));
      assert.equal(imported?.collections.length, 7);
      assert.ok(
        lines.some((l) =>
          /^edge: MODE_SEED: not seeding imported: the KV already holds its data from import; delete it or use another MODE_KV_PATH$/
            .test(l)
        ),
        lines.join("\n"),
      );
    } finally {
      await third.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server: a KV file written by the previous layout (collections only) is served", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edge-kv-" });
  const path = `${dir}/edge.kv`;
  try {
    // Write layout 1 as the previous server did: the record, then 100-row chunks under the version.
    const collections = seedWorld({ workspace: "legacy", count: 250 }).collections as Array<Row>;
    const kv = await Deno.openKv(path);
    try {
      await kv.set(["mode-discovery", "workspace", "legacy"], {
        layout: 1,
        version: "0legacy01-abcdef12",
        count: 250,
        chunkSize: 100,
        organizationId: 424242,
        source: "import:legacy.ndjson",
        updatedAt: "2025-01-01T00:00:00.000Z",
      });
      for (let chunk = 0; chunk < 3; chunk++) {
        const text = collections.slice(chunk * 100, chunk * 100 + 100).map((c) =>
          JSON.stringify(c)
        );
        await kv.set(
          ["mode-discovery", "chunk", "legacy", "0legacy01-abcdef12", chunk, 0, 1],
          new TextEncoder().encode(text.join("\n")),
        );
      }
    } finally {
      kv.close();
    }
    const server = await startEdgeServer({
      port: 0,
      settings: edgeSettings([{ workspace: "legacy", count: 0 }], { kv: KvLocation.path(path) }),
      log: () => {},
    });
    try {
      const spaces = await getJson(server, "/batch/legacy/spaces?page=3&per_page=100");
      assert.equal(spaces.status, 200);
      assert.equal(spaces.body.pagination.total_count, 250);
      assert.deepEqual(spaces.body.spaces, collections.slice(200));
      const reports = await getJson(server, "/batch/legacy/reports?include_spaces=all");
      assert.equal(reports.status, 200);
      assert.deepEqual(reports.body.reports, []);
    } finally {
      await server.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
