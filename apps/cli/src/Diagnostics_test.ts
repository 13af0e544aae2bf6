import assert from "node:assert/strict";
import type { CliIOShape } from "./CliIO.ts";
import { colorAllowed, Diagnostics, requestLine } from "./Diagnostics.ts";
import { Redactor } from "./Redactor.ts";

const io = (isTerminal: boolean, env: Record<string, string> = {}) => {
  const err: Array<string> = [];
  const shape: CliIOShape = {
    stdout: { isTerminal: false, write: () => Promise.resolve(), writeSync: () => {} },
    stderr: { isTerminal, write: () => Promise.resolve(), writeSync: (t) => void err.push(t) },
    env: (name) => env[name],
    columns: () => undefined,
  };
  return { shape, err };
};

Deno.test("colours only on a terminal, without NO_COLOR, and not for TERM=dumb", () => {
  assert.equal(colorAllowed(true, () => undefined), true);
  assert.equal(colorAllowed(false, () => undefined), false);
  assert.equal(colorAllowed(true, (n) => (n === "NO_COLOR" ? "1" : undefined)), false);
  assert.equal(colorAllowed(true, (n) => (n === "NO_COLOR" ? "" : undefined)), true);
  assert.equal(colorAllowed(true, (n) => (n === "TERM" ? "dumb" : undefined)), false);
});

Deno.test("request lines: method, URL, outcome, time, retries", () => {
  assert.equal(
    requestLine({
      method: "GET",
      url: "http://h/batch/a/spaces?page=2&per_page=10",
      attempt: 1,
      status: 200,
      durationMs: 12,
    }),
    "> GET http://h/batch/a/spaces?page=2&per_page=10 -> 200 (12 ms)",
  );
  assert.equal(
    requestLine({
      method: "GET",
      url: "http://h/x",
      attempt: 3,
      error: "connection refused",
      durationMs: 1,
    }),
    "> GET http://h/x [retry 2] -> failed: connection refused (1 ms)",
  );
});

Deno.test("--quiet drops the summary but keeps warnings and errors; --verbose adds lines", () => {
  const quiet = io(false);
  const d = Diagnostics.make(quiet.shape, { quiet: true, verbose: false });
  d.info("summary");
  d.verbose("request");
  d.warn("drift");
  d.error("failed");
  assert.deepEqual(quiet.err, ["warning: drift\n", "error: failed\n"]);
  const loud = io(false);
  const v = Diagnostics.make(loud.shape, { quiet: false, verbose: true });
  v.info("summary");
  v.verbose("request");
  assert.deepEqual(loud.err, ["summary\n", "request\n"]);
});

Deno.test("every line is scrubbed once secrets are known; colours follow the terminal", () => {
  const t = io(true);
  const d = Diagnostics.make(t.shape, { quiet: false, verbose: true });
  d.redact(Redactor.empty.add(["hunter2-secret"]));
  d.verbose("> GET http://h/?x=hunter2-secret");
  d.error("hunter2-secret leaked");
  assert.deepEqual(t.err, [
    "\x1b[2m> GET http://h/?x=<redacted>\x1b[0m\n",
    "\x1b[31merror\x1b[0m: <redacted> leaked\n",
  ]);
});

Deno.test("the progress line shows only on a terminal and not with --quiet", () => {
  for (
    const [isTerminal, quiet, shown] of [[true, false, true], [false, false, false], [
      true,
      true,
      false,
    ]]
  ) {
    const t = io(isTerminal, { NO_COLOR: "1" });
    const d = Diagnostics.make(t.shape, { quiet, verbose: false });
    d.startProgress("demo");
    d.progress({
      pagesFetched: 1,
      totalPages: 2,
      totalCount: 3,
      itemsEmitted: 2,
      retries: 0,
      elapsedMs: 5,
    });
    d.info("done");
    assert.equal(t.err.some((line) => line.includes("demo: page 1/2")), shown);
    if (shown) assert.equal(t.err.at(-2), "\r\x1b[2K", "cleared before the next line");
  }
});
