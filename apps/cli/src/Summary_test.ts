import assert from "node:assert/strict";
import { type ListSummary, queries, reportStats } from "@mode-discovery/core";
import { driftWarning, summaryLine } from "./Summary.ts";

const summary = (over: Partial<ListSummary> = {}): ListSummary => ({
  pagesFetched: 5,
  itemsEmitted: 4146,
  duplicatesDropped: 0,
  totalsDrifted: false,
  initialTotalCount: 4146,
  finalTotalCount: 4146,
  retries: 0,
  pageSizeShrinks: 0,
  finalPerPage: 1000,
  stoppedBecause: "last-page",
  elapsedMs: 312,
  ...over,
});

Deno.test("the summary names collections, pages, retries and time", () => {
  assert.equal(
    summaryLine(summary(), { rows: 4146 }),
    "4,146 collections in 5 pages, 0 retries, 312 ms.",
  );
  assert.equal(
    summaryLine(summary({ pagesFetched: 1, itemsEmitted: 1, retries: 1, elapsedMs: 2500 }), {
      rows: 1,
      output: "one.csv",
    }),
    "1 collection in 1 page, 1 retry, 2.50 s, written to one.csv.",
  );
  assert.equal(
    summaryLine(summary({ pagesFetched: 1, itemsEmitted: 1000, duplicatesDropped: 2 }), {
      rows: 10,
    }),
    "10 collections written (of 1,000 read in 1 page, 0 retries, 312 ms) (2 duplicates dropped).",
  );
});

Deno.test("the drift warning appears only when the totals changed", () => {
  assert.equal(driftWarning(summary()), undefined);
  const warning = driftWarning(summary({ totalsDrifted: true, finalTotalCount: 4150 }));
  assert.ok(
    warning?.startsWith("the workspace changed during the listing (total_count 4,146 -> 4,150)"),
  );
  assert.ok(warning?.includes("Run again"));
});

Deno.test("the summary and the drift warning name the resource listed, and say when pages shrank", () => {
  assert.equal(
    summaryLine(summary({ itemsEmitted: 1 }), { rows: 1 }, queries),
    "1 query in 5 pages, 0 retries, 312 ms.",
  );
  assert.equal(
    summaryLine(summary({ pageSizeShrinks: 2, finalPerPage: 250 }), { rows: 4146 }, reportStats),
    "4,146 report stats in 5 pages, 0 retries, 312 ms (2 pages split into smaller ones, down to 250).",
  );
  assert.match(
    driftWarning(summary({ totalsDrifted: true }), queries) ?? "",
    /queries added or removed meanwhile/,
  );
});
