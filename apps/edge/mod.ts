/**
 * @mode-discovery/edge: Mode's Discovery API served from Deno KV. Core's
 * `DiscoveryApi` implemented with `HttpApiBuilder`, so server and client
 * cannot drift; a KV layout where any page costs O(per_page); deterministic
 * seeding and development credentials for offline work and tests.
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
export * from "./src/CollectionStore.ts";
export * from "./src/KvCollectionStore.ts";
export * from "./src/EdgeSettings.ts";
export * from "./src/Seed.ts";
export * from "./src/CredentialCache.ts";
export * from "./src/EdgeAuth.ts";
export * from "./src/BatchHandlers.ts";
export * from "./src/EdgeHandler.ts";
export * from "./src/EdgeServer.ts";
export * from "./src/MemoryCollectionStore.ts";
export * from "./src/ApiHandler.ts";
export * from "./src/EdgeSettingsError.ts";
export * from "./src/RateLimit.ts";
export * from "./src/KvRateLimitStore.ts";
export * from "./src/Faults.ts";
export * from "./src/Cors.ts";
export * from "./src/AccessLog.ts";
export * from "./src/ApiDocs.ts";
export * from "./src/Health.ts";
export * from "./src/EdgePolicies.ts";
export * from "./src/WorkspaceEdits.ts";
export * from "./src/MirrorSettings.ts";
export * from "./src/Mirror.ts";
export * from "./src/MirrorCron.ts";
export * from "./src/NdjsonImport.ts";
export * from "./src/OpenKvStore.ts";
