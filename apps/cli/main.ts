#!/usr/bin/env -S deno run -A
/**
 * `mode-discovery`: the command-line entry point. The CLI runs in this
 * process.
 *
 * Run it with `deno task cli <args>` or `deno run -A apps/cli/main.ts <args>`
 * from the repository, or install it from the repository's root:
 *
 * ```sh
 * deno install -g -A -n mode-discovery --config deno.json apps/cli/main.ts
 * ```
 *
 * **Details**
 *
 * `--config deno.json` gives the installed command the workspace's import
 * map (`deno install -g` ignores the workspace otherwise); installed without
 * it, the command says so and exits 1 without doing anything.
 *
 * The CLI runs from a code-split bundle of its modules, cached under
 * `apps/cli/.bundle/` and built in this process on the first run after any
 * of them changed (see `src/_bundle.ts`): start-up loads a handful of files
 * instead of some four hundred modules. `MODE_CLI_BUNDLE=off` runs it from
 * its sources; so does a run that may not read the repository or write the
 * cache.
 *
 * Ctrl-C (SIGINT) or SIGTERM interrupts the run cleanly: an unfinished
 * `--output` file is removed, a server `serve` started is closed, and the
 * process exits 130 (143 for SIGTERM). A second signal exits at once.
 *
 * @module
 */

import { bundledEntry, bundleWanted, forgetBundle } from "./src/_bundle.ts";

/** Milliseconds a stop may take after a second signal before the process exits anyway. */
const STOP_GRACE_MS = 2_000;

const importMapInEffect = (): boolean => {
  try {
    import.meta.resolve("effect");
    return true;
  } catch {
    return false;
  }
};

/** Runs the CLI with `args` in this process; resolves to its exit code. */
export const main = async (args: ReadonlyArray<string>): Promise<number> => {
  if (!importMapInEffect()) {
    console.error(
      "mode-discovery: cannot start: the repository's import map is not in effect. Install the command from the repository's root with `deno install -g -A -n mode-discovery --config deno.json apps/cli/main.ts`, or run it with `deno task cli` or `deno run -A --config deno.json apps/cli/main.ts`.",
    );
    return 1;
  }
  // A computed specifier: without the import map, the CLI's bare imports
  // must not be resolved before the check above has said what to do.
  const source = new URL("./src/Cli.ts", import.meta.url);
  type Cli = {
    runCli: (args: ReadonlyArray<string>, options: { signal: AbortSignal }) => Promise<number>;
  };
  const cacheDir = new URL("./.bundle/", import.meta.url);
  const bundled = bundleWanted()
    ? await bundledEntry({ root: new URL("../../", import.meta.url), entry: source, cacheDir })
    : undefined;
  // A bundle that fails to load leaves the run to the sources, and the next run builds it again.
  const { runCli } =
    await (bundled === undefined ? import(source.href) : import(bundled).catch(() => {
      forgetBundle(cacheDir);
      return import(source.href);
    })) as Cli;
  const controller = new AbortController();
  const stop = (signal: "SIGINT" | "SIGTERM", code: number) => {
    if (controller.signal.aborted) Deno.exit(code);
    controller.abort(signal);
    const deadline = setTimeout(() => Deno.exit(code), STOP_GRACE_MS * 5);
    Deno.unrefTimer(deadline);
  };
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    try {
      Deno.addSignalListener(signal, () => stop(signal, code));
    } catch {
      // SIGTERM cannot be listened to on Windows.
    }
  }
  return await runCli(args, { signal: controller.signal });
};

if (import.meta.main) Deno.exit(await main(Deno.args));
