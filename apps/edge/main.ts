/**
 * The edge server for `deno serve` and Deno Deploy: `export default { fetch }`.
 *
 * **Details**
 *
 * The handler is built on the first request, from the environment
 * (`EdgeSettings.fromConfig`). If the settings are bad, the one-line reason
 * is logged once and every request answers 503 `server_error`. The access
 * log is on unless `MODE_ACCESS_LOG=off`.
 *
 * When `MODE_MIRROR_FROM` is set (with `MODE_MIRROR_WORKSPACE` and the
 * upstream `MODE_TOKEN`, `MODE_ACCESS_KEY`, `MODE_ACCESS_SECRET`) and
 * `Deno.cron` exists (Deno Deploy, or `--unstable-cron`), a cron job keeps
 * that workspace mirrored into the store on `MODE_MIRROR_SCHEDULE`
 * (default every 15 minutes). Deploy finds cron jobs only when they are
 * registered while the module loads, so this module reads those variables
 * at load (only when env access is already granted: it never prompts).
 *
 * ```sh
 * deno serve --allow-net --allow-env --allow-read --allow-write apps/edge/main.ts
 * ```
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { errorBody, ServerError } from "@mode-discovery/core";
import { EdgeSettings } from "./src/EdgeSettings.ts";
import { type EdgeHandler, makeEdgeHandler } from "./src/EdgeHandler.ts";
import { type CronRegister, registerMirrorCron } from "./src/MirrorCron.ts";
import { readMirrorSettings } from "./src/MirrorSettings.ts";

let handler: Promise<EdgeHandler | undefined> | undefined;

const start = async (): Promise<EdgeHandler | undefined> => {
  try {
    const settings = await Effect.runPromise(EdgeSettings.fromConfig);
    return await makeEdgeHandler({
      settings: { ...settings, accessLog: settings.accessLog ?? true },
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return undefined;
  }
};

/** Answers one request with the edge handler, building it on first use. */
const fetch = async (request: Request): Promise<Response> => {
  const edge = await (handler ??= start());
  return edge === undefined
    ? new Response(
      errorBody(
        ServerError.id,
        "The server is not configured correctly; its log says which setting is wrong.",
      ),
      { status: 503, headers: { "content-type": "application/json" } },
    )
    : edge.fetch(request);
};

const envGranted = (): boolean => {
  try {
    return Deno.permissions.querySync({ name: "env" }).state === "granted";
  } catch {
    return false;
  }
};

if (envGranted()) {
  const mirror = readMirrorSettings((name) => Deno.env.get(name));
  // A bad mirror setting is reported by the handler's start-up (every request answers 503).
  if (mirror !== undefined && !(mirror instanceof Error)) {
    const cron = (Deno as { cron?: CronRegister }).cron;
    // Removing the job on SIGINT/SIGTERM lets a local `deno serve` exit (Deploy stops isolates itself).
    const stop = new AbortController();
    const registered = registerMirrorCron(
      typeof cron === "function" ? cron.bind(Deno) : undefined,
      {
        settings: mirror,
        store: async () => (await (handler ??= start()))?.listings,
        signal: stop.signal,
      },
    );
    if (registered) {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        try {
          Deno.addSignalListener(signal, () => stop.abort());
        } catch {
          // not available here (Deno Deploy, Windows)
        }
      }
    }
    console.error(
      registered
        ? `edge: mirror of ${mirror.workspace} from ${mirror.from} scheduled (${mirror.schedule}, UTC)`
        : "edge: MODE_MIRROR_FROM is set but Deno.cron is not available (Deno Deploy has it; locally run with --unstable-cron): the mirror is not refreshed",
    );
  }
}

/** The handler `deno serve` and Deno Deploy call for every request. */
export default { fetch } satisfies Deno.ServeDefaultExport;
