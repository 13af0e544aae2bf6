import assert from "node:assert/strict";
import { runDurability } from "./Durability.ts";
import { SHORT } from "./Plans.ts";

Deno.test("durability (short): SIGKILL in the middle of an import, a mirror or a snapshot leaves the old or the new copy, whole; the next run cleans up", async () => {
  const result = await runDurability(SHORT.durability);
  assert.deepEqual(result.writers.map((w) => w.writer), SHORT.durability.writers);
  for (const writer of result.writers) {
    assert.equal(writer.kills.length, SHORT.durability.killAt.length);
  }
  assert.equal(result.snapshot.kills.length, SHORT.durability.snapshot.kills + 1);
  assert.equal(result.snapshot.final.found, "new");
  assert.deepEqual(result.snapshot.final.left, []);
});
