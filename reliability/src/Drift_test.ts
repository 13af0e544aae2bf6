import assert from "node:assert/strict";
import { runDrift } from "./Drift.ts";
import { SHORT } from "./Plans.ts";

Deno.test("drift (short): collections added and removed between page requests: no duplicate, a warning, an exact re-run", async () => {
  const result = await runDrift(SHORT.drift);
  assert.equal(result.exitCode, 0);
  assert.match(result.warning, /changed during the listing/);
  assert.ok(result.rerun.exact);
  assert.equal(result.rerun.rows, result.final);
});
