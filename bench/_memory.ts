/**
 * Memory (issue 14): peak RSS of the CLI streaming a big workspace's
 * collections to NDJSON, and its ratio to the same run at the listing size
 * (flat memory: the ratio stays near 1), with the raw loop to NDJSON
 * alongside for reference.
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { ndjsonEntries, reuseBufferId } from "./_listing.ts";
import { runVariants, type Samples, shownCommands } from "./_measure.ts";
import { cell, goalOf, num, type Section, times } from "./_report.ts";
import type { Server } from "./_servers.ts";
import { ratio, summarize } from "./stats.ts";

/** The baselines: plain programs with nothing of ours, each also held to the goals. */
const BASELINES = [
  "raw-ndjson",
  reuseBufferId(4),
  reuseBufferId(1),
  "cli-floor-ndjson",
] as const;

const IDS = ["cli-ndjson", ...BASELINES] as const;

/** Why no program here keeps its RSS flat from the small listing to the big one. */
const YOUNG_GENERATION_NOTE =
  "Why the ratio grows for every program here, ours and the baselines alike: V8 doubles its young generation (new space) each time the bytes that survived young-generation collections since it last grew add up to its size, up to a cap it sets from the machine's memory. Every page being turned into lines when a collection runs survives it, so the longer a stream runs, the larger the young generation it ends with, whatever the program. `--v8-flags=--trace-gc-nvp` on any of these commands shows `new_space_capacity` reach a larger size in the big run than in the small one.";

/** The NDJSON runs at one size. */
export interface MemoryRuns {
  readonly count: number;
  readonly samples: ReadonlyMap<string, Samples>;
  readonly commands: ReadonlyArray<string>;
}

/** Runs the CLI and the raw loop streaming `count` collections of `server` to NDJSON. */
export const memoryRuns = async (
  ctx: Context,
  server: Server,
  count: number,
  runs: number,
): Promise<MemoryRuns> => {
  const entries = await ndjsonEntries(ctx, server, count);
  ctx.log(`memory: streaming ${count} collections to NDJSON`);
  const samples = await runVariants(
    ctx,
    entries.map((e) => e.variant),
    runs,
    Math.max(120, Math.ceil(count / 2000)),
  );
  return {
    count,
    samples,
    commands: entries.flatMap((e) => shownCommands(e.variant, server.origin, ctx.root)),
  };
};

/** The memory section from the runs at the listing size and at the big size. */
export const memorySection = (
  small: MemoryRuns | { readonly unavailable: string },
  big: MemoryRuns | { readonly unavailable: string },
  note: string | undefined,
): Section => {
  const rss = (m: MemoryRuns | { unavailable: string }, id: string) =>
    summarize("samples" in m ? m.samples.get(id)?.rssMb ?? [] : []);
  const failures = (m: MemoryRuns | { unavailable: string }, id: string) => {
    if (!("samples" in m)) return `unavailable: ${m.unavailable}`;
    const f = m.samples.get(id)?.failures ?? [];
    return f.length === 0 ? "" : ` (${f.length} failed: ${f[0]})`;
  };
  const labels: Record<string, string> = {
    "cli-ndjson": "our CLI to NDJSON (4 in flight)",
    "cli-floor-ndjson": "effect/cli floor to NDJSON (bench/cli_floor.ts, 4 in flight)",
    "raw-ndjson": "raw loop to NDJSON (4 in flight, Deno)",
    [reuseBufferId(4)]: "raw loop to NDJSON, one reused output buffer (4 in flight, Deno)",
    [reuseBufferId(1)]: "raw loop to NDJSON, one reused output buffer (1 in flight, Deno)",
  };
  const rows = IDS.map((id) => [
    labels[id],
    cell(rss(small, id)) + failures(small, id),
    cell(rss(big, id)) + failures(big, id),
    times(ratio(rss(big, id).median, rss(small, id).median)),
    "samples" in big ? cell(summarize(big.samples.get(id)?.wallMs ?? []), 0) : "",
  ]);
  const cliBig = rss(big, "cli-ndjson");
  const cliSmall = rss(small, "cli-ndjson");
  const r = ratio(cliBig.median, cliSmall.median);
  const n = (m: MemoryRuns | { unavailable: string }) =>
    "count" in m ? m.count.toLocaleString("en-US") : "n/a";
  return {
    key: "memory",
    title: `Memory: streaming ${n(big)} collections to NDJSON through the CLI`,
    intro:
      `Peak resident set size of the whole process (\`/usr/bin/time -v\`, "Maximum resident set size"; the CLI is one process, \`deno run -A apps/cli/main.ts\`), stdout piped to the runner, which counts the lines (a wrong count is a failed run). The ${
        n(small)
      } figures are the NDJSON runs of the listing benchmark.` +
      (note === undefined ? "" : ` ${note}`),
    goals: [
      goalOf(
        "#14",
        `CLI peak RSS streaming ${n(big)} collections under 150 MB`,
        cliBig.median,
        (x) => x < 150,
        `${num(cliBig.median)} MB (median of ${cliBig.n})`,
        failures(big, "cli-ndjson") || undefined,
      ),
      goalOf(
        "#14",
        `CLI peak RSS at ${n(big)} over RSS at ${n(small)} under 1.2 (flat)`,
        r,
        (x) => x < 1.2,
        `${times(r)} (${num(cliBig.median)} MB vs ${num(cliSmall.median)} MB)`,
      ),
    ],
    tables: [{
      header: [
        "program",
        `peak RSS MB at ${n(small)}`,
        `peak RSS MB at ${n(big)}`,
        "ratio",
        `wall ms at ${n(big)}`,
      ],
      rows,
    }],
    commands: "commands" in big
      ? [`/usr/bin/time -v <command below>  # "Maximum resident set size"`, ...big.commands]
      : [],
    notes: [
      ...BASELINES.map((id) => {
        const big1 = rss(big, id);
        const small1 = rss(small, id);
        return `${labels[id]}: ${num(big1.median)} MB at ${n(big)}, ${
          times(ratio(big1.median, small1.median))
        } its RSS at ${n(small)}; ${
          big1.median < 150 && ratio(big1.median, small1.median) < 1.2
            ? "within both goals"
            : "it does not meet the goals itself"
        }.`;
      }),
      YOUNG_GENERATION_NOTE,
    ],
    raw: {
      small: "samples" in small
        ? { count: small.count, samples: Object.fromEntries(small.samples) }
        : small,
      big: "samples" in big ? { count: big.count, samples: Object.fromEntries(big.samples) } : big,
    },
  };
};
