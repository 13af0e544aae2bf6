/**
 * Benchmark 5: start-up. `mode-discovery --help` and a one-page listing
 * against an empty `deno run`; a Node import of the npm package against
 * `node -e 0`. Timed with hyperfine (no shell, warm-up runs first), one
 * hyperfine invocation per command so that one failing command does not
 * hide the others.
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
  readonly shown: string;
  readonly baseline?: string;
  readonly unavailable?: string | undefined;
}

const hyperfine = async (
  ctx: Context,
  c: Command,
  env: Record<string, string>,
): Promise<{ times: Array<number> } | { failure: string }> => {
  const file = `${ctx.tmp}/hyperfine-${c.id}.json`;
  const runs = ctx.plan.quick ? 3 : 10;
  const done = await ctx.procs.run(`hyperfine ${c.id}`, [
    "hyperfine",
    "-N",
    "--style",
    "none",
    "--warmup",
    ctx.plan.quick ? "1" : "2",
    "--runs",
    String(runs),
    "--export-json",
    file,
    c.command,
  ], { cwd: ctx.root, env: childEnv(env), limitSec: 120, stdout: "text" });
  if (done.code !== 0) {
    return {
      failure: `hyperfine exit ${done.code}: ${
        (done.stdoutText + done.stderrText).trim().slice(-400)
      }`,
    };
  }
  const report = JSON.parse(await Deno.readTextFile(file));
  return { times: (report.results[0].times as Array<number>).map((s) => s * 1000) };
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
      shown: "deno run -A bench/empty.ts",
    },
    {
      id: "cli-help",
      label: "`mode-discovery --help`",
      command: "deno run -A apps/cli/main.ts --help",
      shown: "deno run -A apps/cli/main.ts --help",
      baseline: "deno-empty",
      unavailable: cliMissing,
    },
    {
      id: "cli-one-page",
      label: "`mode-discovery collections list`, one page (1,000 collections)",
      command:
        `deno run -A apps/cli/main.ts collections list --workspace ${ws} --format ndjson --quiet`,
      shown:
        `${envShown} deno run -A apps/cli/main.ts collections list --workspace ${ws} --format ndjson --quiet`,
      baseline: "deno-empty",
      unavailable: cliMissing ?? smallMissing,
    },
    {
      id: "raw-one-page",
      label: "raw loop, one page (Deno)",
      command: `deno run -A bench/baseline_list.ts --base-url ${origin} --workspace ${ws} --ndjson`,
      shown:
        `MODE_TOKEN=... MODE_ACCESS_KEY=... MODE_ACCESS_SECRET=... deno run -A bench/baseline_list.ts --base-url http://127.0.0.1:<port> --workspace ${ws} --ndjson`,
      baseline: "deno-empty",
      unavailable: smallMissing,
    },
    { id: "node-empty", label: "`node -e 0`", command: "node -e 0", shown: "node -e 0" },
    {
      id: "npm-import",
      label: "Node import of the npm package",
      command: `node --input-type=module -e "await import('${entryUrl}')"`,
      shown: `node --input-type=module -e "await import('<repo>/apps/npm/dist/...')"`,
      baseline: "node-empty",
      unavailable: "unavailable" in npm ? npm.unavailable : undefined,
    },
  ];
  const results = new Map<string, { times: Array<number> } | { failure: string }>();
  for (const c of commands) {
    if (c.unavailable !== undefined) continue;
    ctx.log(`  ${c.label}`);
    results.set(c.id, await hyperfine(ctx, c, env));
  }
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
    intro: `hyperfine without a shell (\`-N\`), ${ctx.plan.quick ? 1 : 2} warm-up runs then ${
      ctx.plan.quick ? 3 : 10
    } runs per command. \`mode-discovery\` is run as \`deno run -A apps/cli/main.ts\`, which is what the installed command (\`deno install -g -A -n mode-discovery apps/cli/main.ts\`) runs. The one-page listing reads a 1,000-collection workspace from apps/edge (in-memory KV). The npm package is imported from apps/npm/dist by file URL.`,
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
      ...commands.map((c) => `hyperfine -N --warmup 2 --runs 10 ${JSON.stringify(c.shown)}`),
    ],
    notes: [],
    raw: Object.fromEntries(results),
  };
};
