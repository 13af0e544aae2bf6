/**
 * packages/server is runtime-neutral: no module of it (tests and the
 * tests' fixtures aside) uses the Deno namespace or imports a `node:`
 * module, and only tests import the fixtures. The runtime adapters
 * (apps/edge for Deno, apps/npm for Node) bring those.
 */
import assert from "node:assert/strict";

const ROOT = new URL("./", import.meta.url);

/** Every TypeScript file under packages/server, relative to it. */
const sources = async (dir = ROOT, prefix = ""): Promise<Array<string>> => {
  const out: Array<string> = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      out.push(...await sources(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    } else if (entry.name.endsWith(".ts")) {
      out.push(`${prefix}${entry.name}`);
    }
  }
  return out.sort();
};

const isTest = (path: string) => path.endsWith("_test.ts");
const isFixture = (path: string) => path.endsWith("/_testing.ts");

const DENO = /\bDeno\s*\./;
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']node:/;

Deno.test("server: no module uses the Deno namespace or imports a node: module", async () => {
  const files = (await sources()).filter((path) => !isTest(path) && !isFixture(path));
  assert.ok(files.includes("mod.ts") && files.length > 30, files.join(", "));
  const offenders: Array<string> = [];
  for (const path of files) {
    const lines = (await Deno.readTextFile(new URL(path, ROOT))).split("\n");
    lines.forEach((line, i) => {
      if (DENO.test(line) || NODE_IMPORT.test(line)) {
        offenders.push(`${path}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});

Deno.test("server: only tests import the test fixtures", async () => {
  const offenders: Array<string> = [];
  for (const path of await sources()) {
    if (isTest(path) || isFixture(path)) continue;
    const text = await Deno.readTextFile(new URL(path, ROOT));
    if (/["']\.\/_testing\.ts["']/.test(text)) offenders.push(path);
  }
  assert.deepEqual(offenders, []);
});

Deno.test("server: the scan catches what it looks for", () => {
  for (
    const line of [
      'import { x } from "node:crypto";',
      "const k = await Deno.openKv();",
      'await import("node:fs")',
    ]
  ) {
    assert.ok(DENO.test(line) || NODE_IMPORT.test(line), line);
  }
  assert.ok(!NODE_IMPORT.test("a `node:http` adapter"));
});
