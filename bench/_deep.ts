/**
 * Deep pages (issue 13): a deep page against page 1 of every resource at
 * per_page 1000 on apps/edge (file-backed KV, restarted so that nothing is
 * in its memory): cold (each page read once, one request at a time, pages
 * near the start alternating with pages near the deep one) and hot (wrk on
 * one fixed page). The deep page is the last full page of the resource.
 *
 * @internal
 * @module
 */
import { shownServer } from "./_commands.ts";
import type { Context } from "./_context.ts";
import { cell, type Goal, num, runsText, type Section, times } from "./_report.ts";
import { bearer, type Server } from "./_servers.ts";
import { runConfigs, WRK_SCRIPT, wrkOptions, type WrkSlot } from "./_throughput.ts";
import { wrkArgv, wrkEnvShown } from "./_wrk.ts";
import { coldPairs } from "./_world.ts";
import { ratio, summarize } from "./stats.ts";

const PER_PAGE = 1000;

/** One resource of one server whose deep page is compared with page 1. */
export interface DeepTarget {
  /** `collections`, `report stats`, ... */
  readonly label: string;
  readonly segment: string;
  /** The deep page (a full page). */
  readonly page: number;
}

/** What one server's deep-page runs measured. */
export interface DeepRuns {
  readonly server: Server;
  readonly targets: ReadonlyArray<DeepTarget>;
  readonly cold: ReadonlyMap<string, { first: Array<number>; deep: Array<number> }>;
  readonly hot: ReadonlyMap<string, WrkSlot>;
  readonly failures: ReadonlyArray<string>;
}

const timedGet = async (
  ctx: Context,
  server: Server,
  segment: string,
  page: number,
): Promise<number> => {
  const url = `${server.origin}/batch/${
    encodeURIComponent(server.workspace)
  }/${segment}?page=${page}&per_page=${PER_PAGE}`;
  const started = performance.now();
  const response = await fetch(url, {
    headers: { authorization: bearer(ctx.creds) },
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  const ms = performance.now() - started;
  const items = response.status === 200 ? JSON.parse(body)[segment]?.length : undefined;
  if (items !== PER_PAGE) {
    throw new Error(
      `${segment} page ${page} answered ${response.status} with ${items ?? "no"} items`,
    );
  }
  return ms;
};

const hotLabel = (t: DeepTarget, page: number) => `${t.label}, page ${page}`;

/**
 * Cold reads then hot wrk runs of every target on `server`, which must not
 * have served any page since it started.
 */
export const deepRuns = async (
  ctx: Context,
  server: Server,
  targets: ReadonlyArray<DeepTarget>,
): Promise<DeepRuns> => {
  ctx.log(`deep pages: cold reads of ${targets.map((t) => t.label).join(", ")}`);
  const cold = new Map(
    targets.map((t) => [t.label, { first: [] as number[], deep: [] as number[] }]),
  );
  const failures: Array<string> = [];
  const pairs = new Map(targets.map((t) => [t.label, coldPairs(t.page, ctx.plan.coldPairs)]));
  for (let i = 0; i < ctx.plan.coldPairs; i++) {
    for (const t of targets) {
      const pair = pairs.get(t.label)![i];
      if (pair === undefined) continue;
      // Alternate which side goes first so neither always follows the other.
      const sides: Array<["first" | "deep", number]> = [["first", pair[0]], ["deep", pair[1]]];
      if (i % 2 === 1) sides.reverse();
      for (const [side, page] of sides) {
        try {
          cold.get(t.label)![side].push(await timedGet(ctx, server, t.segment, page));
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
  }
  ctx.log(`deep pages: hot (wrk on one page)`);
  const configs = targets.flatMap((t) => [
    { label: hotLabel(t, 1), target: t, page: 1 },
    { label: hotLabel(t, t.page), target: t, page: t.page },
  ]);
  const hot = await runConfigs(
    ctx,
    configs,
    { runs: ctx.plan.deepWrkRuns, seconds: ctx.plan.deepWrkSeconds, warmupSeconds: 0 },
    (c, d) => wrkOptions(ctx, server, c.target.segment, PER_PAGE, c.page, 1, d),
  );
  return { server, targets, cold, hot, failures };
};

/** The deep-page section from the runs of one or more servers. */
export const deepSection = (
  ctx: Context,
  runs: ReadonlyArray<DeepRuns | { readonly unavailable: string }>,
): Section => {
  const goals: Array<Goal> = [];
  const rows: Array<Array<string>> = [];
  const notes: Array<string> = [];
  const commands: Array<string> = [];
  for (const run of runs) {
    if ("unavailable" in run) {
      notes.push(`unavailable: ${run.unavailable}`);
      continue;
    }
    const s = run.server;
    commands.push(shownServer(s));
    for (const t of run.targets) {
      const c = run.cold.get(t.label)!;
      const [coldFirst, coldDeep] = [summarize(c.first), summarize(c.deep)];
      const hotStat = (page: number, f: (r: { p50Ms: number; requestsPerSec: number }) => number) =>
        summarize((run.hot.get(hotLabel(t, page))?.results ?? []).map(f));
      const [hotFirst, hotDeep] = [hotStat(1, (r) => r.p50Ms), hotStat(t.page, (r) => r.p50Ms)];
      const coldRatio = ratio(coldDeep.median, coldFirst.median);
      const hotRatio = ratio(hotDeep.median, hotFirst.median);
      const what = `${t.label} (${
        s.count.toLocaleString("en-US")
      }-collection workspace), page ${t.page}`;
      const checked = Number.isFinite(coldRatio) && Number.isFinite(hotRatio);
      goals.push({
        issue: "#13",
        text: `${what} under 1.5x page 1, cold and hot`,
        met: checked ? coldRatio < 1.5 && hotRatio < 1.5 : undefined,
        detail: `cold ${times(coldRatio)} (${num(coldDeep.median, 2)} vs ${
          num(coldFirst.median, 2)
        } ms median), hot p50 ${times(hotRatio)} (${num(hotDeep.median, 2)} vs ${
          num(hotFirst.median, 2)
        } ms)`,
      });
      const rps = (page: number) => hotStat(page, (r) => r.requestsPerSec);
      rows.push([
        what,
        cell(coldFirst, 2),
        cell(coldDeep, 2),
        times(coldRatio),
        cell(hotFirst, 2),
        cell(hotDeep, 2),
        times(hotRatio),
        times(ratio(rps(t.page).median, rps(1).median)),
      ]);
      commands.push(
        `${wrkEnvShown(wrkOptions(ctx, s, t.segment, PER_PAGE, t.page, 1, 0))} ${
          wrkArgv(
            wrkOptions(ctx, s, t.segment, PER_PAGE, t.page, 1, ctx.plan.deepWrkSeconds),
            WRK_SCRIPT,
          )
            .join(" ").replace(s.origin, "http://127.0.0.1:<port>")
        }`,
      );
    }
    const failed = [...run.failures, ...[...run.hot.values()].flatMap((h) => h.failures)];
    if (failed.length > 0) notes.push(`${failed.length} failed measurements: ${failed[0]}`);
  }
  const k = ctx.plan.coldPairs;
  return {
    key: "deep",
    title: "Deep pages of every resource",
    intro:
      `apps/edge on a file-backed KV, restarted on the KV file it seeded so that every page starts cold, per_page 1000; the deep page is the last full page of each resource. Cold: up to ${k} pairs of single requests per resource from the runner (fetch, whole body read, then checked to hold 1000 items), pages 1, 2, ... against the deep page, the one before it, ..., alternating which goes first, resources interleaved, each page read once. Hot: wrk with ${ctx.plan.wrkConnections} connections on one fixed page, ${ctx.plan.deepWrkSeconds} s, ${
        runsText(ctx.plan.deepWrkRuns)
      } each, interleaved.`,
    goals,
    tables: [{
      header: [
        "resource, deep page",
        "cold ms, page 1",
        "cold ms, deep page",
        "cold ratio",
        "hot p50 ms, page 1",
        "hot p50 ms, deep page",
        "hot ratio",
        "hot req/s ratio",
      ],
      rows,
    }],
    commands,
    notes,
    raw: runs.map((r) =>
      "unavailable" in r ? r : {
        server: r.server.command,
        targets: r.targets,
        cold: Object.fromEntries(r.cold),
        hot: Object.fromEntries(r.hot),
        failures: r.failures,
      }
    ),
  };
};
