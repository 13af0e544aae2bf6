/**
 * `deno task test:npm` (also run by `deno task test`): the npm package as a
 * Node user gets it. Builds it, packs the tarball, installs the tarball into
 * a fresh Node project in a temporary directory (nothing there can reach the
 * repository's sources), runs a node:test suite there, and type-checks a
 * strict TypeScript consumer; then adds the project's own `effect` and
 * tests the Effect entry the same way.
 *
 * Needs Node.js (>= 20.19) and npm on PATH, and the npm registry (or npm's
 * cache) for the build tools, TypeScript, @types/node and effect.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildNpmPackage } from "./build.ts";

const NPM_DIR = fileURLToPath(new URL("./", import.meta.url));
const FIXTURES = `${NPM_DIR}testdata/consumer/`;

interface Ran {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs a command; its stdout and stderr together, and whether it exited 0. */
const run = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<Ran> => {
  const result = await new Deno.Command(command, {
    args: [...args],
    cwd,
    env: { NO_COLOR: "1", FORCE_COLOR: "0", npm_config_update_notifier: "false" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    ok: result.success,
    output: `${decoder.decode(result.stdout)}${decoder.decode(result.stderr)}`.trim(),
  };
};

const mustRun = async (
  what: string,
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
): Promise<string> => {
  const ran = await run(command, args, cwd);
  assert.ok(ran.ok, `${what} failed:\n${ran.output}`);
  return ran.output;
};

const exists = async (path: string): Promise<boolean> => {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
};

/** The pinned versions the consumer project installs: the build tools' and the repository's. */
const pins = async () => {
  const tools = JSON.parse(await Deno.readTextFile(`${NPM_DIR}tools/package.json`));
  const importMap = JSON.parse(await Deno.readTextFile(`${NPM_DIR}../../import_map.json`));
  const effect = /^npm:effect@(.+)$/.exec(importMap.imports.effect)?.[1];
  assert.ok(effect !== undefined, "import_map.json pins effect as npm:effect@VERSION");
  return {
    typescript: tools.devDependencies.typescript as string,
    typesNode: tools.devDependencies["@types/node"] as string,
    effect,
  };
};

const NPM_INSTALL = ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

Deno.test("npm package: build, pack, install into a fresh Node project, test, type-check", async (t) => {
  const work = await Deno.makeTempDir({ prefix: "mode-discovery-npm-" });
  const consumer = `${work}/consumer`;
  try {
    const versions = await pins();
    let tarball = "";

    const built = await t.step(
      "build:npm writes ESM bundles, declarations and package.json",
      async () => {
        const { outDir, files } = await buildNpmPackage(`${work}/package`);
        const manifest = JSON.parse(await Deno.readTextFile(`${outDir}package.json`));
        assert.equal(manifest.name, "mode-discovery");
        assert.equal(manifest.type, "module");
        assert.equal(manifest.sideEffects, false);
        assert.equal(manifest.license, "MIT");
        assert.deepEqual(manifest.engines, { node: ">=20" });
        assert.equal(manifest.types, "./index.d.mts");
        assert.equal(manifest.dependencies, undefined, "the package has no dependencies");
        for (
          const [entry, file] of [[".", "index"], ["./server", "server"], ["./effect", "effect"]]
        ) {
          assert.deepEqual(manifest.exports[entry], {
            types: `./${file}.d.mts`,
            default: `./${file}.mjs`,
          });
        }
        const names = files.map((f) => f.name);
        for (const name of ["index.mjs", "server.mjs", "effect.mjs", "README.md", "LICENSE"]) {
          assert.ok(names.includes(name), `${name} is built`);
        }
        for (const name of names.filter((n) => n.endsWith(".d.mts") && n !== "effect.d.mts")) {
          const types = await Deno.readTextFile(`${outDir}${name}`);
          assert.doesNotMatch(types, /from "effect/, `${name} needs no effect types`);
        }
        const packed = JSON.parse(
          await mustRun("npm pack", "npm", ["pack", "--json", "--pack-destination", work], outDir),
        );
        tarball = `${work}/${packed[0].filename}`;
        const packedFiles: Array<string> = packed[0].files.map((f: { path: string }) => f.path);
        assert.ok(
          packedFiles.every((path) =>
            /^[^/]+\.(mjs|d\.mts)$|^(package\.json|README\.md|LICENSE)$/.test(path)
          ),
          `only the package's own files are packed: ${packedFiles.join(", ")}`,
        );
      },
    );
    if (!built) return;

    const installed = await t.step("the tarball installs into a fresh Node project", async () => {
      await Deno.mkdir(consumer);
      for await (const entry of Deno.readDir(FIXTURES)) {
        await Deno.copyFile(`${FIXTURES}${entry.name}`, `${consumer}/${entry.name}`);
      }
      await mustRun("npm install (tarball, typescript, @types/node)", "npm", [
        ...NPM_INSTALL,
        tarball,
        `typescript@${versions.typescript}`,
        `@types/node@${versions.typesNode}`,
      ], consumer);
      const manifest = JSON.parse(
        await Deno.readTextFile(`${consumer}/node_modules/mode-discovery/package.json`),
      );
      assert.equal(manifest.name, "mode-discovery");
      assert.ok(
        !await exists(`${consumer}/node_modules/effect`),
        "installing mode-discovery installs no effect",
      );
    });
    if (!installed) return;

    await t.step("node:test suite passes; a strict TypeScript consumer type-checks", async () => {
      // Independent: run side by side.
      const [tests] = await Promise.all([
        mustRun("node --test node_client.mjs", "node", [
          "--test",
          "--test-reporter=spec",
          "node_client.mjs",
        ], consumer),
        mustRun("tsc -p tsconfig.json (consumer.ts)", "node", [
          "node_modules/typescript/bin/tsc",
          "-p",
          "tsconfig.json",
        ], consumer),
      ]);
      const passed = /ℹ pass (\d+)/.exec(tests)?.[1];
      const failed = /ℹ fail (\d+)/.exec(tests)?.[1];
      assert.equal(failed, "0", tests);
      assert.ok(Number(passed) > 0, tests);
      console.log(`node:test (node_client.mjs): ${passed} passed, ${failed} failed`);
    });

    await t.step(
      "with the project's own effect added, the Effect entry works and type-checks",
      async () => {
        await mustRun(`npm install effect@${versions.effect}`, "npm", [
          ...NPM_INSTALL,
          `effect@${versions.effect}`,
        ], consumer);
        const [tests] = await Promise.all([
          mustRun("node --test node_effect.mjs", "node", [
            "--test",
            "--test-reporter=spec",
            "node_effect.mjs",
          ], consumer),
          mustRun("tsc -p tsconfig.effect.json (effect_consumer.ts)", "node", [
            "node_modules/typescript/bin/tsc",
            "-p",
            "tsconfig.effect.json",
          ], consumer),
        ]);
        const passed = /ℹ pass (\d+)/.exec(tests)?.[1];
        assert.match(tests, /ℹ fail 0/, tests);
        console.log(`node:test (node_effect.mjs): ${passed} passed, 0 failed`);
      },
    );
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
