/**
 * `mode-discovery snapshot` and `diff` end to end: the real edge server over
 * a real socket, the CLI as a subprocess, the SQLite file read back with
 * `node:sqlite`.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import * as Effect from "effect/Effect";
import { type AnyResource, resources, SignatureCredentials } from "@mode-discovery/core";
import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
import {
  addItems,
  parseFaults,
  readWorkspace,
  removeItems,
  seedWorld,
} from "@mode-discovery/server";
import { cleanEnv, commandStderr, listDir, MAIN, ROOT, runCli, until } from "./_testing.ts";

const WORKSPACE = "acme";
const SEED = { workspace: WORKSPACE, count: 60 };
const DEV = { token: "snap-tok-1", accessKey: "snap-key-1", accessSecret: "snap-secret-value-1" };
const ENV = {
  MODE_TOKEN: DEV.token,
  MODE_ACCESS_KEY: DEV.accessKey,
  MODE_ACCESS_SECRET: DEV.accessSecret,
};

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect);

const start = (faults?: string) =>
  startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [SEED],
      devCredentials: SignatureCredentials.fromStrings(DEV),
      ...(faults === undefined ? {} : { faults: parseFaults(faults) as never }),
    }),
    log: () => {},
  });

/** Every row of `resource` in the file, with lists back from their JSON text. */
const rowsOf = (db: DatabaseSync, resource: AnyResource): Array<Record<string, unknown>> =>
  (db.prepare(`SELECT * FROM "${resource.tableName}" ORDER BY "${resource.key}"`).all() as Array<
    Record<string, unknown>
  >).map((row) =>
    Object.fromEntries(resource.columns.map((c) => {
      const value = row[c.name];
      return [
        c.name,
        c.kind === "strings" && typeof value === "string" ? JSON.parse(value) : value,
      ];
    }))
  );

const sha256 = async (path: string) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(path))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");

const snapshotArgs = (url: string, output: string, extra: ReadonlyArray<string> = []) => [
  "snapshot",
  "--workspace",
  WORKSPACE,
  "--base-url",
  url,
  "--output",
  output,
  ...extra,
];

Deno.test("snapshot holds exactly the seeded rows of every resource, and the documented joins hold", async () => {
  const server = await start();
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-snapshot-" });
  try {
    const path = `${dir}/acme.sqlite`;
    const result = await runCli(
      snapshotArgs(server.url, path, ["--include-spaces", "all", "--per-page", "17"]),
      ENV,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^snapshot of acme \(include_spaces=all\) written to .*: 60 collections, 60 reports, 120 queries, 120 charts, 60 report stats, 6 members\.\n/,
    );
    assert.match(result.stderr, /no orphans\.\n$/);
    assert.deepEqual(await listDir(dir), ["acme.sqlite"], "no temporary or lock file left");
    const world = seedWorld(SEED);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      for (const resource of resources) {
        const expected = (world[resource.name] ?? []) as ReadonlyArray<Record<string, unknown>>;
        assert.deepEqual(rowsOf(db, resource), expected.map((row) => ({ ...row })), resource.name);
      }
      const info = db.prepare("SELECT workspace, base_url, include_spaces FROM snapshot").get();
      assert.deepEqual({ ...info }, {
        workspace: "acme",
        base_url: server.url,
        include_spaces: "all",
      });
      const stored = db.prepare(
        "SELECT resource, total_count, rows_stored FROM snapshot_resources ORDER BY resource",
      ).all()
        .map((r) => ({ ...r }));
      for (const row of stored) {
        assert.equal(row.total_count, row.rows_stored, String(row.resource));
      }
      // The joins a user would write: each holds for every row.
      const joined = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      assert.equal(
        joined(
          "SELECT count(*) AS n FROM queries q JOIN reports r ON r.id = q.report_id AND r.space_id = q.space_id",
        ),
        120,
      );
      assert.equal(
        joined(
          "SELECT count(*) AS n FROM charts c JOIN queries q ON q.id = c.query_id AND q.report_id = c.report_id AND q.space_id = c.space_id",
        ),
        120,
      );
      assert.equal(
        joined(
          "SELECT count(*) AS n FROM charts c JOIN reports r ON r.id = c.report_id AND r.creator_email = c.report_creator_email",
        ),
        120,
      );
      assert.equal(
        joined(
          "SELECT count(*) AS n FROM reports r JOIN members m ON m.member_email = r.creator_email",
        ),
        60,
      );
      assert.equal(
        joined(
          "SELECT count(*) AS n FROM report_details WHERE space_name IS NOT NULL OR space_token IS NOT NULL",
        ),
        60,
      );
      assert.equal(
        joined(
          "SELECT count(*) AS n FROM report_details WHERE stats_view_count IS NOT NULL OR stats_explorations_count IS NOT NULL OR 1",
        ),
        60,
      );
      assert.equal(joined("SELECT count(*) AS n FROM orphans"), 0);
    } finally {
      db.close();
    }

    // Without include_spaces, items of personal collections are left out, and nothing is an orphan.
    const visible = `${dir}/visible.sqlite`;
    const second = await runCli(snapshotArgs(server.url, visible), ENV);
    assert.equal(second.code, 0, second.stderr);
    const vdb = new DatabaseSync(visible, { readOnly: true });
    try {
      const count = (table: string) =>
        (vdb.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      assert.equal(count("collections"), 60);
      assert.ok(count("reports") < 60 && count("reports") > 0);
      assert.equal(count("report_stats"), count("reports"));
      assert.equal(count("orphans"), 0);
    } finally {
      vdb.close();
    }
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a second snapshot after editing the workspace diffs to exactly those edits", async () => {
  const server = await start();
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-diff-" });
  try {
    const before = `${dir}/before.sqlite`;
    const after = `${dir}/after.sqlite`;
    const all = ["--include-spaces", "all"];
    assert.equal((await runCli(snapshotArgs(server.url, before, all), ENV)).code, 0);
    const listings = server.handler.listings;
    const current = await run(readWorkspace(listings, WORKSPACE));
    const report: Record<string, unknown> = {
      ...(current!.reports[0] as Record<string, unknown>),
      name: 'Renamed, "quoted"',
    };
    await run(addItems(listings, WORKSPACE, "reports", [report as never]));
    await run(
      removeItems(listings, WORKSPACE, "charts", [(current!.charts[1] as { id: number }).id]),
    );
    const member = {
      ...(current!.members[0] as Record<string, unknown>),
      id: 999_999,
      token: "newmember01",
      member_email: "new@example.com",
    };
    await run(addItems(listings, WORKSPACE, "members", [member as never]));
    assert.equal((await runCli(snapshotArgs(server.url, after, all), ENV)).code, 0);

    const diff = await runCli(["diff", before, after, "--format", "ndjson"]);
    assert.equal(diff.code, 0, diff.stderr);
    const changes = diff.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(
      changes.map((c) => `${c.resource} ${c.change} ${c.key}`),
      [
        `reports changed ${report.id}`,
        `charts removed ${(current!.charts[1] as { id: number }).id}`,
        "members added 999999",
      ],
    );
    assert.deepEqual(changes[0].fields, {
      name: { old: (current!.reports[0] as { name: string }).name, new: report.name },
    });
    assert.equal(changes[0].token, report.token);

    const narrowed = await runCli([
      "diff",
      before,
      after,
      "--format",
      "json",
      "--resource",
      "members",
    ]);
    const json = JSON.parse(narrowed.stdout);
    assert.deepEqual(json.counts, [{ resource: "members", added: 1, removed: 0, changed: 0 }]);
    const table = await runCli(["diff", before, after, "--format", "table", "--ignore", "name"]);
    assert.match(table.stdout, /^RESOURCE +ADDED +REMOVED +CHANGED\n/);
    assert.match(table.stdout, /\nreports +0 +0 +0\n/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("diff refuses files that are not snapshots of one workspace, naming the file and why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-diff-bad-" });
  const server = await start();
  try {
    const a = `${dir}/a.sqlite`;
    assert.equal((await runCli(snapshotArgs(server.url, a), ENV)).code, 0);
    const other = `${dir}/other.sqlite`;
    await Deno.copyFile(a, other);
    const db = new DatabaseSync(other);
    db.exec("UPDATE snapshot SET workspace = 'beta'");
    db.close();
    const newer = `${dir}/newer.sqlite`;
    await Deno.copyFile(a, newer);
    const ndb = new DatabaseSync(newer);
    ndb.exec("UPDATE snapshot SET format_version = format_version + 1, tool_version = '9.0.0'");
    ndb.close();
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a database");
    const cases: Array<[ReadonlyArray<string>, RegExp]> = [
      [[a, other], /different workspaces \("acme" in .*a\.sqlite, "beta" in .*other\.sqlite\)/],
      [[a, newer], /NEW .*newer\.sqlite was written by a newer mode-discovery \(9\.0\.0/],
      [[`${dir}/notes.txt`, a], /OLD .*notes\.txt is not a SQLite database/],
      [[a, `${dir}/missing.sqlite`], /NEW .*missing\.sqlite does not exist/],
      [[a, a, "--resource", "dashboards"], /--resource "dashboards" is not a resource/],
      [[a, a, "--ignore", "last_viewd_at"], /--ignore "last_viewd_at" is not a field/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(["diff", ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
    }
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("snapshot keeps FILE as it was on every failure: a forbidden resource, a file that is not a snapshot, a lock", async () => {
  const server = await start();
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-snapshot-fail-" });
  // A proxy in front of the server that forbids members, as a plan without them would.
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/members")) {
      return Response.json({ id: "forbidden", message: "Forbidden" }, { status: 403 });
    }
    return fetch(`${server.url}${url.pathname}${url.search}`, { headers: request.headers });
  });
  try {
    const path = `${dir}/acme.sqlite`;
    assert.equal((await runCli(snapshotArgs(server.url, path), ENV)).code, 0);
    const original = await sha256(path);

    const forbidden = await runCli(snapshotArgs(`http://127.0.0.1:${proxy.addr.port}`, path), ENV);
    assert.equal(forbidden.code, 3, forbidden.stderr);
    assert.match(
      forbidden.stderr,
      /^error: members: forbidden: .*members.*plan does not include the Discovery API/,
    );
    assert.equal(await sha256(path), original, "the old file is whole");
    assert.deepEqual(await listDir(dir), ["acme.sqlite"], "no temporary file left");

    const text = `${dir}/notes.sqlite`;
    await Deno.writeTextFile(text, "important notes, not a database");
    const refused = await runCli(snapshotArgs(server.url, text), ENV);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /exists and is not a mode-discovery snapshot.*--force/);
    assert.equal(await Deno.readTextFile(text), "important notes, not a database");
    const forced = await runCli(snapshotArgs(server.url, text, ["--force"]), ENV);
    assert.equal(forced.code, 0, forced.stderr);

    await Deno.writeTextFile(`${path}.lock`, String(Deno.pid));
    const locked = await runCli(snapshotArgs(server.url, path), ENV);
    assert.equal(locked.code, 9, locked.stderr);
    assert.match(locked.stderr, /being written by another mode-discovery snapshot \(process \d+\)/);
    await Deno.remove(`${path}.lock`);

    const missingDir = await runCli(snapshotArgs(server.url, `${dir}/no/such/dir/a.sqlite`), ENV);
    assert.equal(missingDir.code, 9, missingDir.stderr);
    assert.match(missingDir.stderr, /the directory .*no\/such\/dir does not exist/);
  } finally {
    await proxy.shutdown();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("snapshot killed with SIGKILL mid-way: the old file is intact, and the next run cleans up", async () => {
  // Every answer waits 150 ms: the walk is well under way when the kill comes.
  const server = await start("delay=150ms:1");
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-snapshot-kill-" });
  try {
    const path = `${dir}/acme.sqlite`;
    assert.equal(
      (await runCli(snapshotArgs(server.url, path, ["--per-page", "100"]), ENV)).code,
      0,
    );
    const original = await sha256(path);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, ...snapshotArgs(server.url, path, ["--per-page", "5"])],
      env: cleanEnv(ENV),
      clearEnv: true,
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await until(async () => (await listDir(dir)).some((name) => name.endsWith(".tmp")), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.kill("SIGKILL");
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    await child.stderr.cancel();
    assert.equal(await sha256(path), original, "the old file is whole after SIGKILL");
    const left = await listDir(dir);
    assert.ok(left.some((name) => name.endsWith(".tmp")), "the killed run left its temporary file");
    const again = await runCli(snapshotArgs(server.url, path, ["--per-page", "100"]), ENV);
    assert.equal(again.code, 0, commandStderr(again.stderr));
    assert.deepEqual(
      await listDir(dir),
      ["acme.sqlite"],
      "the next run removed what the killed one left",
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
