import assert from "node:assert/strict";
import { fuzzServer } from "./ServerFuzz.ts";
import { SHORT } from "./Plans.ts";

Deno.test("server fuzz (short): methods, paths, queries, headers and bodies, in process and over sockets: JSON, never a 5xx", async () => {
  const plan = SHORT.serverFuzz;
  const result = await fuzzServer(plan);
  assert.equal(result.inProcess.cases, plan.inProcessRuns);
  assert.equal(result.overFetch.cases, plan.fetchRuns);
  assert.equal(result.overRawTcp.cases, plan.rawRuns);
  assert.deepEqual(result.unexpectedLogLines, []);
});
