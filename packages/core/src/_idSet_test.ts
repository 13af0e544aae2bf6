import assert from "node:assert/strict";
import fc from "fast-check";
import { IdSet } from "./_idSet.ts";

Deno.test("IdSet: behaves as a Set of numbers, whatever the order", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -50, max: 5000 }), fc.integer()), { maxLength: 3000 }),
      (values) => {
        const ids = new IdSet();
        const model = new Set<number>();
        for (const value of values) {
          assert.equal(ids.add(value), !model.has(value));
          model.add(value);
        }
        assert.equal(ids.size, model.size);
        for (const value of values) assert.ok(ids.has(value));
        for (let probe = -60; probe < 60; probe++) assert.equal(ids.has(probe), model.has(probe));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("IdSet: an ascending run (the API's order) with drift duplicates", () => {
  const ids = new IdSet();
  for (let id = 1; id <= 5000; id++) assert.equal(ids.add(id * 3), true);
  assert.equal(ids.add(3 * 2500), false, "a duplicate from a shifted page");
  assert.equal(ids.add(3 * 2500 + 1), true, "a new id below the highest");
  assert.equal(ids.add(3 * 2500 + 1), false);
  assert.equal(ids.size, 5001);
});

Deno.test("IdSet.addAscending adds the ascending run at the start and stops at the first id not above", () => {
  const ids = new IdSet();
  ids.add(5);
  assert.equal(ids.addAscending([6, 7, 9, 8, 10, 3]), 3);
  assert.equal(ids.size, 4);
  for (const id of [5, 6, 7, 9]) assert.equal(ids.has(id), true);
  assert.equal(ids.has(8), false);
  assert.equal(ids.add(8), true);
  assert.equal(ids.add(9), false);
  assert.equal(ids.addAscending([9, 11]), 0);
  const many = Float64Array.from({ length: 5000 }, (_, i) => 100 + i);
  assert.equal(ids.addAscending(many), 5000);
  assert.equal(ids.has(5099), true);
  assert.equal(ids.add(2000), false);
});

Deno.test("IdSet: runs longer than one chunk, looked up at and around every chunk's edges", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 20_000, maxLength: 30_000 }),
      fc.array(fc.integer({ min: 0, max: 120_000 }), { maxLength: 300 }),
      (gaps, strays) => {
        const ids = new IdSet();
        const model = new Set<number>();
        let id = 0;
        const run: Array<number> = [];
        for (const gap of gaps) run.push(id += gap);
        // Half of the run in one call, the rest an id at a time.
        const half = run.slice(0, run.length >> 1);
        assert.equal(ids.addAscending(half), half.length);
        for (const value of half) model.add(value);
        for (const value of run.slice(half.length)) {
          assert.equal(ids.add(value), true);
          model.add(value);
        }
        for (const value of strays) {
          assert.equal(ids.add(value), !model.has(value));
          model.add(value);
        }
        assert.equal(ids.size, model.size);
        for (let probe = -1; probe <= id + 2; probe++) {
          if (ids.has(probe) !== model.has(probe)) assert.fail(`has(${probe})`);
        }
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("IdSet: blocks of many ids (bitmaps) and of few (lists), added in any order", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          // Dense: one block fills past 4096 ids and turns into a bitmap.
          fc.integer({ min: 65_536, max: 65_536 + 9_000 }),
          // Sparse: ids far apart, one or two per block.
          fc.integer({ min: 0, max: 2 ** 40 }),
          // Near the top of the safe range, and ids kept outside the blocks.
          fc.integer({ min: Number.MAX_SAFE_INTEGER - 70_000, max: Number.MAX_SAFE_INTEGER }),
          fc.constantFrom(-1, -65_536, 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER + 2),
        ),
        { minLength: 5_000, maxLength: 12_000 },
      ),
      (values) => {
        const ids = new IdSet();
        const model = new Set<number>();
        for (const value of values) {
          if (ids.add(value) !== !model.has(value)) assert.fail(`add(${value})`);
          model.add(value);
        }
        assert.equal(ids.size, model.size);
        for (const value of values) if (!ids.has(value)) assert.fail(`has(${value})`);
        for (let probe = 65_530; probe < 65_536 + 9_010; probe++) {
          if (ids.has(probe) !== model.has(probe)) assert.fail(`has(${probe})`);
        }
        assert.equal(ids.has(Number.MAX_SAFE_INTEGER - 70_001), false);
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("IdSet.addAscending across blocks: a million dense ids, then a duplicate and a gap filled", () => {
  const ids = new IdSet();
  const page = new Float64Array(1000);
  for (let start = 1; start <= 1_000_000; start += 1000) {
    for (let i = 0; i < 1000; i++) page[i] = start + i;
    assert.equal(ids.addAscending(page), 1000);
  }
  assert.equal(ids.size, 1_000_000);
  assert.equal(ids.add(65_536), false);
  assert.equal(ids.add(999_999), false);
  assert.equal(ids.add(0), true);
  assert.equal(ids.has(1_000_001), false);
  assert.equal(ids.addAscending([1_000_001, 3_000_000, 2_000_000]), 2);
  assert.equal(ids.add(2_000_000), true);
  assert.equal(ids.has(2_999_999), false);
  assert.equal(ids.size, 1_000_004);
});
