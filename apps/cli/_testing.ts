/**
 * Helpers of the CLI's subprocess tests: run `main.ts` as a user would, and
 * start a real edge server holding the awkward test workspace.
 *
 * @internal
 * @module
 */
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { type Collection, SignatureCredentials, spaceUrl } from "@mode-discovery/core";
import { type EdgeServer, EdgeSettings, startEdgeServer } from "@mode-discovery/edge";

/** Absolute path of the CLI entry point. */
export const MAIN = new URL("./main.ts", import.meta.url).pathname;

/** The repository root (where `deno.json` with the tasks lives). */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** What a finished subprocess said. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const decoder = new TextDecoder();

/**
 * Deno itself may print this while another Deno process (another test, or
 * another project tool) holds the node_modules lock; it is not the command's
 * output, so the tests drop it.
 */
const ESC = String.fromCharCode(27);
const SGR = `(?:${ESC}\\[[0-9;]*m)*`;
const DENO_LOCK_NOTICE = new RegExp(
  `^${SGR}Blocking${SGR} waiting for file lock on [^\\n]*\\n`,
  "gm",
);

/** stderr without Deno's own lock notices. */
export const commandStderr = (text: string): string => text.replace(DENO_LOCK_NOTICE, "");

/** The environment for a subprocess: this one without any MODE_*, NO_COLOR or PORT. */
export const cleanEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (!name.startsWith("MODE_") && name !== "NO_COLOR" && name !== "PORT") env[name] = value;
  }
  return { ...env, ...extra };
};

/**
 * Spawns `deno run -A apps/cli/main.ts ...args` with piped output
 * (`permissions` instead of `-A` when given).
 */
export const spawnCli = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  permissions: ReadonlyArray<string> = ["-A"],
): Deno.ChildProcess =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, MAIN, ...args],
    env: cleanEnv(env),
    clearEnv: true,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

/** Runs the CLI to completion. */
export const runCli = async (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  permissions: ReadonlyArray<string> = ["-A"],
): Promise<RunResult> => {
  const output = await spawnCli(args, env, permissions).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: commandStderr(decoder.decode(output.stderr)),
  };
};

/** The workspace of the awkward test data. */
export const AWKWARD_WORKSPACE = "awkward";

/** Credentials of the awkward workspace's development token. */
export const CREDENTIALS = {
  token: "cli-test-token-7f3a",
  accessKey: "cli-test-key-91b2",
  accessSecret: "cli-test-secret-c4d8e6",
} as const;

/** The environment variables carrying {@link CREDENTIALS}. */
export const CREDENTIALS_ENV: Record<string, string> = {
  MODE_TOKEN: CREDENTIALS.token,
  MODE_ACCESS_KEY: CREDENTIALS.accessKey,
  MODE_ACCESS_SECRET: CREDENTIALS.accessSecret,
};

/** The admin API key of the awkward workspace (`tokens create`). */
export const ADMIN = {
  apiKey: "cli-test-admin-5e7c",
  apiSecret: "cli-test-admin-secret-a9f1",
} as const;

const collection = (
  id: number,
  token: string,
  name: string | null,
  description: string | null,
  spaceType = "custom",
): Collection => ({
  id,
  token,
  name,
  description,
  space_type: spaceType,
  space_url: spaceUrl(AWKWARD_WORKSPACE, token),
});

/**
 * The awkward workspace: every kind of text that breaks naive output
 * (quotes, commas, CR/LF, tabs, unicode of every width, terminal escapes,
 * bidi overrides, nulls, empty strings, formulas), spread over pages.
 */
export const AWKWARD: ReadonlyArray<Collection> = [
  collection(101, "a1b2c3d4e5f6", "Plain name", "Plain description"),
  collection(
    102,
    "b2c3d4e5f6a1",
    'Sales, "EMEA" & APAC',
    'Owned by the "data" team, see #help',
    "private",
  ),
  collection(103, "c3d4e5f6a1b2", "Line one\nline two", "Multi-line:\r\n- first\r\n- second"),
  collection(104, "d4e5f6a1b2c3", null, null),
  collection(105, "e5f6a1b2c3d4", "", "", "community"),
  collection(106, "f6a1b2c3d4e5", "売上ダッシュボード", "数据分析 and emoji 📊📈", "private"),
  collection(107, "0a1b2c3d4e5f", "Ventas — España 🇪🇸", "Données clients (Zürich)"),
  collection(108, "1a2b3c4d5e6f", "Tabs\tand\\backslashes", "trailing backslash \\"),
  collection(109, "2a3b4c5d6e7f", "   leading and trailing spaces   ", null, "shared"),
  collection(110, "3a4b5c6d7e8f", "\x1b[31mred\x1b[0m escape", "bell\x07 and NUL\x00 inside"),
  collection(111, "4a5b6c7d8e9f", "bidi \u202Eevil\u202C text", "line\u2028separator"),
  collection(112, "5a6b7c8d9e0f", "=1+2", "+cmd|' /C calc'!A0", "private"),
  collection(113, "6a7b8c9d0e1f", "e\u0301 combining é", "Ωmega ✓ Москва: отчёты"),
  collection(114, "7a8b9c0d1e2f", "x".repeat(120), "A very long description ".repeat(8).trim()),
  collection(115, "8a9b0c1d2e3f", "Only, commas, here", 'quote at end"'),
  collection(116, "9a0b1c2d3e4f", '"fully quoted"', "'single quotes'", "community"),
  collection(117, "aa0b1c2d3e4f", "😀 Happy metrics 📈", null),
  collection(118, "ab0b1c2d3e4f", "<script>alert('x')</script>", "&amp; entities &lt;"),
  collection(119, "ac0b1c2d3e4f", "CR only\rhere", "LF at end\n"),
  collection(120, "ad0b1c2d3e4f", "Last one", "end", "private"),
];

/** Runs one store operation of the edge server. */
const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

/**
 * Starts a real edge server (in-memory KV) holding {@link AWKWARD} in
 * workspace `awkward`, the {@link CREDENTIALS} token and the {@link ADMIN}
 * key, on 127.0.0.1 and a free port.
 */
export const startAwkwardEdge = async (): Promise<EdgeServer> => {
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [{ workspace: AWKWARD_WORKSPACE, count: 1 }],
      devCredentials: SignatureCredentials.fromStrings(CREDENTIALS),
    }),
    log: () => {},
  });
  await run(
    server.handler.listings.replaceWorkspace(AWKWARD_WORKSPACE, { collections: AWKWARD }, {
      source: "test",
    }),
  );
  await run(server.handler.credentials.putAdminKey(AWKWARD_WORKSPACE, {
    apiKey: ADMIN.apiKey,
    apiSecret: Redacted.make(ADMIN.apiSecret),
    userId: 1,
  }));
  return server;
};

/** Waits until `predicate` holds, checking every 20 ms (gives up after `ms`). */
export const until = async (predicate: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The names of the entries of a directory. */
export const listDir = async (dir: string): Promise<Array<string>> => {
  const names: Array<string> = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
};

/** A CLI subprocess whose output is read while it runs. */
export interface LiveCli {
  /** stdout so far. */
  readonly stdout: () => string;
  /** Sends a signal to the process. */
  readonly kill: (signal: Deno.Signal) => void;
  /** Waits for the process to end and returns everything it said. */
  readonly finish: () => Promise<RunResult>;
}

const collect = (stream: ReadableStream<Uint8Array>, sink: { text: string }): Promise<void> =>
  stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write: (chunk) => {
        sink.text += chunk;
      },
    }),
  );

/** Starts the CLI and reads its output as it comes. */
export const startCli = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): LiveCli => {
  const child = spawnCli(args, env);
  const out = { text: "" };
  const err = { text: "" };
  const reading = Promise.all([collect(child.stdout, out), collect(child.stderr, err)]);
  return {
    stdout: () => out.text,
    kill: (signal) => child.kill(signal),
    finish: async () => {
      const status = await child.status;
      await reading;
      return { code: status.code, stdout: out.text, stderr: commandStderr(err.text) };
    },
  };
};

/**
 * A TCP server on 127.0.0.1 that closes every connection at once: a network
 * failure on a port no other process can take meanwhile.
 */
export const startHangUpServer = (): {
  readonly url: string;
  readonly close: () => Promise<void>;
} => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    try {
      for await (const conn of listener) conn.close();
    } catch {
      // the listener was closed
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close: async () => {
      listener.close();
      await accepting;
    },
  };
};
