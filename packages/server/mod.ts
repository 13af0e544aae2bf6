/**
 * @mode-discovery/server: Mode's Discovery API as a server, on any
 * runtime. Core's `DiscoveryApi` implemented with `HttpApiBuilder` for
 * every resource of core's list (one handler for all), a fast path for
 * plain page reads, the per-request policies (rate limit, faults, CORS,
 * access log, `/healthz`, `/openapi.json`, `/docs`) in one pipeline, the
 * stores split by concern (listings, credentials, rendered pages) in
 * memory or on any Deno-KV-like store, the deterministic seeded world,
 * mirroring and NDJSON import. Nothing here uses a Deno or Node API: a
 * runtime adapter brings the socket and, for KV, the open KV (apps/edge
 * for Deno, apps/npm for Node).
 *
 * @example
 * ```ts
 * import {
 *   makeServerHandler, MemoryCredentialStore, MemoryListingStore, ServerSettings,
 * } from "@mode-discovery/server";
 * const server = await makeServerHandler({
 *   listings: MemoryListingStore.make(),
 *   credentials: MemoryCredentialStore.make(),
 *   settings: ServerSettings.make({ seed: [{ workspace: "acme", count: 4146 }] }),
 * });
 * const response = await server.fetch(new Request("http://localhost/batch/acme/reports"));
 * await server.dispose();
 * ```
 *
 * @module
 */
export * from "./src/FetchHandler.ts";
export * from "./src/SettingsError.ts";
export * from "./src/Settings.ts";
export * from "./src/Seed.ts";
export * from "./src/Seeding.ts";
export * from "./src/ListingStore.ts";
export * from "./src/CredentialStore.ts";
export * from "./src/PageCache.ts";
export * from "./src/MemoryListingStore.ts";
export * from "./src/MemoryCredentialStore.ts";
export * from "./src/Kv.ts";
export * from "./src/KvListingStore.ts";
export * from "./src/KvCredentialStore.ts";
export * from "./src/KvRateLimitStore.ts";
export * from "./src/CredentialCache.ts";
export * from "./src/Auth.ts";
export * from "./src/Handlers.ts";
export * from "./src/ApiHandler.ts";
export * from "./src/Policies.ts";
export * from "./src/RateLimit.ts";
export * from "./src/Faults.ts";
export * from "./src/Cors.ts";
export * from "./src/AccessLog.ts";
export * from "./src/Health.ts";
export * from "./src/ApiDocs.ts";
export * from "./src/ServerHandler.ts";
export * from "./src/WorkspaceEdits.ts";
export * from "./src/Mirror.ts";
export * from "./src/NdjsonImport.ts";
