/**
 * Benchmark 5: start-up. `mode-discovery --help` and a one-page listing
 * against an empty `deno run`; a Node import of the npm package against
 * `node -e 0`. Timed by the runner in interleaved rounds after warm-up
 * rounds (hyperfine runs each command's runs back to back, which on a
 * shared machine lets a burst of load land on one command only); the
 * report gives the equivalent hyperfine command lines.
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { npmEntry } from "./_npm.ts";
import { childEnv } from "./_proc.ts";
import { cell, type Goal, num, type Section, times } from "./_report.ts";
import { credsEnv, type Server, type Unavailable } from "./_servers.ts";
import { ratio, summarize, type Summary } from "./stats.ts";

interface Command {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  /** The equivalent hyperfine command line for the report. */
  readonly shown: string;
  readonly baseline?: string;
  readonly unavailable?: string | undefined;
}

/** Splits a command line on spaces, keeping double-quoted parts together (no escapes). */
const split = (command: string): Array<string> =>
  (command.match(/"[^"]*"|[^ ]+/g) ?? []).map((part) =>
    part.startsWith('"') ? part.slice(1, -1) : part
  );

/**
 * Times every command `warmup + runs` times in interleaved rounds (each round
 * runs each command once, in a rotated order), so that load from other work
 * on the machine falls on all commands alike. Warm-up rounds are not counted.
 */
const timeInterleaved = async (
  ctx: Context,
  commands: ReadonlyArray<Command>,
  env: Record<string, string>,
  warmup: number,
  runs: number,
): Promise<Map<string, { times: Array<number> } | { failure: string }>> => {
  const out = new Map<string, { times: Array<number> } | { failure: string }>();
  for (const c of commands) out.set(c.id, { times: [] });
  for (let round = 0; round < warmup + runs; round++) {
    const live = commands.filter((c) => "times" in out.get(c.id)!);
    for (let i = 0; i < live.length; i++) {
      const c = live[(i + round) % live.length];
      const done = await ctx.procs.run(c.id, split(c.command), {
        cwd: ctx.root,
        env: childEnv(env),
        limitSec: 60,
        stdout: "count",
      });
      if (done.code !== 0) {
        out.set(c.id, {
          failure: `exit ${done.code}: ${
            done.stderrText.trim().split("\n").slice(-2).join(" / ").slice(0, 300)
          }`,
        });
        continue;
      }
      if (round >= warmup) (out.get(c.id) as { times: Array<number> }).times.push(done.wallMs);
    }
  }
  return out;
};

/** Benchmark 5. `small`: a server with a one-page workspace for the one-page listing. */
export const startupBenchmark = async (
  ctx: Context,
  small: Server | Unavailable,
): Promise<Section> => {
  ctx.log("start-up");
  const npm = await npmEntry(ctx.root);
  let cliMissing: string | undefined;
  try {
    await Deno.stat(`${ctx.root}/apps/cli/main.ts`);
  } catch {
    cliMissing = "apps/cli/main.ts does not exist yet";
  }
  const smallMissing = "unavailable" in small ? small.unavailable : undefined;
  const origin = "unavailable" in small ? "" : small.origin;
  const ws = "unavailable" in small ? "small" : small.workspace;
  const env = "unavailable" in small ? {} : { MODE_BASE_URL: small.origin, ...credsEnv(ctx.creds) };
  const envShown =
    "MODE_BASE_URL=http://127.0.0.1:<port> MODE_TOKEN=... MODE_ACCESS_KEY=... MODE_ACCESS_SECRET=...";
  const entryUrl = "entry" in npm ? new URL(`file://${npm.entry}`).href : "";
  const commands: Array<Command> = [
    {
      id: "deno-empty",
      label: "empty `deno run`",
      command: "deno run -A bench/empty.ts",
      shown: `hyperfine -N --warmup 2 --runs 10 "deno run -A bench/empty.ts"`,
    },
    {
      id: "cli-help",
      label: "`mode-discovery --help`",
      command: "deno run -A apps/cli/main.ts --help",
      shown: `hyperfine -N --warmup 2 --runs 10 "deno run -A apps/cli/main.ts --help"`,
      baseline: "deno-empty",
      unavailable: cliMissing,
    },
    {
      id: "cli-one-page",
      label: "`mode-discovery collections list`, one page (1,000 collections)",
      command:
        `deno run -A apps/cli/main.ts collections list --workspace ${ws} --format ndjson --quiet`,
      shown:
        `${envShown} hyperfine -N --warmup 2 --runs 10 "deno run -A apps/cli/main.ts collections list --workspace ${ws} --format ndjson --quiet"`,
      baseline: "deno-empty",
      unavailable: cliMissing ?? smallMissing,
    },
    {
      id: "raw-one-page",
      label: "raw loop, one page (Deno)",
      command: `deno run -A bench/baseline_list.ts --base-url ${origin} --workspace ${ws} --ndjson`,
      shown:
        `MODE_TOKEN=... MODE_ACCESS_KEY=... MODE_ACCESS_SECRET=... hyperfine -N --warmup 2 --runs 10 "deno run -A bench/baseline_list.ts --base-url http://127.0.0.1:<port> --workspace ${ws} --ndjson"`,
      baseline: "deno-empty",
      unavailable: smallMissing,
    },
    {
      id: "node-empty",
      label: "`node -e 0`",
      command: "node -e 0",
      shown: `hyperfine -N --warmup 2 --runs 10 "node -e 0"`,
    },
    {
      id: "npm-import",
      label: "Node import of the npm package",
      command: `node --input-type=module -e "await import('${entryUrl}')"`,
      shown: `hyperfine -N --warmup 2 --runs 10 "node --input-type=module -e \\"await import('${
        entryUrl.replace(`file://${ctx.root}/`, "./")
      }')\\""`,
      baseline: "node-empty",
      unavailable: "unavailable" in npm ? npm.unavailable : undefined,
    },
  ];
  const warmup = ctx.plan.quick ? 1 : 2;
  const runs = ctx.plan.quick ? 3 : 10;
  ctx.log(`  ${warmup} warm-up and ${runs} timed rounds of ${commands.length} commands`);
  const results = await timeInterleaved(
    ctx,
    commands.filter((c) => c.unavailable === undefined),
    env,
    warmup,
    runs,
  );
  const summaryOf = (id: string): Summary => {
    const r = results.get(id);
    return summarize(r !== undefined && "times" in r ? r.times : []);
  };
  const rows = commands.map((c) => {
    if (c.unavailable !== undefined) return [c.label, `unavailable: ${c.unavailable}`, "", ""];
    const r = results.get(c.id)!;
    if ("failure" in r) return [c.label, `failed: ${r.failure}`, "", ""];
    const s = summaryOf(c.id);
    if (c.baseline === undefined) return [c.label, cell(s), "(baseline)", ""];
    const b = summaryOf(c.baseline);
    return [c.label, cell(s), times(ratio(s.median, b.median)), num(s.median - b.median)];
  });
  const help = ratio(summaryOf("cli-help").median, summaryOf("deno-empty").median);
  const imp = summaryOf("npm-import").median;
  const nodeEmpty = summaryOf("node-empty").median;
  const goals: Array<Goal> = [
    {
      text: "CLI `--help` under 4x an empty `deno run`",
      met: Number.isFinite(help) ? help < 4 : undefined,
      detail: Number.isFinite(help)
        ? `${times(help)} (${num(summaryOf("cli-help").median)} vs ${
          num(summaryOf("deno-empty").median)
        } ms)`
        : cliMissing ?? "no figure",
    },
    {
      text: "Node import of the npm package under 150 ms (whole `node` process)",
      met: Number.isFinite(imp) ? imp < 150 : undefined,
      detail: Number.isFinite(imp)
        ? `${num(imp)} ms (${num(imp - nodeEmpty)} ms over \`node -e 0\` at ${num(nodeEmpty)} ms)`
        : "unavailable" in npm
        ? `unavailable: ${npm.unavailable}`
        : "no figure",
    },
  ];
  return {
    key: "startup",
    title: "Start-up",
    intro:
      `Wall time of each command from spawn to exit, measured by the runner without a shell: ${warmup} warm-up round${
        warmup === 1 ? "" : "s"
      }, then ${runs} rounds in which every command runs once, in a rotated order, so that load from elsewhere on the machine falls on all of them alike (the hyperfine lines below reproduce one command alone). \`mode-discovery\` is run as \`deno run -A apps/cli/main.ts\`, which is what the installed command (\`deno install -g -A -n mode-discovery apps/cli/main.ts\`) runs. The one-page listing reads a 1,000-collection workspace from apps/edge (in-memory KV). The npm package is imported from apps/npm/dist by file URL.`,
    goals,
    tables: [{
      header: [
        "command",
        "wall ms: median (min–max, spread)",
        "ratio to baseline",
        "ms over baseline",
      ],
      rows,
    }],
    commands: [
      ...("unavailable" in small ? [] : [`# server: ${small.command}`]),
      ...commands.map((c) => c.shown),
    ],
    notes: [],
    raw: Object.fromEntries(results),
  };
};
