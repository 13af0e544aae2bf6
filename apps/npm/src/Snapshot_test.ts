import assert from "node:assert/strict";
import type * as Core from "@mode-discovery/core";
import { createClient } from "./Client.ts";
import { AbortError, ForbiddenError } from "./Errors.ts";
import type { SnapshotResourceSummary, SnapshotSummary } from "./Snapshot.ts";
import { createHandler } from "./Server.ts";

/** Compiles only when `A` and `B` are assignable both ways. */
const sameShape = <A, B>(_proof: [A] extends [B] ? ([B] extends [A] ? true : false) : false) => {};
sameShape<SnapshotSummary, Core.SnapshotSummary>(true);
sameShape<SnapshotResourceSummary, Core.SnapshotResourceSummary>(true);

const CREDS = { token: "tok", accessKey: "key", accessSecret: "se:cret" };

const withHandler = async (
  f: (fetch: typeof globalThis.fetch) => Promise<void>,
  intercept?: (request: Request) => Response | undefined,
) => {
  const handler = await createHandler({ seed: "acme:120", credentials: CREDS, log: () => {} });
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return Promise.resolve(intercept?.(request) ?? handler.fetch(request));
  };
  try {
    await f(fetch as typeof globalThis.fetch);
  } finally {
    await handler.close();
  }
};

const options = (fetch: typeof globalThis.fetch) => ({
  ...CREDS,
  baseUrl: "http://api.test",
  workspace: "acme",
  env: {},
  fetch,
});

Deno.test("snapshot: six typed iterables read side by side, and the summary", async () => {
  await withHandler(async (fetch) => {
    const client = createClient(options(fetch));
    const snapshot = client.snapshot({ perPage: 50, concurrency: 3, includeSpaces: "all" });
    const count = async (iterable: AsyncIterable<unknown>) => {
      let n = 0;
      for await (const _ of iterable) n++;
      return n;
    };
    const [collections, reports, queries, charts, stats, members] = await Promise.all([
      count(snapshot.collections),
      count(snapshot.reports),
      count(snapshot.queries),
      count(snapshot.charts),
      count(snapshot.reportStats),
      count(snapshot.members),
    ]);
    assert.deepEqual([collections, reports, queries, charts, stats, members], [
      120,
      120,
      240,
      240,
      120,
      12,
    ]);
    const summary = await snapshot.summary;
    assert.equal(summary.workspace, "acme");
    assert.equal(summary.includeSpaces, "all");
    assert.deepEqual(summary.resources.map((r) => [r.resource, r.rows]), [
      ["collections", 120],
      ["reports", 120],
      ["queries", 240],
      ["charts", 240],
      ["reportStats", 120],
      ["members", 12],
    ]);
    const first = await (async () => {
      for await (const query of client.snapshot().queries) return query;
    })();
    assert.equal(typeof first?.raw_query, "string");
  });
});

Deno.test("snapshot: a forbidden resource rejects the summary and every unfinished iterable, naming it", async () => {
  await withHandler(
    async (fetch) => {
      const snapshot = createClient(options(fetch)).snapshot();
      const error = await snapshot.summary.catch((e) => e);
      assert.ok(error instanceof ForbiddenError, String(error));
      assert.match(error.message, /^members failed: /);
      const iterated = await (async () => {
        for await (const _ of snapshot.members) { /* nothing comes */ }
      })().catch((e) => e);
      assert.ok(iterated instanceof ForbiddenError);
    },
    (request) =>
      new URL(request.url).pathname.endsWith("/members")
        ? Response.json({ id: "forbidden", message: "no" }, { status: 403 })
        : undefined,
  );
});

Deno.test("snapshot: an AbortSignal stops it; bad options are refused before anything is sent", async () => {
  await withHandler(async (fetch) => {
    const controller = new AbortController();
    const client = createClient(options(fetch));
    const snapshot = client.snapshot({ signal: controller.signal, perPage: 1 });
    controller.abort("enough");
    const error = await snapshot.summary.catch((e) => e);
    assert.ok(error instanceof AbortError, String(error));
    const bad = await client.snapshot({ perPages: 5 } as never).summary.catch((e) => e);
    assert.match(bad.message, /perPages/);
  });
});
