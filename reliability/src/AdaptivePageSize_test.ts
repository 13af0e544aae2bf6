import assert from "node:assert/strict";
import { runAdaptive } from "./AdaptivePageSize.ts";
import { SHORT } from "./Plans.ts";

Deno.test("adaptive page size (short): members at 1000 fail every time; the client, the CLI and the snapshot still end with exactly the seeded members and report the shrinks", async () => {
  const result = await runAdaptive(SHORT.adaptive);
  assert.equal(result.runs.length, 3);
  for (const run of result.runs) {
    assert.ok(run.exact, run.via);
    assert.equal(run.rows, result.members);
    assert.ok(run.shrinks >= 2, run.via);
  }
});
