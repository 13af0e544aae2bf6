/**
 * `deno task bench`: the side-by-side benchmarks of the client, server, CLI
 * and npm build against plain baselines (issue 8).
 *
 * ```sh
 * deno task bench            # full run (~6 to 8 minutes): writes BENCHMARKS.md and bench/results.json
 * deno task bench --quick    # smoke run on small data (well under a minute): bench/results/quick.*
 * deno task bench --only listing,startup   # some benchmarks: bench/results/partial.*
 * ```
 *
 * Benchmarks: `listing`, `memory`, `server`, `deep`, `startup`. Every
 * server and program runs as a child process on loopback under a hard time
 * limit; all of them are stopped when the run ends or is interrupted. A part
 * of the project that is not built yet is reported as "unavailable" instead
 * of failing the run.
 *
 * @module
 */
import { type Context, FULL, type Plan, QUICK } from "./_context.ts";
import { deepBenchmark } from "./_deep.ts";
import { listingBenchmark, type ListingOutcome } from "./_listing.ts";
import { describeMachine, loadAverage, type Machine } from "./_machine.ts";
import { memorySamples, memorySection } from "./_memory.ts";
import type { Samples } from "./_measure.ts";
import { Processes } from "./_proc.ts";
import { renderSection, renderTable, type Section, verdict } from "./_report.ts";
import {
  dumpCollections,
  makeCreds,
  type Server,
  startBaseline,
  startEdge,
  stopServer,
  type Unavailable,
} from "./_servers.ts";
import { startupBenchmark } from "./_startup.ts";
import { throughputBenchmark } from "./_throughput.ts";

/**
 * Milliseconds the latency server adds to every answer: about a round trip
 * to a server in the same region.
 */
const LATENCY_MS = 5;
const KEYS = ["listing", "memory", "server", "deep", "startup"] as const;
type Key = typeof KEYS[number];

const USAGE = `Usage: deno task bench [--quick] [--only ${KEYS.join(",")}]

  --quick   smoke run on small data, one run each (well under a minute);
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
  memory: "Memory of the CLI streaming to ndjson",
  server: "Server throughput and latency",
  deep: "Deep pages",
  startup: "Start-up",
};

/** How long an edge server took to seed and start, and to restart on its seeded KV file. */
const seedingFact = (s: Server): string =>
  `seeded and ready in ${(s.readyMs / 1000).toFixed(1)} s` +
  (s.restartMs === undefined
    ? ""
    : `, restarted on the seeded KV file and ready in ${(s.restartMs / 1000).toFixed(1)} s`);

/** Runs the selected benchmarks; always stops every server it started. */
const runAll = async (
  ctx: Context,
  wanted: (k: Key) => boolean,
  facts: Array<[string, string]>,
): Promise<Array<Section>> => {
  const sections = new Map<Key, Section>();
  const plan = ctx.plan;
  const life = plan.quick ? 300 : 900;

  // Phase 1: the listing-size workspace (apps/edge on a KV file, and the baseline with its data).
  let listing: ListingOutcome | undefined;
  let memorySmall: { count: number; samples: Map<string, Samples> } | undefined;
  const guard = async (keys: ReadonlyArray<Key>, phase: () => Promise<void>) => {
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

  await guard(["listing", "server"], async () => {
    if (wanted("listing") || wanted("memory") || wanted("server")) {
      ctx.log(`starting apps/edge seeded with ${plan.listCount} collections (file KV)`);
      const edge = await startEdge(ctx.procs, {
        root: ctx.root,
        workspace: "bench",
        count: plan.listCount,
        creds: ctx.creds,
        kvPath: `${ctx.tmp}/edge-list.kv`,
        readySec: plan.seedSec,
        lifeSec: life,
        restart: true,
      });
      let baseline: Server | Unavailable;
      try {
        if (isServer(edge)) {
          ctx.log(`edge ${seedingFact(edge)}; dumping its data for the baseline`);
          facts.push([`apps/edge start-up with MODE_SEED=bench:${edge.count}`, seedingFact(edge)]);
          const data = `${ctx.tmp}/data.json`;
          await dumpCollections(edge, ctx.creds, data);
          baseline = await startBaseline(ctx.procs, {
            root: ctx.root,
            workspace: "bench",
            count: plan.listCount,
            creds: ctx.creds,
            dataFile: data,
            readySec: 60,
            lifeSec: life,
          });
        } else {
          ctx.log(`apps/edge unavailable (${edge.unavailable}); using the baseline server alone`);
          baseline = await startBaseline(ctx.procs, {
            root: ctx.root,
            workspace: "bench",
            count: plan.listCount,
            creds: ctx.creds,
            readySec: 60,
            lifeSec: life,
          });
        }
        const source = isServer(edge) ? edge : isServer(baseline) ? baseline : undefined;
        if (wanted("listing") || wanted("memory")) {
          if (source === undefined) {
            const why = `no server could be started (${
              "unavailable" in baseline ? baseline.unavailable : ""
            })`;
            sections.set("listing", unavailableSection("listing", TITLES.listing, why));
          } else {
            const note = isServer(edge)
              ? undefined
              : `apps/edge was unavailable (${edge.unavailable}), so these runs used the baseline server with synthetic data.`;
            let slow: Server | Unavailable | undefined;
            if (wanted("listing") && isServer(edge)) {
              ctx.log(
                `starting apps/edge (in-memory KV) adding ${LATENCY_MS} ms to every answer`,
              );
              slow = await startEdge(ctx.procs, {
                root: ctx.root,
                workspace: "bench",
                count: plan.listCount,
                creds: ctx.creds,
                readySec: plan.seedSec,
                lifeSec: life,
                extraEnv: { MODE_FAULTS: `delay=${LATENCY_MS}ms:1` },
              });
              if (!isServer(slow)) ctx.log(`latency server unavailable: ${slow.unavailable}`);
            }
            try {
              listing = await listingBenchmark(
                ctx,
                source,
                isServer(edge) && isServer(baseline) ? baseline : undefined,
                note,
                slow !== undefined && isServer(slow) ? { server: slow, ms: LATENCY_MS } : undefined,
              );
            } finally {
              if (slow !== undefined && isServer(slow)) await stopServer(ctx.procs, slow);
            }
            memorySmall = { count: source.count, samples: listing.primary };
            if (wanted("listing")) sections.set("listing", listing.section);
          }
        }
        if (wanted("server")) {
          sections.set("server", await throughputBenchmark(ctx, edge, baseline));
        }
      } finally {
        if (isServer(edge)) await stopServer(ctx.procs, edge);
        if (isServer(baseline!)) await stopServer(ctx.procs, baseline);
      }
    }
  });

  // Phase 2: the big workspace (apps/edge on a KV file).
  await guard(["memory", "deep"], async () => {
    if (wanted("memory") || wanted("deep")) {
      ctx.log(`starting apps/edge seeded with ${plan.bigCount} collections (file KV)`);
      const big = await startEdge(ctx.procs, {
        root: ctx.root,
        workspace: "bench",
        count: plan.bigCount,
        creds: ctx.creds,
        kvPath: `${ctx.tmp}/edge-big.kv`,
        readySec: plan.seedSec,
        lifeSec: life,
        restart: true,
      });
      let fallback: Server | Unavailable | undefined;
      try {
        if (isServer(big)) {
          ctx.log(`big edge ${seedingFact(big)}`);
          facts.push([`apps/edge start-up with MODE_SEED=bench:${big.count}`, seedingFact(big)]);
        }
        if (wanted("deep")) sections.set("deep", await deepBenchmark(ctx, big));
        if (wanted("memory")) {
          let note: string | undefined;
          let source: Server | Unavailable = big;
          if (!isServer(big)) {
            fallback = await startBaseline(ctx.procs, {
              root: ctx.root,
              workspace: "bench",
              count: plan.bigCount,
              creds: ctx.creds,
              readySec: 120,
              lifeSec: life,
            });
            source = fallback;
            note =
              `apps/edge was unavailable (${big.unavailable}), so the CLI read from the baseline server with synthetic data.`;
          }
          const result = isServer(source)
            ? { count: source.count, ...(await memorySamples(ctx, source, plan.bigRuns)) }
            : { unavailable: source.unavailable };
          if (memorySmall === undefined) {
            note = `${
              note ?? ""
            } The ${plan.listCount} figures are missing: run the listing benchmark too.`
              .trim();
          }
          sections.set("memory", memorySection(ctx, memorySmall, result, note));
        }
      } finally {
        if (isServer(big)) await stopServer(ctx.procs, big);
        if (isServer(fallback)) await stopServer(ctx.procs, fallback);
      }
    }
  });

  // Phase 3: start-up, with a one-page workspace on apps/edge (in-memory KV).
  await guard(["startup"], async () => {
    if (wanted("startup")) {
      const small = await startEdge(ctx.procs, {
        root: ctx.root,
        workspace: "small",
        count: 1000,
        creds: ctx.creds,
        readySec: 60,
        lifeSec: life,
      });
      try {
        sections.set("startup", await startupBenchmark(ctx, small));
      } finally {
        if (isServer(small)) await stopServer(ctx.procs, small);
      }
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
  const goals = sections.flatMap((s) =>
    s.goals.map((g) => [s.title, g.text, verdict(g), g.detail])
  );
  return [
    "# Benchmarks",
    `Side-by-side benchmarks of the client, server, CLI and npm build against plain baselines, made in one run on one machine. Produced by \`deno task bench\` (bench/main.ts); raw figures in ${
      plan.quick
        ? "bench/results/quick.json"
        : partial
        ? "bench/results/partial.json"
        : "bench/results.json"
    }. The machine is small and shared, so read ratios between rows measured together, medians of several runs, and the spread ((max − min) / median).`,
    "Run it yourself: `deno task bench` (full, about 6 to 8 minutes), `deno task bench --quick` (smoke run, under a minute), `deno task bench --only listing,startup`. Baselines: bench/baseline_server.ts (bare `Deno.serve`), bench/baseline_list.ts and bench/node/raw_list.mjs (raw `fetch` + `JSON.parse` page loops).",
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
    renderTable({ header: ["benchmark", "goal", "verdict", "figures"], rows: goals }),
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
