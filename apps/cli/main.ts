#!/usr/bin/env -S deno run -A
/**
 * `mode-discovery`: the command-line entry point.
 *
 * Run with `deno task cli <args>`, `deno run -A apps/cli/main.ts <args>`, or
 * install it: `deno install -g -A -n mode-discovery apps/cli/main.ts`.
 *
 * **Details**
 *
 * This file is a launcher: it runs the CLI (`_inProcess.ts`) in a second
 * Deno process with the settings the CLI is measured and tuned for, passing
 * arguments, standard streams, signals and the exit code through:
 *
 * - `--config` the repository's `deno.json`: `deno install -g` ignores the
 *   workspace's configuration and its import map, so this file imports
 *   nothing by bare name and the installed command runs the checkout it was
 *   installed from;
 * - `--node-modules-dir=none`: npm packages come from Deno's global cache
 *   (filled by `deno install` or on first use). With the workspace's `auto`
 *   mode, Deno 2.9.6 re-checks `node_modules` for every npm import it resolves
 *   while loading, which made `--help` take about 0.86 s instead of 0.4 s;
 * - `--v8-flags=--max-semi-space-size=4`: a young generation of at most 4 MB.
 *   Loading effect grows it to 10 MB and more, and a listing then touches
 *   fresh memory all the time: measured on 100,000 collections, 2.05 s and
 *   192 MB without the cap, 1.75 s and 145 MB with it.
 *
 * SIGINT and SIGTERM are passed on. SIGKILL cannot be: the CLI process
 * checks every 100 ms that the launcher is still there and stops as on
 * SIGTERM when it is not (the server `serve` started closes, a half-written
 * `--output` is removed).
 *
 * The second process costs about 60 ms at start, and the launcher holds about
 * 38 MB of memory while the CLI runs (peak-RSS tools that report the largest
 * process, such as GNU time, show the CLI's). When this process may not start
 * programs (no `--allow-run`), or `MODE_CLI_IN_PROCESS=1` is set (to debug
 * with `--inspect`), the CLI runs in this process instead, under the
 * settings this process was started with.
 *
 * Ctrl-C (SIGINT) or SIGTERM interrupts the run cleanly: an unfinished
 * `--output` file is removed and the process exits 130 (143 for SIGTERM).
 * A second signal exits at once.
 *
 * @module
 */

/** V8 settings of the CLI process (see the module documentation). */
export const CLI_V8_FLAGS = "--max-semi-space-size=4";

/** Numbers of the signals a process may end by (POSIX), for the exit code. */
const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGTERM: 15,
};

const importMapInEffect = (): boolean => {
  try {
    import.meta.resolve("effect");
    return true;
  } catch {
    return false;
  }
};

const maySpawn = (): boolean => {
  try {
    return Deno.permissions.querySync({ name: "run", command: Deno.execPath() }).state ===
      "granted";
  } catch {
    return false;
  }
};

const runInThisProcess = async (): Promise<number> => {
  if (!importMapInEffect()) {
    console.error(
      "mode-discovery: cannot start: the repository's import map is not in effect and starting a second process is not allowed. Run it with -A (as `deno install -g -A` does), or with `--config` pointing at the repository's deno.json.",
    );
    return 1;
  }
  const { runInProcess } = await import(new URL("./_inProcess.ts", import.meta.url).href) as {
    runInProcess: (args: ReadonlyArray<string>) => Promise<number>;
  };
  return await runInProcess(Deno.args);
};

const runInChildProcess = async (): Promise<number> => {
  const config = new URL("../../deno.json", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--config",
      config.pathname,
      "--node-modules-dir=none",
      `--v8-flags=${CLI_V8_FLAGS}`,
      new URL("./_inProcess.ts", import.meta.url).pathname,
      ...Deno.args,
    ],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, () => {
        try {
          child.kill(signal);
        } catch {
          // The child has already ended.
        }
      });
    } catch {
      // SIGTERM cannot be listened to on Windows.
    }
  }
  const status = await child.status;
  // Ended by a signal: the shell's convention, 128 + the signal's number.
  return status.signal === null ? status.code : 128 + (SIGNAL_NUMBERS[status.signal] ?? 15);
};

if (import.meta.main) {
  const inProcess = Deno.env.get("MODE_CLI_IN_PROCESS") === "1" || !maySpawn();
  Deno.exit(inProcess ? await runInThisProcess() : await runInChildProcess());
}
