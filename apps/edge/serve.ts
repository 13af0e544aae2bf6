/**
 * `deno task serve`: the edge server on `127.0.0.1:$PORT` (default 8787),
 * configured from the environment. A bad setting stops start-up with a
 * one-line message naming it; SIGINT or SIGTERM shuts it down cleanly.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { collections, resources, workspacePath } from "@mode-discovery/core";
import { lineBuffer } from "@mode-discovery/server";
import { describeSettings, EdgeSettings } from "./src/EdgeSettings.ts";
import { writeStdoutSync } from "./src/_stdout.ts";
import { startEdgeServer } from "./src/EdgeServer.ts";
import { type CronRegister, registerMirrorCron } from "./src/MirrorCron.ts";

const fail = (error: unknown): never => {
  console.error(
    `mode-discovery edge: ${error instanceof Error ? error.message : String(error)}`,
  );
  Deno.exit(1);
};

const settings = await Effect.runPromise(EdgeSettings.fromConfig).catch(fail);
const port = await Effect.runPromise(EdgeSettings.portFromConfig).catch(fail);
const accessLog = lineBuffer(writeStdoutSync);
const server = await startEdgeServer({
  hostname: "127.0.0.1",
  port,
  settings: { ...settings, accessLog: settings.accessLog ?? true },
  accessLog: accessLog.line,
}).catch(fail);

console.log(`mode-discovery edge listening on ${server.url} (${describeSettings(settings)})`);
if (settings.seed.length > 0) {
  const workspace = settings.seed[0].workspace;
  console.log(`  try: ${server.url}${workspacePath(collections.path, workspace)}?per_page=100`);
  console.log(`  resources: ${resources.map((r) => workspacePath(r.path, workspace)).join(" ")}`);
}

if (settings.mirror !== undefined) {
  const mirror = settings.mirror;
  const cron = (Deno as { cron?: CronRegister }).cron;
  const registered = registerMirrorCron(
    typeof cron === "function" ? cron.bind(Deno) : undefined,
    { settings: mirror, store: () => Promise.resolve(server.handler.listings) },
  );
  console.error(
    registered
      ? `mode-discovery edge: mirror of ${mirror.workspace} from ${mirror.from} scheduled (${mirror.schedule}, UTC)`
      : "mode-discovery edge: MODE_MIRROR_FROM is set but Deno.cron is not available (run with --unstable-cron, or use `mode-discovery mirror`): the mirror is not refreshed",
  );
}

let stopping = false;
const stop = (signal: Deno.Signal) => {
  if (stopping) return;
  stopping = true;
  accessLog.flush();
  console.log(`mode-discovery edge: ${signal}, shutting down`);
  server.close().then(() => {
    accessLog.flush();
    Deno.exit(0);
  }, fail);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, () => stop(signal));
  } catch {
    // SIGTERM is not available on every platform
  }
}
