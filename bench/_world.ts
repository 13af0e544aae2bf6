/**
 * The seeded workspaces of the benchmarks and the page arithmetic of their
 * goals: a workspace as `MODE_SEED` spells it, pages of a listing, the
 * round trips of a walk with N pages in flight, and the ideal time of a
 * snapshot under a fixed latency. Pure functions (tested in
 * `_world_test.ts`).
 *
 * @internal
 * @module
 */

/** The resources a seed gives an explicit count for (report stats follow the reports). */
export type SeedKey = "reports" | "queries" | "charts" | "members";

/** One seeded workspace: its name, its collections, and the counts given explicitly. */
export interface World {
  readonly workspace: string;
  /** How many collections (the count apps/edge's readiness check waits for). */
  readonly collections: number;
  /** Counts of the other resources; a resource left out follows the collections. */
  readonly counts?: Readonly<Partial<Record<SeedKey, number>>> | undefined;
}

const KEYS: ReadonlyArray<SeedKey> = ["reports", "queries", "charts", "members"];

/**
 * The world as `MODE_SEED` takes it, keys in a fixed order.
 *
 * @example
 * ```ts
 * seedText({ workspace: "bench", collections: 10, counts: { members: 0, reports: 0 } });
 * // => "bench:10:reports=0:members=0"
 * ```
 */
export const seedText = (w: World): string =>
  [
    `${w.workspace}:${w.collections}`,
    ...KEYS.filter((k) => w.counts?.[k] !== undefined).map((k) => `${k}=${w.counts![k]}`),
  ].join(":");

/** A workspace of `n` collections and nothing else (every other count 0). */
export const collectionsOnly = (workspace: string, n: number): World => ({
  workspace,
  collections: n,
  counts: { reports: 0, queries: 0, charts: 0, members: 0 },
});

/** A workspace with `n` of every resource (report stats: one per report). */
export const everyResource = (workspace: string, n: number): World => ({
  workspace,
  collections: n,
  counts: { reports: n, queries: n, charts: n, members: n },
});

/** Pages of a listing of `count` items at `perPage` (0 for an empty one). */
export const pagesOf = (count: number, perPage: number): number => Math.ceil(count / perPage);

/**
 * Round trips of one walk over `pages` pages with `concurrency` in flight:
 * page 1 alone (it tells the total), then the rest `concurrency` at a time.
 * An empty listing still costs its page 1.
 */
export const roundTrips = (pages: number, concurrency: number): number =>
  pages <= 1 ? 1 : 1 + Math.ceil((pages - 1) / Math.max(1, concurrency));

/**
 * The ideal time of reading `pages` pages when every answer takes
 * `latencyMs` and `concurrency` are in flight at once (issue 15: total pages
 * x 20 ms / 4).
 */
export const idealMs = (pages: number, latencyMs: number, concurrency: number): number =>
  pages * latencyMs / Math.max(1, concurrency);

/**
 * Pairs of pages for the cold deep-page reads: `(1 + i, last - i)` for
 * `i < k`, with `k` cut so that the two sides never share a page.
 *
 * @example
 * ```ts
 * coldPairs(10, 3); // => [[1, 10], [2, 9], [3, 8]]
 * coldPairs(3, 5); // => [[1, 3]]
 * ```
 */
export const coldPairs = (last: number, k: number): Array<[number, number]> =>
  Array.from({ length: Math.max(0, Math.min(k, Math.floor(last / 2))) }, (_, i) => [
    1 + i,
    last - i,
  ]);
