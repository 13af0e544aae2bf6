import assert from "node:assert/strict";
import { fuzzClientInMemory, fuzzClientOverHttp, fuzzClientOverRawTcp } from "./ClientFuzz.ts";
import { SHORT } from "./Plans.ts";

const plan = SHORT.clientFuzz;

Deno.test("client fuzz (short), in memory: random, mutated, huge and deep answers end in a page or a typed core error", async () => {
  const counts = await fuzzClientInMemory(plan);
  assert.equal(counts.cases, plan.inMemoryRuns);
  assert.ok((counts.outcomes.success ?? 0) > 0, "some answers decode");
  assert.ok((counts.outcomes.ResponseDecodeError ?? 0) > 0, "some answers are refused");
});

Deno.test("client fuzz (short), over a Deno.serve socket", async () => {
  const counts = await fuzzClientOverHttp(plan);
  assert.equal(counts.cases, plan.httpRuns);
});

Deno.test("client fuzz (short), over raw TCP answers that break HTTP", async () => {
  const counts = await fuzzClientOverRawTcp(plan);
  assert.equal(counts.cases, plan.rawTcpRuns);
  assert.ok((counts.outcomes.TransportError ?? 0) > 0, "broken HTTP is a TransportError");
});
