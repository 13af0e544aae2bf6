/**
 * `deno task build:npm`: builds the npm package `mode-discovery` into
 * apps/npm/dist (or the directory given with `--out DIR`), ready for
 * `npm pack` or `npm publish`.
 *
 * **Details**
 *
 * - Installs the pinned build tools (tsdown, TypeScript, @types/node; see
 *   tools/package.json and its lock file) into apps/npm/tools/node_modules
 *   the first time, and again whenever the lock file changes.
 * - Runs tsdown with tools/tsdown.config.mjs on Node (>= 20.19), then writes
 *   the package's package.json, README.md and LICENSE beside the bundles.
 * - Fails with a one-line reason (no stack trace) when Node, npm or a tool
 *   is missing or a step fails.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The directory of this file (apps/npm), with a trailing slash. */
const NPM_DIR = fileURLToPath(new URL("./", import.meta.url));
const REPO_DIR = fileURLToPath(new URL("../../", import.meta.url));
const TOOLS_DIR = `${NPM_DIR}tools/`;
const STAMP = `${TOOLS_DIR}node_modules/.mode-discovery-lock`;

/** The repository named in package.json. */
export const REPOSITORY_URL = "git+https://github.com/mode-discovery/mode-discovery.git";

/** A failed build step; `main` prints its message alone. */
export class BuildError extends Error {
  override name = "BuildError";
}

/** What a build produced. */
export interface BuildResult {
  /** The package directory (holds package.json). */
  readonly outDir: string;
  /** The files written, with their sizes in bytes. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
}

const run = async (
  what: string,
  command: string,
  args: ReadonlyArray<string>,
  options: {
    readonly cwd: string;
    readonly env?: Record<string, string>;
    readonly quiet?: boolean;
  },
): Promise<string> => {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: [...args],
      cwd: options.cwd,
      env: options.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new BuildError(
      `${what}: cannot run ${command} (${
        error instanceof Deno.errors.NotFound ? "not found on PATH" : String(error)
      }). Install Node.js 20.19 or later with npm.`,
    );
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr)
    .split("\n")
    .filter((line) => !/Node\.js v[\d.]+ is deprecated/.test(line))
    .join("\n")
    .trim();
  if (!output.success) {
    throw new BuildError(`${what} failed (exit code ${output.code}):\n${stderr || stdout}`);
  }
  if (!options.quiet && stderr !== "") console.error(stderr);
  return stdout;
};

const sha256 = async (path: string): Promise<string> => {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
};

const exists = async (path: string): Promise<boolean> => {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
};

const checkNode = async (): Promise<void> => {
  const version = (await run("Checking Node.js", "node", ["--version"], { cwd: NPM_DIR })).trim();
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  if (!(major > 20 || (major === 20 && minor >= 19))) {
    throw new BuildError(
      `Node.js ${version} is too old to build the npm package: tsdown needs 20.19 or later.`,
    );
  }
};

/** Installs the pinned build tools unless the installed ones match the lock file. */
const ensureTools = async (): Promise<void> => {
  const lock = await sha256(`${TOOLS_DIR}package-lock.json`);
  if (await exists(STAMP) && (await Deno.readTextFile(STAMP)).trim() === lock) return;
  console.error("build:npm: installing the build tools (apps/npm/tools) ...");
  await run(
    "Installing the build tools (npm ci in apps/npm/tools)",
    "npm",
    ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
    { cwd: TOOLS_DIR, quiet: true },
  );
  await Deno.writeTextFile(STAMP, `${lock}\n`);
};

/**
 * Makes sure `effect` is in the repository's node_modules: tsdown bundles it
 * from there. The workspace itself runs with `"nodeModulesDir": "none"` (npm
 * packages from Deno's global cache), so the directory is made here, for the
 * build alone.
 */
const ensureEffect = async (): Promise<void> => {
  if (await exists(`${REPO_DIR}node_modules/effect/package.json`)) return;
  await run(
    "Installing the repository's npm dependencies into node_modules (deno install)",
    Deno.execPath(),
    ["install", "--node-modules-dir=auto"],
    { cwd: REPO_DIR, quiet: true },
  );
};

/** The package.json of the built package. */
export const packageJson = (version: string): Record<string, unknown> => ({
  name: "mode-discovery",
  version,
  description:
    "Client for Mode's Discovery API: list a workspace's collections with for await, typed errors and AbortSignal; an in-memory API server for tests; and the Effect-native API.",
  keywords: ["mode", "mode-analytics", "discovery-api", "collections", "effect", "api-client"],
  license: "MIT",
  repository: { type: "git", url: REPOSITORY_URL, directory: "apps/npm" },
  type: "module",
  sideEffects: false,
  engines: { node: ">=20" },
  main: "./index.mjs",
  types: "./index.d.mts",
  exports: {
    ".": { types: "./index.d.mts", default: "./index.mjs" },
    "./server": { types: "./server.d.mts", default: "./server.mjs" },
    "./effect": { types: "./effect.d.mts", default: "./effect.mjs" },
    "./package.json": "./package.json",
  },
  typesVersions: { "*": { server: ["./server.d.mts"], effect: ["./effect.d.mts"] } },
  files: ["*.mjs", "*.d.mts", "README.md", "LICENSE"],
  peerDependencies: { effect: "^4.1.0" },
  peerDependenciesMeta: { effect: { optional: true } },
});

/**
 * Builds the package into `outDir` (emptied first).
 *
 * @example
 * ```ts
 * import { buildNpmPackage } from "./build.ts";
 * const { outDir, files } = await buildNpmPackage(await Deno.makeTempDir());
 * ```
 */
export const buildNpmPackage = async (outDir: string): Promise<BuildResult> => {
  const dir = outDir.endsWith("/") ? outDir : `${outDir}/`;
  await checkNode();
  await ensureTools();
  await ensureEffect();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  await run(
    "Bundling with tsdown (apps/npm/tools/tsdown.config.mjs)",
    "node",
    [`${TOOLS_DIR}node_modules/tsdown/dist/run.mjs`, "--config", `${TOOLS_DIR}tsdown.config.mjs`],
    { cwd: TOOLS_DIR, env: { MODE_NPM_OUT_DIR: dir } },
  );
  const { version } = JSON.parse(await Deno.readTextFile(`${NPM_DIR}deno.json`));
  await Deno.writeTextFile(
    `${dir}package.json`,
    `${JSON.stringify(packageJson(version), null, 2)}\n`,
  );
  await Deno.copyFile(`${NPM_DIR}README.md`, `${dir}README.md`);
  await Deno.copyFile(`${NPM_DIR}LICENSE`, `${dir}LICENSE`);
  const files: Array<{ name: string; bytes: number }> = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) {
      files.push({ name: entry.name, bytes: (await Deno.stat(dir + entry.name)).size });
    }
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of ["index.mjs", "index.d.mts", "server.mjs", "server.d.mts", "effect.mjs"]) {
    if (!files.some((f) => f.name === entry)) {
      throw new BuildError(`The build did not produce ${entry}; see tools/tsdown.config.mjs.`);
    }
  }
  return { outDir: dir, files };
};

const main = async (): Promise<number> => {
  const at = Deno.args.indexOf("--out");
  const outDir = at >= 0 ? Deno.args[at + 1] : `${NPM_DIR}dist`;
  if (outDir === undefined || Deno.args.some((a, i) => a !== "--out" && i !== at + 1)) {
    console.error("usage: deno task build:npm [--out DIR]");
    return 2;
  }
  try {
    const started = performance.now();
    const result = await buildNpmPackage(outDir);
    for (const file of result.files) {
      console.log(`${file.name.padEnd(24)} ${(file.bytes / 1024).toFixed(1).padStart(8)} kB`);
    }
    console.log(
      `build:npm: built ${result.outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } catch (error) {
    console.error(`build:npm: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};

if (import.meta.main) Deno.exit(await main());
