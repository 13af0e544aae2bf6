/**
 * Chaos listing: the CLI (a subprocess, as a user runs it) lists a seeded
 * workspace from the edge server while the server's fault injection
 * (`MODE_FAULTS`) fails a share of the responses: 429 with `Retry-After`,
 * 500, 503, dropped connections, truncated bodies, and delays. Each run
 * must exit 0 with exactly the seeded collections, and the retries the CLI
 * reports must equal the faults the server injected. With every response
 * failing, the run must stop non-zero after its retry budget and leave no
 * output file.
 *
 * @module
 */
import assert from "node:assert/strict";
import { SignatureCredentials } from "@mode-discovery/core";
import { EdgeSettings, type FaultSpec, parseFaults, startEdgeServer } from "@mode-discovery/edge";
import { type Expected, expectedListing, idsOf, sha256, summaryRetries } from "./_expected.ts";
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

/** Sizes of a chaos run. */
export interface ChaosPlan {
  readonly collections: number;
  readonly perPage: number;
  readonly concurrency: number;
  readonly seeds: ReadonlyArray<number>;
  /** `--max-retries` of the faulted listings. */
  readonly maxRetries: number;
  /** `--max-retries` of the run where every response fails. */
  readonly allFaultsMaxRetries: number;
}

/** One faulted listing. */
export interface ChaosRun {
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
  readonly sha256: string;
  readonly ms: number;
}

/** The run where every response fails. */
export interface AllFaultsRun {
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
  readonly expected: { readonly rows: number; readonly sha256: string };
  readonly runs: ReadonlyArray<ChaosRun>;
  readonly allFaults: AllFaultsRun;
  /** The CLI command line of one faulted run (paths and port shown as variables). */
  readonly command: string;
}

const credentialsEnv = (baseUrl: string): Record<string, string> => ({
  MODE_BASE_URL: baseUrl,
  MODE_TOKEN: CHAOS_CREDENTIALS.token,
  MODE_ACCESS_KEY: CHAOS_CREDENTIALS.accessKey,
  MODE_ACCESS_SECRET: CHAOS_CREDENTIALS.accessSecret,
});

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
const chaosServer = async (collections: number, faults: string) => {
  const lines: Array<string> = [];
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [{ workspace: CHAOS_WORKSPACE, count: collections }],
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

const listArgs = (plan: ChaosPlan, output: string, maxRetries: number) => [
  "collections",
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

/** The CLI command of a faulted run, for the report. */
export const chaosCommand = (plan: ChaosPlan): string =>
  `MODE_FAULTS=${CHAOS_FAULTS},seed=<seed> MODE_SEED=${CHAOS_WORKSPACE}:${plan.collections} ` +
  `MODE_DEV_CREDENTIALS=... deno task serve; MODE_BASE_URL=http://127.0.0.1:<port> MODE_TOKEN=... ` +
  `deno task cli ${listArgs(plan, "out.ndjson", plan.maxRetries).join(" ")}`;

/** One listing under faults seeded with `seed`; asserts exactness and the retry count. */
export const chaosListing = async (
  plan: ChaosPlan,
  seed: number,
  expected: Expected,
): Promise<ChaosRun> => {
  const { server, events } = await chaosServer(plan.collections, `${CHAOS_FAULTS},seed=${seed}`);
  const dir = await Deno.makeTempDir({ prefix: "reliability-chaos-" });
  try {
    const output = `${dir}/out.ndjson`;
    const done = await runCliProcess(
      listArgs(plan, output, plan.maxRetries),
      credentialsEnv(server.url),
    );
    const label = `seed ${seed}`;
    assert.equal(done.code, 0, `${label}: exit ${done.code}: ${done.stderr.slice(-800)}`);
    const text = await Deno.readTextFile(output);
    const digest = await sha256(text);
    assert.deepEqual(idsOf(text), expected.ids, `${label}: the ids listed differ from the seed's`);
    assert.equal(digest, expected.sha256, `${label}: the NDJSON differs from the seed's`);
    const stats = server.handler.stats().faults;
    assert.ok(stats !== undefined, "the server has no fault stats");
    const retries = summaryRetries(done.stderr);
    assert.ok(retries !== undefined, `${label}: no summary line: ${done.stderr}`);
    const seen = events();
    const failedInLog = seen.filter((e) => e.fault !== undefined && !/^delay=[^,]*$/.test(e.fault));
    assert.equal(failedInLog.length, stats.injected, `${label}: access log and stats disagree`);
    assert.equal(
      retries,
      stats.injected,
      `${label}: the CLI reported ${retries} retries, the server injected ${stats.injected} failures (${
        JSON.stringify(stats.byKind)
      })`,
    );
    assert.deepEqual(
      await leftovers(dir),
      ["out.ndjson"],
      `${label}: files left beside the output`,
    );
    return {
      seed,
      exitCode: done.code,
      requests: seen.length,
      injected: stats.injected,
      delayed: stats.delayed,
      byKind: stats.byKind,
      retries,
      faultedShare: seen.filter((e) => e.fault !== undefined).length / Math.max(1, seen.length),
      rows: expected.ids.length,
      sha256: digest,
      ms: done.ms,
    };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
};

const leftovers = async (dir: string): Promise<Array<string>> => {
  const names: Array<string> = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
};

/** Every response failing: the run must give up after its retries, non-zero, with no file. */
export const allFaultsListing = async (plan: ChaosPlan, seed: number): Promise<AllFaultsRun> => {
  const { server, events } = await chaosServer(plan.collections, `${ALL_FAULTS},seed=${seed}`);
  const dir = await Deno.makeTempDir({ prefix: "reliability-chaos-all-" });
  try {
    const output = `${dir}/out.ndjson`;
    const done: Finished = await runCliProcess(
      listArgs(plan, output, plan.allFaultsMaxRetries),
      credentialsEnv(server.url),
    );
    const seen = events();
    const last = seen.at(-1);
    assert.ok(
      last?.fault !== undefined,
      `the last request was not faulted: ${JSON.stringify(last)}`,
    );
    const lastFault = last.fault.split(", ").at(-1)!;
    assert.equal(
      seen.length,
      plan.allFaultsMaxRetries + 1,
      "requests made: the first and each retry",
    );
    assert.ok(seen.every((e) => e.page === 1), "only page 1 was requested");
    assert.equal(
      done.code,
      EXIT_FOR_FAULT[lastFault],
      `exit code after a last ${lastFault}: ${done.stderr.slice(-600)}`,
    );
    const left = await leftovers(dir);
    assert.deepEqual(left, [], "files left after a failed run");
    const lines = done.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `one error line, got: ${done.stderr}`);
    assert.match(lines[0], /^error: /);
    assert.equal(done.stdout, "");
    return {
      exitCode: done.code,
      requests: seen.length,
      maxRetries: plan.allFaultsMaxRetries,
      lastFault,
      outputLeft: left,
      errorLine: lines[0],
      ms: done.ms,
    };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
};

/** The whole chaos run: one listing per seed, then the run where everything fails. */
export const runChaos = async (plan: ChaosPlan): Promise<ChaosResult> => {
  const expected = await expectedListing(CHAOS_WORKSPACE, plan.collections);
  const runs: Array<ChaosRun> = [];
  for (const seed of plan.seeds) runs.push(await chaosListing(plan, seed, expected));
  const allFaults = await allFaultsListing(plan, plan.seeds[0] ?? 1);
  return {
    expected: { rows: expected.ids.length, sha256: expected.sha256 },
    runs,
    allFaults,
    command: chaosCommand(plan),
  };
};
