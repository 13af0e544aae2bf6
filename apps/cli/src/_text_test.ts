import assert from "node:assert/strict";
import { formatCount, plural } from "./_text.ts";

Deno.test("formatCount writes counts as Intl.NumberFormat en-US does, without Intl", async (t) => {
  const intl = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  await t.step("whole numbers around every grouping boundary", () => {
    for (
      const n of [0, 1, 9, 10, 99, 100, 999, 1000, 4146, 9999, 10_000, 99_999, 100_000, 999_999]
    ) {
      assert.equal(formatCount(n), intl.format(n), String(n));
    }
    for (let n = 1; n < 1e25; n *= 7) assert.equal(formatCount(n), intl.format(n), String(n));
    for (const n of [1e21, 1.5e22, 2 ** 53, 2 ** 53 + 2]) {
      assert.equal(formatCount(n), intl.format(n), String(n));
    }
  });
  await t.step("rates with fractions round half away from zero", () => {
    for (const n of [0.4, 0.5, 1.5, 2.5, 1234.5, 999.5, 999_999.6, 12.49]) {
      assert.equal(formatCount(n), intl.format(n), String(n));
    }
  });
  await t.step("negative, not-a-number and infinite values", () => {
    for (const n of [-1, -1234, -999_999.5, NaN, Infinity, -Infinity]) {
      assert.equal(formatCount(n), intl.format(n), String(n));
    }
  });
  await t.step("plural uses it", () => {
    assert.equal(plural(1, "page"), "1 page");
    assert.equal(plural(12_345, "page"), "12,345 pages");
  });
});
