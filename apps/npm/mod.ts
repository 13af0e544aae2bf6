/**
 * `mode-discovery`: a client of Mode's Discovery API for Node projects,
 * with no Effect knowledge needed. `for await` over a workspace's
 * collections, reports, queries, charts, report stats and members,
 * `toArray({ limit })`, one page at a time, typed errors (`instanceof`,
 * `status`, `id`), and an `AbortSignal` on every call.
 *
 * @example
 * ```ts
 * import { createClient, UnauthorizedError } from "mode-discovery";
 *
 * // Credentials from MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET.
 * const client = createClient({ workspace: "acme" });
 * try {
 *   for await (const collection of client.collections.list()) {
 *     console.log(collection.id, collection.name);
 *   }
 * } catch (error) {
 *   if (error instanceof UnauthorizedError) console.error(error.message);
 *   else throw error;
 * }
 * ```
 *
 * @module
 */
export {
  type CallOptions,
  type Client,
  type ClientOptions,
  type Collections,
  createClient,
  type ListOptions,
  type PageOptions,
  type Resource,
} from "./src/Client.ts";
export type { CollectionListing, Listing, ToArrayOptions } from "./src/Listing.ts";
export type {
  Snapshot,
  SnapshotOptions,
  SnapshotResourceSummary,
  SnapshotSummary,
} from "./src/Snapshot.ts";
export type {
  Chart,
  Collection,
  CollectionsPage,
  Items,
  Link,
  Links,
  Member,
  Page,
  PageKeys,
  PaginationInfo,
  Query,
  Report,
  ReportStat,
  ResourceName,
} from "./src/Items.ts";
export {
  AbortError,
  BadRequestError,
  type ErrorDetails,
  ForbiddenError,
  LimitExceededError,
  MethodNotAllowedError,
  ModeDiscoveryError,
  NotFoundError,
  PaginationError,
  type PaginationErrorReason,
  RateLimitedError,
  ResponseDecodeError,
  ServerError,
  TimeoutError,
  TransportError,
  UnauthorizedError,
} from "./src/Errors.ts";
export type { ListProgress, ListStrategy, ListSummary, RequestEvent } from "@mode-discovery/core";
