#!/usr/bin/env -S deno run -A
/**
 * `mode-discovery`: the command-line entry point.
 *
 * Run with `deno task cli <args>`, `deno run -A apps/cli/main.ts <args>`, or
 * install it: `deno install -g -A -n mode-discovery apps/cli/main.ts`.
 *
 * Ctrl-C (SIGINT) or SIGTERM interrupts the run cleanly: an unfinished
 * `--output` file is removed and the process exits 130 (143 for SIGTERM).
 * A second signal exits at once.
 *
 * @module
 */
import { runCli } from "./src/Cli.ts";

if (import.meta.main) {
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
  Deno.exit(await runCli(Deno.args, { signal: controller.signal }));
}
