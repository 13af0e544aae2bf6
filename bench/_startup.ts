/**
 * Start-up: `mode-discovery --help` against a minimal effect/cli program
 * with one subcommand (issue 14) and against an empty `deno run`, a one-page
 * listing, and a Node import of the npm package against `node -e 0`. Timed by the runner in interleaved rounds after warm-up
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
import { CLI, cliMissing } from "./_commands.ts";
import { cell, type Goal, goalOf, num, type Section, times } from "./_report.ts";
import { credsEnv, type Server, type Unavailable } from "./_servers.ts";
import { ratio, summarize, type Summary } from "./stats.ts";

/** Collections of the one-page workspace (`small`). */
export const ONE_PAGE = 1000;

interface Command {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  /** The equivalent hyperfine command line for the report. */
  readonly shown: string;
  readonly baseline?: string;
  readonly unavailable?: string | undefined;
  /** NDJSON lines it must write on stdout (the listings); else any output, exit 0. */
  readonly lines?: number | undefined;
  /** More environment for this command alone. */
  readonly env?: Record<string, string> | undefined;
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
        env: childEnv({ ...env, ...c.env }),
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
      if (c.lines !== undefined && done.stdoutLines !== c.lines) {
        out.set(c.id, { failure: `wrote ${done.stdoutLines} lines, expected ${c.lines}` });
        continue;
      }
      if (round >= warmup) (out.get(c.id) as { times: Array<number> }).times.push(done.wallMs);
    }
  }
  return out;
};

/** The start-up benchmark. `small`: a server with a one-page workspace for the one-page listing. */
export const startupBenchmark = async (
  ctx: Context,
  small: Server | Unavailable,
): Promise<Section> => {
  ctx.log("start-up");
  const npm = await npmEntry(ctx.root);
  const noCli = await cliMissing(ctx.root);
  const cli = CLI.join(" ");
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
      shown: `hyperfine -N --warmup 2 --runs 20 "deno run -A bench/empty.ts"`,
    },
    {
      id: "minimal-help",
      label: "minimal effect/cli program `--help` (bench/minimal_cli.ts)",
      command: "deno run -A bench/minimal_cli.ts --help",
      shown: `hyperfine -N --warmup 2 --runs 20 "deno run -A bench/minimal_cli.ts --help"`,
      baseline: "deno-empty",
    },
    {
      id: "cli-help",
      label: "`mode-discovery --help`",
      command: `${cli} --help`,
      shown: `hyperfine -N --warmup 2 --runs 20 "${cli} --help"`,
      baseline: "minimal-help",
      unavailable: noCli,
    },
    {
      id: "cli-help-sources",
      label: "`mode-discovery --help` from its sources (`MODE_CLI_BUNDLE=off`)",
      command: `${cli} --help`,
      shown: `MODE_CLI_BUNDLE=off hyperfine -N --warmup 2 --runs 20 "${cli} --help"`,
      baseline: "minimal-help",
      unavailable: noCli,
      env: { MODE_CLI_BUNDLE: "off" },
    },
    {
      id: "cli-one-page",
      label: "`mode-discovery collections list`, one page (1,000 collections)",
      command: `${cli} collections list --workspace ${ws} --format ndjson --quiet`,
      shown:
        `${envShown} hyperfine -N --warmup 2 --runs 20 "${cli} collections list --workspace ${ws} --format ndjson --quiet"`,
      baseline: "deno-empty",
      unavailable: noCli ?? smallMissing,
      lines: ONE_PAGE,
    },
    {
      id: "raw-one-page",
      label: "raw loop, one page (Deno)",
      command: `deno run -A bench/baseline_list.ts --base-url ${origin} --workspace ${ws} --ndjson`,
      shown:
        `MODE_TOKEN=... MODE_ACCESS_KEY=... MODE_ACCESS_SECRET=... hyperfine -N --warmup 2 --runs 20 "deno run -A bench/baseline_list.ts --base-url http://127.0.0.1:<port> --workspace ${ws} --ndjson"`,
      baseline: "deno-empty",
      unavailable: smallMissing,
      lines: ONE_PAGE,
    },
    {
      id: "node-empty",
      label: "`node -e 0`",
      command: "node -e 0",
      shown: `hyperfine -N --warmup 2 --runs 20 "node -e 0"`,
    },
    {
      id: "npm-import",
      label: "Node import of the npm package",
      command: `node --input-type=module -e "await import('${entryUrl}')"`,
      shown: `hyperfine -N --warmup 2 --runs 20 "node --input-type=module -e \\"await import('${
        entryUrl.replace(`file://${ctx.root}/`, "./")
      }')\\""`,
      baseline: "node-empty",
      unavailable: "unavailable" in npm ? npm.unavailable : undefined,
    },
  ];
  const warmup = ctx.plan.quick ? 1 : 2;
  const runs = ctx.plan.quick ? 3 : 20;
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
  const median = (id: string) => summaryOf(id).median;
  const vsMinimal = ratio(median("cli-help"), median("minimal-help"));
  const vsEmpty = ratio(median("cli-help"), median("deno-empty"));
  const imp = median("npm-import");
  const nodeEmpty = median("node-empty");
  const failure = (id: string) => {
    const r = results.get(id);
    return r !== undefined && "failure" in r ? `failed: ${r.failure}` : undefined;
  };
  const goals: Array<Goal> = [
    goalOf(
      "#14",
      "CLI `--help` within 1.3x of a minimal effect/cli program with one subcommand",
      vsMinimal,
      (x) => x <= 1.3,
      `${times(vsMinimal)} (${num(median("cli-help"))} vs ${num(median("minimal-help"))} ms)`,
      noCli ?? failure("cli-help") ?? failure("minimal-help"),
    ),
    goalOf(
      "#8",
      "CLI `--help` under 4x an empty `deno run`",
      vsEmpty,
      (x) => x < 4,
      `${times(vsEmpty)} (${num(median("cli-help"))} vs ${num(median("deno-empty"))} ms)`,
      noCli ?? failure("cli-help"),
    ),
    goalOf(
      "#8",
      "Node import of the npm package under 150 ms (whole `node` process)",
      imp,
      (x) => x < 150,
      `${num(imp)} ms (${num(imp - nodeEmpty)} ms over \`node -e 0\` at ${num(nodeEmpty)} ms)`,
      "unavailable" in npm ? `unavailable: ${npm.unavailable}` : failure("npm-import"),
    ),
  ];
  return {
    key: "startup",
    title: "Start-up",
    intro:
      `Wall time of each command from spawn to exit, measured by the runner without a shell: ${warmup} warm-up round${
        warmup === 1 ? "" : "s"
      }, then ${runs} rounds in which every command runs once, in a rotated order, so that load from elsewhere on the machine falls on all of them alike (the hyperfine lines below reproduce one command alone). \`mode-discovery\` is run as \`deno run -A apps/cli/main.ts\` (one process, Deno's default flags, the workspace's deno.json). bench/minimal_cli.ts is the smallest effect/cli program with one subcommand, on the CLI's own Deno services, run the same way. The one-page listing reads a 1,000-collection workspace from apps/edge (in-memory KV). The npm package is imported from apps/npm/dist by file URL.`,
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
