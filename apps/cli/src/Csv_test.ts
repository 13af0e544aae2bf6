import assert from "node:assert/strict";
import fc from "fast-check";
import type { Collection } from "@mode-discovery/core";
import { readCsv } from "../_csv_reader.ts";
import { csvField, csvRecord, make } from "./Csv.ts";
import { rowsText } from "./RowWriter.ts";

const row = (over: Partial<Collection> = {}): Collection => ({
  id: 1,
  token: "abc",
  name: null,
  description: null,
  space_type: "custom",
  space_url: "/api/acme/spaces/abc",
  ...over,
});

Deno.test("csvField quotes exactly when RFC 4180 requires it", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField(""), "");
  assert.equal(csvField(null), "");
  assert.equal(csvField(170), "170");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\ronly"), '"cr\ronly"');
  assert.equal(csvField("  spaces kept  "), "  spaces kept  ");
  assert.equal(csvField("売上 📈 é"), "売上 📈 é");
});

Deno.test("the CSV writer: header in schema order, one CRLF record per collection", () => {
  const w = make();
  const text = w.start() +
    rowsText(w, [row({ id: 1, name: 'A, "b"' })]) +
    rowsText(w, [row({ id: 2, description: "x\r\ny" })]) +
    w.end();
  assert.equal(
    text,
    "id,token,name,description,space_type,space_url\r\n" +
      '1,abc,"A, ""b""",,custom,/api/acme/spaces/abc\r\n' +
      '2,abc,,"x\r\ny",custom,/api/acme/spaces/abc\r\n',
  );
});

// Characters CSV must handle with care, plus any ASCII. (fast-check's full
// "binary" unit costs seconds to set up; this covers the same cases.)
const awkwardChar = fc.oneof(
  fc.constantFrom(
    '"',
    ",",
    "\r",
    "\n",
    "\r\n",
    " ",
    "\t",
    "é",
    "e\u0301",
    "売",
    "📈",
    "\u2028",
    "\0",
    "\ud800",
  ),
  fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
);

Deno.test("any text survives a CSV round trip through a strict RFC 4180 reader", () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: awkwardChar, maxLength: 20 }), { minLength: 1, maxLength: 6 }),
      (values) => {
        assert.deepEqual(readCsv(csvRecord(values)), [values]);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("every resource's CSV has its wire fields as the header; lists are JSON text", async () => {
  const { reportStats, resources } = await import("@mode-discovery/core");
  for (const resource of resources) {
    assert.equal(make(resource).start(), csvRecord(resource.columns.map((c) => c.name)));
  }
  const text = rowsText(make(reportStats), [{
    report_id: 1,
    report_token: "r",
    active_schedules_count: 0,
    explorations_count: null,
    view_count: 3,
    recent_manual_run_creators_emails: ["a@x.com", 'b"@x.com'],
    scheduled_run_creators_emails: [],
    editors_emails: null,
  }]);
  const [record] = readCsv(text);
  assert.deepEqual(record, ["1", "r", "0", "", "3", '["a@x.com","b\\"@x.com"]', "[]", ""]);
});
