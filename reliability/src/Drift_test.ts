import assert from "node:assert/strict";
import { runDrift } from "./Drift.ts";
import { SHORT } from "./Plans.ts";

Deno.test("drift (short): collections and reports added and removed between page requests: no duplicate, a warning, an exact re-run", async () => {
  const result = await runDrift(SHORT.drift);
  assert.deepEqual(result.runs.map((r) => r.resource), ["collections", "reports"]);
  for (const run of result.runs) {
    assert.equal(run.exitCode, 0);
    assert.match(run.warning, /changed during the listing/);
    assert.ok(run.rerun.exact);
    assert.equal(run.rerun.rows, run.final);
  }
});
