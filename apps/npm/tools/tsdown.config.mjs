// The npm build of mode-discovery, run by apps/npm/build.ts (see apps/npm/README.md,
// "Bundling effect"). Four builds into one directory:
// 1. `index` (the Promise API) with effect bundled in and minified: fast to import,
//    nothing else to install;
// 2. `server`, the same way, built apart so that importing `mode-discovery` never loads the
//    server's modules; its errors come from the package's own main entry
//    (`import ... from "mode-discovery"`), so `instanceof` works across the two;
// 3. the declarations of both, with effect left external so none of its types leak in (the
//    public types of these entries are plain TypeScript);
// 4. `effect`, the Effect-native entry, importing the user's own `effect` (a peer dependency).
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const npm = here("../");
const repo = here("../../../");
const outDir = process.env.MODE_NPM_OUT_DIR ?? here("../dist/");
const effect = /^effect(\/|$)/;

const common = {
  platform: "node",
  target: "node20",
  format: "esm",
  outDir,
  clean: false,
  tsconfig: here("./tsconfig.json"),
  alias: {
    "@mode-discovery/core": `${repo}packages/core/mod.ts`,
    "@mode-discovery/server": `${repo}packages/server/mod.ts`,
  },
  // The project's own modules only define things: whatever an entry does not use is dropped.
  treeshake: { moduleSideEffects: (id) => !id.startsWith(repo) || id.includes("/node_modules/") },
  logLevel: "warn",
  checks: { pluginTimings: false },
};

/** Resolves the server's import of the error classes to the package's main entry. */
const errorsFromMainEntry = {
  name: "mode-discovery:errors-from-main-entry",
  resolveId(source, importer) {
    if (source === "./Errors.ts" && importer === `${npm}src/Server.ts`) {
      return { id: "mode-discovery", external: true };
    }
    return null;
  },
};

export default [
  {
    ...common,
    entry: { index: `${npm}mod.ts` },
    deps: { alwaysBundle: [effect] },
    minify: true,
    dts: false,
  },
  {
    ...common,
    entry: { server: `${npm}server.ts` },
    deps: { alwaysBundle: [effect], neverBundle: ["mode-discovery"] },
    plugins: [errorsFromMainEntry],
    minify: true,
    dts: false,
  },
  {
    ...common,
    entry: { index: `${npm}mod.ts`, server: `${npm}server.ts` },
    deps: { neverBundle: [effect] },
    dts: { emitDtsOnly: true },
  },
  { ...common, entry: { effect: `${npm}effect.ts` }, deps: { neverBundle: [effect] }, dts: true },
];
