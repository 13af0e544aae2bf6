import assert from "node:assert/strict";
import type { ListProgress } from "@mode-discovery/core";
import { makeProgressDisplay, renderProgress } from "./Progress.ts";

const progress = (over: Partial<ListProgress> = {}): ListProgress => ({
  pagesFetched: 2,
  totalPages: 5,
  totalCount: 4146,
  itemsEmitted: 2000,
  retries: 0,
  elapsedMs: 500,
  ...over,
});

Deno.test("the progress line: pages of total, collections, rate, ETA", () => {
  assert.equal(
    renderProgress("demo", progress()),
    "demo: page 2/5 · 2,000/4,146 collections · 4,000/s · ETA 537 ms",
  );
  assert.equal(
    renderProgress("demo", progress({ totalPages: undefined, totalCount: undefined, retries: 2 })),
    "demo: page 2 · 2,000 collections · 4,000/s · 2 retries",
  );
  assert.equal(
    renderProgress("demo", progress({ pagesFetched: 0, itemsEmitted: 0, elapsedMs: 0 })),
    "demo: page 0/5 · 0/4,146 collections",
  );
});

Deno.test("the display redraws in place, throttled, always drawing the last page", () => {
  const writes: Array<string> = [];
  let now = 0;
  const display = makeProgressDisplay(
    { isTerminal: true, write: () => Promise.resolve(), writeSync: (t) => void writes.push(t) },
    { workspace: "demo", color: false, intervalMs: 100, now: () => now },
  );
  display.update(progress({ pagesFetched: 1 }));
  now = 50;
  display.update(progress({ pagesFetched: 2 })); // too soon: skipped
  now = 60;
  display.update(progress({ pagesFetched: 5, itemsEmitted: 4146 })); // last page: drawn
  display.clear();
  display.clear(); // nothing left to clear
  assert.equal(writes.length, 3);
  assert.ok(writes[0].startsWith("\r\x1b[2Kdemo: page 1/5"));
  assert.ok(writes[1].startsWith("\r\x1b[2Kdemo: page 5/5"));
  assert.equal(writes[2], "\r\x1b[2K");
});
