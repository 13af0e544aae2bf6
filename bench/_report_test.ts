import assert from "node:assert/strict";
import { byIssue, goalOf, renderTable, verdict } from "./_report.ts";

Deno.test("goalOf checks a finite figure and leaves a missing one unchecked", () => {
  assert.equal(goalOf("#14", "g", 1.1, (x) => x <= 1.25, "d").met, true);
  assert.equal(goalOf("#14", "g", 1.3, (x) => x <= 1.25, "d").met, false);
  const missing = goalOf("#14", "g", NaN, () => true, "d", "unavailable: no CLI");
  assert.equal(missing.met, undefined);
  assert.equal(missing.detail, "unavailable: no CLI");
  assert.equal(verdict(missing), "not checked");
});

Deno.test("byIssue puts the current issues first in order and earlier ones last", () => {
  const g = (issue: string, text: string) => ({ issue, text, met: true, detail: "" });
  const ordered = byIssue([
    g("#14", "a"),
    g("#8", "b"),
    g("#13", "c"),
    g("#14", "d"),
    g("#15", "e"),
  ]);
  assert.deepEqual(ordered.map((x) => x.text), ["c", "a", "d", "e", "b"]);
});

Deno.test("renderTable escapes pipes and newlines in cells", () => {
  assert.equal(
    renderTable({ header: ["a"], rows: [["x|y\nz"]] }),
    "| a |\n| --- |\n| x\\|y z |",
  );
});
