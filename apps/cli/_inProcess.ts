/**
 * Runs the CLI in this process: loads `src/Cli.ts`, turns SIGINT and SIGTERM
 * into a clean stop (a second signal exits at once) and exits with the
 * command's exit code. The process `main.ts` starts runs this file; `main.ts`
 * also calls {@link runInProcess} itself when it cannot start a process.
 *
 * @internal
 * @module
 */

/** Runs the CLI with `args` in this process; resolves to its exit code. */
export const runInProcess = async (args: ReadonlyArray<string>): Promise<number> => {
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
  return await runCli(args, { signal: controller.signal });
};

if (import.meta.main) Deno.exit(await runInProcess(Deno.args));
