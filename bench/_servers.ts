/**
 * The servers the benchmarks talk to: apps/edge (`deno task serve`, seeded
 * through its settings) and bench/baseline_server.ts, each on a free
 * loopback port, ready once an authorised page 1 of the collections reports
 * the expected total.
 *
 * @internal
 * @module
 */
import { type Child, childEnv, freePort, portIsFree, type Processes } from "./_proc.ts";
import { seedText, type World } from "./_world.ts";

/** Signature token credentials made up for one benchmark run. */
export interface Creds {
  readonly token: string;
  readonly accessKey: string;
  readonly accessSecret: string;
}

/** Fresh random credentials. */
export const makeCreds = (): Creds => {
  const hex = (n: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0"))
      .join("");
  return { token: hex(6), accessKey: hex(8), accessSecret: hex(16) };
};

/** `MODE_TOKEN`, `MODE_ACCESS_KEY`, `MODE_ACCESS_SECRET` for a child. */
export const credsEnv = (c: Creds): Record<string, string> => ({
  MODE_TOKEN: c.token,
  MODE_ACCESS_KEY: c.accessKey,
  MODE_ACCESS_SECRET: c.accessSecret,
});

/** The `Authorization` header value. */
export const bearer = (c: Creds): string =>
  `Bearer ${btoa(`${c.token}:${c.accessKey}:${c.accessSecret}`)}`;

/** A server that is up. */
export interface Server {
  readonly kind: "edge" | "baseline";
  readonly origin: string;
  readonly port: number;
  readonly workspace: string;
  /** Collections of the workspace (the readiness check's total). */
  readonly count: number;
  /** For apps/edge: its options, to start it again ({@link restartEdge}). */
  readonly options?: EdgeOptions | undefined;
  /** Milliseconds from spawn to ready (for the edge: seeding included). */
  readonly readyMs: number;
  /**
   * For an edge restarted after seeding (`restart`): milliseconds from the
   * second spawn to ready, on the KV file the first one seeded.
   */
  readonly restartMs?: number | undefined;
  /** How it was started, secrets shown as variables. */
  readonly command: string;
  readonly child: Child;
}

/** A server that could not be started, and why. */
export interface Unavailable {
  readonly unavailable: string;
}

/** Whether apps/edge can be started: the root task `serve`, else apps/edge/serve.ts. */
const edgeCommand = async (root: string): Promise<Array<string> | string> => {
  try {
    const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
    if (typeof config?.tasks?.serve === "string" || typeof config?.tasks?.serve === "object") {
      return ["deno", "task", "--quiet", "serve"];
    }
  } catch {
    // fall through
  }
  try {
    await Deno.stat(`${root}/apps/edge/serve.ts`);
    return ["deno", "run", "-A", "apps/edge/serve.ts"];
  } catch {
    return "apps/edge is not built yet (no `serve` task and no apps/edge/serve.ts)";
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls page 1 (per_page 1) until it answers 200 with `total_count` equal to
 * `count`, the child exits, or `deadlineMs` passes.
 */
const waitReady = async (
  child: Child,
  origin: string,
  workspace: string,
  count: number,
  creds: Creds,
  deadlineMs: number,
): Promise<string | undefined> => {
  const url = `${origin}/batch/${encodeURIComponent(workspace)}/spaces?page=1&per_page=1`;
  let last = "no answer yet";
  while (performance.now() < deadlineMs) {
    if (child.exited) {
      const done = await child.done;
      return `it exited with code ${done.code}: ${
        (done.stdoutText + done.stderrText).trim().slice(-800)
      }`;
    }
    try {
      const remaining = Math.max(1, deadlineMs - performance.now());
      const response = await fetch(url, {
        headers: { authorization: bearer(creds) },
        signal: AbortSignal.timeout(remaining),
      });
      const text = await response.text();
      if (response.status === 200) {
        const total = JSON.parse(text)?.pagination?.total_count;
        if (total === count) return undefined;
        last = `page 1 reports total_count ${total}, expected ${count}`;
      } else {
        last = `page 1 answered ${response.status}: ${text.slice(0, 200)}`;
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  return `not ready in time (${last})`;
};

/**
 * Spawns a server on `port` and waits until page 1 reports `o.count`
 * collections; stops it and says why when it does not come up in time.
 */
const spawnReady = async (
  procs: Processes,
  p: {
    readonly name: string;
    /** How the server is named in the reason it is unavailable. */
    readonly label: string;
    readonly argv: Array<string>;
    readonly env: Record<string, string>;
    readonly port: number;
    readonly o: {
      readonly root: string;
      readonly workspace: string;
      readonly count: number;
      readonly creds: Creds;
      readonly readySec: number;
      readonly lifeSec: number;
    };
  },
): Promise<{ child: Child; origin: string; started: number } | Unavailable> => {
  const { o } = p;
  const started = performance.now();
  const child = procs.spawn(p.name, p.argv, {
    cwd: o.root,
    env: childEnv(p.env),
    limitSec: o.lifeSec,
    stdout: "count",
  });
  const origin = `http://127.0.0.1:${p.port}`;
  const problem = await waitReady(
    child,
    origin,
    o.workspace,
    o.count,
    o.creds,
    started + o.readySec * 1000,
  );
  if (problem !== undefined) {
    await procs.stop(child);
    return { unavailable: `${p.label}: ${problem}` };
  }
  return { child, origin, started };
};

/** Options of {@link startEdge}. */
export interface EdgeOptions {
  readonly root: string;
  /** The workspace to seed (`MODE_SEED`). */
  readonly world: World;
  readonly creds: Creds;
  /** KV file; unset: in-memory KV. */
  readonly kvPath?: string | undefined;
  /** Longest wait for start-up and seeding, in seconds. */
  readonly readySec: number;
  /** Hard limit on the server's life, in seconds. */
  readonly lifeSec: number;
  /**
   * Stop the server once seeded and start it again on the same KV file, so
   * that it serves from a cold cache and without the seeding's heap (needs
   * `kvPath`).
   */
  readonly restart?: boolean | undefined;
  /** More settings for the server (such as `MODE_FAULTS`), shown in its command. */
  readonly extraEnv?: Readonly<Record<string, string>> | undefined;
}

/**
 * Starts apps/edge seeded with one workspace and dev credentials of it,
 * restarted once after seeding when `restart` is set.
 */
export const startEdge = async (
  procs: Processes,
  o: EdgeOptions,
): Promise<Server | Unavailable> => {
  const first = await startEdgeOnce(procs, o);
  if ("unavailable" in first || o.restart !== true || o.kvPath === undefined) return first;
  const second = await restartEdge(procs, first);
  if ("unavailable" in second) return second;
  return { ...second, readyMs: first.readyMs };
};

/**
 * Stops an apps/edge on a KV file and starts it again on the same file, so
 * that it serves from a cold cache (nothing read yet is in its memory).
 */
export const restartEdge = async (
  procs: Processes,
  server: Server,
): Promise<Server | Unavailable> => {
  const o = server.options;
  if (o?.kvPath === undefined) return { unavailable: "only an apps/edge on a KV file restarts" };
  await stopServer(procs, server);
  const again = await startEdgeOnce(procs, o);
  if ("unavailable" in again) return { unavailable: `restarting: ${again.unavailable}` };
  return { ...again, readyMs: server.readyMs, restartMs: again.readyMs };
};

const startEdgeOnce = async (
  procs: Processes,
  o: EdgeOptions,
): Promise<Server | Unavailable> => {
  const command = await edgeCommand(o.root);
  if (typeof command === "string") return { unavailable: command };
  const port = freePort();
  const seed = seedText(o.world);
  const settings: Record<string, string> = {
    PORT: String(port),
    MODE_SEED: seed,
    MODE_DEV_CREDENTIALS: `${o.creds.token}:${o.creds.accessKey}:${o.creds.accessSecret}`,
    ...(o.kvPath === undefined ? {} : { MODE_KV_PATH: o.kvPath }),
    ...o.extraEnv,
  };
  const up = await spawnReady(procs, {
    name: `edge ${seed}`,
    label: `apps/edge seeded with ${seed}`,
    argv: command,
    env: settings,
    port,
    o: { ...o, workspace: o.world.workspace, count: o.world.collections },
  });
  if ("unavailable" in up) return up;
  const { child, origin, started } = up;
  return {
    kind: "edge",
    origin,
    port,
    workspace: o.world.workspace,
    count: o.world.collections,
    options: o,
    readyMs: performance.now() - started,
    command: `PORT=<port> MODE_SEED=${seed} ${
      Object.entries(o.extraEnv ?? {}).map(([name, value]) => `${name}=${value} `).join("")
    }${
      o.kvPath === undefined ? "" : "MODE_KV_PATH=<tmp>/edge.kv "
    }MODE_DEV_CREDENTIALS=$MODE_TOKEN:$MODE_ACCESS_KEY:$MODE_ACCESS_SECRET ${command.join(" ")}`,
    child,
  };
};

/** Options of {@link startBaseline}. */
export interface BaselineOptions {
  readonly root: string;
  readonly workspace: string;
  readonly count: number;
  readonly creds: Creds;
  /**
   * The resources to serve, each a JSON array in a file (dumped from
   * apps/edge, see `_dump.ts`); unset: `count` synthesised collections.
   */
  readonly data?: ReadonlyArray<{ readonly segment: string; readonly file: string }> | undefined;
  readonly readySec: number;
  readonly lifeSec: number;
}

/** Starts bench/baseline_server.ts. */
export const startBaseline = async (
  procs: Processes,
  o: BaselineOptions,
): Promise<Server | Unavailable> => {
  const port = freePort();
  const argv = [
    "deno",
    "run",
    "--allow-net",
    "--allow-read",
    "--allow-env",
    "bench/baseline_server.ts",
    "--port",
    String(port),
    "--workspace",
    o.workspace,
    ...(o.data === undefined
      ? ["--count", String(o.count)]
      : o.data.flatMap((d) => ["--data", `${d.segment}=${d.file}`])),
  ];
  const up = await spawnReady(procs, {
    name: "baseline server",
    label: "baseline server",
    argv,
    env: credsEnv(o.creds),
    port,
    o,
  });
  if ("unavailable" in up) return up;
  const { child, origin, started } = up;
  return {
    kind: "baseline",
    origin,
    port,
    workspace: o.workspace,
    count: o.count,
    readyMs: performance.now() - started,
    command: `MODE_TOKEN=... MODE_ACCESS_KEY=... MODE_ACCESS_SECRET=... ${
      (o.data ?? []).reduce(
        (line, d) => line.replace(d.file, `<tmp>/${d.segment}.json`),
        argv.join(" ").replace(String(port), "<port>"),
      )
    }`,
    child,
  };
};

/** Stops a server and waits for its port to be free again. */
export const stopServer = async (procs: Processes, server: Server): Promise<void> => {
  await procs.stop(server.child);
  await portIsFree(server.port);
};
