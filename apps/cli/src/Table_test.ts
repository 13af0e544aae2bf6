import assert from "node:assert/strict";
import type { Collection } from "@mode-discovery/core";
import { cellText, make, textWidth, truncate } from "./Table.ts";
import { rowsText } from "./RowWriter.ts";

const row = (id: number, name: string | null, description: string | null = null): Collection => ({
  id,
  token: `tok${id}`,
  name,
  description,
  space_type: "custom",
  space_url: `/api/a/spaces/tok${id}`,
});

Deno.test("cellText shows control and bidi characters as escapes", () => {
  assert.equal(cellText("a\nb\r\tc"), "a\\nb\\r\\tc");
  assert.equal(cellText("\x1b[31mred"), "\\u001b[31mred");
  assert.equal(cellText("x\u202Ey\u2028z\x00"), "x\\u202ey\\u2028z\\u0000");
  assert.equal(cellText("売上 é 📈"), "売上 é 📈");
});

Deno.test("truncate cuts to terminal columns, wide characters counting two", () => {
  assert.equal(truncate("collection", 10), "collection");
  assert.equal(truncate("collections", 10), "collectio…");
  assert.equal(textWidth("売上ダッシュボード"), 18);
  assert.equal(truncate("売上ダッシュボード", 7), "売上ダ…");
  assert.equal(textWidth(truncate("😀😀😀😀", 5)), 5);
});

Deno.test("the table aligns columns from the first batch and cuts later text (never ids) to fit", () => {
  const w = make();
  const text = w.start() +
    rowsText(w, [row(7, "Short", "First"), row(12, "売上", null)]) +
    rowsText(w, [row(130, "A much longer name than the first page had", "x")]) +
    w.end();
  assert.equal(
    text,
    "  ID  TOKEN  SPACE TYPE  NAME   DESCRIPTION\n" +
      "   7  tok7   custom      Short  First\n" +
      "  12  tok12  custom      売上\n" +
      " 130  tok130  custom      A mu…  x\n",
  );
});

Deno.test("the table shrinks its widest columns to the terminal width", () => {
  const w = make({ width: 60 });
  const text = rowsText(w, [row(1, "n".repeat(40), "d".repeat(60))]);
  for (const line of text.trimEnd().split("\n")) assert.ok(textWidth(line) <= 60, line);
  assert.ok(text.includes("…"));
});

Deno.test("an empty table says so; colour only bolds the header", () => {
  const empty = make();
  assert.equal(empty.start() + rowsText(empty, []) + empty.end(), "No collections.\n");
  const colored = rowsText(make({ color: true }), [row(1, "n")]);
  assert.ok(colored.startsWith("\x1b[1m  ID"));
  assert.equal(colored.split("\x1b").length, 3, "only the header is styled");
});

Deno.test("each resource's table shows its readable columns; multi-line text by its first line", async () => {
  const { queries, reportStats } = await import("@mode-discovery/core");
  const w = make({}, queries);
  const text = rowsText(w, [{
    id: 1,
    token: "q1",
    name: "Revenue",
    raw_query: "\n  SELECT region, sum(x)\nFROM orders\nGROUP BY 1",
    creator_email: "a@x.com",
    data_source_token: "ds1",
    report_id: 2,
    report_token: "r2",
    space_id: 3,
    space_token: "s3",
  }]) + w.end();
  assert.equal(
    text,
    "  ID  NAME     DATA SOURCE TOKEN  RAW QUERY\n" +
      "   1  Revenue  ds1                SELECT region, sum(x)…\n",
  );
  const stats = make({}, reportStats);
  assert.equal(stats.start() + rowsText(stats, []) + stats.end(), "No report stats.\n");
});
