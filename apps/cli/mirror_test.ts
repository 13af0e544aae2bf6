/**
 * `mode-discovery mirror` and `mode-discovery import` as a user runs them:
 * subprocesses writing the KV file a server then serves, compared page by
 * page, byte for byte, with the server they came from, for every resource.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import {
  base64Encode,
  INCLUDE_SPACES_ALL,
  pageHref,
  resources,
  SignatureCredentials,
} from "@mode-discovery/core";
import { addItems, KvListingStore, readWorkspace, seedWorld } from "@mode-discovery/server";
import { EdgeSettings, KvLocation, startEdgeServer } from "@mode-discovery/edge";
import {
  AWKWARD,
  AWKWARD_WORKSPACE,
  CREDENTIALS,
  CREDENTIALS_ENV,
  runCli,
  type RunResult,
  startAwkwardEdge,
} from "./_testing.ts";

const AUTH = `Bearer ${
  base64Encode(`${CREDENTIALS.token}:${CREDENTIALS.accessKey}:${CREDENTIALS.accessSecret}`)
}`;

const assertNoSecret = (result: RunResult) => {
  for (const secret of [...Object.values(CREDENTIALS), AUTH.slice(7)]) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
  }
};

const assertError = (result: RunResult, code: number, pattern: RegExp) => {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
};

/** Every stored item of `workspace` in the KV file at `path`, and its info. */
const stored = async (path: string, workspace: string) => {
  const kv = await Deno.openKv(path);
  try {
    const store = KvListingStore.make(kv);
    return {
      items: await Effect.runPromise(readWorkspace(store, workspace)),
      info: await Effect.runPromise(store.workspace(workspace)),
    };
  } finally {
    kv.close();
  }
};

const page = async (base: string, path: string) => {
  const response = await fetch(`${base}${path}`, { headers: { authorization: AUTH } });
  assert.equal(response.status, 200, path);
  return await response.text();
};

/** A source server: the seeded world of `awkward`, plus the awkward collections. */
const startSource = async () => {
  const server = await startEdgeServer({
    port: 0,
    settings: EdgeSettings.make({
      seed: [{ workspace: AWKWARD_WORKSPACE, count: 30 }],
      devCredentials: SignatureCredentials.fromStrings(CREDENTIALS),
    }),
    log: () => {},
  });
  await Effect.runPromise(
    addItems(server.handler.listings, AWKWARD_WORKSPACE, "collections", AWKWARD),
  );
  return server;
};

Deno.test("mirror: every resource copied through the CLI is served byte for byte as its source serves it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-mirror-test-" });
  const kvPath = `${dir}/edge.kv`;
  const source = await startSource();
  try {
    const result = await runCli(
      ["mirror", "--from", source.url, "--workspace", AWKWARD_WORKSPACE, "--per-page", "7"],
      { ...CREDENTIALS_ENV, MODE_KV_PATH: kvPath },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, resources.length + 1, result.stderr);
    assert.match(
      lines[0],
      new RegExp(`^${AWKWARD.length + 30} collections in \\d+ pages, 0 retries, `),
    );
    assert.match(lines[4], /^30 report stats in \d+ pages, 0 retries, /);
    assert.equal(lines[6], `Stored as awkward in ${kvPath} (a new workspace).`);
    assertNoSecret(result);
    // Serve the mirrored KV file with a token of that workspace.
    const mirror = await startEdgeServer({
      port: 0,
      settings: EdgeSettings.make({
        kv: KvLocation.path(kvPath),
        seed: [{ workspace: AWKWARD_WORKSPACE, count: 0 }],
        devCredentials: SignatureCredentials.fromStrings(CREDENTIALS),
      }),
      log: () => {},
    });
    try {
      const counts =
        (await Effect.runPromise(source.handler.listings.workspace(AWKWARD_WORKSPACE)))!
          .counts;
      let compared = 0;
      for (const resource of resources) {
        for (const all of resource.includeSpaces ? [false, true] : [false]) {
          for (const perPage of [1000, 7]) {
            for (let n = 1; n <= Math.ceil(counts[resource.name] / perPage) + 1; n++) {
              const path = pageHref({
                route: resource,
                workspace: AWKWARD_WORKSPACE,
                page: n,
                perPage,
                includeSpaces: all ? INCLUDE_SPACES_ALL : undefined,
              });
              assert.equal(await page(mirror.url, path), await page(source.url, path), path);
              compared++;
            }
          }
        }
      }
      assert.ok(compared > 60, `${compared} pages compared`);
    } finally {
      await mirror.close();
    }
    // Mirroring again replaces the copy, and says so.
    const again = await runCli(
      ["mirror", "--from", source.url, "--workspace", AWKWARD_WORKSPACE, "--quiet"],
      { ...CREDENTIALS_ENV, MODE_KV_PATH: kvPath },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, "");
    assert.equal((await stored(kvPath, AWKWARD_WORKSPACE)).info?.source, `mirror:${source.url}`);
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mirror: bad settings and refused credentials fail with one line and change nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-mirror-test-" });
  const kvPath = `${dir}/edge.kv`;
  const source = await startAwkwardEdge();
  try {
    const args = ["mirror", "--from", source.url, "--workspace", AWKWARD_WORKSPACE];
    const results = await Promise.all([
      runCli(args, CREDENTIALS_ENV),
      runCli(args, { ...CREDENTIALS_ENV, MODE_KV_PATH: ":memory:" }),
      runCli(["mirror", "--from", "app.mode.com", "--workspace", "acme"], {
        ...CREDENTIALS_ENV,
        MODE_KV_PATH: kvPath,
      }),
      runCli([...args, "--base-url", source.url], { ...CREDENTIALS_ENV, MODE_KV_PATH: kvPath }),
      runCli(args, { ...CREDENTIALS_ENV, MODE_ACCESS_SECRET: "wrong-0b7d", MODE_KV_PATH: kvPath }),
    ]);
    assertError(
      results[0],
      2,
      /^error: mirror writes into the Deno KV file .* MODE_KV_PATH is not set/,
    );
    assertError(results[1], 2, /MODE_KV_PATH is :memory: \(gone when the command exits\)/);
    assertError(results[2], 2, /^error: --from "app\.mode\.com": it is not an absolute URL/);
    assertError(results[3], 2, /--base-url is not used by mirror/);
    assertError(results[4], 3, /^error: unauthorized: /);
    for (const result of results) assertNoSecret(result);
    assert.equal((await stored(kvPath, AWKWARD_WORKSPACE)).info, undefined, "nothing written");
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});

const ndjson = (rows: ReadonlyArray<unknown>) =>
  rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

Deno.test("import: the CLI's own NDJSON output imports back whole; a bad line refuses it all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-import-test-" });
  const kvPath = `${dir}/edge.kv`;
  const source = await startAwkwardEdge();
  try {
    const listed = await runCli(
      [
        "collections",
        "list",
        "--workspace",
        AWKWARD_WORKSPACE,
        "--format",
        "ndjson",
        "-o",
        `${dir}/all.ndjson`,
        "--base-url",
        source.url,
      ],
      CREDENTIALS_ENV,
    );
    assert.equal(listed.code, 0, listed.stderr);
    const imported = await runCli(
      ["import", `${dir}/all.ndjson`, "--workspace", "copy"],
      { MODE_KV_PATH: kvPath },
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stderr,
      new RegExp(
        `^${AWKWARD.length} collections imported from .*all\\.ndjson as copy into .* \\(a new workspace\\)`,
      ),
    );
    const first = await stored(kvPath, "copy");
    assert.deepEqual(first.items?.collections, [...AWKWARD].sort((a, b) => a.id - b.id));
    assert.equal(first.info?.source, "import:all.ndjson");

    // A file with one bad line in the middle: refused whole, the copy stays.
    const lines = (await Deno.readTextFile(`${dir}/all.ndjson`)).trimEnd().split("\n");
    lines.splice(4, 1, lines[4].replace('"space_type":', '"space_type":17,"x":'));
    await Deno.writeTextFile(`${dir}/bad.ndjson`, lines.slice(1).join("\n") + "\n");
    const refused = await runCli(
      ["import", `${dir}/bad.ndjson`, "--workspace", "copy"],
      { MODE_KV_PATH: kvPath },
    );
    assertError(
      refused,
      2,
      /^error: import refused, nothing was written: .*bad\.ndjson line 4: not a collection: field space_type: /,
    );
    const after = await stored(kvPath, "copy");
    assert.deepEqual(after.items, first.items);
    assert.equal(after.info?.version, first.info?.version);

    const missing = await runCli(["import", `${dir}/nope.ndjson`, "--workspace", "copy"], {
      MODE_KV_PATH: kvPath,
    });
    assertError(missing, 9, /cannot read .*nope\.ndjson: no such file/);
    const noWorkspace = await runCli(["import", `${dir}/all.ndjson`], { MODE_KV_PATH: kvPath });
    assertError(noWorkspace, 2, /no workspace: pass --workspace NAME/);
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("import: one file per resource; the resources not given keep their items", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-import-test-" });
  const kvPath = `${dir}/edge.kv`;
  try {
    const world = seedWorld({ workspace: "acme", count: 40 });
    const next = seedWorld({ workspace: "next", count: 25 });
    for (const resource of resources) {
      await Deno.writeTextFile(
        `${dir}/${resource.cliName}.ndjson`,
        ndjson(world[resource.name] as Array<unknown>),
      );
      await Deno.writeTextFile(
        `${dir}/next-${resource.cliName}.ndjson`,
        ndjson(next[resource.name] as Array<unknown>),
      );
    }
    const all = await runCli(
      [
        "import",
        "--workspace",
        "acme",
        ...resources.map((r) => `${r.cliName}=${dir}/${r.cliName}.ndjson`),
      ],
      { MODE_KV_PATH: kvPath },
    );
    assert.equal(all.code, 0, all.stderr);
    assert.match(
      all.stderr,
      /^40 collections imported from .*collections\.ndjson, 40 reports imported from .*, 4 members imported from .*members\.ndjson as acme into .* \(a new workspace\), \d+ ms\.\n$/,
    );
    const full = await stored(kvPath, "acme");
    for (const resource of resources) {
      assert.deepEqual(full.items?.[resource.name], world[resource.name], resource.name);
    }
    // Only the reports and the report stats: the rest is kept.
    const some = await runCli(
      [
        "import",
        `reports=${dir}/next-reports.ndjson`,
        `report_stats=${dir}/next-report-stats.ndjson`,
        "--workspace",
        "acme",
      ],
      { MODE_KV_PATH: kvPath },
    );
    assert.equal(some.code, 0, some.stderr);
    assert.match(
      some.stderr,
      /replacing those from import:.*; the other resources are kept\), \d+ ms\.\n$/,
    );
    const partly = await stored(kvPath, "acme");
    assert.deepEqual(partly.items?.reports, next.reports);
    assert.deepEqual(partly.items?.reportStats, next.reportStats);
    assert.deepEqual(partly.items?.collections, world.collections);
    assert.deepEqual(partly.items?.queries, world.queries);
    // A bad line of one file refuses them all, naming its file, resource and line.
    const lines = ndjson(next.queries as Array<unknown>).trimEnd().split("\n");
    lines[6] = lines[6].replace('"report_id":', '"report_id":"r","x":');
    await Deno.writeTextFile(`${dir}/bad-queries.ndjson`, lines.join("\n"));
    const refused = await runCli(
      [
        "import",
        `charts=${dir}/next-charts.ndjson`,
        `queries=${dir}/bad-queries.ndjson`,
        "--workspace",
        "acme",
      ],
      { MODE_KV_PATH: kvPath },
    );
    assertError(
      refused,
      2,
      /^error: import refused, nothing was written: .*bad-queries\.ndjson line 7: not a query: field report_id: /,
    );
    assert.deepEqual((await stored(kvPath, "acme")).items, partly.items);
    // Arguments that name no resource, or one twice, are refused before anything is read.
    assertError(
      await runCli(["import", "widgets=w.ndjson", "--workspace", "acme"], { MODE_KV_PATH: kvPath }),
      2,
      /"widgets" is not a resource; give RESOURCE=FILE with one of collections, reports, queries, charts, report-stats, members/,
    );
    assertError(
      await runCli(["import", "a.ndjson", "spaces=b.ndjson", "--workspace", "acme"], {
        MODE_KV_PATH: kvPath,
      }),
      2,
      /^error: import: collections are given twice; give one file per resource\.$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
