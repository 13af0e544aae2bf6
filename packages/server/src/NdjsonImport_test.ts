import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import {
  type AnyResource,
  collections,
  members,
  queries,
  reports,
  reportStats,
  resourceNamed,
  resources,
} from "@mode-discovery/core";
import { KvListingStore } from "./KvListingStore.ts";
import { ImportError, importNdjson, readNdjson } from "./NdjsonImport.ts";
import { seedCollections, seedWorld } from "./Seed.ts";
import { readWorkspace } from "./WorkspaceEdits.ts";

const lines = (rows: ReadonlyArray<unknown>) => rows.map((r) => JSON.stringify(r)).join("\n");
const streamOf = (...chunks: Array<string>) => ReadableStream.from(chunks);

const refusal = async (effect: Effect.Effect<unknown, unknown>) => {
  const exit = await Effect.runPromiseExit(effect);
  assert.ok(Exit.isFailure(exit), "expected the import to be refused");
  const error = exit.cause.reasons[0];
  assert.ok(error._tag === "Fail" && error.error instanceof ImportError);
  return error.error;
};

const readRefusal = (resource: AnyResource, text: string | Array<string>) =>
  refusal(readNdjson(resource, streamOf(...(Array.isArray(text) ? text : [text]))));

Deno.test("import: NDJSON of every resource as the CLI writes it reads back as the same items", async () => {
  const world = seedWorld({ workspace: "acme", count: 250 });
  for (const resource of resources) {
    const rows = world[resource.name] as ReadonlyArray<unknown>;
    // Split mid-line across chunks, CRLF line ends, a blank line and a final newline.
    const text = `${lines(rows.slice(0, 100))}\r\n\r\n${lines(rows.slice(100))}\n`;
    const chunks = [text.slice(0, 777), text.slice(777, 5000), text.slice(5000)];
    const read = await Effect.runPromise(readNdjson(resource, streamOf(...chunks)));
    assert.deepEqual(read, rows, resource.name);
  }
});

Deno.test("import: a bad line refuses the whole import, naming its resource and line", async () => {
  const rows = seedCollections("acme", 5).map((r) => JSON.stringify(r));
  const notJson = await readRefusal(collections, [rows[0], rows[1], "{oops", rows[2]].join("\n"));
  assert.equal(notJson.line, 3);
  assert.equal(notJson.resource, "collections");
  assert.match(notJson.message, /^line 3: not valid JSON/);
  const wrongField = await readRefusal(
    collections,
    [rows[0], JSON.stringify({ ...JSON.parse(rows[1]), space_type: 5 })].join("\n"),
  );
  assert.equal(wrongField.line, 2);
  assert.match(wrongField.message, /^line 2: not a collection: field space_type: /);
  const missing = await readRefusal(collections, JSON.stringify({ id: 1 }));
  assert.match(missing.message, /^line 1: not a collection: field token: Missing key$/);
  const array = await readRefusal(collections, "[1,2,3]");
  assert.match(array.message, /^line 1: not a collection/);
  const duplicate = await readRefusal(collections, [rows[0], rows[1], rows[0]].join("\n"));
  assert.equal(duplicate.line, 3);
  assert.match(duplicate.message, /^line 3: collection id 170 was already on line 1$/);
  const stat = await readRefusal(reportStats, [
    JSON.stringify({ report_id: "x", report_token: "t" }),
  ]);
  assert.equal(stat.resource, "reportStats");
  assert.match(stat.message, /^line 1: not a report stat: field report_id: /);
  const member = await readRefusal(
    members,
    `\n\n${JSON.stringify({ id: 1, token: "t", state: 3 })}`,
  );
  assert.equal(member.line, 3);
  assert.match(member.message, /^line 3: not a member: field state: /);
  const chartAsMember = await readRefusal(
    members,
    JSON.stringify({ id: 40001, token: "c0ffee000001", chart_type: "bar", query_id: 2 }),
  );
  assert.match(
    chartAsMember.message,
    /^line 1: not a member: it has none of a member's fields but id and token \(.*\) and has chart_type, query_id$/,
  );
});

Deno.test("import: several resources at once; the ones not given keep their items", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = KvListingStore.make(kv);
    const old = seedWorld({ workspace: "acme", count: 30 });
    await Effect.runPromise(store.replaceWorkspace("acme", old, { source: "test" }));
    const next = seedWorld({ workspace: "next", count: 40 });
    const info = await Effect.runPromise(importNdjson(store, "acme", [
      { resource: reports, stream: streamOf(lines(next.reports as Array<unknown>)) },
      { resource: queries, stream: streamOf(lines(next.queries as Array<unknown>)) },
    ], { source: "import:files" }));
    assert.equal(info.source, "import:files");
    assert.equal(info.counts.reports, 40);
    assert.equal(info.counts.queries, 80);
    const stored = await Effect.runPromise(readWorkspace(store, "acme"));
    assert.deepEqual(stored?.reports, next.reports);
    assert.deepEqual(stored?.collections, old.collections);
    assert.deepEqual(stored?.reportStats, old.reportStats);
    // A new workspace gets only what was given.
    const fresh = await Effect.runPromise(importNdjson(store, "fresh", [
      { resource: collections, stream: streamOf(lines(seedCollections("fresh", 3))) },
    ]));
    assert.deepEqual(fresh.counts, { ...fresh.counts, collections: 3, reports: 0, members: 0 });
    assert.equal(fresh.source, "import");
  } finally {
    kv.close();
  }
});

Deno.test("import: a refused import leaves the stored workspace as it was", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = KvListingStore.make(kv);
    const old = seedWorld({ workspace: "acme", count: 30 });
    await Effect.runPromise(store.replaceWorkspace("acme", old, { source: "test" }));
    const before = await Effect.runPromise(readWorkspace(store, "acme"));
    const next = seedWorld({ workspace: "acme", count: 60 });
    const badQueries = (next.queries as Array<unknown>).map((r) => JSON.stringify(r));
    badQueries[41] = badQueries[41].slice(0, 20);
    const error = await refusal(importNdjson(store, "acme", [
      { resource: collections, stream: streamOf(lines(next.collections as Array<unknown>)) },
      { resource: queries, stream: streamOf(badQueries.join("\n")) },
    ]));
    assert.equal(error.resource, "queries");
    assert.equal(error.line, 42);
    assert.deepEqual(await Effect.runPromise(readWorkspace(store, "acme")), before);
    assert.equal((await Effect.runPromise(store.workspace("acme")))?.source, "test");
    const twice = await refusal(importNdjson(store, "acme", [
      { resource: collections, stream: streamOf("") },
      { resource: resourceNamed("collections"), stream: streamOf("") },
    ]));
    assert.match(twice.message, /^collections are given twice/);
  } finally {
    kv.close();
  }
});
