/**
 * @mode-discovery/edge: Mode's Discovery API served by Deno from Deno KV.
 * The thin Deno adapter of `@mode-discovery/server`: `Deno.serve`
 * (`startEdgeServer`, `serve.ts`), `export default { fetch }` for
 * `deno serve` and Deno Deploy (`main.ts`), the KV stores opened on
 * `Deno.openKv`, the `Deno.cron` mirror job, and the settings that go with
 * them (`MODE_KV_PATH`, `DENO_DEPLOYMENT_ID`, `MODE_MIRROR_*`) on top of the
 * server's. The server's own API is re-exported, so one import serves a
 * Deno program.
 *
 * @example
 * ```ts
 * import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
 * const server = await startEdgeServer({
 *   port: 0,
 *   settings: EdgeSettings.make({ seed: [{ workspace: "acme", count: 4146 }] }),
 * });
 * await server.close();
 * ```
 *
 * @module
 */
export * from "@mode-discovery/server";
export * from "./src/EdgeSettings.ts";
export * from "./src/EdgeHandler.ts";
export * from "./src/EdgeServer.ts";
export * from "./src/MirrorSettings.ts";
export * from "./src/MirrorCron.ts";
export * from "./src/OpenKvStore.ts";
