import assert from "node:assert/strict";
import {
  coldPairs,
  collectionsOnly,
  everyResource,
  idealMs,
  pagesOf,
  roundTrips,
  seedText,
} from "./_world.ts";

Deno.test("seedText spells MODE_SEED with the keys in a fixed order", () => {
  assert.equal(seedText({ workspace: "acme", collections: 4146 }), "acme:4146");
  assert.equal(
    seedText({ workspace: "b", collections: 5, counts: { members: 1, queries: 2, reports: 3 } }),
    "b:5:reports=3:queries=2:members=1",
  );
  assert.equal(
    seedText(collectionsOnly("bench", 100)),
    "bench:100:reports=0:queries=0:charts=0:members=0",
  );
  assert.equal(
    seedText(everyResource("w", 7)),
    "w:7:reports=7:queries=7:charts=7:members=7",
  );
});

Deno.test("pagesOf rounds up and is 0 for nothing", () => {
  assert.equal(pagesOf(100_000, 1000), 100);
  assert.equal(pagesOf(4146, 1000), 5);
  assert.equal(pagesOf(0, 1000), 0);
});

Deno.test("roundTrips: page 1 alone, then the rest N at a time", () => {
  assert.equal(roundTrips(100, 1), 100);
  assert.equal(roundTrips(100, 4), 26);
  assert.equal(roundTrips(5, 4), 2);
  assert.equal(roundTrips(1, 4), 1);
  assert.equal(roundTrips(0, 4), 1);
});

Deno.test("idealMs is pages x latency / concurrency", () => {
  assert.equal(idealMs(34, 20, 4), 170);
  assert.equal(idealMs(10, 20, 1), 200);
  assert.equal(idealMs(10, 20, 0), 200);
});

Deno.test("coldPairs never lets the two sides meet", () => {
  assert.deepEqual(coldPairs(10, 3), [[1, 10], [2, 9], [3, 8]]);
  assert.deepEqual(coldPairs(3, 5), [[1, 3]]);
  assert.deepEqual(coldPairs(1, 5), []);
  const pairs = coldPairs(88, 20);
  assert.equal(pairs.length, 20);
  assert.ok(pairs.every(([a, b]) => a < b));
  assert.ok(Math.max(...pairs.map(([a]) => a)) < Math.min(...pairs.map(([, b]) => b)));
});
