/**
 * The adaptive page size end to end: the server process with
 * `MODE_FAULTS=slow-above=members:250` answers 503 to every members
 * request of more than 250 per page (a 1000-member page fails every
 * time, as large workspaces' `/members` does on Mode), and the members
 * are listed at the default 1000 per page by the client (in this
 * process), by `mode-discovery members list` and by `mode-discovery
 * snapshot`. Each must end with exactly the seeded members, having halved
 * the page size down to 250, and report the shrinks in its summary; the
 * server's access log shows every request above 250 failing and every one
 * at 250 answered.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import {
  DiscoveryClient,
  type ListSummary,
  members,
  resources,
  SignatureCredentials,
} from "@mode-discovery/core";
import type { SeedWorkspace } from "@mode-discovery/server";
import { apiRequests, health } from "./_accessLog.ts";
import { sha256 } from "./_expected.ts";
import { checkTables, readSnapshot } from "./_snapshotFile.ts";
import {
  cliEnv,
  devCredentialsSetting,
  expectedRows,
  filesIn,
  ndjsonOfRows,
  retriesOf,
  type Row,
  seedSetting,
  worldOf,
} from "./_world.ts";
import { runCliProcess, startEdgeProcess } from "./Processes.ts";

/** The signature token of the workspace. */
export const ADAPTIVE_CREDENTIALS = {
  token: "adapt-token-7d2c",
  accessKey: "adapt-key-31e8",
  accessSecret: "adapt-secret-c04b",
} as const;

const WORKSPACE = "adapt";

/** Sizes of the adaptive page size run. */
export interface AdaptivePlan {
  /** Collections of the workspace (the other resources follow, members apart). */
  readonly collections: number;
  readonly members: number;
  /** The largest members page that still answers (`slow-above=members:<size>`). */
  readonly slowAbove: number;
  /** `--max-retries` (and the client's `maxRetries`): attempts at each failing size. */
  readonly maxRetries: number;
}

/** One listing of the members through the fault. */
export interface AdaptiveRun {
  /** `client`, `members list` or `snapshot`. */
  readonly via: string;
  readonly rows: number;
  /** The members exactly the seed's, in order. */
  readonly exact: boolean;
  /** The shrinks the summary reported, and the size it ended at. */
  readonly shrinks: number;
  readonly finalPerPage: number | undefined;
  readonly retries: number;
  /** Members requests by `per_page` and status, from the access log. */
  readonly requests: Readonly<Record<string, number>>;
  /** 503s the server injected for the fault (`/healthz`). */
  readonly injected: number;
  /** The summary line that reports the shrinks (CLI runs). */
  readonly summary: string;
  /**
   * Whether the listing said the members changed while it read them (they
   * did not): the client's `totalsDrifted`, the CLI's warning line.
   */
  readonly driftReported: string | undefined;
  readonly ms: number;
}

/** What the adaptive page size run found. */
export interface AdaptiveResult {
  readonly seed: string;
  readonly faults: string;
  readonly members: number;
  readonly maxRetries: number;
  readonly runs: ReadonlyArray<AdaptiveRun>;
  /** The snapshot's other resources: rows, all exact and unshrunk. */
  readonly otherTables: ReadonlyArray<{ readonly resource: string; readonly rows: number }>;
  /** The snapshot's stderr summary lines. */
  readonly snapshotSummary: ReadonlyArray<string>;
}

const warningOf = (stderr: string): string | undefined =>
  stderr.split("\n").find((l) => l.startsWith("warning:"));

/** The whole run. */
export const runAdaptive = async (plan: AdaptivePlan): Promise<AdaptiveResult> => {
  const seed: SeedWorkspace = {
    workspace: WORKSPACE,
    count: plan.collections,
    counts: { members: plan.members },
  };
  const world = worldOf(seed);
  const expected = await expectedRows(world, members);
  const faults = `slow-above=members:${plan.slowAbove}`;
  const server = await startEdgeProcess({
    MODE_SEED: seedSetting(seed),
    MODE_DEV_CREDENTIALS: devCredentialsSetting(ADAPTIVE_CREDENTIALS),
    MODE_FAULTS: faults,
    MODE_ACCESS_LOG: "on",
  }, { limitMs: 600_000 });
  const dir = await Deno.makeTempDir({ prefix: "reliability-adaptive-" });
  const runs: Array<AdaptiveRun> = [];
  let snapshotSummary: ReadonlyArray<string> = [];
  let otherTables: Array<{ resource: string; rows: number }> = [];

  /** Runs `list`, then reads what the server saw of it. */
  const observed = async <A>(list: () => Promise<A>) => {
    const before = (await health(server.url)).faults?.byKind["slow-above"] ?? 0;
    const logFrom = server.child.stdout().length;
    const started = performance.now();
    const value = await list();
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = (await health(server.url)).faults?.byKind["slow-above"] ?? 0;
    const seen = apiRequests(server.child.stdout().slice(logFrom)).filter((e) =>
      e.path.endsWith(`/${members.segment}`)
    );
    const requests: Record<string, number> = {};
    for (const e of seen) {
      const key = `per_page ${e.perPage} ${e.status}`;
      requests[key] = (requests[key] ?? 0) + 1;
      assert.equal(
        e.status,
        (e.perPage ?? 1000) > plan.slowAbove ? 503 : 200,
        `members at per_page ${e.perPage} answered ${e.status}`,
      );
    }
    assert.equal(
      requests[`per_page 1000 503`],
      plan.maxRetries + 1,
      "the 1000-member page failed every time it was asked (the first attempt and each retry)",
    );
    return { value, ms, requests, injected: after - before };
  };

  /** Checks a run's counts against the fault: each failing page cost its retries, then a shrink. */
  const checkCounts = (via: string, shrinks: number, retries: number, injected: number) => {
    assert.ok(shrinks >= 2, `${via}: ${shrinks} shrinks (1000 -> 500 -> 250 needs two at least)`);
    assert.equal(
      injected,
      shrinks * (plan.maxRetries + 1),
      `${via}: each failing page is tried ${plan.maxRetries + 1} times, then split`,
    );
    assert.equal(retries, shrinks * plan.maxRetries, `${via}: retries`);
  };

  try {
    // The client, in this process.
    let summary: ListSummary | undefined;
    const client = await observed(() =>
      Effect.runPromise(
        Effect.gen(function* () {
          const api = yield* DiscoveryClient.make({
            baseUrl: server.url,
            credentials: SignatureCredentials.fromStrings(ADAPTIVE_CREDENTIALS),
            maxRetries: plan.maxRetries,
          });
          return yield* Stream.runCollect(
            api.members.list({ workspace: WORKSPACE, onSummary: (s) => void (summary = s) }),
          );
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      )
    );
    const items = client.value as unknown as ReadonlyArray<Row>;
    const clientExact = (await sha256(ndjsonOfRows(members, items))) === expected.sha256;
    assert.ok(clientExact, `client: ${items.length} members, not exactly the seed's`);
    assert.ok(summary !== undefined, "client: no summary");
    assert.equal(summary.finalPerPage, plan.slowAbove, "client: the size it ended at");
    assert.equal(summary.itemsEmitted, expected.rows.length);
    checkCounts("client", summary.pageSizeShrinks, summary.retries, client.injected);
    runs.push({
      via: "client (`members.list`)",
      rows: items.length,
      exact: clientExact,
      shrinks: summary.pageSizeShrinks,
      finalPerPage: summary.finalPerPage,
      retries: summary.retries,
      requests: client.requests,
      injected: client.injected,
      summary: `pageSizeShrinks ${summary.pageSizeShrinks}, finalPerPage ${summary.finalPerPage}`,
      driftReported: summary.totalsDrifted
        ? `totalsDrifted true (total_count ${summary.initialTotalCount} -> ${summary.finalTotalCount})`
        : undefined,
      ms: client.ms,
    });

    // The CLI's listing.
    const env = cliEnv(server.url, ADAPTIVE_CREDENTIALS);
    const retriesFlag = ["--max-retries", String(plan.maxRetries)];
    const listed = await observed(() =>
      runCliProcess(
        ["members", "list", "--workspace", WORKSPACE, ...retriesFlag, "-o", `${dir}/m.ndjson`],
        env,
        300_000,
      )
    );
    assert.equal(listed.value.code, 0, `members list: ${listed.value.stderr}`);
    const text = await Deno.readTextFile(`${dir}/m.ndjson`);
    const listExact = (await sha256(text)) === expected.sha256;
    assert.ok(listExact, "members list: not exactly the seed's members");
    const line = listed.value.stderr.split("\n").find((l) => / in [\d,]+ pages?/.test(l)) ?? "";
    const halved = /([\d,]+) pages? split into smaller ones, down to ([\d,]+)/.exec(line);
    assert.ok(halved !== null, `members list: the summary does not report the shrinks: ${line}`);
    const listShrinks = Number(halved[1]);
    assert.equal(Number(halved[2]), plan.slowAbove);
    const listRetries = retriesOf(listed.value.stderr) ?? -1;
    checkCounts("members list", listShrinks, listRetries, listed.injected);
    runs.push({
      via: "`mode-discovery members list`",
      rows: text.split("\n").filter((l) => l !== "").length,
      exact: listExact,
      shrinks: listShrinks,
      finalPerPage: Number(halved[2]),
      retries: listRetries,
      requests: listed.requests,
      injected: listed.injected,
      summary: line.replace(/, written to \S+/, ""),
      driftReported: warningOf(listed.value.stderr),
      ms: listed.value.ms,
    });

    // The snapshot of every resource.
    const snap = await observed(() =>
      runCliProcess(
        ["snapshot", "--workspace", WORKSPACE, ...retriesFlag, "-o", `${dir}/s.sqlite`],
        env,
        300_000,
      )
    );
    assert.equal(snap.value.code, 0, `snapshot: ${snap.value.stderr}`);
    const contents = readSnapshot(`${dir}/s.sqlite`);
    const tables = await checkTables(contents, world);
    for (const t of tables) {
      assert.ok(t.exact, `snapshot: table ${t.resource} is not the seed's (${t.rows} rows)`);
    }
    const row = contents.resources.find((r) => r.resource === members.name);
    assert.ok(row !== undefined, "snapshot: no snapshot_resources row for members");
    for (const other of contents.resources) {
      if (other.resource !== members.name) assert.equal(other.page_size_shrinks, 0, other.resource);
    }
    checkCounts("snapshot", row.page_size_shrinks, row.retries, snap.injected);
    snapshotSummary = snap.value.stderr.trimEnd().split("\n").filter((l) => l !== "").map((l) =>
      l.replace(/written to \S+/, "written to FILE")
    );
    otherTables = tables.filter((t) => t.resource !== members.name).map((t) => ({
      resource: resources.find((r) => r.name === t.resource)!.cliName,
      rows: t.rows,
    }));
    runs.push({
      via: "`mode-discovery snapshot`",
      rows: tables.find((t) => t.resource === members.name)!.rows,
      exact: true,
      shrinks: row.page_size_shrinks,
      finalPerPage: undefined,
      retries: row.retries,
      requests: snap.requests,
      injected: snap.injected,
      summary: `snapshot_resources: members page_size_shrinks ${row.page_size_shrinks}`,
      driftReported: [
        ...(row.totals_drifted === 1 ? ["totals_drifted 1"] : []),
        ...(warningOf(snap.value.stderr) === undefined ? [] : [warningOf(snap.value.stderr)!]),
      ].join("; ") || undefined,
      ms: snap.value.ms,
    });
    assert.deepEqual(await filesIn(dir), ["m.ndjson", "s.sqlite"], "files left");
    // The members did not change: no listing may say they did, nor read past the end
    // (a finding, fixed since).
    for (const run of runs) {
      assert.equal(
        run.requests[`per_page ${plan.slowAbove} 200`],
        Math.ceil(expected.rows.length / plan.slowAbove),
        `${run.via}: members requests at ${plan.slowAbove}, one per page that holds members`,
      );
      assert.equal(
        run.driftReported,
        undefined,
        `${run.via} reported a change that did not happen`,
      );
    }
    return {
      seed: seedSetting(seed),
      faults,
      members: expected.rows.length,
      maxRetries: plan.maxRetries,
      runs,
      otherTables,
      snapshotSummary,
    };
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
};
