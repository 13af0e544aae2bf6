import assert from "node:assert/strict";
import { runChaos } from "./Chaos.ts";
import { SHORT } from "./Plans.ts";

Deno.test("chaos (short): the CLI lists exactly the seeded set through ~20% faults, retries = faults, and gives up cleanly at 100%", async () => {
  const result = await runChaos(SHORT.chaos);
  assert.equal(result.runs.length, SHORT.chaos.seeds.length);
  for (const run of result.runs) {
    assert.equal(run.exitCode, 0);
    assert.equal(run.retries, run.injected);
    assert.equal(run.sha256, result.expected.sha256);
  }
  assert.notEqual(result.allFaults.exitCode, 0);
  assert.equal(result.allFaults.requests, SHORT.chaos.allFaultsMaxRetries + 1);
  assert.deepEqual(result.allFaults.outputLeft, []);
});
