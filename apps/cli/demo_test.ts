/**
 * `deno task demo` end to end, as a new user runs it.
 */
import assert from "node:assert/strict";
import { cleanEnv, commandStderr, ROOT } from "./_testing.ts";

Deno.test("deno task demo serves the example workspace and lists it", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: ROOT,
    env: cleanEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = commandStderr(new TextDecoder().decode(output.stderr));
  assert.equal(output.code, 0, stderr);
  assert.match(
    stdout,
    /^mode-discovery demo\nStarted the Discovery API at http:\/\/127\.0\.0\.1:\d+: /,
  );
  assert.match(stdout, /workspace "demo" \(4,146 collections and their reports/);
  assert.match(
    stdout,
    /\n\$ MODE_TOKEN=… MODE_ACCESS_KEY=… MODE_ACCESS_SECRET=… mode-discovery collections list --workspace demo --base-url http:\/\/127\.0\.0\.1:\d+ --format table\n/,
  );
  // The table: a header and the first 10 rows, ascending ids from 170.
  const lines = stdout.split("\n");
  const header = lines.findIndex((line) =>
    /^ +ID {2}TOKEN {9}SPACE TYPE +NAME +DESCRIPTION$/.test(line)
  );
  assert.ok(header > 0, stdout);
  const rows = lines.slice(header + 1, header + 11);
  assert.match(rows[0], /^ *170 {2}[0-9a-f]{12} {2}\S/);
  const ids = rows.map((row) => Number(row.trim().split(/\s+/)[0]));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(lines[header + 11], "… and 4,136 more rows.");
  // The summary of the same run, on stderr.
  assert.match(stderr, /^4,146 collections in 5 pages, 0 retries, [\d.]+ m?s\.$/m);
  // Every other resource is counted, and a few queries are shown.
  for (const name of ["reports", "queries", "charts", "report-stats", "members"]) {
    assert.match(stdout, new RegExp(`\\n  ${name} +[\\d,]+`), name);
  }
  assert.match(stdout, /\n {2}reports +[\d,]+ {2}\(4,146 with --include-spaces all\)\n/);
  assert.match(
    stdout,
    /\n\$ mode-discovery queries list --workspace demo .* --limit 5 --format table\n +ID {2}NAME/,
  );
  // `--limit 5` asks for a page of 5, not a default page of 1,000.
  assert.match(stderr, /^5 queries in 1 page, 0 retries, [\d.]+ m?s\.$/m);
});
