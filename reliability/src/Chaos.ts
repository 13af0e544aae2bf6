/**
 * Chaos listing: the CLI (a subprocess, as a user runs it) lists each
 * resource of a seeded workspace, and takes a snapshot of the whole
 * workspace, from the edge server while the server's fault injection
 * (`MODE_FAULTS`) fails a share of the responses: 429 with `Retry-After`,
 * 500, 503, dropped connections, truncated bodies, and delays. Each run
 * must exit 0 with exactly the seeded rows (NDJSON, or every table of the
 * SQLite file), and the retries the CLI reports must equal the faults the
 * server injected. With every response failing, a listing and a snapshot
 * must stop non-zero after their retry budget and leave no file.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type AnyResource,
  collections,
  resources,
  SignatureCredentials,
} from "@mode-discovery/core";
import { EdgeSettings, type FaultSpec, parseFaults, startEdgeServer } from "@mode-discovery/edge";
import type { SeedWorkspace } from "@mode-discovery/server";
import { sha256 } from "./_expected.ts";
import { checkTables, readSnapshot, type TableCheck } from "./_snapshotFile.ts";
import {
  cliEnv,
  type ExpectedRows,
  expectedRows,
  filesIn,
  keysOfNdjson,
  retriesOf,
  seedSetting,
  type World,
  worldOf,
} from "./_world.ts";
import { type Finished, runCliProcess } from "./Processes.ts";

/** The signature token of the chaos workspace. */
export const CHAOS_CREDENTIALS = {
  token: "chaos-token-6a2e",
  accessKey: "chaos-key-19f0",
  accessSecret: "chaos-secret-d35c",
} as const;

/** The workspace listed. */
export const CHAOS_WORKSPACE = "chaos";

/**
 * The mix of faults at about 20% of responses (16% failing, 4% delayed):
 * `MODE_FAULTS` without its seed.
 */
export const CHAOS_FAULTS = "429:0.04,500:0.03,503:0.03,reset:0.03,truncate:0.03,delay=150ms:0.04";

/** Every response failing, spread over every failing kind. */
export const ALL_FAULTS = "429:0.2,500:0.2,503:0.2,reset:0.2,truncate:0.2";

/** Exit codes of the CLI for the last failure of a run that gave up, by fault kind. */
export const EXIT_FOR_FAULT: Readonly<Record<string, number>> = {
  "429": 5,
  "500": 7,
  "503": 7,
  reset: 6,
  truncate: 6,
};

/** Rows of each resource of the chaos workspace (report stats follow the reports). */
export interface WorldSize {
  readonly collections: number;
  readonly reports: number;
  readonly queries: number;
  readonly charts: number;
  readonly members: number;
}

/** The seed of a workspace of `size`. */
export const seedOfSize = (workspace: string, size: WorldSize): SeedWorkspace => ({
  workspace,
  count: size.collections,
  counts: {
    reports: size.reports,
    queries: size.queries,
    charts: size.charts,
    members: size.members,
  },
});

/** Sizes of a chaos run. */
export interface ChaosPlan {
  readonly world: WorldSize;
  readonly perPage: number;
  readonly concurrency: number;
  /** Fault seeds of the collections listings. */
  readonly seeds: ReadonlyArray<number>;
  /** Fault seeds of the listing of each other resource. */
  readonly resourceSeeds: ReadonlyArray<number>;
  /** Fault seeds of the snapshots of the whole workspace. */
  readonly snapshotSeeds: ReadonlyArray<number>;
  /** `--max-retries` of the faulted listings. */
  readonly maxRetries: number;
  /** `--max-retries` of the runs where every response fails. */
  readonly allFaultsMaxRetries: number;
}

/** One faulted run: a listing of one resource, or a snapshot of them all. */
export interface ChaosRun {
  /** The resource's command name, or `snapshot`. */
  readonly what: string;
  readonly seed: number;
  readonly exitCode: number;
  readonly requests: number;
  /** Failing faults the server injected, by kind, and delays. */
  readonly injected: number;
  readonly delayed: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** Retries the CLI's summary reported. */
  readonly retries: number;
  /** Share of responses faulted (failed or delayed). */
  readonly faultedShare: number;
  readonly rows: number;
  /** Every row exactly the seed's (NDJSON hash, or every table of the snapshot). */
  readonly exact: boolean;
  /** SHA-256 of the NDJSON (listings only). */
  readonly sha256?: string | undefined;
  /** Per table (snapshots only). */
  readonly tables?: ReadonlyArray<TableCheck> | undefined;
  /** Rows of the `orphans` view (snapshots only). */
  readonly orphans?: number | undefined;
  readonly ms: number;
}

/** A run where every response fails. */
export interface AllFaultsRun {
  /** `collections list` or `snapshot`. */
  readonly what: string;
  readonly exitCode: number;
  readonly requests: number;
  readonly maxRetries: number;
  readonly lastFault: string;
  readonly outputLeft: ReadonlyArray<string>;
  readonly errorLine: string;
  readonly ms: number;
}

/** What a chaos run found. */
export interface ChaosResult {
  /** Expected rows per resource (what a listing without `include_spaces` sees). */
  readonly expected: ReadonlyArray<
    { readonly resource: string; readonly rows: number; readonly sha256: string }
  >;
  readonly runs: ReadonlyArray<ChaosRun>;
  readonly allFaults: ReadonlyArray<AllFaultsRun>;
  /** The CLI command lines of the faulted runs (paths and port shown as variables). */
  readonly commands: ReadonlyArray<string>;
}

const faultSpec = (text: string): FaultSpec => {
  const spec = parseFaults(text);
  if (spec instanceof Error) throw spec;
  return spec;
};

interface AccessEvent {
  readonly path: string;
  readonly status: number;
  readonly fault?: string;
  readonly page?: number;
}

/** Starts the edge server in this process with the chaos workspace and `faults`. */
const chaosServer = async (seed: SeedWorkspace, faults: string) => {
  const lines: Array<string> = [];
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [seed],
      devCredentials: SignatureCredentials.fromStrings(CHAOS_CREDENTIALS),
      faults: faultSpec(faults),
      accessLog: true,
    }),
    log: () => {},
    accessLog: (line) => lines.push(line),
  });
  const events = () =>
    lines.map((line) => JSON.parse(line) as AccessEvent).filter((e) =>
      e.path.startsWith("/batch/")
    );
  return { server, events };
};

const listArgs = (
  resource: AnyResource,
  plan: ChaosPlan,
  output: string,
  maxRetries: number,
) => [
  resource.cliName,
  "list",
  "--workspace",
  CHAOS_WORKSPACE,
  "--per-page",
  String(plan.perPage),
  "--concurrency",
  String(plan.concurrency),
  "--max-retries",
  String(maxRetries),
  "--output",
  output,
];

const snapshotArgs = (plan: ChaosPlan, output: string, maxRetries: number) => [
  "snapshot",
  "--workspace",
  CHAOS_WORKSPACE,
  "--per-page",
  String(plan.perPage),
  "--concurrency",
  String(plan.concurrency),
  "--max-retries",
  String(maxRetries),
  "--output",
  output,
];

/** The CLI commands of the faulted runs, for the report. */
export const chaosCommands = (plan: ChaosPlan): Array<string> => {
  const serve = `MODE_FAULTS=${CHAOS_FAULTS},seed=<seed> MODE_SEED=${
    seedSetting(seedOfSize(CHAOS_WORKSPACE, plan.world))
  } MODE_DEV_CREDENTIALS=... deno task serve`;
  const cli = "MODE_BASE_URL=http://127.0.0.1:<port> MODE_TOKEN=... deno task cli";
  return [
    serve,
    `${cli} ${
      listArgs({ cliName: "<resource>" } as AnyResource, plan, "out.ndjson", plan.maxRetries).join(
        " ",
      )
    }`,
    `${cli} ${snapshotArgs(plan, "out.sqlite", plan.maxRetries).join(" ")}`,
  ];
};

/** Checks that the retries the CLI reported are the failures the server injected. */
const injectedOf = (
  label: string,
  server: Awaited<ReturnType<typeof chaosServer>>,
  stderr: string,
) => {
  const stats = server.server.handler.stats().faults;
  assert.ok(stats !== undefined, "the server has no fault stats");
  const retries = retriesOf(stderr);
  assert.ok(retries !== undefined, `${label}: no summary line: ${stderr}`);
  const seen = server.events();
  const failedInLog = seen.filter((e) => e.fault !== undefined && !/^delay=[^,]*$/.test(e.fault));
  assert.equal(failedInLog.length, stats.injected, `${label}: access log and stats disagree`);
  assert.equal(
    retries,
    stats.injected,
    `${label}: the CLI reported ${retries} retries, the server injected ${stats.injected} failures (${
      JSON.stringify(stats.byKind)
    })`,
  );
  return { stats, retries, seen };
};

/** One listing of `resource` under faults seeded with `seed`; asserts exactness and retries. */
export const chaosListing = async (
  plan: ChaosPlan,
  resource: AnyResource,
  seed: number,
  expected: ExpectedRows,
): Promise<ChaosRun> => {
  const server = await chaosServer(
    seedOfSize(CHAOS_WORKSPACE, plan.world),
    `${CHAOS_FAULTS},seed=${seed}`,
  );
  const dir = await Deno.makeTempDir({ prefix: "reliability-chaos-" });
  try {
    const output = `${dir}/out.ndjson`;
    const done = await runCliProcess(
      listArgs(resource, plan, output, plan.maxRetries),
      cliEnv(server.server.url, CHAOS_CREDENTIALS),
    );
    const label = `${resource.cliName} list, seed ${seed}`;
    assert.equal(done.code, 0, `${label}: exit ${done.code}: ${done.stderr.slice(-800)}`);
    const text = await Deno.readTextFile(output);
    const digest = await sha256(text);
    assert.deepEqual(
      keysOfNdjson(resource, text),
      expected.keys,
      `${label}: the ${resource.plural} listed differ from the seed's`,
    );
    assert.equal(digest, expected.sha256, `${label}: the NDJSON differs from the seed's`);
    const { stats, retries, seen } = injectedOf(label, server, done.stderr);
    assert.deepEqual(await filesIn(dir), ["out.ndjson"], `${label}: files left beside the output`);
    return {
      what: resource.cliName,
      seed,
      exitCode: done.code,
      requests: seen.length,
      injected: stats.injected,
      delayed: stats.delayed,
      byKind: stats.byKind,
      retries,
      faultedShare: seen.filter((e) => e.fault !== undefined).length / Math.max(1, seen.length),
      rows: expected.keys.length,
      exact: true,
      sha256: digest,
      ms: done.ms,
    };
  } finally {
    await server.server.close();
    await Deno.remove(dir, { recursive: true });
  }
};

/** A snapshot of the whole workspace under faults; asserts every table and the retries. */
export const chaosSnapshot = async (
  plan: ChaosPlan,
  seed: number,
  world: World,
): Promise<ChaosRun> => {
  const server = await chaosServer(
    seedOfSize(CHAOS_WORKSPACE, plan.world),
    `${CHAOS_FAULTS},seed=${seed}`,
  );
  const dir = await Deno.makeTempDir({ prefix: "reliability-chaos-snapshot-" });
  try {
    const output = `${dir}/out.sqlite`;
    const done = await runCliProcess(
      snapshotArgs(plan, output, plan.maxRetries),
      cliEnv(server.server.url, CHAOS_CREDENTIALS),
      300_000,
    );
    const label = `snapshot, seed ${seed}`;
    assert.equal(done.code, 0, `${label}: exit ${done.code}: ${done.stderr.slice(-800)}`);
    const contents = readSnapshot(output);
    assert.equal(contents.integrity, "ok", `${label}: integrity_check`);
    assert.equal(contents.workspace, CHAOS_WORKSPACE);
    const tables = await checkTables(contents, world);
    for (const t of tables) {
      assert.ok(
        t.exact,
        `${label}: table ${t.resource} holds ${t.rows} rows that are not the seed's ${t.expected}`,
      );
    }
    assert.deepEqual(contents.orphans, [], `${label}: the seeded world has no orphans`);
    const { stats, retries, seen } = injectedOf(label, server, done.stderr);
    const stored = contents.resources.reduce((n, r) => n + r.retries, 0);
    assert.equal(stored, retries, `${label}: snapshot_resources.retries and the summary disagree`);
    assert.deepEqual(await filesIn(dir), ["out.sqlite"], `${label}: files left beside the output`);
    return {
      what: "snapshot",
      seed,
      exitCode: done.code,
      requests: seen.length,
      injected: stats.injected,
      delayed: stats.delayed,
      byKind: stats.byKind,
      retries,
      faultedShare: seen.filter((e) => e.fault !== undefined).length / Math.max(1, seen.length),
      rows: tables.reduce((n, t) => n + t.rows, 0),
      exact: tables.every((t) => t.exact),
      tables,
      orphans: contents.orphans.length,
      ms: done.ms,
    };
  } finally {
    await server.server.close();
    await Deno.remove(dir, { recursive: true });
  }
};

/** Every response failing: the run must give up after its retries, non-zero, with no file. */
export const allFaultsRun = async (
  plan: ChaosPlan,
  seed: number,
  what: "collections list" | "snapshot",
): Promise<AllFaultsRun> => {
  const server = await chaosServer(
    seedOfSize(CHAOS_WORKSPACE, plan.world),
    `${ALL_FAULTS},seed=${seed}`,
  );
  const dir = await Deno.makeTempDir({ prefix: "reliability-chaos-all-" });
  try {
    const args = what === "snapshot"
      ? snapshotArgs(plan, `${dir}/out.sqlite`, plan.allFaultsMaxRetries)
      : listArgs(collections, plan, `${dir}/out.ndjson`, plan.allFaultsMaxRetries);
    const done: Finished = await runCliProcess(args, cliEnv(server.server.url, CHAOS_CREDENTIALS));
    const seen = server.events();
    const last = seen.at(-1);
    assert.ok(
      last?.fault !== undefined,
      `${what}: the last request was not faulted: ${JSON.stringify(last)}`,
    );
    const lastFault = last.fault.split(", ").at(-1)!;
    const attempts = plan.allFaultsMaxRetries + 1;
    if (what === "snapshot") {
      // Six resources start at once; the first to give up ends the others.
      assert.ok(
        seen.length >= attempts && seen.length <= attempts * resources.length,
        `${what}: ${seen.length} requests for ${resources.length} resources of ${attempts} attempts each`,
      );
      assert.ok(
        seen.every((e) => e.page === 1),
        `${what}: only first pages were requested`,
      );
      assert.ok(
        Object.values(EXIT_FOR_FAULT).includes(done.code),
        `${what}: exit ${done.code}: ${done.stderr.slice(-600)}`,
      );
    } else {
      assert.equal(seen.length, attempts, `${what}: requests made: the first and each retry`);
      assert.ok(seen.every((e) => e.page === 1), `${what}: only page 1 was requested`);
      assert.equal(
        done.code,
        EXIT_FOR_FAULT[lastFault],
        `${what}: exit code after a last ${lastFault}: ${done.stderr.slice(-600)}`,
      );
    }
    const left = await filesIn(dir);
    assert.deepEqual(left, [], `${what}: files left after a failed run`);
    const lines = done.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${what}: one error line, got: ${done.stderr}`);
    assert.match(lines[0], /^error: /);
    assert.equal(done.stdout, "");
    return {
      what,
      exitCode: done.code,
      requests: seen.length,
      maxRetries: plan.allFaultsMaxRetries,
      lastFault,
      outputLeft: left,
      errorLine: lines[0],
      ms: done.ms,
    };
  } finally {
    await server.server.close();
    await Deno.remove(dir, { recursive: true });
  }
};

/**
 * The whole chaos run: each resource listed under faults (collections
 * with every seed of `seeds`, the others with `resourceSeeds`), snapshots
 * of the whole workspace, then the runs where everything fails.
 */
export const runChaos = async (plan: ChaosPlan): Promise<ChaosResult> => {
  const world = worldOf(seedOfSize(CHAOS_WORKSPACE, plan.world));
  const expected = await Promise.all(resources.map((r) => expectedRows(world, r)));
  const runs: Array<ChaosRun> = [];
  for (const e of expected) {
    const seeds = e.resource === collections ? plan.seeds : plan.resourceSeeds;
    for (const seed of seeds) runs.push(await chaosListing(plan, e.resource, seed, e));
  }
  for (const seed of plan.snapshotSeeds) runs.push(await chaosSnapshot(plan, seed, world));
  const first = plan.seeds[0] ?? 1;
  const allFaults = [
    await allFaultsRun(plan, first, "collections list"),
    await allFaultsRun(plan, first, "snapshot"),
  ];
  return {
    expected: expected.map((e) => ({
      resource: e.resource.cliName,
      rows: e.rows.length,
      sha256: e.sha256,
    })),
    runs,
    allFaults,
    commands: chaosCommands(plan),
  };
};
