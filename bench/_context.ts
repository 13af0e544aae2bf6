/**
 * What every benchmark gets from the runner: mode, repetitions, sizes, the
 * process registry, a scratch directory and the credentials of this run.
 *
 * @internal
 * @module
 */
import type { Processes } from "./_proc.ts";
import type { Creds } from "./_servers.ts";

/** Sizes and repetitions of a run (`--quick` shrinks them). */
export interface Plan {
  readonly quick: boolean;
  /** Repetitions of each latency, snapshot and memory measurement. */
  readonly runs: number;
  /**
   * Repetitions of each listing variant: more than `runs`, as the listings
   * are short (a few hundred ms) and their spread on a small shared machine
   * is wide, so that the medians, and the ratios of them, settle.
   */
  readonly listingRuns: number;
  /** Repetitions of each wrk measurement of the throughput benchmark. */
  readonly wrkRuns: number;
  readonly wrkSeconds: number;
  readonly wrkWarmupSeconds: number;
  readonly wrkConnections: number;
  /** Repetitions and seconds of each hot deep-page wrk run (12 or more configurations). */
  readonly deepWrkRuns: number;
  readonly deepWrkSeconds: number;
  /**
   * Items of every resource of the listing workspace (issue 14: listings of
   * 100,000 collections and queries; issue 13: throughput and deep pages of
   * every resource).
   */
  readonly listCount: number;
  /** Collections of the big workspace (issue 14: 1,000,000). */
  readonly bigCount: number;
  /** Repetitions of the big memory run. */
  readonly bigRuns: number;
  /** Pairs of cold page reads per resource in the deep-page benchmark. */
  readonly coldPairs: number;
  /** Collections of the snapshot workspace (issue 15: `acme:4146`, all six resources). */
  readonly snapshotCount: number;
  /** Longest wait for a seeded server, seconds. */
  readonly seedSec: number;
}

/** The plan of a full run. */
export const FULL: Plan = {
  quick: false,
  runs: 5,
  listingRuns: 15,
  wrkRuns: 5,
  wrkSeconds: 4,
  wrkWarmupSeconds: 2,
  wrkConnections: 16,
  deepWrkRuns: 3,
  deepWrkSeconds: 3,
  listCount: 100_000,
  bigCount: 1_000_000,
  bigRuns: 3,
  coldPairs: 20,
  snapshotCount: 4146,
  seedSec: 300,
};

/** The plan of `--quick`: a smoke run of every code path on small data. */
export const QUICK: Plan = {
  quick: true,
  runs: 1,
  listingRuns: 1,
  wrkRuns: 1,
  wrkSeconds: 1,
  wrkWarmupSeconds: 0,
  wrkConnections: 16,
  deepWrkRuns: 1,
  deepWrkSeconds: 1,
  listCount: 10_000,
  bigCount: 50_000,
  bigRuns: 1,
  coldPairs: 3,
  snapshotCount: 4146,
  seedSec: 60,
};

/** The runner's context. */
export interface Context {
  readonly plan: Plan;
  /** Repository root (the cwd of every child). */
  readonly root: string;
  /** Scratch directory of this run (removed at the end). */
  readonly tmp: string;
  readonly procs: Processes;
  readonly creds: Creds;
  /** Progress line on stderr. */
  readonly log: (message: string) => void;
}
