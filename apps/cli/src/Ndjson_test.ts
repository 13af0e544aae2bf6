import assert from "node:assert/strict";
import type { Collection } from "@mode-discovery/core";
import { make } from "./Ndjson.ts";
import { rowsText } from "./RowWriter.ts";

Deno.test("NDJSON writes one JSON object per line, line breaks in values escaped", () => {
  const rows: Array<Collection> = [
    {
      id: 1,
      token: "a",
      name: "two\nlines\r\n",
      description: null,
      space_type: "custom",
      space_url: "/a",
    },
    {
      id: 2,
      token: "b",
      name: "売上 📈",
      description: "tab\there",
      space_type: "private",
      space_url: "/b",
    },
  ];
  const w = make();
  const text = w.start() + rowsText(w, rows.slice(0, 1)) + rowsText(w, rows.slice(1)) +
    w.end();
  const lines = text.split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[2], "");
  assert.deepEqual(lines.slice(0, 2).map((line) => JSON.parse(line)), rows);
  assert.equal(make().start() + make().end(), "");
});

Deno.test("NDJSON gives a page a row at a time, each row's line on its own, never the page as one string", () => {
  const page = Array.from({ length: 1_000 }, (_, i) => ({
    id: i,
    token: `t${i}`,
    name: `Collection ${i} — 数据分析 📊`,
    description: "x".repeat(100),
    space_type: "custom",
    space_url: `/api/acme/spaces/t${i}`,
  }));
  const emitted: Array<string> = [];
  make().rows(page, (text) => emitted.push(text));
  assert.equal(emitted.length, page.length);
  emitted.forEach((line, i) => {
    assert.ok(line.endsWith("\n") && line.indexOf("\n") === line.length - 1);
    assert.deepEqual(JSON.parse(line), page[i]);
  });
});
