/**
 * The other apps use apps/edge for nothing but starting the Deno server:
 * apps/npm imports nothing of it, and apps/cli (`serve`, the demo and its
 * tests) only the starter and its settings. Everything else they need is
 * packages/server's.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

/** What apps/cli may take from apps/edge: starting the server, with its settings. */
const STARTER = new Set([
  "startEdgeServer",
  "EdgeServer",
  "EdgeSettings",
  "KvLocation",
  "describeSettings",
  "EDGE_SETTINGS_VARIABLES",
]);

const sources = async (dir: URL): Promise<Array<URL>> => {
  const out: Array<URL> = [];
  for await (const entry of Deno.readDir(dir)) {
    if (["node_modules", "dist", "testdata", "tools"].includes(entry.name)) continue;
    const url = new URL(`${entry.name}${entry.isDirectory ? "/" : ""}`, dir);
    if (entry.isDirectory) out.push(...await sources(url));
    else if (/\.(ts|mts|mjs)$/.test(entry.name)) out.push(url);
  }
  return out;
};

/** Each import of `@mode-discovery/edge` (or of apps/edge by path) in `text`: the names it takes. */
const edgeImports = (text: string): Array<{ names: Array<string>; from: string }> =>
  [
    ...text.matchAll(
      /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+["'](@mode-discovery\/edge[^"']*|[^"']*apps\/edge[^"']*|(?:\.\.\/)+edge\/[^"']*)["']/g,
    ),
  ].map((match) => ({
    from: match[2],
    names: match[1].split(",").map((n) => n.replace(/^\s*type\s+/, "").trim().split(/\s+as\s+/)[0])
      .filter((n) => n !== ""),
  }));

Deno.test("boundary: apps/npm imports nothing of apps/edge", async () => {
  const offenders: Array<string> = [];
  for (const url of await sources(new URL("apps/npm/", ROOT))) {
    const text = await Deno.readTextFile(url);
    if (/@mode-discovery\/edge|apps\/edge/.test(text)) offenders.push(url.pathname);
  }
  assert.deepEqual(offenders, []);
});

Deno.test("boundary: apps/cli imports only the server starter of apps/edge", async () => {
  const taken = new Set<string>();
  for (const url of await sources(new URL("apps/cli/", ROOT))) {
    for (const { names, from } of edgeImports(await Deno.readTextFile(url))) {
      assert.equal(from, "@mode-discovery/edge", `${url.pathname} imports ${from}`);
      for (const name of names) {
        assert.ok(STARTER.has(name), `${url.pathname} imports ${name} from apps/edge`);
        taken.add(name);
      }
    }
  }
  assert.ok(taken.has("startEdgeServer"), "the CLI's serve starts the edge server");
});
