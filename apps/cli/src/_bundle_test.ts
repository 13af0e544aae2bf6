import assert from "node:assert/strict";
import { bundledEntry } from "./_bundle.ts";

/** A small project to bundle: an entry, a module it imports, one it imports lazily. */
const project = async () => {
  const root = new URL(`file://${await Deno.makeTempDir({ prefix: "mode-discovery-bundle-" })}/`);
  const write = (path: string, text: string) => Deno.writeTextFileSync(new URL(path, root), text);
  Deno.mkdirSync(new URL("src/", root));
  write("deno.json", "{}\n");
  write(
    "src/Main.ts",
    'import { greeting } from "./Greeting.ts";\n' +
      "export const hello = (): string => greeting;\n" +
      'export const later = (): Promise<string> => import("./Later.ts").then((m) => m.later);\n',
  );
  write("src/Greeting.ts", 'export const greeting: string = "hello";\n');
  write("src/Later.ts", 'export const later: string = "later";\n');
  const options = {
    root,
    entry: new URL("src/Main.ts", root),
    cacheDir: new URL(".bundle/", root),
  };
  type Main = { hello: () => string; later: () => Promise<string> };
  const load = async (): Promise<{ url: string; main: Main }> => {
    const url = await bundledEntry(options);
    assert.ok(url !== undefined, "a bundle was built");
    return { url, main: await import(url) as Main };
  };
  const manifest = () => JSON.parse(Deno.readTextFileSync(new URL(".bundle/current.json", root)));
  return { root, options, write, load, manifest };
};

type Project = Awaited<ReturnType<typeof project>>;

/** Runs `body` on a fresh project, removed afterwards. */
const withProject = async (body: (p: Project) => Promise<void>): Promise<void> => {
  const p = await project();
  try {
    await body(p);
  } finally {
    await Deno.remove(p.root, { recursive: true });
  }
};

Deno.test("the bundle is built on the first run and reused while its sources stay as they are", () =>
  withProject(async (p) => {
    const first = await p.load();
    assert.ok(first.url.startsWith(p.options.cacheDir.href));
    assert.equal(first.main.hello(), "hello");
    assert.equal(await first.main.later(), "later");
    assert.deepEqual(p.manifest().inputs, [
      "deno.json",
      "src/Greeting.ts",
      "src/Later.ts",
      "src/Main.ts",
    ]);
    const built = Deno.statSync(new URL(".bundle/current.json", p.root)).mtime;
    const again = await bundledEntry(p.options);
    assert.equal(again, first.url);
    assert.deepEqual(Deno.statSync(new URL(".bundle/current.json", p.root)).mtime, built);
  }));

Deno.test("an edited source, even one loaded lazily, is in the next run's bundle", () =>
  withProject(async (p) => {
    const first = await p.load();
    p.write("src/Greeting.ts", 'export const greeting: string = "bonjour";\n');
    const second = await p.load();
    assert.notEqual(second.url, first.url);
    assert.equal(second.main.hello(), "bonjour");
    p.write("src/Later.ts", 'export const later: string = "plus tard";\n');
    const third = await p.load();
    assert.equal(await third.main.later(), "plus tard");
  }));

Deno.test("inputs that keep their size, times and inode are not read again", () =>
  withProject(async (p) => {
    // Sources older than the racy window get stamps when they are hashed.
    const past = new Date(Date.now() - 60_000);
    for (const f of ["deno.json", "src/Main.ts", "src/Greeting.ts", "src/Later.ts"]) {
      Deno.utimeSync(new URL(f, p.root), past, past);
    }
    const first = await p.load();
    assert.ok(p.manifest().stamps.every((s: string) => s !== "recent"));
    // A wrong digest goes unnoticed while the stamps hold: nothing was hashed.
    const manifestUrl = new URL(".bundle/current.json", p.root);
    const digest = p.manifest().digest;
    Deno.writeTextFileSync(
      manifestUrl,
      JSON.stringify({ ...p.manifest(), digest: "0".repeat(64) }),
    );
    assert.equal(await bundledEntry(p.options), first.url);
    assert.equal(p.manifest().digest, "0".repeat(64));
    // A touched input is hashed again: its bytes decide.
    Deno.utimeSync(new URL("src/Later.ts", p.root), new Date(), new Date());
    const rebuilt = await p.load();
    assert.equal(rebuilt.url, first.url);
    assert.equal(p.manifest().digest, digest);
  }));

Deno.test("an edit that keeps the file's size, right after the build, is in the next run's bundle", () =>
  withProject(async (p) => {
    const first = await p.load();
    p.write("src/Greeting.ts", 'export const greeting: string = "HELLO";\n');
    const second = await p.load();
    assert.notEqual(second.url, first.url);
    assert.equal(second.main.hello(), "HELLO");
  }));

Deno.test("a damaged cache is built again rather than used", () =>
  withProject(async (p) => {
    const first = await p.load();
    Deno.writeTextFileSync(new URL(".bundle/current.json", p.root), "{ not json");
    const rebuilt = await p.load();
    assert.equal(rebuilt.url, first.url);
    assert.equal(rebuilt.main.hello(), "hello");
    assert.equal(typeof p.manifest().digest, "string");
    Deno.removeSync(new URL(first.url));
    const again = await p.load();
    assert.equal(again.main.hello(), "hello");
  }));

Deno.test("a source that no longer bundles leaves the run to the sources", () =>
  withProject(async (p) => {
    await p.load();
    p.write("src/Greeting.ts", 'export const greeting: string = "unterminated;\n');
    assert.equal(await bundledEntry(p.options), undefined);
  }));
