/**
 * Benchmark 4: deep pages. Page N against page 1 of a big workspace at
 * per_page 1000 on apps/edge (file-backed KV): cold (each page read once,
 * pages near the start alternating with pages near N, timed one request at
 * a time) and hot (wrk on one fixed page).
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { runConfigs, WRK_SCRIPT, wrkOptions } from "./_throughput.ts";
import { cell, type Goal, num, runsText, type Section, times } from "./_report.ts";
import { bearer, type Server, type Unavailable } from "./_servers.ts";
import { wrkArgv, wrkEnvShown } from "./_wrk.ts";
import { ratio, summarize } from "./stats.ts";

const PER_PAGE = 1000;

const timedGet = async (ctx: Context, server: Server, page: number): Promise<number> => {
  const url = `${server.origin}/batch/${
    encodeURIComponent(server.workspace)
  }/spaces?page=${page}&per_page=${PER_PAGE}`;
  const started = performance.now();
  const response = await fetch(url, {
    headers: { authorization: bearer(ctx.creds) },
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200 || body.byteLength < 1000) {
    throw new Error(`page ${page} answered ${response.status} with ${body.byteLength} bytes`);
  }
  return ms;
};

/** Benchmark 4. */
export const deepBenchmark = async (
  ctx: Context,
  server: Server | Unavailable,
): Promise<Section> => {
  const deep = ctx.plan.deepPage;
  const title = `Deep pages: page ${deep.toLocaleString("en-US")} against page 1`;
  if ("unavailable" in server) {
    return {
      key: "deep",
      title,
      intro: "",
      goals: [{
        text: `page ${deep} costs under 1.5x page 1`,
        met: undefined,
        detail: `unavailable: ${server.unavailable}`,
      }],
      tables: [],
      commands: [],
      notes: [],
      raw: server,
    };
  }
  ctx.log(`deep pages: cold reads`);
  const cold = { first: [] as Array<number>, deep: [] as Array<number>, failures: [] as string[] };
  const k = ctx.plan.coldPairs;
  for (let i = 0; i < k; i++) {
    // Alternate which side goes first so neither always follows the other.
    const pair: Array<["first" | "deep", number]> = [["first", 1 + i], ["deep", deep - i]];
    if (i % 2 === 1) pair.reverse();
    for (const [side, page] of pair) {
      try {
        cold[side].push(await timedGet(ctx, server, page));
      } catch (error) {
        cold.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  ctx.log(`deep pages: hot (wrk on one page)`);
  const configs = [{ label: "page 1", page: 1 }, {
    label: `page ${deep}`,
    page: deep,
  }];
  const hot = await runConfigs(
    ctx,
    configs,
    (c, d) => wrkOptions(ctx, server, PER_PAGE, c.page, 1, d),
  );
  const hotStat = (label: string, f: (r: { p50Ms: number; requestsPerSec: number }) => number) =>
    summarize((hot.get(label)?.results ?? []).map(f));
  const coldFirst = summarize(cold.first);
  const coldDeep = summarize(cold.deep);
  const coldRatio = ratio(coldDeep.median, coldFirst.median);
  const hotP50First = hotStat("page 1", (r) => r.p50Ms);
  const hotP50Deep = hotStat(`page ${deep}`, (r) => r.p50Ms);
  const hotRatio = ratio(hotP50Deep.median, hotP50First.median);
  const rpsFirst = hotStat("page 1", (r) => r.requestsPerSec);
  const rpsDeep = hotStat(`page ${deep}`, (r) => r.requestsPerSec);
  const goals: Array<Goal> = [
    {
      text: `cold: page ${deep} under 1.5x page 1 (one request at a time, each page read once)`,
      met: Number.isFinite(coldRatio) ? coldRatio < 1.5 : undefined,
      detail: `${times(coldRatio)} (${num(coldDeep.median, 2)} vs ${
        num(coldFirst.median, 2)
      } ms median)`,
    },
    {
      text: `hot: page ${deep} p50 under 1.5x page 1 (wrk on one page)`,
      met: Number.isFinite(hotRatio) ? hotRatio < 1.5 : undefined,
      detail: `${times(hotRatio)} (${num(hotP50Deep.median, 2)} vs ${
        num(hotP50First.median, 2)
      } ms p50)`,
    },
  ];
  const failures = [
    ...cold.failures,
    ...[...hot.values()].flatMap((h) => h.failures),
  ];
  return {
    key: "deep",
    title,
    intro: `apps/edge on a file-backed KV seeded with ${
      server.count.toLocaleString("en-US")
    } collections (start-up and seeding took ${
      num(server.readyMs / 1000, 1)
    } s; then restarted on the same KV file, ready in ${
      num((server.restartMs ?? NaN) / 1000, 1)
    } s, so that every page starts cold), per_page ${PER_PAGE}. Cold: ${k} pairs of single requests from the runner (fetch, whole body read), pages 1..${k} against pages ${
      deep - k + 1
    }..${deep}, alternating, each page read once. Hot: wrk with ${ctx.plan.wrkConnections} connections on one fixed page, ${ctx.plan.wrkSeconds} s, ${
      runsText(ctx.plan.wrkRuns)
    } each, interleaved.`,
    goals,
    tables: [{
      header: ["measurement", "page 1", `page ${deep}`, "ratio"],
      rows: [
        [
          "cold request ms: median (min–max, spread)",
          cell(coldFirst, 2),
          cell(coldDeep, 2),
          times(coldRatio),
        ],
        ["hot p50 ms (wrk)", cell(hotP50First, 2), cell(hotP50Deep, 2), times(hotRatio)],
        [
          "hot req/s (wrk)",
          cell(rpsFirst, 0),
          cell(rpsDeep, 0),
          times(ratio(rpsDeep.median, rpsFirst.median)),
        ],
      ],
    }],
    commands: [
      `# server: ${server.command}`,
      `curl -H "Authorization: Bearer $B64" "http://127.0.0.1:<port>/batch/${server.workspace}/spaces?page=${deep}&per_page=${PER_PAGE}"`,
      `${wrkEnvShown(wrkOptions(ctx, server, PER_PAGE, deep, 1, 0))} ${
        wrkArgv(wrkOptions(ctx, server, PER_PAGE, deep, 1, ctx.plan.wrkSeconds), WRK_SCRIPT)
          .join(" ").replace(server.origin, "http://127.0.0.1:<port>")
      }`,
    ],
    notes: failures.length > 0 ? [`${failures.length} failed measurements: ${failures[0]}`] : [],
    raw: {
      seedAndStartMs: server.readyMs,
      restartMs: server.restartMs,
      cold,
      hot: Object.fromEntries(hot),
    },
  };
};
