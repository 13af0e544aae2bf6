import assert from "node:assert/strict";
import { runRateLimits } from "./RateLimits.ts";
import { SHORT } from "./Plans.ts";

Deno.test("rate limits (short): a snapshot through MODE_RATE_LIMIT completes exactly, no 429 shown, within 1.2x of the limit; at --requests-per-second no 429 at all", async () => {
  const result = await runRateLimits(SHORT.rateLimit);
  assert.equal(result.runs.length, 2);
  for (const run of result.runs) {
    assert.equal(run.exitCode, 0);
    assert.deepEqual(run.rateLines, []);
    assert.ok(run.ms <= SHORT.rateLimit.tolerance * run.idealMs);
    assert.ok(run.tables.every((t) => t.exact));
  }
  assert.equal(result.runs[1].rateLimited, 0);
});
