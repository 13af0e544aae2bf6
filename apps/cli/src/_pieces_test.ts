import assert from "node:assert/strict";
import { Pieces } from "./_pieces.ts";

Deno.test("Pieces keeps the text in order, in pieces of a few thousand characters", () => {
  const pieces = new Pieces();
  const rows = Array.from({ length: 3_000 }, (_, i) => `{"id":${i},"name":"row ${i}"}\n`);
  for (const row of rows) pieces.add(row);
  const taken = pieces.take();
  assert.equal(taken.join(""), rows.join(""));
  assert.ok(taken.length > 1, "a page's worth of rows is more than one piece");
  const longestRow = Math.max(...rows.map((row) => row.length));
  for (const piece of taken) {
    assert.ok(piece.length > 0);
    assert.ok(piece.length < 16_384 + longestRow, `piece of ${piece.length} characters`);
  }
});

Deno.test("Pieces.take empties the builder; nothing added gives no pieces", () => {
  const pieces = new Pieces();
  assert.deepEqual(pieces.take(), []);
  pieces.add("a");
  pieces.add("b");
  assert.deepEqual(pieces.take(), ["ab"]);
  assert.deepEqual(pieces.take(), []);
  pieces.add("c");
  assert.deepEqual(pieces.take(), ["c"]);
});
