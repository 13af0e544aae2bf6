/**
 * Listing with full decoding (issue 14): our client (Deno) against the raw
 * `fetch` + `JSON.parse` loop at the same concurrency, for collections and
 * for queries; the CLI to NDJSON (whole process) against the raw loop
 * writing NDJSON; our npm client (Node 20) against the raw Node loop. Every
 * program runs under Deno's (or Node's) default flags; runs are interleaved.
 *
 * @internal
 * @module
 */
import { collections, queries } from "@mode-discovery/core/Resources";
import {
  cliEnv,
  cliFloorList,
  cliList,
  cliMissing,
  driverEnv,
  floorList,
  type ListingSpec,
  nodeList,
  ourList,
  rawList,
  shownServer,
} from "./_commands.ts";
import type { Context } from "./_context.ts";
import type { Totals } from "./_dump.ts";
import { runVariants, type Samples, shownCommands, type Variant } from "./_measure.ts";
import { npmEntry } from "./_npm.ts";
import { type Goal, goalOf, num, runsText, type Section, times } from "./_report.ts";
import type { Server } from "./_servers.ts";
import { type Entry, medianOf, rawVariants, variantTable, whyMissing } from "./_variantTable.ts";
import { ratio } from "./stats.ts";

/** Pages in flight of the concurrent variants (the client's and the CLI's default). */
export const CONCURRENCY = 4;

/** The collections of `totals` (default view). */
const collectionsOf = (totals: ReadonlyMap<string, Totals>): number =>
  totals.get(collections.segment)?.count ?? NaN;

/** The id of the raw loop to NDJSON through one reused buffer, `concurrency` in flight. */
export const reuseBufferId = (concurrency: number): string =>
  `raw-ndjson-reuse-buffer-${concurrency}`;

/**
 * The raw loop and the CLI streaming the workspace's collections to NDJSON
 * on stdout, 4 in flight, and the raw loop through one reused output
 * buffer, 4 and 1 in flight (the memory benchmark runs them too).
 */
export const ndjsonEntries = async (
  ctx: Context,
  server: Server,
  count: number,
): Promise<Array<Entry>> => {
  const spec: ListingSpec = { resource: collections, concurrency: CONCURRENCY };
  return [
    {
      variant: {
        id: "raw-ndjson",
        label: `raw loop to NDJSON, collections, ${CONCURRENCY} in flight (Deno)`,
        steps: [{ argv: rawList(server, spec, true), expect: { lines: count } }],
        env: driverEnv(ctx),
        timing: "wall",
      },
    },
    ...([CONCURRENCY, 1] as const).map((concurrency): Entry => ({
      variant: {
        id: reuseBufferId(concurrency),
        label:
          `raw loop to NDJSON with one reused output buffer, collections, ${concurrency} in flight (Deno)`,
        steps: [{
          argv: rawList(server, { ...spec, concurrency }, "reuse-buffer"),
          expect: { lines: count },
        }],
        env: driverEnv(ctx),
        timing: "wall",
      },
      baseline: "raw-ndjson",
    })),
    {
      variant: {
        id: "cli-floor-ndjson",
        label:
          `effect/cli floor to NDJSON (a minimal effect/cli program running the raw loop), collections, ${CONCURRENCY} in flight`,
        steps: [{ argv: cliFloorList(server, spec), expect: { lines: count } }],
        env: driverEnv(ctx),
        timing: "wall",
      },
      baseline: "raw-ndjson",
    },
    {
      variant: {
        id: "cli-ndjson",
        label: `our CLI to NDJSON, collections, ${CONCURRENCY} in flight`,
        steps: [{ argv: cliList(server, spec), expect: { lines: count } }],
        env: cliEnv(ctx, server),
        timing: "wall",
        unavailable: await cliMissing(ctx.root),
      },
      baseline: "raw-ndjson",
    },
  ];
};

const clientEntries = (
  ctx: Context,
  server: Server,
  spec: ListingSpec,
  expected: number,
): Array<Entry> => {
  const what = spec.includeAll === true
    ? `${spec.resource.plural} (include_spaces=all)`
    : spec.resource.plural;
  const raw = `raw-${spec.resource.name}`;
  const v = (id: string, label: string, argv: Array<string>): Variant => ({
    id,
    label,
    steps: [{ argv, expect: { report: expected } }],
    env: driverEnv(ctx),
    timing: "in-process",
  });
  return [
    {
      variant: v(
        raw,
        `raw loop, ${what}, ${spec.concurrency} in flight (Deno)`,
        rawList(server, spec),
      ),
    },
    {
      variant: v(
        `floor-${spec.resource.name}`,
        `effect floor (HttpClient + Stream.mapEffect + JSON.parse, no decoding), ${what}, ${spec.concurrency} in flight (Deno)`,
        floorList(server, spec),
      ),
      baseline: raw,
    },
    {
      variant: v(
        `floor-fetch-stream-${spec.resource.name}`,
        `effect floor with the global fetch and Stream.mapEffect (no HttpClient, pages in order, no decoding), ${what}, ${spec.concurrency} in flight (Deno)`,
        floorList(server, spec, "fetch-stream"),
      ),
      baseline: raw,
    },
    {
      variant: v(
        `floor-fetch-${spec.resource.name}`,
        `effect floor with the global fetch and Effect.forEach (no HttpClient, no Stream, pages consumed as they come, not in order), ${what}, ${spec.concurrency} in flight (Deno)`,
        floorList(server, spec, "fetch"),
      ),
      baseline: raw,
    },
    {
      variant: v(
        `ours-${spec.resource.name}`,
        `our client, ${what}, ${spec.concurrency} in flight (Deno)`,
        ourList(server, spec),
      ),
      baseline: raw,
    },
    {
      variant: v(
        `ours-http-${spec.resource.name}`,
        `our client through effect's HttpClient (FetchHttpClient.layer), ${what}, ${spec.concurrency} in flight (Deno)`,
        ourList(server, spec, "http-client"),
      ),
      baseline: `ours-${spec.resource.name}`,
    },
  ];
};

const npmEntries = async (ctx: Context, server: Server, count: number): Promise<Array<Entry>> => {
  const npm = await npmEntry(ctx.root);
  const missing = "unavailable" in npm ? npm.unavailable : undefined;
  const entryArgs = "entry" in npm ? ["--entry", npm.entry] : [];
  const v = (id: string, label: string, argv: Array<string>, unavailable?: string): Variant => ({
    id,
    label,
    steps: [{ argv, expect: { report: count } }],
    env: driverEnv(ctx),
    timing: "in-process",
    unavailable,
  });
  return [
    {
      variant: v(
        "node-raw-seq",
        "raw loop, collections, sequential (Node)",
        nodeList(server, "bench/node/raw_list.mjs", 1),
      ),
      baseline: "node-raw-c4",
    },
    {
      variant: v(
        "node-raw-c4",
        `raw loop, collections, ${CONCURRENCY} in flight (Node)`,
        nodeList(server, "bench/node/raw_list.mjs", CONCURRENCY),
      ),
    },
    {
      variant: v(
        "npm-seq",
        "our npm client, collections, sequential (Node)",
        nodeList(server, "bench/node/npm_list.mjs", 1, entryArgs),
        missing,
      ),
      baseline: "node-raw-seq",
    },
    {
      variant: v(
        "npm-c4",
        `our npm client, collections, ${CONCURRENCY} in flight (Node)`,
        nodeList(server, "bench/node/npm_list.mjs", CONCURRENCY, entryArgs),
        missing,
      ),
      baseline: "node-raw-c4",
    },
  ];
};

/** What the listing benchmark measured, and the samples the memory benchmark reuses. */
export interface ListingOutcome {
  readonly section: Section;
  /** Samples of every variant, by id (`cli-ndjson` and `raw-ndjson` among them). */
  readonly samples: ReadonlyMap<string, Samples>;
}

/** The listing benchmark against apps/edge `server` whose totals are `totals`. */
export const listingBenchmark = async (
  ctx: Context,
  server: Server,
  totals: ReadonlyMap<string, Totals>,
): Promise<ListingOutcome> => {
  const nCollections = collectionsOf(totals);
  const nQueries = totals.get(queries.segment)?.all ?? NaN;
  const entries: Array<Entry> = [
    ...clientEntries(
      ctx,
      server,
      { resource: collections, concurrency: CONCURRENCY },
      nCollections,
    ),
    ...clientEntries(
      ctx,
      server,
      { resource: queries, concurrency: CONCURRENCY, includeAll: true },
      nQueries,
    ),
    ...(await ndjsonEntries(ctx, server, nCollections)),
    ...(await npmEntries(ctx, server, nCollections)),
  ];
  ctx.log(`listing ${nCollections} collections and ${nQueries} queries`);
  const samples = await runVariants(
    ctx,
    entries.map((e) => e.variant),
    ctx.plan.listingRuns,
    ctx.plan.quick ? 60 : 120,
  );
  const within = (
    issue: string,
    ours: string,
    raw: string,
    label: string,
    timing: "in-process" | "wall",
    limit: number,
  ): Goal => {
    const a = medianOf(samples, ours, timing);
    const b = medianOf(samples, raw, timing);
    const r = ratio(a, b);
    return goalOf(
      issue,
      `${label} within ${limit}x of the raw loop`,
      r,
      (x) => x <= limit,
      `${times(r)} (${num(a, 0)} ms vs ${num(b, 0)} ms, ${timing})`,
      whyMissing(entries, samples, ours) ?? whyMissing(entries, samples, raw),
    );
  };
  const n = (x: number) => x.toLocaleString("en-US");
  const goals = [
    within(
      "#14",
      "ours-collections",
      "raw-collections",
      `Our client listing ${n(nCollections)} collections (${CONCURRENCY} in flight, in-process)`,
      "in-process",
      1.25,
    ),
    within(
      "#14",
      "ours-queries",
      "raw-queries",
      `Our client listing ${n(nQueries)} queries (${CONCURRENCY} in flight, in-process)`,
      "in-process",
      1.25,
    ),
    within(
      "#14",
      "cli-ndjson",
      "raw-ndjson",
      `The CLI to NDJSON, ${n(nCollections)} collections, whole process,`,
      "wall",
      1.5,
    ),
    within(
      "#8",
      "npm-c4",
      "node-raw-c4",
      `Our npm client (Node) listing ${n(nCollections)} collections (${CONCURRENCY} in flight)`,
      "in-process",
      1.25,
    ),
  ];
  return {
    section: {
      key: "listing",
      title: `Listing ${n(nCollections)} items with full decoding`,
      intro: `Each program lists a whole resource from apps/edge (file-backed KV, seeded with ${
        n(nCollections)
      } of every resource) at per_page 1000 and touches every item (count and sum of its key); the queries are listed with include_spaces=all, so that all ${
        n(nQueries)
      } of them come back. A run is checked: exit 0, and exactly the expected number of items reported (drivers) or NDJSON lines written (CLI, raw loop to NDJSON); a wrong count is a failed run. "In-process" is the listing time the program measures itself (start-up excluded); "wall" is the whole process, start-up included, the figure for the CLI. Our clients decode every page with core's Schema; the raw loops only JSON.parse. Every program runs with its runtime's default flags (no V8 setting). ${
        runsText(ctx.plan.listingRuns)
      } each, interleaved.`,
      goals,
      tables: [variantTable(`Listing from apps/edge, per_page 1000:`, entries, samples)],
      commands: [
        shownServer(server),
        ...entries.flatMap((e) => shownCommands(e.variant, server.origin, ctx.root)),
      ],
      notes: ["collections", "queries"].map((name) => {
        const toRaw = (id: string) =>
          times(ratio(
            medianOf(samples, id, "in-process"),
            medianOf(samples, `raw-${name}`, "in-process"),
          ));
        return `The effect floors for ${name} (bench/effect_floor_list.ts: the raw loop from effect's pieces, no decoding, no retries, no checks): from effect's HttpClient and Stream.mapEffect, ${
          toRaw(`floor-${name}`)
        } the raw loop; with the global fetch and Stream.mapEffect (pages in order, as our client takes them), ${
          toRaw(`floor-fetch-stream-${name}`)
        }; with the global fetch and Effect.forEach (pages as they come), ${
          toRaw(`floor-fetch-${name}`)
        }. Our client (its own fetch transport, pages in order, every item decoded) is ${
          times(ratio(
            medianOf(samples, `ours-${name}`, "in-process"),
            medianOf(samples, `floor-fetch-stream-${name}`, "in-process"),
          ))
        } the fetch and Stream.mapEffect floor; through effect's HttpClient instead of its own fetch transport, ${
          times(ratio(
            medianOf(samples, `ours-http-${name}`, "in-process"),
            medianOf(samples, `ours-${name}`, "in-process"),
          ))
        } as long.`;
      }).concat([
        `The effect/cli floor to NDJSON (bench/cli_floor.ts: a minimal effect/cli program whose one subcommand runs the raw loop, nothing of ours, loaded module by module): ${
          times(ratio(
            medianOf(samples, "cli-floor-ndjson", "wall"),
            medianOf(samples, "raw-ndjson", "wall"),
          ))
        } the raw loop (wall), before any CLI work; our CLI is ${
          times(ratio(
            medianOf(samples, "cli-ndjson", "wall"),
            medianOf(samples, "cli-floor-ndjson", "wall"),
          ))
        } the floor. Our CLI runs from its cached, code-split bundle (apps/cli/.bundle, built before the timed runs), so it can start faster than the floor, which loads effect's modules one by one.`,
      ]),
      raw: {
        counts: { collections: nCollections, queries: nQueries },
        variants: rawVariants(entries, samples),
      },
    },
    samples,
  };
};
