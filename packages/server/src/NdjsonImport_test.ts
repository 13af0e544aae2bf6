import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import { KvCollectionStore } from "./KvCollectionStore.ts";
import { ImportError, importNdjson, readCollectionsNdjson } from "./NdjsonImport.ts";
import { seedCollections } from "./Seed.ts";
import { readWorkspace } from "./WorkspaceEdits.ts";

const lines = (rows: ReadonlyArray<unknown>) => rows.map((r) => JSON.stringify(r)).join("\n");
const streamOf = (...chunks: Array<string>) => ReadableStream.from(chunks);

const refusal = async (text: string | Array<string>) => {
  const exit = await Effect.runPromiseExit(
    readCollectionsNdjson(streamOf(...(Array.isArray(text) ? text : [text]))),
  );
  assert.ok(Exit.isFailure(exit), "expected the import to be refused");
  const error = exit.cause.reasons[0];
  assert.ok(error._tag === "Fail" && error.error instanceof ImportError);
  return error.error;
};

Deno.test("import: NDJSON as the CLI writes it reads back as the same collections", async () => {
  const rows = seedCollections("acme", 250);
  // Split mid-line across chunks, CRLF line ends, a blank line and a final newline.
  const text = `${lines(rows.slice(0, 100))}\r\n\r\n${lines(rows.slice(100))}\n`;
  const chunks = [text.slice(0, 777), text.slice(777, 5000), text.slice(5000)];
  const read = await Effect.runPromise(readCollectionsNdjson(streamOf(...chunks)));
  assert.deepEqual(read, rows);
});

Deno.test("import: a bad line refuses the whole import, naming the line", async () => {
  const rows = seedCollections("acme", 5).map((r) => JSON.stringify(r));
  const notJson = await refusal([rows[0], rows[1], "{oops", rows[2]].join("\n"));
  assert.equal(notJson.line, 3);
  assert.match(notJson.message, /^line 3: not valid JSON/);
  const wrongField = await refusal(
    [rows[0], JSON.stringify({ ...JSON.parse(rows[1]), space_type: 5 })].join("\n"),
  );
  assert.equal(wrongField.line, 2);
  assert.match(wrongField.message, /^line 2: not a collection: field space_type: /);
  const missing = await refusal(JSON.stringify({ id: 1, token: "t" }));
  assert.match(missing.message, /^line 1: not a collection: field space_type: Missing key$/);
  const array = await refusal("[1,2,3]");
  assert.match(array.message, /^line 1: not a collection/);
  const duplicate = await refusal([rows[0], rows[1], rows[0]].join("\n"));
  assert.equal(duplicate.line, 3);
  assert.match(duplicate.message, /^line 3: collection id 170 was already on line 1$/);
});

Deno.test("import: a refused import leaves the stored workspace as it was", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = KvCollectionStore.make(kv);
    const old = seedCollections("acme", 30);
    await Effect.runPromise(store.replaceWorkspace("acme", old, { source: "test" }));
    const next = seedCollections("acme", 60).map((r) => JSON.stringify(r));
    next[41] = next[41].slice(0, 20);
    const exit = await Effect.runPromiseExit(
      importNdjson(store, "acme", streamOf(next.join("\n"))),
    );
    assert.ok(Exit.isFailure(exit));
    assert.deepEqual(await Effect.runPromise(readWorkspace(store, "acme")), old);
    assert.equal((await Effect.runPromise(store.workspace("acme")))?.source, "test");
    const ok = await Effect.runPromise(
      importNdjson(store, "acme", streamOf(lines(seedCollections("acme", 60)))),
    );
    assert.equal(ok.count, 60);
    assert.equal(ok.source, "import");
  } finally {
    kv.close();
  }
});
