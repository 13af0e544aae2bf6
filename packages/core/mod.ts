/**
 * @mode-discovery/core: the contract of Mode's Discovery API and the client
 * that speaks it. The resource model (collections, reports, queries, charts,
 * report stats and members, each one descriptor from which its schemas,
 * endpoint and links come), pagination, errors, signature tokens, the
 * HttpApi definition of the endpoints, and Effect services for credentials
 * and listing. No runtime-specific code.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { CollectionsPage } from "@mode-discovery/core";
 * declare const body: unknown;
 * const page = Schema.decodeUnknownSync(CollectionsPage)(body);
 * ```
 *
 * @module
 */
export * as Field from "./src/Field.ts";
export * as Resource from "./src/Resource.ts";
export * from "./src/Resources.ts";
export * from "./src/DiscoveryError.ts";
export * from "./src/Pagination.ts";
export * from "./src/Routes.ts";
export * from "./src/Credentials.ts";
export * from "./src/SignatureToken.ts";
export * from "./src/DiscoveryApi.ts";
export * from "./src/RequestValidation.ts";
export * from "./src/DiscoveryClient.ts";
export * from "./src/Snapshot.ts";
