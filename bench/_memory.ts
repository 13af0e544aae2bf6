/**
 * Benchmark 2: peak RSS of the CLI streaming a big workspace to ndjson,
 * against the same run on the listing benchmark's workspace (the ratio shows
 * whether memory stays flat as the workspace grows), with the raw loop to
 * ndjson alongside for reference.
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { listingVariants, runVariants } from "./_listing.ts";
import type { Samples } from "./_measure.ts";
import { cell, type Goal, num, type Section, times } from "./_report.ts";
import type { Server } from "./_servers.ts";
import { ratio, summarize } from "./stats.ts";
import { shownCommand } from "./_measure.ts";

const IDS = ["cli-c4", "raw-c4-ndjson"] as const;

/** Runs the CLI and raw ndjson variants against `server` and returns their samples. */
export const memorySamples = async (
  ctx: Context,
  server: Server,
  runs: number,
): Promise<{ samples: Map<string, Samples>; commands: Array<string>; unavailable?: string }> => {
  const entries = (await listingVariants(ctx, server, true)).filter((e) =>
    (IDS as ReadonlyArray<string>).includes(e.variant.id)
  );
  const limit = Math.max(120, Math.ceil(server.count / 2000));
  ctx.log(`memory: streaming ${server.count} collections to ndjson`);
  const samples = await runVariants(ctx, entries, server.count, runs, limit);
  return {
    samples,
    commands: entries.map((e) => shownCommand(e.variant, server.origin, ctx.root)),
    unavailable: entries.find((e) => e.variant.id === "cli-c4")?.variant.unavailable,
  };
};

/** Benchmark 2, from the samples at the small and big sizes. */
export const memorySection = (
  ctx: Context,
  small: { count: number; samples: Map<string, Samples> } | undefined,
  big: { count: number; samples: Map<string, Samples>; commands: Array<string> } | {
    unavailable: string;
  },
  note: string | undefined,
): Section => {
  const rssOf = (m: Map<string, Samples> | undefined, id: string) =>
    summarize(m?.get(id)?.rssMb ?? []);
  const rows: Array<Array<string>> = [];
  const labels: Record<string, string> = {
    "cli-c4": "our CLI to ndjson (4 in flight)",
    "raw-c4-ndjson": "raw loop to ndjson (4 in flight, Deno)",
  };
  for (const id of IDS) {
    const s = small?.samples.get(id);
    const b = "samples" in big ? big.samples.get(id) : undefined;
    const rs = rssOf(small?.samples, id);
    const rb = "samples" in big ? rssOf(big.samples, id) : summarize([]);
    const fail = (x: Samples | undefined) =>
      x !== undefined && x.failures.length > 0
        ? ` (${x.failures.length} failed: ${x.failures[0]})`
        : "";
    rows.push([
      labels[id],
      small === undefined ? "n/a" : cell(rs) + fail(s),
      "samples" in big ? cell(rb) + fail(b) : `unavailable: ${big.unavailable}`,
      times(ratio(rb.median, rs.median)),
      "samples" in big ? cell(summarize(b?.wallMs ?? []), 0) : "",
    ]);
  }
  const cliBig = "samples" in big ? rssOf(big.samples, "cli-c4") : summarize([]);
  const cliSmall = rssOf(small?.samples, "cli-c4");
  const r = ratio(cliBig.median, cliSmall.median);
  const bigN = "count" in big ? big.count : ctx.plan.bigCount;
  const smallN = small?.count ?? ctx.plan.listCount;
  const goals: Array<Goal> = [
    {
      text: `CLI peak RSS streaming ${bigN.toLocaleString("en-US")} collections under 150 MB`,
      met: Number.isFinite(cliBig.median) ? cliBig.median < 150 : undefined,
      detail: Number.isFinite(cliBig.median)
        ? `${num(cliBig.median)} MB (median of ${cliBig.n})`
        : "no figure",
    },
    {
      text: `Peak RSS ratio ${bigN.toLocaleString("en-US")} / ${
        smallN.toLocaleString("en-US")
      } under 1.2 (flat)`,
      met: Number.isFinite(r) ? r < 1.2 : undefined,
      detail: Number.isFinite(r)
        ? `${times(r)} (${num(cliBig.median)} MB vs ${num(cliSmall.median)} MB)`
        : "no figure",
    },
  ];
  return {
    key: "memory",
    title: `Memory: streaming ${
      bigN.toLocaleString("en-US")
    } collections to ndjson through the CLI`,
    intro:
      `Peak resident set size of the whole process (\`/usr/bin/time -v\`, "Maximum resident set size"), stdout piped to the runner, which counts the lines (a wrong count is a failed run). The ${
        smallN.toLocaleString("en-US")
      } figures are the runs of benchmark 1.` + (note === undefined ? "" : ` ${note}`),
    goals,
    tables: [{
      header: [
        "program",
        `peak RSS MB at ${smallN.toLocaleString("en-US")}`,
        `peak RSS MB at ${bigN.toLocaleString("en-US")}`,
        "ratio",
        `wall ms at ${bigN.toLocaleString("en-US")}`,
      ],
      rows,
    }],
    commands: "commands" in big
      ? [`/usr/bin/time -v <command below>  # "Maximum resident set size"`, ...big.commands]
      : [],
    notes: [
      "The CLI runs as two processes: apps/cli/main.ts, a launcher of about 38 MB RSS, and the CLI itself (see apps/cli/README.md). GNU time reports the larger of the two, the CLI; the machine holds both, so add the launcher's 38 MB for the total.",
    ],
    raw: {
      smallCount: smallN,
      bigCount: bigN,
      small: small === undefined ? undefined : Object.fromEntries(small.samples),
      big: "samples" in big ? Object.fromEntries(big.samples) : big,
    },
  };
};
