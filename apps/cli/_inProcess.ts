/**
 * Runs the CLI in this process: loads `src/Cli.ts`, turns SIGINT and SIGTERM
 * into a clean stop (a second signal exits at once) and exits with the
 * command's exit code. The process `main.ts` starts runs this file; `main.ts`
 * also calls {@link runInProcess} itself when it cannot start a process.
 *
 * @internal
 * @module
 */

/** Options of {@link runInProcess}. */
export interface InProcessOptions {
  /**
   * Stop cleanly, as on SIGTERM, when the parent process goes away (the
   * launcher was killed with SIGKILL, which it cannot pass on): checked every
   * 100 ms. Set when `main.ts` started this process.
   */
  readonly stopWithParent?: boolean | undefined;
}

/** Milliseconds between checks that the parent process is still there. */
const PARENT_CHECK_MS = 100;

/** Milliseconds a stop may take before the process exits anyway. */
const STOP_GRACE_MS = 2_000;

/** Runs the CLI with `args` in this process; resolves to its exit code. */
export const runInProcess = async (
  args: ReadonlyArray<string>,
  options: InProcessOptions = {},
): Promise<number> => {
  // A computed specifier: `deno install` must not try to resolve the CLI's
  // bare imports without the import map.
  const cli = new URL("./src/Cli.ts", import.meta.url).href;
  const { runCli } = await import(cli) as {
    runCli: (args: ReadonlyArray<string>, options: { signal: AbortSignal }) => Promise<number>;
  };
  const controller = new AbortController();
  const stop = (signal: "SIGINT" | "SIGTERM", code: number) => {
    if (controller.signal.aborted) Deno.exit(code);
    controller.abort(signal);
  };
  const listen = (signal: "SIGINT" | "SIGTERM", code: number) => {
    try {
      Deno.addSignalListener(signal, () => stop(signal, code));
    } catch {
      // SIGTERM cannot be listened to on Windows.
    }
  };
  listen("SIGINT", 130);
  listen("SIGTERM", 143);
  if (options.stopWithParent === true) {
    const parent = Deno.ppid;
    const check = setInterval(() => {
      if (Deno.ppid === parent) return;
      clearInterval(check);
      stop("SIGTERM", 143);
      const deadline = setTimeout(() => Deno.exit(143), STOP_GRACE_MS);
      Deno.unrefTimer(deadline);
    }, PARENT_CHECK_MS);
    Deno.unrefTimer(check);
  }
  return await runCli(args, { signal: controller.signal });
};

if (import.meta.main) Deno.exit(await runInProcess(Deno.args, { stopWithParent: true }));
