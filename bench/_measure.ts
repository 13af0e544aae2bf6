/**
 * Running one measured command: wall time, peak RSS (`/usr/bin/time -v`),
 * the in-process listing time a driver reports on stderr, and a check that
 * the listing really produced every collection.
 *
 * @internal
 * @module
 */
import type { Context } from "./_context.ts";
import { childEnv } from "./_proc.ts";

/** A command measured by the listing and memory benchmarks. */
export interface Variant {
  readonly id: string;
  readonly label: string;
  readonly argv: ReadonlyArray<string>;
  /** Extra environment (credentials, base URL). */
  readonly env: Record<string, string>;
  /** Which figure its ratio uses: the driver's own listing time, or the process's wall time. */
  readonly timing: "in-process" | "wall";
  /** Whether collections come out on stdout as ndjson (counted as lines). */
  readonly ndjson: boolean;
  /** Why it cannot run, if it cannot. */
  readonly unavailable?: string | undefined;
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

const driverReport = (stderr: string): { count: number; ms: number } | undefined => {
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

/**
 * Runs a variant once and adds its figures to `into`; a run that fails or
 * lists the wrong number of collections is recorded as a failure, not a
 * figure.
 */
export const measureOnce = async (
  ctx: Context,
  v: Variant,
  expected: number,
  into: Samples,
  limitSec: number,
): Promise<void> => {
  const rssFile = `${ctx.tmp}/rss-${crypto.randomUUID()}.txt`;
  const done = await ctx.procs.run(v.label, v.argv, {
    cwd: ctx.root,
    env: childEnv(v.env),
    limitSec,
    stdout: v.ndjson ? "count" : "null",
    rssFile,
  });
  await Deno.remove(rssFile).catch(() => {});
  const tail = done.stderrText.trim().split("\n").slice(-3).join(" / ").slice(0, 400);
  if (done.timedOut) {
    into.failures.push(`timed out after ${limitSec}s`);
    return;
  }
  if (done.code !== 0) {
    into.failures.push(`exit ${done.code}: ${tail}`);
    return;
  }
  const report = driverReport(done.stderrText);
  if (v.timing === "in-process" && report === undefined) {
    into.failures.push(`no {"count","ms"} report on stderr: ${tail}`);
    return;
  }
  const count = v.ndjson ? done.stdoutLines : report?.count;
  if (count !== expected) {
    into.failures.push(`listed ${count} collections, expected ${expected}`);
    return;
  }
  into.wallMs.push(done.wallMs);
  if (report !== undefined) into.inProcessMs.push(report.ms);
  if (done.maxRssKb !== undefined) into.rssMb.push(done.maxRssKb / 1024);
};

/** The command line of a variant for the report, secrets and ports shown as placeholders. */
export const shownCommand = (v: Variant, origin: string, root: string): string => {
  const env = Object.keys(v.env).map((k) =>
    k === "MODE_BASE_URL" ? `${k}=http://127.0.0.1:<port>` : `${k}=$${k}`
  );
  const argv = v.argv.map((a) =>
    a.replace(origin, "http://127.0.0.1:<port>").replace(`${root}/`, "")
  );
  return [...env, ...argv].join(" ");
};
