#!/usr/bin/env -S deno run -A
/**
 * `mode-discovery`: the command-line entry point.
 *
 * Run with `deno task cli <args>`, `deno run -A apps/cli/main.ts <args>`, or
 * install it: `deno install -g -A -n mode-discovery apps/cli/main.ts`.
 *
 * **Details**
 *
 * `deno install -g` ignores the workspace's `deno.json` (and so its import
 * map). This file therefore imports nothing by bare name: when the import map
 * is in effect it loads the CLI in-process; when it is not (an installed
 * command), it runs itself again under the repository's `deno.json`, passing
 * arguments, standard streams, signals and the exit code through.
 *
 * Ctrl-C (SIGINT) or SIGTERM interrupts the run cleanly: an unfinished
 * `--output` file is removed and the process exits 130 (143 for SIGTERM).
 * A second signal exits at once.
 *
 * @module
 */

const importMapInEffect = (): boolean => {
  try {
    import.meta.resolve("effect");
    return true;
  } catch {
    return false;
  }
};

const runInProcess = async (): Promise<number> => {
  // A computed specifier: `deno install` must not try to resolve the CLI's
  // bare imports without the import map.
  const cli = new URL("./src/Cli.ts", import.meta.url).href;
  const { runCli } = await import(cli) as {
    runCli: (args: ReadonlyArray<string>, options: { signal: AbortSignal }) => Promise<number>;
  };
  const controller = new AbortController();
  const listen = (signal: "SIGINT" | "SIGTERM", code: number) => {
    try {
      Deno.addSignalListener(signal, () => {
        if (controller.signal.aborted) Deno.exit(code);
        controller.abort(signal);
      });
    } catch {
      // SIGTERM cannot be listened to on Windows.
    }
  };
  listen("SIGINT", 130);
  listen("SIGTERM", 143);
  return await runCli(Deno.args, { signal: controller.signal });
};

const runUnderWorkspaceConfig = async (): Promise<number> => {
  const config = new URL("../../deno.json", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--config",
      config.pathname,
      import.meta.filename ?? "",
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
  return status.signal === null ? status.code : 128 + (status.signal === "SIGINT" ? 2 : 15);
};

if (import.meta.main) {
  Deno.exit(importMapInEffect() ? await runInProcess() : await runUnderWorkspaceConfig());
}
