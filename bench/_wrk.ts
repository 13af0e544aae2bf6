/**
 * Load generation with wrk: a fixed connection count on loopback for a
 * bounded duration, pages chosen by bench/wrk_pages.lua, results read from
 * the JSON line the script prints.
 *
 * @internal
 * @module
 */
import { childEnv, type Processes } from "./_proc.ts";

/** One wrk run. */
export interface WrkOptions {
  /** Server origin, `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly workspace: string;
  /** The resource's path segment (`spaces`, `reports`, ...). */
  readonly segment: string;
  readonly perPage: number;
  /** First page requested. */
  readonly firstPage: number;
  /** How many pages to cycle through (1: always the same page). */
  readonly pages: number;
  /** `Bearer ...` header value. */
  readonly authorization: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationSec: number;
}

/** What one wrk run measured. */
export interface WrkResult {
  readonly requestsPerSec: number;
  readonly requests: number;
  readonly bytesPerResponse: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Connect/read/write/timeouts plus non-2xx answers. */
  readonly errors: number;
}

/** The wrk command line (without the environment the Lua script reads). */
export const wrkArgv = (o: WrkOptions, script: string): Array<string> => [
  "wrk",
  `-t${o.threads}`,
  `-c${o.connections}`,
  `-d${o.durationSec}s`,
  "--timeout",
  "10s",
  "--latency",
  "-s",
  script,
  o.origin,
];

/** The environment the Lua script reads, with the authorization value shown as a variable. */
export const wrkEnvShown = (o: WrkOptions): string =>
  `BENCH_PATH=/batch/${o.workspace}/${o.segment} BENCH_PER_PAGE=${o.perPage} BENCH_FIRST_PAGE=${o.firstPage} BENCH_PAGES=${o.pages} BENCH_AUTH="Bearer $B64"`;

/** Runs wrk once; throws with wrk's output when it fails or prints no summary. */
export const runWrk = async (
  procs: Processes,
  cwd: string,
  script: string,
  o: WrkOptions,
): Promise<WrkResult> => {
  const done = await procs.run("wrk", wrkArgv(o, script), {
    cwd,
    env: childEnv({
      BENCH_PATH: `/batch/${encodeURIComponent(o.workspace)}/${o.segment}`,
      BENCH_PER_PAGE: String(o.perPage),
      BENCH_FIRST_PAGE: String(o.firstPage),
      BENCH_PAGES: String(o.pages),
      BENCH_AUTH: o.authorization,
    }),
    limitSec: o.durationSec + 20,
    stdout: "text",
  });
  const line = done.stdoutText.split("\n").find((l) => l.startsWith('{"requests"'));
  if (done.code !== 0 || line === undefined) {
    throw new Error(
      `wrk failed (exit ${done.code}): ${(done.stdoutText + done.stderrText).slice(-600)}`,
    );
  }
  const raw = JSON.parse(line) as {
    requests: number;
    duration_us: number;
    bytes: number;
    errors: Record<string, number>;
    latency_us: { p50: number; p90: number; p99: number; max: number };
  };
  const errors = Object.values(raw.errors).reduce((a, b) => a + b, 0);
  return {
    requestsPerSec: raw.requests / (raw.duration_us / 1e6),
    requests: raw.requests,
    bytesPerResponse: raw.requests === 0 ? 0 : raw.bytes / raw.requests,
    p50Ms: raw.latency_us.p50 / 1000,
    p90Ms: raw.latency_us.p90 / 1000,
    p99Ms: raw.latency_us.p99 / 1000,
    maxMs: raw.latency_us.max / 1000,
    errors,
  };
};
