import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import * as Effect from "effect/Effect";
import {
  type AnyResource,
  members,
  queries,
  reports,
  reportStats,
  resources,
  type SnapshotSummary,
} from "@mode-discovery/core";
import {
  createWriter,
  isSnapshotInfo,
  orphanCounts,
  readSnapshotInfo,
  SNAPSHOT_FORMAT,
  snapshotSchema,
} from "./SnapshotDatabase.ts";

type Row = Record<string, unknown>;

/** A tiny coherent world with one orphan of each kind the issue names. */
export const world = (): Map<AnyResource, Array<Row>> => {
  const rows = new Map<AnyResource, Array<Row>>(resources.map((r) => [r, []]));
  rows.get(resources[0])!.push(
    {
      id: 1,
      token: "c1",
      name: "Finance",
      description: null,
      space_type: "custom",
      space_url: "/api/w/spaces/c1",
    },
  );
  rows.get(members)!.push({
    id: 10,
    token: "m10",
    state: "active",
    member_email: "ana@x.com",
    member_username: "ana",
  });
  rows.get(reports)!.push(
    {
      id: 100,
      token: "r100",
      name: "Revenue",
      creator_email: "ana@x.com",
      space_id: 1,
      space_token: "c1",
      last_viewed_at: null,
    },
    {
      id: 101,
      token: "r101",
      name: "Ghost's",
      creator_email: "gone@x.com",
      space_id: 1,
      space_token: "c1",
      last_viewed_at: "2020-01-01T00:00:00.000Z",
    },
  );
  rows.get(queries)!.push(
    {
      id: 1000,
      token: "q1000",
      name: "q",
      raw_query: "SELECT 1",
      report_id: 100,
      report_token: "r100",
      space_id: 1,
      space_token: "c1",
      creator_email: "ana@x.com",
    },
    {
      id: 1001,
      token: "q1001",
      name: "lost",
      raw_query: "SELECT 2",
      report_id: 999,
      report_token: "r999",
      space_id: 1,
      space_token: "c1",
      creator_email: "ana@x.com",
    },
  );
  rows.get(reportStats)!.push(
    {
      report_id: 100,
      report_token: "r100",
      view_count: 3,
      editors_emails: ["ana@x.com", "li@x.com"],
    },
    { report_id: 555, report_token: "r555", view_count: 0, editors_emails: [] },
  );
  return rows;
};

/** Writes `rows` as a finished snapshot at `path`. */
export const writeSnapshot = async (
  path: string,
  rows: Map<AnyResource, Array<Row>>,
  workspace = "w",
): Promise<void> => {
  const full = (resource: AnyResource, row: Row) =>
    Object.fromEntries(resource.columns.map((c) => [c.name, row[c.name] ?? null]));
  await Effect.runPromise(Effect.gen(function* () {
    const writer = yield* createWriter(path, {
      baseUrl: "http://127.0.0.1:1",
      toolVersion: "9.9.9",
    });
    yield* writer.sink.begin!({
      workspace,
      includeSpaces: undefined,
      startedAt: "2026-12-01T00:00:00.000Z",
      resources,
    });
    for (const [resource, list] of rows) {
      yield* writer.sink.rows(resource, list.map((row) => full(resource, row)));
    }
    const summary: SnapshotSummary = {
      workspace,
      includeSpaces: undefined,
      startedAt: "2026-12-01T00:00:00.000Z",
      finishedAt: "2026-12-01T00:00:01.000Z",
      elapsedMs: 1000,
      resources: [...rows].map(([resource, list]) => ({
        resource: resource.name,
        totalCount: list.length,
        rows: list.length,
        pagesFetched: 1,
        retries: 0,
        totalsDrifted: false,
        pageSizeShrinks: 0,
        elapsedMs: 10,
      })),
    };
    yield* writer.sink.end!(summary);
    yield* writer.check;
    writer.close();
  }));
};

Deno.test("a snapshot database: a table per resource, typed columns, the snapshot tables and views", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/w.sqlite`;
    await writeSnapshot(path, world());
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      for (const resource of resources) {
        const columns = db.prepare(`PRAGMA table_info("${resource.tableName}")`).all() as Array<
          { name: string; type: string; pk: number }
        >;
        assert.deepEqual(columns.map((c) => c.name), resource.columns.map((c) => c.name));
        assert.equal(columns.find((c) => c.pk === 1)?.name, resource.key, resource.name);
      }
      assert.deepEqual(
        {
          ...db.prepare(
            "SELECT typeof(id) AS a, typeof(space_id) AS b, typeof(name) AS c FROM reports LIMIT 1",
          ).get(),
        },
        { a: "integer", b: "integer", c: "text" },
      );
      const stats = db.prepare("SELECT editors_emails FROM report_stats WHERE report_id = 100")
        .get() as { editors_emails: string };
      assert.deepEqual(JSON.parse(stats.editors_emails), ["ana@x.com", "li@x.com"]);
      const info = db.prepare("SELECT * FROM snapshot").get() as Record<string, unknown>;
      assert.equal(info.format_version, SNAPSHOT_FORMAT);
      assert.equal(info.workspace, "w");
      assert.equal(info.tool_version, "9.9.9");
      assert.equal(
        (db.prepare("SELECT count(*) AS n FROM snapshot_resources").get() as { n: number }).n,
        6,
      );
      const details = db.prepare(
        "SELECT id, space_name, creator_member_username, stats_view_count FROM report_details ORDER BY id",
      ).all().map((row) => ({ ...row }));
      assert.deepEqual(details, [
        { id: 100, space_name: "Finance", creator_member_username: "ana", stats_view_count: 3 },
        { id: 101, space_name: "Finance", creator_member_username: null, stats_view_count: null },
      ]);
      const indexes =
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<
          { name: string }
        >)
          .map((r) => r.name);
      for (
        const name of [
          "queries_report_id",
          "queries_report_token",
          "charts_query_id",
          "reports_space_id",
        ]
      ) {
        assert.ok(indexes.includes(name), name);
      }
    } finally {
      db.close();
    }
    assert.deepEqual(orphanCounts(path), [
      { kind: "queries.report_id -> reports", count: 1 },
      { kind: "report_stats.report_id -> reports", count: 1 },
      { kind: "reports.creator_email -> members", count: 1 },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readSnapshotInfo tells a snapshot from a missing file, another SQLite file and a newer format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(readSnapshotInfo(`${dir}/none.sqlite`), { _tag: "Missing" });
    await Deno.writeTextFile(`${dir}/text.sqlite`, "hello, not a database at all ".repeat(10));
    assert.equal((readSnapshotInfo(`${dir}/text.sqlite`) as { _tag: string })._tag, "NotSqlite");
    const other = new DatabaseSync(`${dir}/other.sqlite`);
    other.exec("CREATE TABLE t (x)");
    other.close();
    assert.deepEqual(readSnapshotInfo(`${dir}/other.sqlite`), { _tag: "NotSnapshot" });
    await writeSnapshot(`${dir}/w.sqlite`, world());
    const info = readSnapshotInfo(`${dir}/w.sqlite`);
    assert.ok(isSnapshotInfo(info));
    assert.equal(info.workspace, "w");
    const newer = new DatabaseSync(`${dir}/w.sqlite`);
    newer.exec(`UPDATE snapshot SET format_version = ${SNAPSHOT_FORMAT + 1}`);
    newer.close();
    assert.equal((readSnapshotInfo(`${dir}/w.sqlite`) as { _tag: string })._tag, "Newer");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the schema creates without error on an empty database", () => {
  const db = new DatabaseSync(":memory:");
  for (const sql of snapshotSchema()) db.exec(sql);
  assert.deepEqual(db.prepare("SELECT * FROM orphans").all(), []);
  db.close();
});

Deno.test("while a snapshot is written, nothing but the file itself is beside it (no -journal)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/w.sqlite`;
    const names = await Effect.runPromise(Effect.gen(function* () {
      const writer = yield* createWriter(path, { baseUrl: "http://127.0.0.1:1", toolVersion: "1" });
      yield* writer.sink.begin!({
        workspace: "w",
        includeSpaces: undefined,
        startedAt: "2026-12-01T00:00:00.000Z",
        resources,
      });
      for (const [resource, list] of world()) {
        yield* writer.sink.rows(
          resource,
          list.map((row) =>
            Object.fromEntries(resource.columns.map((c) => [c.name, row[c.name] ?? null]))
          ),
        );
      }
      const during = [...Deno.readDirSync(dir)].map((e) => e.name);
      writer.close();
      return during;
    }));
    assert.deepEqual(names, ["w.sqlite"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
