/**
 * Child processes of the reliability runs: the edge server (`apps/edge/serve.ts`,
 * as `deno task serve` runs it), the CLI (`apps/cli/main.ts`) and wrk. Every
 * child has a hard time limit (SIGKILL when it passes), its output is
 * collected, and `stopAll` ends whatever is still running.
 *
 * @module
 */

/** The repository root (where the root `deno.json` lives). */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** The edge server's entry point, as `deno task serve` runs it. */
export const EDGE_SERVE: string = new URL("../../apps/edge/serve.ts", import.meta.url).pathname;

/** The CLI's entry point, as `deno task cli` runs it. */
export const CLI_MAIN: string = new URL("../../apps/cli/main.ts", import.meta.url).pathname;

/** Permissions of `deno task serve`. */
export const SERVE_PERMISSIONS: ReadonlyArray<string> = [
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
];

/** What a finished child did. */
export interface Finished {
  /** Exit code (128 + n when killed by signal n). */
  readonly code: number;
  /** The signal that ended it, if any. */
  readonly signal: Deno.Signal | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the hard time limit killed it. */
  readonly timedOut: boolean;
  /** Wall time, milliseconds. */
  readonly ms: number;
}

/** A running child. */
export interface Child {
  readonly pid: number;
  /** Output so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Sends a signal (ignored once it has exited). */
  readonly kill: (signal?: Deno.Signal) => void;
  /** Resolves when it has exited and its output is drained. */
  readonly done: Promise<Finished>;
  /** Whether it has exited. */
  readonly exited: () => boolean;
}

/** Options of {@link spawn}. */
export interface SpawnOptions {
  readonly args: ReadonlyArray<string>;
  /** The environment: exactly this, plus PATH/HOME/DENO_DIR of this process. */
  readonly env?: Record<string, string> | undefined;
  /** Hard limit in milliseconds (SIGKILL after it). */
  readonly limitMs: number;
  readonly cwd?: string | undefined;
  /** Bytes written to stdin, then closed (default: no stdin). */
  readonly stdin?: string | undefined;
}

const running = new Set<Child>();

/** Variables a child inherits: what Deno and tools need, never a MODE_* setting. */
export const baseEnv = (): Record<string, string> => {
  const keep: Record<string, string> = {};
  for (
    const name of ["PATH", "HOME", "DENO_DIR", "TMPDIR", "LANG", "TERM", "DENO_NO_UPDATE_CHECK"]
  ) {
    const value = Deno.env.get(name);
    if (value !== undefined) keep[name] = value;
  }
  return { ...keep, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
};

const collect = async (stream: ReadableStream<Uint8Array>, sink: { text: string }) => {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink.text += decoder.decode(chunk, { stream: true });
  sink.text += decoder.decode();
};

/**
 * Deno itself may print this while another process holds a lock of the
 * module cache; it is not the child's own output.
 */
const DENO_NOTICE = /^(Blocking waiting for file lock on [^\n]*|Download [^\n]*)\n/gm;

/** Starts `command` with `options`; it is killed after `limitMs`. */
export const spawn = (command: string, options: SpawnOptions): Child => {
  const started = performance.now();
  const process = new Deno.Command(command, {
    args: [...options.args],
    env: { ...baseEnv(), ...options.env },
    clearEnv: true,
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = process.stdin.getWriter();
    writer.write(new TextEncoder().encode(options.stdin)).then(() => writer.close()).catch(
      () => {},
    );
  }
  const out = { text: "" };
  const err = { text: "" };
  let exited = false;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, options.limitMs);
  const child: Child = {
    pid: process.pid,
    stdout: () => out.text,
    stderr: () => err.text.replace(DENO_NOTICE, ""),
    kill: (signal = "SIGTERM") => {
      if (exited) return;
      try {
        process.kill(signal);
      } catch {
        // already gone
      }
    },
    exited: () => exited,
    done: (async () => {
      const [status] = await Promise.all([
        process.status,
        collect(process.stdout, out),
        collect(process.stderr, err),
      ]);
      exited = true;
      clearTimeout(timer);
      for (const other of running) if (other.pid === process.pid) running.delete(other);
      return {
        code: status.code,
        signal: status.signal,
        stdout: out.text,
        stderr: err.text.replace(DENO_NOTICE, ""),
        timedOut,
        ms: performance.now() - started,
      };
    })(),
  };
  running.add(child);
  return child;
};

/** Runs a command to the end. */
export const run = (command: string, options: SpawnOptions): Promise<Finished> =>
  spawn(command, options).done;

/** Kills (SIGKILL) every child still running and waits for them. */
export const stopAll = async (): Promise<void> => {
  const all = [...running];
  for (const child of all) child.kill("SIGKILL");
  await Promise.all(all.map((child) => child.done));
};

/** The CLI as a user runs it: `deno run -A apps/cli/main.ts ...args`. */
export const runCliProcess = (
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  limitMs = 120_000,
): Promise<Finished> =>
  run(Deno.execPath(), { args: ["run", "-A", CLI_MAIN, ...args], env, limitMs });

/** A running edge server process. */
export interface EdgeProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly child: Child;
  /** SIGTERM, then SIGKILL if it does not stop within 10 s; resolves when it has exited. */
  readonly stop: () => Promise<Finished>;
}

/**
 * Starts `apps/edge/serve.ts` with `env` (PORT 0 unless given) and waits for
 * its "listening on" line. Rejects with its output when it fails to start.
 */
export const startEdgeProcess = async (
  env: Record<string, string>,
  options: { readonly limitMs?: number; readonly startMs?: number } = {},
): Promise<EdgeProcess> => {
  const child = spawn(Deno.execPath(), {
    args: ["run", ...SERVE_PERMISSIONS, EDGE_SERVE],
    env: { PORT: "0", ...env },
    limitMs: options.limitMs ?? 300_000,
  });
  const deadline = Date.now() + (options.startMs ?? 60_000);
  let url: string | undefined;
  while (url === undefined) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.stdout())?.[1];
    if (url !== undefined) break;
    if (child.exited() || Date.now() > deadline) {
      child.kill("SIGKILL");
      const done = await child.done;
      throw new Error(
        `the edge server did not start (exit ${done.code}): ${
          (done.stdout + done.stderr).slice(-800)
        }`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const stop = async () => {
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const done = await child.done;
    clearTimeout(killer);
    return done;
  };
  return { url, child, stop };
};
