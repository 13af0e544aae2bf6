import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import { DiscoveryClient } from "./DiscoveryClient.ts";
import { Forbidden } from "./DiscoveryError.ts";
import type * as Resource from "./Resource.ts";
import { resources } from "./Resources.ts";
import { snapshot, SnapshotError, type SnapshotSummary } from "./Snapshot.ts";
import {
  failureOf,
  FAST,
  runExit,
  startTestServer,
  testCredentials,
  valueOf,
} from "./_testServer_test.ts";

const rowsOf = (resource: Resource.Any, count: number) =>
  Array.from({ length: count }, (_, i) => ({ [resource.key]: i + 1, [resource.token]: `t${i}` }));

const counts = { spaces: 23, reports: 31, queries: 64, charts: 60, report_stats: 31, members: 3 };

Deno.test("snapshot: every resource, every row once, under one shared budget of requests in flight", async () => {
  let inFlight = 0;
  let most = 0;
  const server = await startTestServer({
    rows: Object.fromEntries(
      resources.map((r) => [r.segment, rowsOf(r, counts[r.segment as keyof typeof counts])]),
    ),
    hook: async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 3));
      inFlight--;
      return undefined;
    },
  });
  try {
    const seen = new Map<string, Array<unknown>>();
    const events: Array<string> = [];
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
        ...FAST,
      });
      return yield* snapshot(client, {
        begin: (info) => Effect.sync(() => events.push(`begin ${info.resources.length}`)),
        rows: (resource, batch) =>
          Effect.sync(() => {
            const list = seen.get(resource.name) ?? [];
            for (const row of batch) list.push(row[resource.key]);
            seen.set(resource.name, list);
          }),
        resourceDone: (resource) => Effect.sync(() => events.push(`done ${resource.name}`)),
        end: () => Effect.sync(() => events.push("end")),
      }, { workspace: "acme", perPage: 5, concurrency: 3 });
    }));
    const summary: SnapshotSummary = valueOf(exit);
    for (const resource of resources) {
      const expected = counts[resource.segment as keyof typeof counts];
      assert.deepEqual(seen.get(resource.name), Array.from({ length: expected }, (_, i) => i + 1));
      const one = summary.resources.find((r) => r.resource === resource.name);
      assert.equal(one?.rows, expected);
      assert.equal(one?.totalCount, expected);
    }
    assert.ok(most <= 3, `${most} requests in flight`);
    assert.ok(most >= 2, "resources were listed side by side");
    assert.equal(events[0], "begin 6");
    assert.equal(events.at(-1), "end");
    assert.equal(events.filter((e) => e.startsWith("done")).length, 6);
  } finally {
    await server.close();
  }
});

Deno.test("snapshot: one resource answering 403 ends it with a SnapshotError naming that resource", async () => {
  const server = await startTestServer({
    rows: { members: rowsOf(resources[5], 3) },
    hook: ({ segment }) =>
      segment === "members"
        ? Response.json({ id: "forbidden", message: "not on this plan" }, { status: 403 })
        : undefined,
  });
  try {
    let ended = false;
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
        ...FAST,
      });
      return yield* snapshot(client, {
        rows: () => Effect.void,
        end: () => Effect.sync(() => (ended = true)),
      }, { workspace: "acme" });
    }));
    const error = failureOf(exit);
    assert.ok(error instanceof SnapshotError, String(error));
    assert.equal(error.resource, "members");
    assert.ok(error.error instanceof Forbidden);
    assert.match(error.message, /^members failed: /);
    assert.equal(ended, false);
  } finally {
    await server.close();
  }
});
