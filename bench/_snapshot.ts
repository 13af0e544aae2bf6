/**
 * The snapshot (issue 15), against apps/edge adding 20 ms to every answer:
 * `mode-discovery snapshot` of a whole workspace (all six resources) at
 * concurrency 4 against the ideal (total pages x 20 ms / 4); the same
 * snapshot written to NDJSON files (bench/snapshot_ndjson.ts, core's
 * `snapshot` with an NDJSON sink) to see what SQLite adds; and, side by side,
 * the six resources listed one after another with the CLI.
 *
 * @internal
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { resources } from "@mode-discovery/core/Resources";
import { CLI, cliEnv, cliList, cliMissing, driverEnv, shownServer } from "./_commands.ts";
import type { Context } from "./_context.ts";
import type { Totals } from "./_dump.ts";
import { LATENCY_MS } from "./_latency.ts";
import { runVariants, shownCommands, type Variant, type Verified } from "./_measure.ts";
import { goalOf, num, runsText, type Section, times } from "./_report.ts";
import type { Server } from "./_servers.ts";
import { type Entry, medianOf, rawVariants, variantTable, whyMissing } from "./_variantTable.ts";
import { idealMs, pagesOf, roundTrips } from "./_world.ts";
import { ratio } from "./stats.ts";

const CONCURRENCY = 4;

/** Rows per table and the snapshot's own elapsed time, read from a CLI snapshot file. */
const readSqlite = (path: string, expected: ReadonlyMap<string, number>): Verified | string => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    let count = 0;
    for (const r of resources) {
      const n = Number(
        (db.prepare(`SELECT count(*) AS n FROM "${r.tableName}"`).get() as { n: number }).n,
      );
      if (n !== expected.get(r.segment)) {
        return `${r.tableName} holds ${n} rows, expected ${expected.get(r.segment)}`;
      }
      count += n;
    }
    const info = db.prepare("SELECT started_at, finished_at FROM snapshot").get() as
      | { started_at: string; finished_at: string }
      | undefined;
    if (info === undefined) return "no row in the snapshot table";
    const ms = Date.parse(info.finished_at) - Date.parse(info.started_at);
    return { count, expected: [...expected.values()].reduce((a, b) => a + b, 0), ms };
  } finally {
    db.close();
  }
};

/** Lines per NDJSON file of bench/snapshot_ndjson.ts, checked against each resource's count. */
const countFiles = async (
  dir: string,
  expected: ReadonlyMap<string, number>,
): Promise<Verified | string> => {
  let count = 0;
  for (const r of resources) {
    const bytes = await Deno.readFile(`${dir}/${r.segment}.ndjson`);
    let lines = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
    if (lines !== expected.get(r.segment)) {
      return `${r.segment}.ndjson has ${lines} lines, expected ${expected.get(r.segment)}`;
    }
    count += lines;
  }
  return { count, expected: [...expected.values()].reduce((a, b) => a + b, 0) };
};

/** A Deno driver script reading the whole workspace of `server`, `CONCURRENCY` in flight. */
const driver = (
  script: string,
  server: Server,
  extra: ReadonlyArray<string> = [],
): Array<string> => [
  "deno",
  "run",
  "-A",
  script,
  "--base-url",
  server.origin,
  "--workspace",
  server.workspace,
  "--concurrency",
  String(CONCURRENCY),
  ...extra,
];

/** The snapshot benchmark against `server` (apps/edge adding `LATENCY_MS`), whose totals are `totals`. */
export const snapshotBenchmark = async (
  ctx: Context,
  server: Server,
  totals: ReadonlyMap<string, Totals>,
): Promise<Section> => {
  const expected = new Map(resources.map((r) => [r.segment, totals.get(r.segment)?.count ?? NaN]));
  const rows = [...expected.values()].reduce((a, b) => a + b, 0);
  const pages = resources.reduce((n, r) => n + pagesOf(expected.get(r.segment)!, 1000), 0);
  const ideal = idealMs(pages, LATENCY_MS, CONCURRENCY);
  const sqlite = `${ctx.tmp}/snapshot.sqlite`;
  const ndjsonDir = `${ctx.tmp}/snapshot-ndjson`;
  await Deno.mkdir(ndjsonDir, { recursive: true });
  const noCli = await cliMissing(ctx.root);
  const cliSnapshot: Variant = {
    id: "cli-snapshot",
    label: `\`mode-discovery snapshot\` to SQLite, ${CONCURRENCY} in flight`,
    steps: [{
      argv: [
        ...CLI,
        "snapshot",
        "--workspace",
        server.workspace,
        "--output",
        sqlite,
        "--concurrency",
        String(CONCURRENCY),
        "--quiet",
      ],
      expect: "exit",
    }],
    env: cliEnv(ctx, server),
    timing: "in-process",
    unavailable: noCli,
    prepare: () => Deno.remove(sqlite).catch(() => {}),
    verify: () => Promise.resolve(readSqlite(sqlite, expected)),
  };
  const ndjsonSnapshot: Variant = {
    id: "ndjson-snapshot",
    label: `core's snapshot to NDJSON files (bench/snapshot_ndjson.ts), ${CONCURRENCY} in flight`,
    steps: [{
      argv: driver("bench/snapshot_ndjson.ts", server, ["--output-dir", ndjsonDir]),
      expect: { report: rows },
    }],
    env: driverEnv(ctx),
    timing: "in-process",
    prepare: async () => {
      for (const r of resources) {
        await Deno.remove(`${ndjsonDir}/${r.segment}.ndjson`).catch(() => {});
      }
    },
    verify: () => countFiles(ndjsonDir, expected),
  };
  const rawSnapshot: Variant = {
    id: "raw-snapshot",
    label:
      `raw fetch + JSON.parse of every page of the six resources (bench/snapshot_raw.ts), ${CONCURRENCY} in flight across them`,
    steps: [{
      argv: driver("bench/snapshot_raw.ts", server),
      expect: { report: rows },
    }],
    env: driverEnv(ctx),
    timing: "in-process",
  };
  const sixLists: Variant = {
    id: "cli-six-lists",
    label: `the CLI listing the six resources one after another, ${CONCURRENCY} in flight each`,
    steps: resources.map((r) => ({
      name: `${r.cliName} list`,
      argv: cliList(server, { resource: r, concurrency: CONCURRENCY }),
      expect: { lines: expected.get(r.segment)! },
    })),
    env: cliEnv(ctx, server),
    timing: "wall",
    unavailable: noCli,
  };
  const entries: Array<Entry> = [
    { variant: rawSnapshot },
    { variant: ndjsonSnapshot },
    { variant: cliSnapshot, baseline: "ndjson-snapshot" },
    { variant: sixLists, baseline: "cli-snapshot" },
  ];
  ctx.log(`snapshot of ${server.workspace}: ${rows} rows in ${pages} pages`);
  const samples = await runVariants(ctx, entries.map((e) => e.variant), ctx.plan.runs, 120);
  const cliMs = medianOf(samples, "cli-snapshot", "in-process");
  const ndjsonMs = medianOf(samples, "ndjson-snapshot", "in-process");
  const rawMs = medianOf(samples, "raw-snapshot", "in-process");
  const overIdeal = ratio(cliMs, ideal);
  const sqliteOverNdjson = ratio(cliMs, ndjsonMs);
  const [snapWall, listsWall] = [
    medianOf(samples, "cli-snapshot", "wall"),
    medianOf(samples, "cli-six-lists", "wall"),
  ];
  const sequentialIdeal = resources.reduce(
    (ms, r) => ms + roundTrips(pagesOf(expected.get(r.segment)!, 1000), CONCURRENCY) * LATENCY_MS,
    0,
  );
  const counts = resources.map((r) =>
    `${expected.get(r.segment)!.toLocaleString("en-US")} ${r.plural}`
  )
    .join(", ");
  return {
    key: "snapshot",
    title:
      `Snapshot of ${server.workspace}:${server.count} with ${LATENCY_MS} ms added to every answer`,
    intro: `apps/edge (in-memory KV) seeded with ${server.workspace}:${server.count} (${counts}: ${
      rows.toLocaleString("en-US")
    } rows in ${pages} pages at per_page 1000) and MODE_FAULTS=delay=${LATENCY_MS}ms:1. The ideal is total pages x ${LATENCY_MS} ms / ${CONCURRENCY} = ${
      num(ideal, 0)
    } ms. "In-process" is the snapshot's own elapsed time, from its start to its last resource complete (every row written by then): for the CLI, finished_at - started_at of the \`snapshot\` table in the file it wrote; for the NDJSON form, the same span from core's summary. "Wall" is the whole process (start-up, and for the CLI the commit, PRAGMA integrity_check, fsync, rename and the orphan count). Every run is checked: exit 0, and every table (rows counted with SQLite), every NDJSON file (lines counted) and every CLI listing (lines on stdout) holds exactly the resource's count. ${
      runsText(ctx.plan.runs)
    } each, interleaved.`,
    goals: [
      goalOf(
        "#15",
        `Snapshot at concurrency ${CONCURRENCY} at most 1.25x the ideal (total pages x ${LATENCY_MS} ms / ${CONCURRENCY})`,
        overIdeal,
        (x) => x <= 1.25,
        `${times(overIdeal)} (${num(cliMs, 0)} ms vs ideal ${
          num(ideal, 0)
        } ms, ${pages} pages; in-process)`,
        whyMissing(entries, samples, "cli-snapshot"),
      ),
      goalOf(
        "#15",
        "Writing to SQLite adds at most 25% over the same snapshot to NDJSON files",
        sqliteOverNdjson,
        (x) => x <= 1.25,
        `${times(sqliteOverNdjson)} (${num(cliMs, 0)} ms vs ${num(ndjsonMs, 0)} ms, in-process)`,
        whyMissing(entries, samples, "cli-snapshot") ??
          whyMissing(entries, samples, "ndjson-snapshot"),
      ),
    ],
    tables: [
      variantTable(
        `Snapshot of ${server.workspace} (ideal ${num(ideal, 0)} ms):`,
        entries,
        samples,
      ),
    ],
    commands: [
      shownServer(server),
      ...entries.flatMap((e) => shownCommands(e.variant, server.origin, ctx.root)),
    ],
    notes: [
      `The plain baseline, a raw fetch + JSON.parse loop over the same ${pages} pages with ${CONCURRENCY} in flight and nothing decoded or written (bench/snapshot_raw.ts): ${
        num(rawMs, 0)
      } ms, ${times(ratio(rawMs, ideal))} the ideal; the CLI's snapshot is ${
        times(ratio(cliMs, rawMs))
      } the raw loop.`,
      `Side by side: the CLI's snapshot took ${
        num(snapWall, 0)
      } ms (wall), the six CLI listings one after another ${num(listsWall, 0)} ms, ${
        times(ratio(listsWall, snapWall))
      } as long (their round trips alone, one resource after another with ${CONCURRENCY} in flight each, take ${
        num(sequentialIdeal, 0)
      } ms, and each listing starts the CLI again).`,
    ],
    raw: {
      rows,
      pages,
      idealMs: ideal,
      sequentialRoundTripsMs: sequentialIdeal,
      expected: Object.fromEntries(expected),
      variants: rawVariants(entries, samples),
    },
  };
};
