import assert from "node:assert/strict";
import { resources } from "@mode-discovery/core";
import { runChaos } from "./Chaos.ts";
import { SHORT } from "./Plans.ts";

Deno.test("chaos (short): every resource and a whole snapshot listed exactly through ~20% faults, retries = faults; at 100% both give up cleanly", async () => {
  const result = await runChaos(SHORT.chaos);
  const listed = new Set(result.runs.map((run) => run.what));
  for (const resource of resources) assert.ok(listed.has(resource.cliName), resource.cliName);
  assert.ok(listed.has("snapshot"));
  for (const run of result.runs) {
    assert.equal(run.exitCode, 0);
    assert.equal(run.retries, run.injected);
    assert.ok(run.exact);
  }
  assert.equal(result.allFaults.length, 2);
  for (const run of result.allFaults) {
    assert.notEqual(run.exitCode, 0);
    assert.deepEqual(run.outputLeft, []);
  }
});
