/**
 * The CLI as one cached, code-split bundle: `main.ts` runs the CLI from a
 * bundle of `src/Cli.ts` kept under `apps/cli/.bundle/`, built in this
 * process with `Deno.bundle` on the first run after any of its inputs
 * changed. A run then loads a handful of files instead of some four hundred
 * modules (each command's own code is still a chunk of its own, loaded when
 * that command runs).
 *
 * **Details**
 *
 * - A bundle is used only when its inputs (every local module in it, plus
 *   the root `deno.json` and `import_map.json`) hash to the digest it was
 *   built from, under the same Deno version: an edit is picked up by the
 *   next run. While every input keeps the size, times and inode it had
 *   when it was hashed, it is not read again.
 * - Whatever stops it (no `Deno.bundle`, no permission to read the inputs
 *   or to write the cache, a failed build) leaves the CLI to run from its
 *   sources, as it would without a cache. Nothing is printed either way.
 * - The bundler's output gets the fixes of `_bundlePatches.ts`.
 * - Imports nothing but `_bundlePatches.ts`: `main.ts` loads it before it
 *   knows whether the import map is in effect.
 *
 * @internal
 * @module
 */

import { applyPatches, patchesFingerprint } from "./_bundlePatches.ts";

/** Where the bundle comes from and where it is kept. */
export interface BundleOptions {
  /** The repository's root (where `deno.json` is); inputs are kept relative to it. */
  readonly root: URL;
  /** The module to bundle (`apps/cli/src/Cli.ts`). */
  readonly entry: URL;
  /** The cache directory (`apps/cli/.bundle/`). */
  readonly cacheDir: URL;
}

/** What `current.json` in the cache directory records of the bundle in use. */
interface Manifest {
  /** The Deno version that built it. */
  readonly deno: string;
  /** SHA-256 (hex) of its inputs. */
  readonly digest: string;
  /** Its inputs, relative to the root. */
  readonly inputs: ReadonlyArray<string>;
  /** Its directory under the cache directory. */
  readonly dir: string;
  /** The entry's file name in that directory. */
  readonly entry: string;
  /** The bundle's fixes ({@link patchesFingerprint}) it was built with. */
  readonly fixes?: string;
  /**
   * Each input's {@link stampOf}, taken before its bytes were hashed: while
   * every input keeps its stamp, the digest is not computed again.
   */
  readonly stamps?: ReadonlyArray<string>;
}

/** Configuration that decides how the bundle's modules resolve, always an input when present. */
const CONFIG_INPUTS = ["deno.json", "import_map.json"];

/** Bundles of other digests younger than this are kept: a running CLI may still load their chunks. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/** How much later than the build's start an input's modification time must be to count as an edit. */
const EDIT_MARGIN_MS = 5;

const encoder = new TextEncoder();

const granted = (descriptor: Deno.PermissionDescriptor): boolean => {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
};

const statOf = (url: URL): Deno.FileInfo | undefined => {
  try {
    return Deno.statSync(url);
  } catch {
    return undefined;
  }
};

const isFile = (url: URL): boolean => statOf(url)?.isFile === true;

/**
 * What a file's metadata says of its bytes (size, modification time, change
 * time, inode): a file that keeps it is taken as unchanged. Writing a file
 * moves its change time, which no tool sets back.
 */
const stampOf = (info: Deno.FileInfo | undefined): string =>
  info === undefined
    ? "missing"
    : `${info.size}:${info.mtime?.getTime()}:${info.ctime?.getTime()}:${info.ino}`;

/** Files modified this recently get no stamp: a second write within a clock tick would keep it. */
const RACY_MS = 2_000;

/** The inputs' stamps as of now, `"recent"` for a file modified within {@link RACY_MS}. */
const stampsOf = (root: URL, inputs: ReadonlyArray<string>): Array<string> => {
  const now = Date.now();
  return inputs.map((i) => {
    const info = statOf(new URL(i, root));
    const modified = info?.mtime?.getTime() ?? now;
    return now - modified < RACY_MS ? "recent" : stampOf(info);
  });
};

/** Whether every input of `manifest` still has the stamp it had when it was hashed. */
const unchanged = (root: URL, manifest: Manifest): boolean =>
  manifest.fixes === patchesFingerprint() && manifest.stamps !== undefined &&
  manifest.stamps.length === manifest.inputs.length &&
  manifest.inputs.every((input, i) =>
    stampOf(statOf(new URL(input, root))) === manifest.stamps![i]
  );

const isDirectory = (url: URL): boolean => statOf(url)?.isDirectory === true;

/** The environment variable that, set to `off`, runs the CLI from its sources. */
export const BUNDLE_SWITCH = "MODE_CLI_BUNDLE";

/** Whether the CLI is to run from its bundle: unless {@link BUNDLE_SWITCH} is `off`. */
export const bundleWanted = (): boolean =>
  !granted({ name: "env", variable: BUNDLE_SWITCH }) || Deno.env.get(BUNDLE_SWITCH) !== "off";

/**
 * Makes the next run build the bundle again (after the bundle in use failed
 * to load).
 */
export const forgetBundle = (cacheDir: URL): void => {
  try {
    Deno.removeSync(new URL("current.json", cacheDir));
  } catch {
    // Nothing to forget, or no leave to: the next run finds out for itself.
  }
};

/** SHA-256 (hex) of the inputs' paths and bytes, with the Deno version and the bundle's fixes. */
const digestOf = async (root: URL, inputs: ReadonlyArray<string>): Promise<string> => {
  const parts: Array<Uint8Array> = [
    encoder.encode(`deno ${Deno.version.deno}\0${patchesFingerprint()}\0`),
  ];
  for (const input of inputs) {
    const bytes = Deno.readFileSync(new URL(input, root));
    parts.push(encoder.encode(`${input}\0${bytes.length}\0`), bytes);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
};

const readManifest = (cacheDir: URL): Manifest | undefined => {
  try {
    const m = JSON.parse(Deno.readTextFileSync(new URL("current.json", cacheDir)));
    const fine = typeof m === "object" && m !== null && typeof m.deno === "string" &&
      typeof m.digest === "string" && typeof m.dir === "string" && typeof m.entry === "string" &&
      Array.isArray(m.inputs) && m.inputs.every((i: unknown) => typeof i === "string") &&
      (m.fixes === undefined || typeof m.fixes === "string") &&
      (m.stamps === undefined ||
        Array.isArray(m.stamps) && m.stamps.every((i: unknown) => typeof i === "string"));
    return fine ? m as Manifest : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The local modules a bundle holds, relative to `root`: the bundler heads
 * each module's code with a `// <path>` line, relative to the working
 * directory. Modules outside the root (npm packages) are left to
 * `import_map.json`, which pins their versions.
 */
const inputsOf = (texts: ReadonlyArray<string>, root: URL): Array<string> => {
  const cwd = new URL(`file://${Deno.cwd().replace(/\/?$/, "/")}`);
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/^\/\/ (\S+\.(?:ts|tsx|js|mjs|json))$/gm)) {
      const url = new URL(match[1], cwd);
      if (!url.href.startsWith(root.href) || url.pathname.includes("/node_modules/")) continue;
      if (isFile(url)) found.add(decodeURIComponent(url.href.slice(root.href.length)));
    }
  }
  for (const config of CONFIG_INPUTS) if (isFile(new URL(config, root))) found.add(config);
  return [...found].sort();
};

/** Removes bundles of other digests that are old enough not to be in use. */
const prune = (cacheDir: URL, keep: string): void => {
  try {
    for (const entry of Deno.readDirSync(cacheDir)) {
      if (!entry.isDirectory || entry.name === keep) continue;
      const dir = new URL(`${entry.name}/`, cacheDir);
      const modified = Deno.statSync(dir).mtime?.getTime() ?? 0;
      if (Date.now() - modified > KEEP_OLD_MS) Deno.removeSync(dir, { recursive: true });
    }
  } catch {
    // Pruning is housekeeping: a failure leaves old bundles behind, nothing more.
  }
};

/**
 * What the bundler is asked for: `entry` and the modules it imports, split
 * into chunks (each command's own code loads when that command runs), for
 * Deno, as files under `outputDir` kept in memory (not written).
 */
export const bundlerOptions = (entry: URL, outputDir: URL): Deno.bundle.Options => ({
  entrypoints: [decodeURIComponent(entry.pathname)],
  outputDir: decodeURIComponent(outputDir.pathname),
  codeSplitting: true,
  platform: "deno",
  format: "esm",
  write: false,
});

/** Puts `manifest` in place as `current.json`, whole (written beside it, then renamed). */
const writeManifest = (cacheDir: URL, manifest: Manifest): void => {
  const next = new URL(`.current-${crypto.randomUUID()}.json`, cacheDir);
  Deno.writeTextFileSync(next, JSON.stringify(manifest, null, 2) + "\n");
  Deno.renameSync(next, new URL("current.json", cacheDir));
};

/** Builds the bundle into the cache; its entry's URL, or `undefined` where it cannot. */
const build = async (options: BundleOptions): Promise<string | undefined> => {
  const { root, entry, cacheDir } = options;
  const bundle = (Deno as { bundle?: typeof Deno.bundle }).bundle;
  if (typeof bundle !== "function") return undefined;
  if (!granted({ name: "write", path: cacheDir })) return undefined;
  Deno.mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const staging = new URL(`.staging-${crypto.randomUUID()}/`, cacheDir);
  const result = await bundle(bundlerOptions(entry, staging));
  const files = result.outputFiles ?? [];
  const entryName = entry.pathname.split("/").pop()!.replace(/\.tsx?$/, ".js");
  if (!result.success || !files.some((f) => f.path.endsWith(`/${entryName}`))) return undefined;
  const { texts } = applyPatches(files.map((f) => f.text()));
  const inputs = inputsOf(texts, root);
  // An input edited while the bundle was being built: this bundle may not
  // hold the edit. (The margin keeps a file written in the same millisecond
  // the build started from counting as an edit.)
  const edited = (i: string) =>
    (Deno.statSync(new URL(i, root)).mtime?.getTime() ?? 0) > started + EDIT_MARGIN_MS;
  if (inputs.some(edited)) return undefined;
  const stamps = stampsOf(root, inputs);
  const digest = await digestOf(root, inputs);
  const dir = digest.slice(0, 16);
  const target = new URL(`${dir}/`, cacheDir);
  const placed = () => isFile(new URL(entryName, target));
  Deno.mkdirSync(staging, { recursive: true });
  try {
    files.forEach((file, i) => {
      const name = file.path.slice(decodeURIComponent(staging.pathname).length);
      Deno.writeTextFileSync(new URL(name, staging), texts[i]);
    });
    if (!placed()) {
      // What there is of this digest, if anything, is incomplete: it is replaced whole.
      if (isDirectory(target)) Deno.removeSync(target, { recursive: true });
      try {
        Deno.renameSync(staging, target);
      } catch (error) {
        // Another run may have put the same bundle in place first.
        if (!placed()) throw error;
      }
    }
  } finally {
    if (isDirectory(staging)) Deno.removeSync(staging, { recursive: true });
  }
  writeManifest(cacheDir, {
    deno: Deno.version.deno,
    digest,
    inputs,
    dir,
    entry: entryName,
    fixes: patchesFingerprint(),
    stamps,
  });
  prune(cacheDir, dir);
  return new URL(entryName, target).href;
};

/**
 * The URL of the bundled CLI entry that matches the sources as they are
 * now, built first if there is none; `undefined` where no bundle can be
 * used (then the CLI runs from its sources).
 *
 * **When to use**
 *
 * In `main.ts` only, before importing the CLI: `await
 * import(await bundledEntry(options) ?? sourceEntry)`.
 *
 * @example
 * ```ts ignore
 * const cli = await bundledEntry({
 *   root: new URL("../../", import.meta.url),
 *   entry: new URL("./src/Cli.ts", import.meta.url),
 *   cacheDir: new URL("./.bundle/", import.meta.url),
 * });
 * ```
 */
export const bundledEntry = async (options: BundleOptions): Promise<string | undefined> => {
  const { root, cacheDir } = options;
  if (!granted({ name: "read", path: root })) return undefined;
  try {
    const manifest = readManifest(cacheDir);
    if (manifest !== undefined && manifest.deno === Deno.version.deno) {
      const entry = new URL(`${manifest.dir}/${manifest.entry}`, cacheDir);
      if (isFile(entry)) {
        if (unchanged(root, manifest)) return entry.href;
        // Touched, checked out again, or stamped by an older build: the
        // bytes decide, and the stamps are renewed when they are the same.
        const stamps = stampsOf(root, manifest.inputs);
        const current = await digestOf(root, manifest.inputs).catch(() => undefined);
        if (current === manifest.digest) {
          const renewed = manifest.fixes !== patchesFingerprint() ||
            stamps.some((stamp, i) => stamp !== manifest.stamps?.[i]);
          try {
            // The digest covers the fixes: these are the ones it was built with.
            if (renewed) {
              writeManifest(cacheDir, { ...manifest, fixes: patchesFingerprint(), stamps });
            }
          } catch {
            // Not renewed: the next run hashes the inputs again.
          }
          return entry.href;
        }
      }
    }
    return await build(options);
  } catch {
    return undefined;
  }
};
