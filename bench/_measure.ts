/**
 * Running one measured variant: wall time, peak RSS (`/usr/bin/time -v`),
 * the in-process time a driver reports on stderr (or a check of the files it
 * left reads), and a check that the run really produced every item: a run
 * that exits non-zero, times out or lists the wrong number of items is a
 * failure, not a figure. Variants run interleaved (`runVariants`).
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { childEnv } from "./_proc.ts";

/** How a step's output is checked. */
export type Expect =
  /** Exactly this many NDJSON lines on stdout. */
  | { readonly lines: number }
  /** A `{"count","ms"}` report on stderr with exactly this count (its `ms` is the in-process time). */
  | { readonly report: number }
  /** Only the exit code: the variant's `verify` checks what the step wrote. */
  | "exit";

/** One command of a variant. */
export interface Step {
  readonly argv: ReadonlyArray<string>;
  readonly expect: Expect;
  /** What it is, in a failure's message when a variant has several steps. */
  readonly name?: string | undefined;
}

/** What a variant's `verify` found: the items it counted, and an in-process time if it read one. */
export interface Verified {
  readonly count: number;
  readonly expected: number;
  readonly ms?: number | undefined;
}

/** A measured program: one command, or several run one after another. */
export interface Variant {
  readonly id: string;
  readonly label: string;
  /** The commands of one run, one after another; their wall times add up. */
  readonly steps: ReadonlyArray<Step>;
  /** Extra environment (credentials, base URL). */
  readonly env: Record<string, string>;
  /** Which figure its ratios use: the in-process time, or the wall time of the whole run. */
  readonly timing: "in-process" | "wall";
  /** Why it cannot run, if it cannot. */
  readonly unavailable?: string | undefined;
  /** Runs before each run, unmeasured (removing the previous run's files). */
  readonly prepare?: (() => Promise<void>) | undefined;
  /** Checks the files a run left; a string says why the run failed. */
  readonly verify?: (() => Promise<Verified | string>) | undefined;
}

/** The figures of a variant over its runs. */
export interface Samples {
  readonly inProcessMs: Array<number>;
  readonly wallMs: Array<number>;
  readonly rssMb: Array<number>;
  readonly failures: Array<string>;
}

/** Empty {@link Samples}. */
export const emptySamples = (): Samples => ({
  inProcessMs: [],
  wallMs: [],
  rssMb: [],
  failures: [],
});

/** The last `{"count": N, "ms": T}` line of a driver's stderr. */
export const driverReport = (stderr: string): { count: number; ms: number } | undefined => {
  const lines = stderr.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line);
      if (typeof parsed.count === "number" && typeof parsed.ms === "number") return parsed;
    } catch {
      // not the report
    }
  }
  return undefined;
};

/** The figures of one good run, or why it failed. */
type RunOutcome = { wallMs: number; ms?: number; rssMb?: number } | string;

const runSteps = async (ctx: Context, v: Variant, limitSec: number): Promise<RunOutcome> => {
  let wallMs = 0;
  let ms: number | undefined;
  let rssMb: number | undefined;
  for (const step of v.steps) {
    const rssFile = `${ctx.tmp}/rss-${crypto.randomUUID()}.txt`;
    const done = await ctx.procs.run(v.label, step.argv, {
      cwd: ctx.root,
      env: childEnv(v.env),
      limitSec,
      stdout: typeof step.expect === "object" && "lines" in step.expect ? "count" : "null",
      rssFile,
    });
    await Deno.remove(rssFile).catch(() => {});
    const tail = done.stderrText.trim().split("\n").slice(-3).join(" / ").slice(0, 400);
    const what = step.name === undefined ? "" : `${step.name}: `;
    if (done.timedOut) return `${what}timed out after ${limitSec}s`;
    if (done.code !== 0) return `${what}exit ${done.code}: ${tail}`;
    wallMs += done.wallMs;
    if (done.maxRssKb !== undefined) rssMb = Math.max(rssMb ?? 0, done.maxRssKb / 1024);
    if (typeof step.expect === "object" && "lines" in step.expect) {
      if (done.stdoutLines !== step.expect.lines) {
        return `${what}wrote ${done.stdoutLines} lines, expected ${step.expect.lines}`;
      }
    } else if (typeof step.expect === "object") {
      const report = driverReport(done.stderrText);
      if (report === undefined) return `${what}no {"count","ms"} report on stderr: ${tail}`;
      if (report.count !== step.expect.report) {
        return `${what}listed ${report.count} items, expected ${step.expect.report}`;
      }
      ms = (ms ?? 0) + report.ms;
    }
  }
  if (v.verify !== undefined) {
    const found = await v.verify().catch((e) =>
      `cannot check: ${e instanceof Error ? e.message : e}`
    );
    if (typeof found === "string") return found;
    if (found.count !== found.expected) {
      return `found ${found.count} items, expected ${found.expected}`;
    }
    if (found.ms !== undefined) ms = found.ms;
  }
  return { wallMs, ms, rssMb };
};

/**
 * Runs a variant once and adds its figures to `into`; a run that fails any
 * check is recorded as a failure, not a figure.
 */
export const measureOnce = async (
  ctx: Context,
  v: Variant,
  into: Samples,
  limitSec: number,
): Promise<void> => {
  await v.prepare?.();
  const outcome = await runSteps(ctx, v, limitSec);
  if (typeof outcome === "string") {
    into.failures.push(outcome);
    return;
  }
  if (v.timing === "in-process" && outcome.ms === undefined) {
    into.failures.push("no in-process time");
    return;
  }
  into.wallMs.push(outcome.wallMs);
  if (outcome.ms !== undefined) into.inProcessMs.push(outcome.ms);
  if (outcome.rssMb !== undefined) into.rssMb.push(outcome.rssMb);
};

/**
 * Runs every available variant `runs` times, interleaved: round r runs each
 * once, in an order rotated by r, so that load from other work on the
 * machine falls on all of them alike.
 */
export const runVariants = async (
  ctx: Context,
  variants: ReadonlyArray<Variant>,
  runs: number,
  limitSec: number,
): Promise<Map<string, Samples>> => {
  const samples = new Map<string, Samples>();
  const live = variants.filter((v) => v.unavailable === undefined);
  for (const v of variants) samples.set(v.id, emptySamples());
  for (let round = 0; round < runs; round++) {
    const order = live.map((_, i) => live[(i + round) % live.length]);
    for (const v of order) {
      ctx.log(`  ${v.label} (run ${round + 1}/${runs})`);
      await measureOnce(ctx, v, samples.get(v.id)!, limitSec);
    }
  }
  return samples;
};

/** The command lines of a variant for the report, secrets and ports shown as placeholders. */
export const shownCommands = (v: Variant, origin: string, root: string): Array<string> => {
  const env = Object.keys(v.env).map((k) =>
    k === "MODE_BASE_URL" ? `${k}=http://127.0.0.1:<port>` : `${k}=$${k}`
  );
  return v.steps.map((step) =>
    [
      ...env,
      ...step.argv.map((a) =>
        a.replace(origin, "http://127.0.0.1:<port>").replace(`${root}/`, "").replace(
          /\/tmp\/mode-bench-[^/]+\//,
          "<tmp>/",
        )
      ),
    ].join(" ")
  );
};
