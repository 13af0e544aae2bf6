/**
 * Server throughput and latency (issue 13): apps/edge on a file-backed KV
 * against the bare baseline server serving the same items, for collections
 * and for reports, at per_page 1000 and 100, with wrk at a fixed connection
 * count on loopback for a bounded duration, cycling through every page.
 *
 * @internal
 * @module
 */
import { collections, reports } from "@mode-discovery/core/Resources";
import { shownServer } from "./_commands.ts";
import type { Context } from "./_context.ts";
import type { Totals } from "./_dump.ts";
import { cell, type Goal, goalOf, num, runsText, type Section, times } from "./_report.ts";
import { bearer, type Server, type Unavailable } from "./_servers.ts";
import { runWrk, wrkArgv, wrkEnvShown, type WrkOptions, type WrkResult } from "./_wrk.ts";
import { pagesOf } from "./_world.ts";
import { ratio, summarize } from "./stats.ts";

/** Where the wrk script lives, relative to the repository root. */
export const WRK_SCRIPT = "bench/wrk_pages.lua";

/** How often and how long wrk runs each configuration. */
export interface WrkPlan {
  readonly runs: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

/** The wrk options of a server, resource, page range and size. */
export const wrkOptions = (
  ctx: Context,
  server: Server,
  segment: string,
  perPage: number,
  firstPage: number,
  pages: number,
  durationSec: number,
): WrkOptions => ({
  origin: server.origin,
  workspace: server.workspace,
  segment,
  perPage,
  firstPage,
  pages,
  authorization: bearer(ctx.creds),
  connections: ctx.plan.wrkConnections,
  threads: 1,
  durationSec,
});

/** What wrk measured for one configuration over its runs. */
export interface WrkSlot {
  readonly results: Array<WrkResult>;
  readonly failures: Array<string>;
}

/**
 * Runs wrk `plan.runs` times per config, interleaved (round r starts at
 * config r), after a warm-up run of each; a run with any socket error or
 * non-2xx answer is a failure, not a figure.
 */
export const runConfigs = async <C extends { label: string }>(
  ctx: Context,
  configs: ReadonlyArray<C>,
  plan: WrkPlan,
  options: (c: C, durationSec: number) => WrkOptions | undefined,
): Promise<Map<string, WrkSlot>> => {
  const out = new Map<string, WrkSlot>();
  for (const c of configs) out.set(c.label, { results: [], failures: [] });
  if (plan.warmupSeconds > 0) {
    for (const c of configs) {
      const o = options(c, plan.warmupSeconds);
      if (o === undefined) continue;
      ctx.log(`  warm-up ${c.label}`);
      await runWrk(ctx.procs, ctx.root, WRK_SCRIPT, o).catch(() => undefined);
    }
  }
  for (let round = 0; round < plan.runs; round++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + round) % configs.length];
      const o = options(c, plan.seconds);
      if (o === undefined) continue;
      ctx.log(`  wrk ${c.label} (run ${round + 1}/${plan.runs})`);
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

interface Config {
  readonly label: string;
  readonly server: Server | Unavailable;
  readonly segment: string;
  readonly perPage: number;
  readonly count: number;
  /** The label of the baseline's config; none: this is the baseline. */
  readonly baseline?: string | undefined;
}

/** The throughput benchmark: `edge` and `baseline` serve the same items (`totals`). */
export const throughputBenchmark = async (
  ctx: Context,
  edge: Server,
  baseline: Server | Unavailable,
  totals: ReadonlyMap<string, Totals>,
): Promise<Section> => {
  const configs: Array<Config> = [];
  for (const resource of [collections, reports]) {
    const count = totals.get(resource.segment)?.count ?? 0;
    for (const perPage of [1000, 100]) {
      const base = `baseline, ${resource.plural}, per_page ${perPage}`;
      configs.push({
        label: `apps/edge, ${resource.plural}, per_page ${perPage}`,
        server: edge,
        segment: resource.segment,
        perPage,
        count,
        baseline: base,
      });
      configs.push({ label: base, server: baseline, segment: resource.segment, perPage, count });
    }
  }
  ctx.log("server throughput");
  const plan = ctx.plan;
  const results = await runConfigs(
    ctx,
    configs,
    { runs: plan.wrkRuns, seconds: plan.wrkSeconds, warmupSeconds: plan.wrkWarmupSeconds },
    (c, d) =>
      "unavailable" in c.server
        ? undefined
        : wrkOptions(ctx, c.server, c.segment, c.perPage, 1, pagesOf(c.count, c.perPage), d),
  );
  const stat = (label: string | undefined, f: (r: WrkResult) => number) =>
    summarize(label === undefined ? [] : (results.get(label)?.results ?? []).map(f));
  const rps = (r: WrkResult) => r.requestsPerSec;
  const p99 = (r: WrkResult) => r.p99Ms;
  const rows = configs.map((c) => {
    if ("unavailable" in c.server) {
      return [c.label, `unavailable: ${c.server.unavailable}`, "", "", "", "", ""];
    }
    const slot = results.get(c.label)!;
    if (slot.results.length === 0) {
      return [c.label, `failed: ${slot.failures[0] ?? "no run"}`, "", "", "", "", ""];
    }
    const failed = slot.failures.length > 0 ? ` (${slot.failures.length} failed)` : "";
    const vs = (f: (r: WrkResult) => number) =>
      c.baseline === undefined
        ? "(baseline)"
        : times(ratio(stat(c.label, f).median, stat(c.baseline, f).median));
    return [
      c.label,
      cell(stat(c.label, rps), 0) + failed,
      num(stat(c.label, (r) => r.p50Ms).median, 2),
      cell(stat(c.label, p99), 2),
      num(stat(c.label, (r) => r.bytesPerResponse).median, 0),
      vs(rps),
      vs(p99),
    ];
  });
  const why = (c: Config) =>
    "unavailable" in c.server
      ? `unavailable: ${c.server.unavailable}`
      : results.get(c.label)?.failures[0];
  const goals: Array<Goal> = configs.filter((c) => c.baseline !== undefined).map((c) => {
    const [a, b] = [stat(c.label, rps).median, stat(c.baseline, rps).median];
    const r = ratio(a, b);
    const base = configs.find((x) => x.label === c.baseline)!;
    return goalOf(
      "#13",
      `apps/edge at least the baseline's requests per second: ${
        c.label.slice("apps/edge, ".length)
      }`,
      r,
      (x) => x >= 1,
      `${times(r)} (${num(a, 0)} vs ${num(b, 0)} req/s)`,
      why(c) ?? why(base),
    );
  });
  const first = configs[0];
  const [e99, b99] = [stat(first.label, p99).median, stat(first.baseline, p99).median];
  goals.push(goalOf(
    "#8",
    `apps/edge p99 latency no worse than 1.5x the baseline's: ${
      first.label.slice("apps/edge, ".length)
    }`,
    ratio(e99, b99),
    (x) => x <= 1.5,
    `${times(ratio(e99, b99))} (${num(e99, 2)} vs ${num(b99, 2)} ms)`,
  ));
  const shown = (c: Config) =>
    "unavailable" in c.server ? [] : [
      `${
        wrkEnvShown(
          wrkOptions(ctx, c.server, c.segment, c.perPage, 1, pagesOf(c.count, c.perPage), 0),
        )
      } ${
        wrkArgv(wrkOptions(ctx, c.server, c.segment, c.perPage, 1, 1, plan.wrkSeconds), WRK_SCRIPT)
          .join(" ").replace(c.server.origin, "http://127.0.0.1:<port>")
      }`,
    ];
  return {
    key: "server",
    title: "Server throughput and latency",
    intro:
      `wrk with ${plan.wrkConnections} connections and 1 thread on loopback, ${plan.wrkSeconds} s per run, ${
        runsText(plan.wrkRuns)
      } per configuration, interleaved${
        plan.wrkWarmupSeconds > 0 ? ` after a ${plan.wrkWarmupSeconds} s warm-up of each` : ""
      }. Each request carries the bearer token; requests cycle through every page of the resource (${
        (totals.get(collections.segment)?.count ?? 0).toLocaleString("en-US")
      } collections, ${
        (totals.get(reports.segment)?.count ?? 0).toLocaleString("en-US")
      } reports in the default view). Any socket error or non-2xx answer fails the run. apps/edge serves from the KV file it seeded, restarted since. The baseline serves the items dumped from apps/edge (the same items in the same order, re-serialised by JSON.stringify, so its bytes per response differ a little: apps/edge escapes non-ASCII characters). The load generator shares the machine's ${navigator.hardwareConcurrency} cores with the server.`,
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
    commands: [
      shownServer(edge),
      ...("unavailable" in baseline ? [] : [shownServer(baseline)]),
      ...configs.filter((c) => c.server === edge).flatMap(shown),
      "# the baseline: the same lines against its port; B64 = base64(token:access_key:access_secret)",
    ],
    notes: [],
    raw: Object.fromEntries(results),
  };
};
