import assert from "node:assert/strict";
import { chunkRows, decodeChunk, encodeChunk, PART_BYTES } from "./_kvLayout.ts";
import { asciiJson } from "./_listings.ts";

Deno.test("kv layout: a chunk round-trips and slices rows as comma-joined JSON", () => {
  const rows = [{ a: "x\ny" }, { b: 'ünï, "q"' }, { c: null }].map((r) => JSON.stringify(r));
  const parts = encodeChunk(rows);
  assert.equal(parts.length, 1);
  const chunk = decodeChunk(parts, 3);
  assert.ok(chunk !== undefined);
  assert.equal(chunkRows(chunk, 0, 3), rows.join(","));
  assert.equal(chunkRows(chunk, 1, 2), rows[1]);
  assert.equal(chunkRows(chunk, 2, 3), rows[2]);
  assert.equal(chunkRows(chunk, 1, 1), "");
});

Deno.test("kv layout: a big chunk is split into parts under the value limit", () => {
  const rows = Array.from({ length: 100 }, (_, i) => JSON.stringify({ i, d: "é".repeat(1000) }));
  const parts = encodeChunk(rows);
  assert.ok(parts.length >= 3);
  assert.ok(parts.every((p) => p.length <= PART_BYTES));
  const chunk = decodeChunk(parts, 100);
  assert.ok(chunk !== undefined);
  assert.equal(chunkRows(chunk, 0, 100), rows.join(","));
  assert.equal(chunkRows(chunk, 57, 58), rows[57]);
});

Deno.test("kv layout: a chunk with missing rows or parts is refused", () => {
  const rows = Array.from({ length: 100 }, (_, i) => JSON.stringify({ i, d: "x".repeat(1500) }));
  const parts = encodeChunk(rows);
  assert.equal(decodeChunk(parts, 99), undefined);
  assert.equal(decodeChunk(parts.slice(0, -1), 100), undefined);
  assert.equal(decodeChunk([], 1), undefined);
});

Deno.test("kv layout: asciiJson keeps the JSON value and leaves only ASCII", () => {
  const value = {
    name: "Ventas — España 🇪🇸 数据 \u2028 \ud800 lone",
    description: 'quotes " and \\ and \n newline',
    n: null,
  };
  const ascii = asciiJson(JSON.stringify(value));
  assert.ok([...ascii].every((ch) => ch.charCodeAt(0) < 0x80), ascii);
  assert.deepEqual(JSON.parse(ascii), value);
  assert.equal(asciiJson('{"a":"plain"}'), '{"a":"plain"}');
  assert.equal(asciiJson(JSON.stringify("é")), '"\\u00e9"');
});
