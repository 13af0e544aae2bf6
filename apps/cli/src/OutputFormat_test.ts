import assert from "node:assert/strict";
import { defaultFormat } from "./OutputFormat.ts";

Deno.test("the default format: table on a terminal, ndjson otherwise, or the file's extension", () => {
  assert.equal(defaultFormat({ stdoutIsTerminal: true, output: undefined }), "table");
  assert.equal(defaultFormat({ stdoutIsTerminal: false, output: undefined }), "ndjson");
  assert.equal(defaultFormat({ stdoutIsTerminal: true, output: "all.CSV" }), "csv");
  assert.equal(defaultFormat({ stdoutIsTerminal: false, output: "out/all.json" }), "json");
  assert.equal(defaultFormat({ stdoutIsTerminal: false, output: "all.jsonl" }), "ndjson");
  assert.equal(defaultFormat({ stdoutIsTerminal: true, output: "all.ndjson" }), "ndjson");
  assert.equal(defaultFormat({ stdoutIsTerminal: true, output: "all.txt" }), "ndjson");
  assert.equal(defaultFormat({ stdoutIsTerminal: true, output: "no-extension" }), "ndjson");
});
