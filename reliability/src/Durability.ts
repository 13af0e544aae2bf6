/**
 * Durability: a process writing a workspace into the KV file is killed
 * with SIGKILL in the middle of the write (`mode-discovery import`,
 * `mode-discovery mirror`, and the server re-seeding at start-up); the
 * store must then hold the old copy or the new one, whole, never a mix;
 * a server restarted on the file must serve that copy, and finishing the
 * write afterwards must give the new copy exactly.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { type Collection, SignatureCredentials } from "@mode-discovery/core";
import { readWorkspace, seedCollections } from "@mode-discovery/server";
import { EdgeSettings, KvLocation, openKvStore, startEdgeServer } from "@mode-discovery/edge";
import { ndjsonOf, sha256 } from "./_expected.ts";
import {
  CLI_MAIN,
  EDGE_SERVE,
  runCliProcess,
  SERVE_PERMISSIONS,
  spawn,
  startEdgeProcess,
} from "./Processes.ts";

const WORKSPACE = "dur";

/** The signature token stored for the workspace, to list it after a restart. */
export const DURABILITY_CREDENTIALS = {
  token: "dur-token-3f8a",
  accessKey: "dur-key-b7c1",
  accessSecret: "dur-secret-5e92",
} as const;

/** What is killed. */
export type Writer = "import" | "mirror" | "server seed";

/** Sizes of a durability run. */
export interface DurabilityPlan {
  /** Collections of the old copy. */
  readonly oldCount: number;
  /** Collections of the new copy (large enough that writing it takes a while). */
  readonly newCount: number;
  /** When to kill, as fractions of the write phase measured in a calibration run. */
  readonly killAt: ReadonlyArray<number>;
  readonly writers: ReadonlyArray<Writer>;
  /** Writers whose killed store is also served by a restarted server and listed by the CLI. */
  readonly restartCheck: ReadonlyArray<Writer>;
  /** Whether each writer runs again to the end on its last killed store. */
  readonly rewrite: boolean;
}

/** One kill and what the store held after it. */
export interface Kill {
  readonly fraction: number;
  /** Milliseconds after the write began that the kill was sent. */
  readonly afterMs: number;
  /** `old` or `new`: the copy the store held, whole. */
  readonly found: "old" | "new";
  /** Versions left half-written (`pending`) by the kill: evidence it hit the write. */
  readonly pending: number;
}

/** What a writer's kills found. */
export interface WriterResult {
  readonly writer: Writer;
  /** The write phase of an uninterrupted run, ms. */
  readonly writeMs: number;
  readonly kills: ReadonlyArray<Kill>;
  /** A server restarted on the last killed store served the copy found, exactly (when checked). */
  readonly restartServed: "old" | "new" | "not checked";
  /** Writing again to the end gave the new copy exactly (`undefined`: not run). */
  readonly recovered: boolean | undefined;
}

/** What a durability run found. */
export interface DurabilityResult {
  readonly oldCount: number;
  readonly newCount: number;
  readonly writers: ReadonlyArray<WriterResult>;
}

const oldRows = (n: number): Array<Collection> =>
  seedCollections(WORKSPACE, n).map((c) => ({ ...c, name: `old copy ${c.id}` }));

const kvFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];

const removeKv = async (path: string) => {
  for (const file of kvFiles(path)) await Deno.remove(file).catch(() => {});
};

const copyKv = async (from: string, to: string) => {
  await removeKv(to);
  for (const [a, b] of kvFiles(from).map((f, i) => [f, kvFiles(to)[i]])) {
    await Deno.copyFile(a, b).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
};

const fileSize = (path: string): number => {
  try {
    return Deno.statSync(path).size;
  } catch {
    return -1;
  }
};

/** What the store holds for the workspace: its rows' NDJSON hash, and pending versions. */
const inspect = async (path: string): Promise<{ sha: string; rows: number; pending: number }> => {
  const { listings: store, close } = await openKvStore(KvLocation.path(path));
  try {
    const rows = (await Effect.runPromise(readWorkspace(store, WORKSPACE)))?.collections;
    assert.ok(rows !== undefined, "the workspace is gone from the store");
    const info = await Effect.runPromise(store.workspace(WORKSPACE));
    assert.equal(
      info?.counts.collections,
      rows.length,
      "the workspace's count and its rows disagree",
    );
    const kv = await Deno.openKv(path);
    let pending = 0;
    try {
      for await (const _ of kv.list({ prefix: ["mode-discovery", "pending", WORKSPACE] })) {
        pending++;
      }
    } finally {
      kv.close();
    }
    return { sha: await sha256(ndjsonOf(rows)), rows: rows.length, pending };
  } finally {
    close();
  }
};

/** Stores the signature token of {@link DURABILITY_CREDENTIALS} for the workspace. */
const storeToken = async (path: string) => {
  const { credentials: store, close } = await openKvStore(KvLocation.path(path));
  try {
    await Effect.runPromise(store.putSignatureToken(WORKSPACE, {
      token: DURABILITY_CREDENTIALS.token,
      accessKey: DURABILITY_CREDENTIALS.accessKey,
      accessSecret: Redacted.make(DURABILITY_CREDENTIALS.accessSecret),
      name: "durability check",
      creatorId: 1,
      organizationId: 1,
      expiresAt: null,
    }));
  } finally {
    close();
  }
};

const credentialsEnv = {
  MODE_TOKEN: DURABILITY_CREDENTIALS.token,
  MODE_ACCESS_KEY: DURABILITY_CREDENTIALS.accessKey,
  MODE_ACCESS_SECRET: DURABILITY_CREDENTIALS.accessSecret,
};

/** How to start one writer on the store at `path`. */
interface WriterSetup {
  /** Puts the old copy in place (then the baseline is saved). */
  readonly prepare: (path: string) => Promise<void>;
  /** Starts the writer of the new copy. */
  readonly start: (path: string) => ReturnType<typeof spawn>;
  readonly close: () => Promise<void>;
}

const setupFor = async (
  writer: Writer,
  plan: DurabilityPlan,
  dir: string,
): Promise<WriterSetup> => {
  if (writer === "server seed") {
    const serverEnv = (path: string, count: number) => ({
      MODE_KV_PATH: path,
      MODE_SEED: `${WORKSPACE}:${count}`,
      MODE_ACCESS_LOG: "off",
    });
    return {
      prepare: async (path) => {
        const server = await startEdgeProcess(serverEnv(path, plan.oldCount));
        await server.stop();
        await storeToken(path);
      },
      start: (path) =>
        spawn(Deno.execPath(), {
          args: ["run", ...SERVE_PERMISSIONS, EDGE_SERVE],
          env: { PORT: "0", ...serverEnv(path, plan.newCount) },
          limitMs: 300_000,
        }),
      close: async () => {},
    };
  }
  const oldFile = `${dir}/old.ndjson`;
  await Deno.writeTextFile(oldFile, ndjsonOf(oldRows(plan.oldCount)));
  const prepare = async (path: string) => {
    const done = await runCliProcess(["import", oldFile, "--workspace", WORKSPACE], {
      MODE_KV_PATH: path,
    });
    assert.equal(done.code, 0, `importing the old copy: ${done.stderr}`);
    await storeToken(path);
  };
  if (writer === "import") {
    const newFile = `${dir}/new.ndjson`;
    await Deno.writeTextFile(newFile, ndjsonOf(seedCollections(WORKSPACE, plan.newCount)));
    return {
      prepare,
      start: (path) =>
        spawn(Deno.execPath(), {
          args: ["run", "-A", CLI_MAIN, "import", newFile, "--workspace", WORKSPACE],
          env: { MODE_KV_PATH: path },
          limitMs: 300_000,
        }),
      close: async () => {},
    };
  }
  const upstream = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [{ workspace: WORKSPACE, count: plan.newCount }],
      devCredentials: SignatureCredentials.fromStrings(DURABILITY_CREDENTIALS),
    }),
    log: () => {},
  });
  return {
    prepare,
    start: (path) =>
      spawn(Deno.execPath(), {
        args: ["run", "-A", CLI_MAIN, "mirror", "--from", upstream.url, "--workspace", WORKSPACE],
        env: { MODE_KV_PATH: path, ...credentialsEnv },
        limitMs: 300_000,
      }),
    close: () => upstream.close(),
  };
};

/**
 * Waits until the writer starts writing (the KV's write-ahead log gets
 * data), then returns that moment; `undefined` if the process ended first.
 */
const writeStarted = async (
  path: string,
  child: ReturnType<typeof spawn>,
  baselineWal: number,
): Promise<number | undefined> => {
  while (!child.exited()) {
    if (fileSize(`${path}-wal`) > Math.max(0, baselineWal)) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return undefined;
};

/** Starts a server process on the store at `path` and lists the workspace with the CLI. */
const restartAndList = async (
  path: string,
  out: string,
  writer: Writer,
  expected: { readonly old: string; readonly new: string },
): Promise<"old" | "new"> => {
  const server = await startEdgeProcess({ MODE_KV_PATH: path, MODE_ACCESS_LOG: "off" });
  try {
    const listed = await runCliProcess(
      ["collections", "list", "--workspace", WORKSPACE, "--output", out],
      { MODE_BASE_URL: server.url, ...credentialsEnv },
    );
    assert.equal(listed.code, 0, `${writer}: listing after the restart: ${listed.stderr}`);
    const sha = await sha256(await Deno.readTextFile(out));
    assert.ok(
      sha === expected.old || sha === expected.new,
      `${writer}: the restarted server serves neither the old copy nor the new one`,
    );
    return sha === expected.old ? "old" : "new";
  } finally {
    await server.stop();
  }
};

/**
 * Waits for a writer to finish writing and returns that moment: a CLI
 * command when it exits, the server when it listens (it is then stopped).
 */
const finishWrite = async (writer: Writer, child: ReturnType<typeof spawn>): Promise<number> => {
  if (writer !== "server seed") {
    await child.done;
    return performance.now();
  }
  while (!/listening on/.test(child.stdout()) && !child.exited()) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const at = performance.now();
  child.kill("SIGTERM");
  await child.done;
  return at;
};

const runWriter = async (
  writer: Writer,
  plan: DurabilityPlan,
  dir: string,
  expected: { readonly old: string; readonly new: string },
): Promise<WriterResult> => {
  const setup = await setupFor(writer, plan, dir);
  const base = `${dir}/${writer.replace(" ", "-")}-base.kv`;
  const path = `${dir}/${writer.replace(" ", "-")}.kv`;
  try {
    await setup.prepare(base);
    const before = await inspect(base);
    assert.equal(before.sha, expected.old, `${writer}: the old copy is not in place`);

    // Calibration: how long the write phase lasts when nothing interrupts it.
    await copyKv(base, path);
    const calibration = setup.start(path);
    const began = await writeStarted(path, calibration, fileSize(`${path}-wal`));
    const ended = await finishWrite(writer, calibration);
    const calibrated = await calibration.done;
    assert.ok(began !== undefined, `${writer}: no write seen: ${calibrated.stderr}`);
    assert.equal(
      calibrated.code,
      0,
      `${writer}: the uninterrupted run failed: ${calibrated.stderr.slice(-600)}`,
    );
    const writeMs = Math.max(1, ended - began);
    assert.equal((await inspect(path)).sha, expected.new, `${writer}: the uninterrupted run`);

    const kills: Array<Kill> = [];
    for (const fraction of plan.killAt) {
      await copyKv(base, path);
      const child = setup.start(path);
      const start = await writeStarted(path, child, fileSize(`${path}-wal`));
      assert.ok(start !== undefined, `${writer}: the writer ended before writing`);
      const target = start + fraction * writeMs;
      while (performance.now() < target && !child.exited()) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const afterMs = performance.now() - start;
      child.kill("SIGKILL");
      await child.done;
      const state = await inspect(path);
      const found = state.sha === expected.old
        ? "old"
        : state.sha === expected.new
        ? "new"
        : undefined;
      assert.ok(
        found !== undefined,
        `${writer} killed ${
          Math.round(afterMs)
        } ms into the write: the store holds ${state.rows} collections that are neither the old copy nor the new one`,
      );
      kills.push({ fraction, afterMs: Math.round(afterMs), found, pending: state.pending });
    }

    // A server restarted on the last killed store serves the copy it holds.
    const last = kills.at(-1)!;
    const restartServed = plan.restartCheck.includes(writer)
      ? await restartAndList(path, `${dir}/restart.ndjson`, writer, expected)
      : "not checked";
    if (restartServed !== "not checked") {
      assert.equal(
        restartServed,
        last.found,
        `${writer}: the restarted server serves another copy`,
      );
    }

    // Writing again to the end gives the new copy.
    let recovered: boolean | undefined;
    if (plan.rewrite) {
      const again = setup.start(path);
      await finishWrite(writer, again);
      const finished = await again.done;
      assert.equal(
        finished.code,
        0,
        `${writer}: writing again failed: ${finished.stderr.slice(-600)}`,
      );
      recovered = (await inspect(path)).sha === expected.new;
      assert.ok(recovered, `${writer}: writing again did not give the new copy`);
    }
    return {
      writer,
      writeMs: Math.round(writeMs),
      kills,
      restartServed,
      recovered,
    };
  } finally {
    await setup.close();
    await removeKv(base);
    await removeKv(path);
  }
};

/** The whole durability run. */
export const runDurability = async (plan: DurabilityPlan): Promise<DurabilityResult> => {
  const dir = await Deno.makeTempDir({ prefix: "reliability-durability-" });
  try {
    const expected = {
      old: await sha256(ndjsonOf(oldRows(plan.oldCount))),
      new: await sha256(ndjsonOf(seedCollections(WORKSPACE, plan.newCount))),
    };
    const seedOld = await sha256(ndjsonOf(seedCollections(WORKSPACE, plan.oldCount)));
    const writers: Array<WriterResult> = [];
    for (const writer of plan.writers) {
      writers.push(
        await runWriter(
          writer,
          plan,
          dir,
          writer === "server seed" ? { ...expected, old: seedOld } : expected,
        ),
      );
    }
    return { oldCount: plan.oldCount, newCount: plan.newCount, writers };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
};
