import assert from "node:assert/strict";
import { resources } from "@mode-discovery/core";
import { runBadInput } from "./BadInput.ts";
import { SHORT } from "./Plans.ts";

Deno.test("bad input (short): wrong kind of object, duplicated keys, total_count to 0, smaller pages, an orphan report stat, end to end", async () => {
  const result = await runBadInput(SHORT.badInput);
  assert.equal(result.wrongKind.length, resources.length * (resources.length - 1));
  assert.ok(result.wrongKind.some((c) => c.result === "refused"));
  assert.ok(result.checks.length >= 9);
});
