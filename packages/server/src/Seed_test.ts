import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import { Collection, spaceUrl } from "@mode-discovery/core";
import { SEED_FIRST_ID, seedCollections, seededRandom } from "./Seed.ts";

Deno.test("seed: the same workspace and count give the same collections every time", () => {
  assert.deepEqual(seedCollections("acme", 500), seedCollections("acme", 500));
  assert.deepEqual(seedCollections("acme", 500).slice(0, 100), seedCollections("acme", 100));
  assert.notDeepEqual(seedCollections("acme", 50), seedCollections("other", 50));
});

Deno.test("seed: the random source is deterministic per seed text", () => {
  const a = seededRandom("x");
  const b = seededRandom("x");
  const values = Array.from({ length: 5 }, () => a());
  assert.deepEqual(values, Array.from({ length: 5 }, () => b()));
  assert.ok(values.every((v) => v >= 0 && v < 1));
});

Deno.test("seed: collections are valid, ascending from 170 with gaps, with unique 12-hex tokens", () => {
  const rows = seedCollections("acme", 4146);
  assert.equal(rows.length, 4146);
  assert.equal(rows[0].id, SEED_FIRST_ID);
  const decode = Schema.decodeUnknownSync(Collection);
  let gaps = 0;
  for (let i = 0; i < rows.length; i++) {
    decode(rows[i]);
    if (i > 0) {
      assert.ok(rows[i].id > rows[i - 1].id);
      if (rows[i].id > rows[i - 1].id + 1) gaps++;
    }
    assert.match(rows[i].token, /^[0-9a-f]{12}$/);
    assert.equal(rows[i].space_url, spaceUrl("acme", rows[i].token));
  }
  assert.ok(gaps > 100, `only ${gaps} gaps`);
  assert.equal(new Set(rows.map((r) => r.token)).size, rows.length);
});

Deno.test("seed: names and descriptions cover nulls, unicode, commas, quotes and newlines", () => {
  const rows = seedCollections("acme", 4146);
  const texts = rows.flatMap((r) => [r.name, r.description]);
  const some = (p: (t: string) => boolean) => texts.some((t) => t !== null && p(t));
  assert.ok(rows.some((r) => r.name === null));
  assert.ok(rows.some((r) => r.description === null));
  assert.ok(some((t) => [...t].some((ch) => ch.charCodeAt(0) > 0x7f)), "unicode");
  assert.ok(some((t) => t.includes(",")), "commas");
  assert.ok(some((t) => t.includes('"')), "quotes");
  assert.ok(some((t) => t.includes("\n")), "newlines");
  const types = new Set(rows.map((r) => r.space_type));
  assert.ok(types.size >= 3 && types.has("custom"), [...types].join(","));
  const nullNames = rows.filter((r) => r.name === null).length / rows.length;
  assert.ok(nullNames > 0.1 && nullNames < 0.2, `null names ${nullNames}`);
});
