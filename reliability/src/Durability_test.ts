import assert from "node:assert/strict";
import { runDurability } from "./Durability.ts";
import { SHORT } from "./Plans.ts";

Deno.test("durability (short): SIGKILL in the middle of an import or a mirror leaves the old or the new copy, whole", async () => {
  const result = await runDurability(SHORT.durability);
  assert.deepEqual(result.writers.map((w) => w.writer), SHORT.durability.writers);
  for (const writer of result.writers) {
    assert.equal(writer.kills.length, SHORT.durability.killAt.length);
  }
});
