/**
 * Benchmark 3: server throughput and latency. apps/edge on a file-backed KV
 * against the bare baseline server (same data), at per_page 1000 and 100,
 * with wrk at a fixed connection count on loopback for a bounded duration,
 * cycling through every page of the workspace.
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { cell, type Goal, num, runsText, type Section, times } from "./_report.ts";
import { bearer, type Server, type Unavailable } from "./_servers.ts";
import { runWrk, wrkArgv, wrkEnvShown, type WrkOptions, type WrkResult } from "./_wrk.ts";
import { ratio, summarize } from "./stats.ts";

/** Where the wrk script lives, relative to the repository root. */
export const WRK_SCRIPT = "bench/wrk_pages.lua";

interface Config {
  readonly label: string;
  readonly server: Server | Unavailable;
  readonly perPage: number;
}

/** The wrk options of a server, page range and size. */
export const wrkOptions = (
  ctx: Context,
  server: Server,
  perPage: number,
  firstPage: number,
  pages: number,
  durationSec: number,
): WrkOptions => ({
  origin: server.origin,
  workspace: server.workspace,
  perPage,
  firstPage,
  pages,
  authorization: bearer(ctx.creds),
  connections: ctx.plan.wrkConnections,
  threads: 1,
  durationSec,
});

/** Runs wrk `runs` times per config, interleaved, after an optional warm-up each. */
export const runConfigs = async <C extends { label: string }>(
  ctx: Context,
  configs: ReadonlyArray<C>,
  options: (c: C, durationSec: number) => WrkOptions | undefined,
): Promise<Map<string, { results: Array<WrkResult>; failures: Array<string> }>> => {
  const out = new Map<string, { results: Array<WrkResult>; failures: Array<string> }>();
  for (const c of configs) out.set(c.label, { results: [], failures: [] });
  const plan = ctx.plan;
  if (plan.wrkWarmupSeconds > 0) {
    for (const c of configs) {
      const o = options(c, plan.wrkWarmupSeconds);
      if (o === undefined) continue;
      ctx.log(`  warm-up ${c.label}`);
      await runWrk(ctx.procs, ctx.root, WRK_SCRIPT, o).catch(() => undefined);
    }
  }
  for (let round = 0; round < plan.wrkRuns; round++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + round) % configs.length];
      const o = options(c, plan.wrkSeconds);
      if (o === undefined) continue;
      ctx.log(`  wrk ${c.label} (run ${round + 1}/${plan.wrkRuns})`);
      const slot = out.get(c.label)!;
      try {
        const r = await runWrk(ctx.procs, ctx.root, WRK_SCRIPT, o);
        if (r.errors > 0 || r.requests === 0) {
          slot.failures.push(`${r.errors} errors or non-2xx answers in ${r.requests} requests`);
        } else {
          slot.results.push(r);
        }
      } catch (error) {
        slot.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  return out;
};

/** Benchmark 3. */
export const throughputBenchmark = async (
  ctx: Context,
  edge: Server | Unavailable,
  baseline: Server | Unavailable,
): Promise<Section> => {
  const configs: Array<Config> = [];
  for (const perPage of [1000, 100]) {
    configs.push({ label: `apps/edge, per_page ${perPage}`, server: edge, perPage });
    configs.push({ label: `baseline, per_page ${perPage}`, server: baseline, perPage });
  }
  ctx.log("server throughput");
  const results = await runConfigs(
    ctx,
    configs,
    (c, d) =>
      "unavailable" in c.server
        ? undefined
        : wrkOptions(ctx, c.server, c.perPage, 1, Math.ceil(c.server.count / c.perPage), d),
  );
  const stat = (label: string, f: (r: WrkResult) => number) =>
    summarize((results.get(label)?.results ?? []).map(f));
  const rows = configs.map((c) => {
    if ("unavailable" in c.server) {
      return [c.label, `unavailable: ${c.server.unavailable}`, "", "", "", "", ""];
    }
    const slot = results.get(c.label)!;
    if (slot.results.length === 0) {
      return [c.label, `failed: ${slot.failures[0] ?? "no run"}`, "", "", "", "", ""];
    }
    const rps = stat(c.label, (r) => r.requestsPerSec);
    const p99 = stat(c.label, (r) => r.p99Ms);
    const base = `baseline, per_page ${c.perPage}`;
    const isEdge = c.label.startsWith("apps/edge");
    const failed = slot.failures.length > 0 ? ` (${slot.failures.length} failed)` : "";
    return [
      c.label,
      cell(rps, 0) + failed,
      num(stat(c.label, (r) => r.p50Ms).median, 2),
      cell(p99, 2),
      num(stat(c.label, (r) => r.bytesPerResponse).median, 0),
      isEdge ? times(ratio(rps.median, stat(base, (r) => r.requestsPerSec).median)) : "(baseline)",
      isEdge ? times(ratio(p99.median, stat(base, (r) => r.p99Ms).median)) : "(baseline)",
    ];
  });
  const edgeRps = stat("apps/edge, per_page 1000", (r) => r.requestsPerSec).median;
  const baseRps = stat("baseline, per_page 1000", (r) => r.requestsPerSec).median;
  const edgeP99 = stat("apps/edge, per_page 1000", (r) => r.p99Ms).median;
  const baseP99 = stat("baseline, per_page 1000", (r) => r.p99Ms).median;
  const rr = ratio(edgeRps, baseRps);
  const pr = ratio(edgeP99, baseP99);
  const why = "unavailable" in edge ? `unavailable: ${edge.unavailable}` : "no figure";
  const goals: Array<Goal> = [
    {
      text: "apps/edge at least the baseline's requests per second at per_page 1000",
      met: Number.isFinite(rr) ? rr >= 1 : undefined,
      detail: Number.isFinite(rr)
        ? `${times(rr)} (${num(edgeRps, 0)} vs ${num(baseRps, 0)} req/s)`
        : why,
    },
    {
      text: "apps/edge p99 latency no worse than 1.5x the baseline's at per_page 1000",
      met: Number.isFinite(pr) ? pr <= 1.5 : undefined,
      detail: Number.isFinite(pr)
        ? `${times(pr)} (${num(edgeP99, 2)} vs ${num(baseP99, 2)} ms)`
        : why,
    },
  ];
  const shownServer = (s: Server | Unavailable) =>
    "unavailable" in s ? [] : [`# server: ${s.command}`];
  const sample = configs.find((c) => !("unavailable" in c.server));
  const commands = [
    ...shownServer(edge),
    ...shownServer(baseline),
    ...(sample === undefined || "unavailable" in sample.server ? [] : [
      `${
        wrkEnvShown(
          wrkOptions(ctx, sample.server, 1000, 1, Math.ceil(sample.server.count / 1000), 0),
        )
      } ${
        wrkArgv(
          wrkOptions(ctx, sample.server, 1000, 1, 1, ctx.plan.wrkSeconds),
          WRK_SCRIPT,
        ).join(" ").replace(sample.server.origin, "http://127.0.0.1:<port>")
      }`,
      `# per_page 100: BENCH_PER_PAGE=100 BENCH_PAGES=${
        Math.ceil(sample.server.count / 100)
      }; B64 = base64(token:access_key:access_secret)`,
    ]),
  ];
  const count = "unavailable" in edge
    ? ("unavailable" in baseline ? ctx.plan.listCount : baseline.count)
    : edge.count;
  return {
    key: "server",
    title: "Server throughput and latency",
    intro:
      `wrk with ${ctx.plan.wrkConnections} connections and 1 thread on loopback, ${ctx.plan.wrkSeconds} s per run, ${
        runsText(ctx.plan.wrkRuns)
      } per configuration, interleaved${
        ctx.plan.wrkWarmupSeconds > 0 ? ` after a ${ctx.plan.wrkWarmupSeconds} s warm-up` : ""
      }. Each request carries the bearer token; requests cycle through every page of a ${
        count.toLocaleString("en-US")
      }-collection workspace. Any socket error or non-2xx answer fails the run. apps/edge serves from a KV file it seeded, after a restart (so nothing from seeding is in its memory). Both servers serve the same collections (the baseline's data is dumped from apps/edge), so bytes per response (headers included) match. The load generator shares the machine's ${navigator.hardwareConcurrency} cores with the server.`,
    goals,
    tables: [{
      header: [
        "server",
        "req/s: median (min–max, spread)",
        "p50 ms",
        "p99 ms: median (min–max, spread)",
        "bytes/response",
        "req/s vs baseline",
        "p99 vs baseline",
      ],
      rows,
    }],
    commands,
    notes: [],
    raw: Object.fromEntries(results),
  };
};
