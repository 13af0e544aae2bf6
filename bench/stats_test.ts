import assert from "node:assert/strict";
import { median, ratio, spread, summarize } from "./stats.ts";

Deno.test("median", async (t) => {
  await t.step("odd count takes the middle sample, whatever the order", () => {
    assert.equal(median([5, 1, 3]), 3);
  });
  await t.step("even count takes the mean of the two middle samples", () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
  await t.step("does not reorder the caller's array", () => {
    const xs = [3, 1, 2];
    median(xs);
    assert.deepEqual(xs, [3, 1, 2]);
  });
  await t.step("ignores failed runs (NaN) and is NaN with no samples", () => {
    assert.equal(median([NaN, 10, 20, NaN]), 15);
    assert.ok(Number.isNaN(median([])));
  });
});

Deno.test("spread is (max - min) / median", () => {
  assert.equal(spread([90, 100, 110]), 0.2);
  assert.equal(spread([42]), 0);
  assert.ok(Number.isNaN(spread([])));
  assert.ok(Number.isNaN(spread([0, 0, 0])));
});

Deno.test("summarize counts only finite samples", () => {
  assert.deepEqual(summarize([120, NaN, 100, 110]), {
    n: 3,
    median: 110,
    min: 100,
    max: 120,
    spread: 20 / 110,
  });
  const empty = summarize([]);
  assert.equal(empty.n, 0);
  assert.ok(Number.isNaN(empty.median) && Number.isNaN(empty.min) && Number.isNaN(empty.max));
});

Deno.test("ratio guards against missing figures", () => {
  assert.equal(ratio(150, 100), 1.5);
  assert.ok(Number.isNaN(ratio(1, 0)));
  assert.ok(Number.isNaN(ratio(NaN, 1)));
  assert.ok(Number.isNaN(ratio(1, Infinity)));
});
