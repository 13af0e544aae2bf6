import assert from "node:assert/strict";
import { resources } from "@mode-discovery/core";
import { runLoad } from "./Load.ts";
import { SHORT } from "./Plans.ts";

Deno.test("load (short, wrk): 64 connections over every resource route without a failed request; a rate limit refuses only the token over it", async () => {
  const result = await runLoad(SHORT.load);
  assert.equal(result.routes.length, resources.length);
  assert.ok(result.plain.requests > 0);
  assert.equal(result.plain.socketErrors, 0);
  assert.deepEqual(Object.keys(result.plain.statuses), ["200"]);
  for (const route of result.routes) assert.ok(result.plain.sent[route.path] > 0, route.path);
  assert.ok(result.limited.heavy429 > 0);
  assert.ok(result.limited.heavyOk <= result.limited.heavyAllowedAtMost);
  assert.deepEqual(Object.keys(result.limited.others), ["200"]);
});
