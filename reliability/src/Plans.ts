/**
 * The sizes of every reliability run: `SHORT` for the tests that run with
 * `deno task test` (seconds), `FULL` for `deno task reliability` (minutes),
 * which writes RELIABILITY.md.
 *
 * @module
 */
import type { AdaptivePlan } from "./AdaptivePageSize.ts";
import type { BadInputPlan } from "./BadInput.ts";
import type { ChaosPlan } from "./Chaos.ts";
import type { ClientFuzzPlan } from "./ClientFuzz.ts";
import type { DriftPlan } from "./Drift.ts";
import type { DurabilityPlan } from "./Durability.ts";
import type { LoadPlan } from "./Load.ts";
import type { RateLimitPlan } from "./RateLimits.ts";
import type { ServerFuzzPlan } from "./ServerFuzz.ts";

/** Every plan of a run. */
export interface Plans {
  readonly chaos: ChaosPlan;
  readonly drift: DriftPlan;
  readonly clientFuzz: ClientFuzzPlan;
  readonly serverFuzz: ServerFuzzPlan;
  readonly load: LoadPlan;
  readonly durability: DurabilityPlan;
  readonly rateLimit: RateLimitPlan;
  readonly adaptive: AdaptivePlan;
  readonly badInput: BadInputPlan;
}

/**
 * The short version, run by `deno task test` (each `*_test.ts` under
 * reliability/src uses its part).
 */
export const SHORT: Plans = {
  chaos: {
    world: { collections: 2_000, reports: 600, queries: 1_000, charts: 1_000, members: 300 },
    perPage: 100,
    concurrency: 4,
    seeds: [1],
    resourceSeeds: [1],
    snapshotSeeds: [1],
    maxRetries: 8,
    allFaultsMaxRetries: 1,
  },
  drift: {
    collections: 1_000,
    perPage: 50,
    concurrency: 4,
    added: 30,
    addAfterPage: 2,
    removed: 40,
    removeAfterPage: 8,
  },
  clientFuzz: { inMemoryRuns: 300, httpRuns: 120, rawTcpRuns: 60, heavy: true, seed: 9 },
  serverFuzz: { inProcessRuns: 600, fetchRuns: 250, rawRuns: 250, seed: 17 },
  load: {
    collections: 5_000,
    perPage: 100,
    connections: 64,
    threads: 2,
    durationSec: 2,
    rateLimit: "40/10s",
    rateDurationSec: 2,
    otherTokens: 2,
    otherIntervalMs: 300,
  },
  durability: {
    oldCount: 2_000,
    newCount: 12_000,
    killAt: [0.5],
    writers: ["import", "mirror"],
    restartCheck: ["import"],
    rewrite: false,
    snapshot: { oldCollections: 300, newCollections: 2_000, kills: 3, seed: 7 },
  },
  rateLimit: {
    collections: 4_146,
    perPage: 500,
    concurrency: 4,
    rateLimit: "40/10s",
    requestsPerSecond: 4,
    // Fewer than 40 pages: no window of the limit fills up, so the test cannot flake on the
    // zero margin between the budget and the limit (see RELIABILITY.md, Findings).
    budgetedPerPage: 1_000,
    tolerance: 1.2,
  },
  adaptive: { collections: 300, members: 1_200, slowAbove: 250, maxRetries: 1 },
  badInput: { collections: 300, reports: 800, queries: 1_200, charts: 1_200, members: 60 },
};

/** The full version, run by `deno task reliability`. */
export const FULL: Plans = {
  chaos: {
    world: { collections: 20_000, reports: 6_000, queries: 10_000, charts: 10_000, members: 3_000 },
    perPage: 100,
    concurrency: 4,
    seeds: [1, 2, 3, 4, 5],
    resourceSeeds: [1, 2],
    snapshotSeeds: [1, 2],
    maxRetries: 8,
    allFaultsMaxRetries: 3,
  },
  drift: {
    collections: 20_000,
    perPage: 250,
    concurrency: 4,
    added: 300,
    addAfterPage: 3,
    removed: 400,
    removeAfterPage: 30,
  },
  clientFuzz: { inMemoryRuns: 10_000, httpRuns: 2_000, rawTcpRuns: 1_000, heavy: true, seed: 2026 },
  serverFuzz: { inProcessRuns: 10_000, fetchRuns: 3_000, rawRuns: 3_000, seed: 2026 },
  load: {
    collections: 20_000,
    perPage: 100,
    connections: 64,
    threads: 2,
    durationSec: 20,
    rateLimit: "40/10s",
    rateDurationSec: 12,
    otherTokens: 2,
    otherIntervalMs: 400,
  },
  durability: {
    oldCount: 20_000,
    newCount: 200_000,
    killAt: [0.05, 0.25, 0.5, 0.75, 0.95],
    writers: ["import", "mirror", "server seed"],
    restartCheck: ["import", "mirror", "server seed"],
    rewrite: true,
    snapshot: { oldCollections: 2_000, newCollections: 20_000, kills: 12, seed: 2026 },
  },
  rateLimit: {
    collections: 4_146,
    perPage: 100,
    concurrency: 4,
    rateLimit: "40/10s",
    requestsPerSecond: 4,
    tolerance: 1.2,
  },
  adaptive: { collections: 4_146, members: 2_500, slowAbove: 250, maxRetries: 5 },
  badInput: { collections: 4_146, reports: 4_146, queries: 8_292, charts: 8_292, members: 415 },
};
