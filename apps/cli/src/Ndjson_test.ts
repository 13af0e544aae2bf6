import assert from "node:assert/strict";
import type { Collection } from "@mode-discovery/core";
import { make } from "./Ndjson.ts";

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
  const text = w.start() + w.rows(rows.slice(0, 1)) + w.rows(rows.slice(1)) + w.end();
  const lines = text.split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[2], "");
  assert.deepEqual(lines.slice(0, 2).map((line) => JSON.parse(line)), rows);
  assert.equal(make().start() + make().end(), "");
});
