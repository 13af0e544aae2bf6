/**
 * `mode-discovery/server`: Mode's Discovery API as a local server for Node
 * test suites and offline work. The same handler as the project's Deno
 * edge server, over an in-memory store with deterministic seeding and
 * development credentials.
 *
 * @example
 * ```ts
 * import { createClient } from "mode-discovery";
 * import { startServer } from "mode-discovery/server";
 *
 * const server = await startServer({ seed: "acme:4146" });
 * try {
 *   const client = createClient(server.clientOptions);
 *   const page = await client.collections.page({ perPage: 100 });
 *   console.log(page.pagination.total_count); // 4146
 * } finally {
 *   await server.close();
 * }
 * ```
 *
 * @module
 */
export {
  createHandler,
  type DevAdmin,
  type DevCredentials,
  type DiscoveryHandler,
  type HandlerOptions,
  type LastPageNext,
  type RunningServer,
  type SeedWorkspace,
  type ServerClientOptions,
  ServerStartError,
  startServer,
  type StartServerOptions,
} from "./src/Server.ts";
