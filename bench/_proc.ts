/**
 * Child processes of the benchmark runner: every one runs under coreutils
 * `timeout` (its own process group, a hard time limit, and the whole group
 * killed on timeout or when the runner stops it), is tracked until it exits,
 * and is killed by `stopAll` when the runner ends or is interrupted. Loopback
 * ports are picked free and checked free again after a server stops.
 *
 * @internal
 * @module
 */

/** How a child's stdout is handled. */
export type StdoutMode =
  /** Discarded. */
  | "null"
  /** Counted in lines as it streams (the first 4 KiB are kept). */
  | "count"
  /** Kept in full (up to 4 MiB). */
  | "text";

/** Options of one child process. */
export interface SpawnOptions {
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Hard limit in seconds; the process group is killed after it. */
  readonly limitSec: number;
  readonly stdout?: StdoutMode;
  /** Measure peak RSS with `/usr/bin/time -v`, written to this file. */
  readonly rssFile?: string;
}

/** A running child. */
export interface Child {
  readonly label: string;
  readonly pid: number;
  readonly process: Deno.ChildProcess;
  /** Resolves when the child has exited and its output is drained. */
  readonly done: Promise<Finished>;
  /** Whether it has exited. */
  readonly exited: boolean;
}

/** What a finished child did. */
export interface Finished {
  readonly code: number;
  readonly timedOut: boolean;
  readonly wallMs: number;
  readonly stdoutLines: number;
  readonly stdoutText: string;
  readonly stderrText: string;
  /** Peak RSS in KiB when measured. */
  readonly maxRssKb: number | undefined;
}

const KEEP_STDERR = 64 * 1024;
const KEEP_HEAD = 4 * 1024;
const KEEP_TEXT = 4 * 1024 * 1024;

const drain = async (
  stream: ReadableStream<Uint8Array>,
  mode: StdoutMode,
  tailOnly: boolean,
): Promise<{ lines: number; text: string }> => {
  const decoder = new TextDecoder();
  let lines = 0;
  let text = "";
  for await (const chunk of stream) {
    if (mode === "null") continue;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    if (tailOnly) {
      text = (text + decoder.decode(chunk, { stream: true })).slice(-KEEP_STDERR);
    } else if (text.length < (mode === "text" ? KEEP_TEXT : KEEP_HEAD)) {
      text += decoder.decode(chunk, { stream: true });
    }
  }
  return { lines, text };
};

const readRss = async (file: string | undefined): Promise<number | undefined> => {
  if (file === undefined) return undefined;
  try {
    const text = await Deno.readTextFile(file);
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
};

/**
 * The children of the runner. `spawn` and `run` start them; `stopAll` kills
 * whatever is still alive (SIGTERM to the `timeout` wrapper, which passes it
 * to the whole group, then SIGKILL after a grace period).
 */
export class Processes {
  readonly #live = new Map<Deno.ChildProcess, Child>();
  #closed = false;

  /** Whether `stopAll` has begun (the run is ending). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts `argv` under `timeout`, tracked until it exits. Throws once `stopAll` has begun. */
  spawn(label: string, argv: ReadonlyArray<string>, options: SpawnOptions): Child {
    if (this.#closed) throw new Error(`not starting ${label}: the run is stopping`);
    const wrapped = [
      "-k",
      "3",
      `${Math.max(1, Math.ceil(options.limitSec))}s`,
      ...(options.rssFile === undefined ? [] : ["/usr/bin/time", "-v", "-o", options.rssFile]),
      ...argv,
    ];
    const started = performance.now();
    const proc = new Deno.Command("timeout", {
      args: wrapped,
      env: options.env,
      clearEnv: true,
      cwd: options.cwd,
      stdin: "null",
      stdout: options.stdout === undefined || options.stdout === "null" ? "null" : "piped",
      stderr: "piped",
    }).spawn();
    const out = options.stdout === undefined || options.stdout === "null"
      ? Promise.resolve({ lines: 0, text: "" })
      : drain(proc.stdout, options.stdout, false);
    const err = drain(proc.stderr, "text", true);
    const state = { exited: false };
    const live = this.#live;
    const done = (async (): Promise<Finished> => {
      const status = await proc.status;
      const wallMs = performance.now() - started;
      state.exited = true;
      live.delete(proc);
      const [o, e] = await Promise.all([out, err]);
      return {
        code: status.code,
        timedOut: status.code === 124 || status.code === 137,
        wallMs,
        stdoutLines: o.lines,
        stdoutText: o.text,
        stderrText: e.text,
        maxRssKb: await readRss(options.rssFile),
      };
    })();
    const child: Child = {
      label,
      pid: proc.pid,
      process: proc,
      done,
      get exited() {
        return state.exited;
      },
    };
    live.set(proc, child);
    return child;
  }

  /** Starts `argv` and waits for it to finish. */
  run(label: string, argv: ReadonlyArray<string>, options: SpawnOptions): Promise<Finished> {
    return this.spawn(label, argv, options).done;
  }

  /** Stops one child: SIGTERM, then SIGKILL if it is still alive after `graceMs`. */
  async stop(child: Child, graceMs = 5000): Promise<void> {
    if (child.exited) return;
    try {
      child.process.kill("SIGTERM");
    } catch {
      // already gone
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), graceMs);
    });
    const outcome = await Promise.race([child.done.then(() => "done" as const), late]);
    clearTimeout(timer);
    if (outcome === "late") {
      try {
        // `timeout` leads its own process group: kill the whole group.
        Deno.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await child.done;
    }
  }

  /** Stops every child still alive, and refuses to start any more. */
  async stopAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#live.values()].map((child) => this.stop(child)));
  }
}

/** A loopback port free right now. */
export const freePort = (): number => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
};

/** Whether a loopback port can be bound, waiting up to `waitMs` for it to become free. */
export const portIsFree = async (port: number, waitMs = 5000): Promise<boolean> => {
  const deadline = performance.now() + waitMs;
  while (true) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return true;
    } catch {
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

/** The environment for children: the runner's, without any `MODE_*` variable, plus `extra`. */
export const childEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(Deno.env.toObject())) {
    if (!key.startsWith("MODE_")) env[key] = value;
  }
  // The access log is on by default when serving; benchmarks measure the API, not the log.
  return { ...env, NO_COLOR: "1", MODE_ACCESS_LOG: "off", ...extra };
};
