/**
 * `deno task bench`: every speed goal of issues 13 (server), 14 (client and
 * CLI) and 15 (snapshot), each side by side with its plain baseline, plus
 * the earlier goals (issue 8) whose rows are still measured.
 *
 * ```sh
 * deno task bench            # full run (~10 minutes): writes BENCHMARKS.md and bench/results.json
 * deno task bench --quick    # smoke run on small data (under a minute): bench/results/quick.*
 * deno task bench --only listing,startup   # some benchmarks: bench/results/partial.*
 * ```
 *
 * Benchmarks: `listing`, `latency`, `memory`, `server`, `deep`, `startup`,
 * `snapshot`. Every server and program runs as a child process on loopback
 * under a hard time limit; all of them are stopped when the run ends or is
 * interrupted. A part of the project that is not built yet is reported as
 * "unavailable" instead of failing the run.
 *
 * @module
 */
import { collections, resources } from "@mode-discovery/core/Resources";
import { type Context, FULL, type Plan, QUICK } from "./_context.ts";
import { type DeepRuns, deepRuns, deepSection } from "./_deep.ts";
import { dumpResource, readTotals, type Totals } from "./_dump.ts";
import { LATENCY_MS, latencyBenchmark } from "./_latency.ts";
import { listingBenchmark } from "./_listing.ts";
import { describeMachine, loadAverage, type Machine } from "./_machine.ts";
import { type MemoryRuns, memoryRuns, memorySection } from "./_memory.ts";
import { Processes } from "./_proc.ts";
import { byIssue, renderSection, renderTable, type Section, verdict } from "./_report.ts";
import {
  makeCreds,
  restartEdge,
  type Server,
  startBaseline,
  startEdge,
  stopServer,
  type Unavailable,
} from "./_servers.ts";
import { snapshotBenchmark } from "./_snapshot.ts";
import { ONE_PAGE, startupBenchmark } from "./_startup.ts";
import { throughputBenchmark } from "./_throughput.ts";
import { collectionsOnly, everyResource, seedText, type World } from "./_world.ts";

const KEYS = ["listing", "latency", "memory", "server", "deep", "startup", "snapshot"] as const;
type Key = typeof KEYS[number];

const USAGE = `Usage: deno task bench [--quick] [--only ${KEYS.join(",")}]

  --quick   smoke run on small data, one run each (under a minute);
            writes bench/results/quick.md and bench/results/quick.json
  --only    run only the named benchmarks (comma-separated);
            writes bench/results/partial.md and bench/results/partial.json
  A full run (no options) writes BENCHMARKS.md and bench/results.json.`;

const parseArgs = (args: ReadonlyArray<string>): { plan: Plan; only: Set<Key> | undefined } => {
  let quick = false;
  let only: Set<Key> | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? args[++i] ?? "" : arg.slice("--only=".length);
      const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
      const bad = names.filter((n) => !(KEYS as ReadonlyArray<string>).includes(n));
      if (names.length === 0 || bad.length > 0) {
        console.error(
          `bench: --only takes benchmark names from ${KEYS.join(", ")}; got ${
            JSON.stringify(value)
          }.`,
        );
        Deno.exit(2);
      }
      only = new Set(names as Array<Key>);
    } else {
      console.error(`bench: unknown argument ${JSON.stringify(arg)}.\n\n${USAGE}`);
      Deno.exit(2);
    }
  }
  return { plan: quick ? QUICK : FULL, only };
};

const isServer = (s: Server | Unavailable | undefined): s is Server =>
  s !== undefined && !("unavailable" in s);

const unavailableSection = (key: Key, title: string, why: string): Section => ({
  key,
  title,
  intro: "",
  goals: [],
  tables: [],
  commands: [],
  notes: [`unavailable: ${why}`],
  raw: { unavailable: why },
});

const TITLES: Record<Key, string> = {
  listing: "Listing with full decoding",
  latency: `Pages in flight with ${LATENCY_MS} ms added to every answer`,
  memory: "Memory of the CLI streaming to NDJSON",
  server: "Server throughput and latency",
  deep: "Deep pages of every resource",
  startup: "Start-up",
  snapshot: "Snapshot",
};

/** How long an edge server took to seed and start, and to restart on its seeded KV file. */
const seedingFact = (s: Server): string =>
  `seeded and ready in ${(s.readyMs / 1000).toFixed(1)} s` +
  (s.restartMs === undefined
    ? ""
    : `, restarted on the seeded KV file and ready in ${(s.restartMs / 1000).toFixed(1)} s`);

/** The last full page of every resource of `totals` at per_page 1000, for the deep-page runs. */
const deepTargets = (totals: ReadonlyMap<string, Totals>) =>
  resources.map((r) => ({
    label: r.plural,
    segment: r.segment,
    page: Math.floor((totals.get(r.segment)?.count ?? 0) / 1000),
  })).filter((t) => t.page >= 2);

/** Runs the selected benchmarks; always stops every server it started. */
const runAll = async (
  ctx: Context,
  wanted: (k: Key) => boolean,
  facts: Array<[string, string]>,
): Promise<Array<Section>> => {
  const sections = new Map<Key, Section>();
  const plan = ctx.plan;
  const life = plan.quick ? 600 : 1500;
  const guard = async (keys: ReadonlyArray<Key>, phase: () => Promise<void>) => {
    if (!keys.some(wanted)) return;
    try {
      await phase();
    } catch (error) {
      if (ctx.procs.closed) throw error;
      const why = `failed: ${error instanceof Error ? error.message : String(error)}`;
      ctx.log(why);
      for (const k of keys) {
        if (!sections.has(k)) sections.set(k, unavailableSection(k, TITLES[k], why));
      }
    }
  };
  /** Starts apps/edge on `world`; `kv`: on a KV file, restarted once seeded (nothing read yet). */
  const edge = async (world: World, kv: string | undefined, extraEnv?: Record<string, string>) => {
    ctx.log(
      `starting apps/edge seeded with ${seedText(world)}${kv === undefined ? "" : " (file KV)"}`,
    );
    const first = await startEdge(ctx.procs, {
      root: ctx.root,
      world,
      creds: ctx.creds,
      kvPath: kv === undefined ? undefined : `${ctx.tmp}/${kv}.kv`,
      readySec: plan.seedSec,
      lifeSec: life,
      extraEnv,
    });
    if (!isServer(first)) return { server: first, totals: new Map<string, Totals>() };
    // Totals first: reading them touches page 1 of every resource, so the restart comes after.
    const totals = await readTotals(first, ctx.creds).catch(async (error) => {
      await stopServer(ctx.procs, first);
      throw error;
    });
    const server = kv === undefined ? first : await restartEdge(ctx.procs, first);
    if (isServer(server)) {
      ctx.log(`apps/edge ${seedingFact(server)}`);
      facts.push([`apps/edge start-up with MODE_SEED=${seedText(world)}`, seedingFact(server)]);
    }
    return { server, totals };
  };
  const deep: Array<DeepRuns | Unavailable> = [];
  let memorySmall: MemoryRuns | Unavailable = { unavailable: "did not run" };

  // The CLI runs from its cached bundle, built on the first run after a
  // change: built here, so that no timed run of it includes the build.
  const bundling = performance.now();
  const warm = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "apps/cli/main.ts", "--version"],
    cwd: ctx.root,
    stdout: "null",
    stderr: "null",
  }).output();
  facts.push([
    "the CLI's bundle (apps/cli/.bundle)",
    warm.success
      ? `current before the timed runs (checked or built in ${
        ((performance.now() - bundling) / 1000).toFixed(1)
      } s)`
      : `\`mode-discovery --version\` exited ${warm.code}: the CLI's runs may include its build`,
  ]);

  // The listing workspace: every resource, on a KV file.
  await guard(["deep", "listing", "memory", "server"], async () => {
    const { server, totals } = await edge(everyResource("bench", plan.listCount), "edge-list");
    if (!isServer(server)) {
      deep.push(server);
      memorySmall = server;
      for (const k of ["listing", "server"] as const) {
        sections.set(k, unavailableSection(k, TITLES[k], server.unavailable));
      }
      return;
    }
    try {
      if (wanted("deep")) deep.push(await deepRuns(ctx, server, deepTargets(totals)));
      if (wanted("listing")) {
        const listing = await listingBenchmark(ctx, server, totals);
        sections.set("listing", listing.section);
        memorySmall = { count: plan.listCount, samples: listing.samples, commands: [] };
      } else if (wanted("memory")) {
        memorySmall = await memoryRuns(ctx, server, plan.listCount, plan.runs);
      }
      if (wanted("server")) {
        ctx.log("dumping collections and reports for the baseline server");
        const data = [];
        for (const segment of [collections.segment, "reports"]) {
          const file = `${ctx.tmp}/${segment}.json`;
          await dumpResource(server, ctx.creds, segment, file);
          data.push({ segment, file });
        }
        const baseline = await startBaseline(ctx.procs, {
          root: ctx.root,
          workspace: server.workspace,
          count: server.count,
          creds: ctx.creds,
          data,
          readySec: 60,
          lifeSec: life,
        });
        try {
          sections.set("server", await throughputBenchmark(ctx, server, baseline, totals));
        } finally {
          if (isServer(baseline)) await stopServer(ctx.procs, baseline);
        }
      }
    } finally {
      await stopServer(ctx.procs, server);
    }
  });

  // The latency workspace: collections only, in memory, every answer delayed.
  await guard(["latency"], async () => {
    const { server } = await edge(collectionsOnly("bench", plan.listCount), undefined, {
      MODE_FAULTS: `delay=${LATENCY_MS}ms:1`,
    });
    if (!isServer(server)) {
      sections.set("latency", unavailableSection("latency", TITLES.latency, server.unavailable));
      return;
    }
    try {
      sections.set("latency", await latencyBenchmark(ctx, server, plan.listCount));
    } finally {
      await stopServer(ctx.procs, server);
    }
  });

  // The big workspace: collections only, on a KV file.
  await guard(["deep", "memory"], async () => {
    const { server, totals } = await edge(collectionsOnly("bench", plan.bigCount), "edge-big");
    if (!isServer(server)) {
      deep.push(server);
      sections.set("memory", memorySection(memorySmall, server, undefined));
      return;
    }
    try {
      if (wanted("deep")) {
        deep.push(
          await deepRuns(
            ctx,
            server,
            deepTargets(totals).filter((t) => t.segment === collections.segment),
          ),
        );
      }
      if (wanted("memory")) {
        const big = await memoryRuns(ctx, server, plan.bigCount, plan.bigRuns);
        sections.set("memory", memorySection(memorySmall, big, undefined));
      }
    } finally {
      await stopServer(ctx.procs, server);
    }
  });
  if (wanted("deep")) sections.set("deep", deepSection(ctx, deep));

  // Start-up, with a one-page workspace (in memory).
  await guard(["startup"], async () => {
    const { server } = await edge(collectionsOnly("small", ONE_PAGE), undefined);
    try {
      sections.set("startup", await startupBenchmark(ctx, server));
    } finally {
      if (isServer(server)) await stopServer(ctx.procs, server);
    }
  });

  // The snapshot workspace: every resource as the seed derives it, in memory, every answer delayed.
  await guard(["snapshot"], async () => {
    const { server, totals } = await edge(
      { workspace: "acme", collections: plan.snapshotCount },
      undefined,
      { MODE_FAULTS: `delay=${LATENCY_MS}ms:1` },
    );
    if (!isServer(server)) {
      sections.set("snapshot", unavailableSection("snapshot", TITLES.snapshot, server.unavailable));
      return;
    }
    try {
      sections.set("snapshot", await snapshotBenchmark(ctx, server, totals));
    } finally {
      await stopServer(ctx.procs, server);
    }
  });
  return KEYS.filter(wanted).map((k) =>
    sections.get(k) ?? unavailableSection(k, TITLES[k], "did not run")
  );
};

const render = (
  sections: ReadonlyArray<Section>,
  machine: Machine,
  loadAfter: string,
  plan: Plan,
  totalSec: number,
  partial: boolean,
  facts: ReadonlyArray<[string, string]>,
): string => {
  const mode = plan.quick
    ? "quick (smoke run, small data: not comparable)"
    : partial
    ? "partial"
    : "full";
  const goals = byIssue(sections.flatMap((s) => s.goals.map((g) => ({ ...g, section: s.title }))))
    .map((g) => [g.issue, g.section, g.text, verdict(g), g.detail]);
  return [
    "# Benchmarks",
    `Side-by-side benchmarks of the client, server, CLI, snapshot and npm build against plain baselines, made in one run on one machine: every speed goal of issues 13 (server), 14 (client and CLI) and 15 (snapshot), and the earlier goals of issue 8 whose rows are still measured. Produced by \`deno task bench\` (bench/main.ts); raw figures in ${
      plan.quick
        ? "bench/results/quick.json"
        : partial
        ? "bench/results/partial.json"
        : "bench/results.json"
    }. The machine is small and shared, so read ratios between rows measured together, medians of several runs, and the spread ((max − min) / median).`,
    `Run it yourself: \`deno task bench\` (full, about 10 minutes), \`deno task bench --quick\` (smoke run, under a minute), \`deno task bench --only ${
      KEYS.join(",")
    }\` (any of them). Baselines: bench/baseline_server.ts (bare \`Deno.serve\`), bench/baseline_list.ts and bench/node/raw_list.mjs (raw \`fetch\` + \`JSON.parse\` page loops), bench/minimal_cli.ts (a minimal effect/cli program), bench/snapshot_ndjson.ts (the snapshot to NDJSON files), and the ideal times of a listing or snapshot under a fixed latency.`,
    renderTable({
      header: ["run", "value"],
      rows: [
        ["mode", mode],
        ["date", machine.date],
        ["duration", `${totalSec.toFixed(0)} s`],
        ["cores (nproc)", machine.nproc],
        ["memory", machine.memory],
        ["CPU", machine.cpu],
        ["kernel", machine.kernel],
        ["Deno", machine.deno],
        ["Node", machine.node],
        ["wrk", machine.wrk],
        ["hyperfine", machine.hyperfine],
        ["load average (1, 5, 15 min) before / after", `${machine.loadBefore} / ${loadAfter}`],
        ...facts,
      ],
    }),
    "## Goals",
    renderTable({ header: ["issue", "benchmark", "goal", "verdict", "figures"], rows: goals }),
    ...sections.map((s, i) => renderSection(s, i + 1)),
    "",
  ].join("\n\n");
};

if (import.meta.main) {
  const { plan, only } = parseArgs(Deno.args);
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const tmp = await Deno.makeTempDir({ prefix: "mode-bench-" });
  const procs = new Processes();
  const started = performance.now();
  const log = (message: string) =>
    console.error(
      `[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`,
    );
  const ctx: Context = { plan, root, tmp, procs, creds: makeCreds(), log };

  let cleaning = false;
  const cleanup = async () => {
    if (cleaning) return;
    cleaning = true;
    await procs.stopAll();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      console.error(`bench: ${signal}, stopping every server and program it started`);
      cleanup().finally(() => Deno.exit(130));
    });
  }

  const machine = await describeMachine();
  log(`${plan.quick ? "quick" : "full"} run on ${machine.nproc} cores, load ${machine.loadBefore}`);
  let sections: Array<Section>;
  const facts: Array<[string, string]> = [];
  try {
    sections = await runAll(ctx, (k) => only === undefined || only.has(k), facts);
  } catch (error) {
    if (cleaning) await new Promise(() => {}); // the signal handler exits once all is stopped
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup();
    Deno.exit(1);
  } finally {
    await cleanup();
  }
  const totalSec = (performance.now() - started) / 1000;
  const loadAfter = await loadAverage();
  const partial = only !== undefined;
  const markdown = render(sections, machine, loadAfter, plan, totalSec, partial, facts);
  const json = JSON.stringify(
    {
      mode: plan.quick ? "quick" : partial ? "partial" : "full",
      plan,
      machine: { ...machine, loadAfter },
      facts: Object.fromEntries(facts),
      durationSec: totalSec,
      sections: Object.fromEntries(
        sections.map((s) => [s.key, { title: s.title, goals: s.goals, raw: s.raw }]),
      ),
    },
    null,
    2,
  );
  const [mdPath, jsonPath] = plan.quick || partial
    ? [
      `${root}/bench/results/${plan.quick ? "quick" : "partial"}.md`,
      `${root}/bench/results/${plan.quick ? "quick" : "partial"}.json`,
    ]
    : [`${root}/BENCHMARKS.md`, `${root}/bench/results.json`];
  await Deno.mkdir(`${root}/bench/results`, { recursive: true });
  await Deno.writeTextFile(mdPath, markdown);
  await Deno.writeTextFile(jsonPath, json + "\n");
  // Keep the written files as `deno fmt` would have them (BENCHMARKS.md is checked by it).
  await new Deno.Command("deno", { args: ["fmt", "--quiet", mdPath, jsonPath], cwd: root })
    .output();
  console.log(markdown);
  log(`wrote ${mdPath.replace(`${root}/`, "")} and ${jsonPath.replace(`${root}/`, "")}`);
  Deno.exit(0);
}
