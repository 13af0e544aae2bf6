import assert from "node:assert/strict";
import { constantTimeEqual, hashSecret, randomHex, verifySecret } from "./_secrets.ts";

Deno.test("secrets: a hashed secret verifies with itself only, and never holds it", async () => {
  const stored = await hashSecret("correct horse");
  assert.ok(!JSON.stringify(stored).includes("correct horse"));
  assert.equal(await verifySecret(stored, "correct horse"), true);
  assert.equal(await verifySecret(stored, "correct hors"), false);
  assert.equal(await verifySecret(undefined, "correct horse"), false);
  const again = await hashSecret("correct horse");
  assert.notEqual(again.salt, stored.salt, "each hash has its own salt");
  assert.notEqual(again.hash, stored.hash);
});

Deno.test("secrets: constant-time comparison compares whole values", () => {
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])), false);
  assert.equal(constantTimeEqual(new Uint8Array([]), new Uint8Array([])), true);
});

Deno.test("secrets: random hex has the asked length and varies", () => {
  assert.match(randomHex(12), /^[0-9a-f]{12}$/);
  assert.match(randomHex(7), /^[0-9a-f]{7}$/);
  assert.notEqual(randomHex(40), randomHex(40));
});
