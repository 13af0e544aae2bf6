import assert from "node:assert/strict";
import type { Collection } from "@mode-discovery/core";
import { make } from "./Json.ts";
import { rowsText } from "./RowWriter.ts";

const row = (id: number, name: string | null): Collection => ({
  id,
  token: `t${id}`,
  name,
  description: null,
  space_type: "custom",
  space_url: `/api/acme/spaces/t${id}`,
});

Deno.test("JSON output is one valid array however the rows are batched", () => {
  const rows = [row(1, 'a "quoted"\nname'), row(2, "売上 📈"), row(3, null), row(4, "\u2028")];
  const w = make();
  const text = w.start() + rowsText(w, rows.slice(0, 1)) + rowsText(w, []) +
    rowsText(w, rows.slice(1)) + w.end();
  assert.deepEqual(JSON.parse(text), rows);
  assert.equal(text.split("\n").length, rows.length + 3, "one object per line");
  assert.ok(text.endsWith("\n]\n"));
});

Deno.test("JSON output of nothing is an empty array", () => {
  const w = make();
  assert.equal(w.start() + rowsText(w, []) + w.end(), "[]\n");
});

Deno.test("JSON keys follow the schema order for items as the client decodes them", async () => {
  const Schema = await import("effect/Schema");
  const { collections } = await import("@mode-discovery/core");
  const w = make();
  const shuffled = Schema.decodeUnknownSync(collections.item)({
    space_url: "/u",
    space_type: "custom",
    description: null,
    name: "n",
    token: "t",
    id: 9,
  }) as Collection;
  const text = w.start() + rowsText(w, [shuffled]) + w.end();
  assert.equal(
    text.split("\n")[1].trim(),
    '{"id":9,"token":"t","name":"n","description":null,"space_type":"custom","space_url":"/u"}',
  );
});
