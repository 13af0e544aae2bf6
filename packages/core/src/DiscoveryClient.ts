/**
 * `DiscoveryClient`: fast, safe, complete listing of a workspace's
 * collections, as an Effect service.
 *
 * @module
 */
import { Context, type Effect, type Stream } from "effect";
import type { AdminCredentials } from "./Credentials.ts";
import type { Collection } from "./Collection.ts";
import type { DiscoveryError } from "./DiscoveryError.ts";
import type { CollectionsPage } from "./Pagination.ts";
import type { SignatureToken } from "./SignatureToken.ts";

/** Mode's production base URL, the default of {@link ClientOptions.baseUrl}. */
export const DEFAULT_BASE_URL = "https://app.mode.com";

/**
 * Settings of a {@link DiscoveryClient}. Every field has a sensible default.
 */
export interface ClientOptions {
  /** Base URL of the API. Default {@link DEFAULT_BASE_URL}. */
  readonly baseUrl?: string | undefined;
  /** Retries of one request after a retryable failure. Default 5. */
  readonly maxRetries?: number | undefined;
  /** Timeout of one request attempt, in milliseconds. Default 30000. */
  readonly timeoutMs?: number | undefined;
  /** Optional client-side budget of requests per second (unset: no limit). */
  readonly requestsPerSecond?: number | undefined;
  /** First backoff delay in milliseconds (doubles per retry, full jitter). Default 250. */
  readonly backoffBaseMs?: number | undefined;
  /** Largest backoff delay in milliseconds. Default 10000. */
  readonly backoffMaxMs?: number | undefined;
  /** Largest `Retry-After` honoured, in seconds; longer waits are capped. Default 60. */
  readonly maxRetryAfterSeconds?: number | undefined;
  /** Called once per request sent (method, URL, status or error), secrets never included. */
  readonly onRequest?: ((event: RequestEvent) => void) | undefined;
}

/** One request the client made, for `--verbose` logs. Holds no secret. */
export interface RequestEvent {
  /** HTTP method. */
  readonly method: string;
  /** Absolute URL requested. */
  readonly url: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** The HTTP status, when a response came. */
  readonly status?: number | undefined;
  /** What went wrong, when no usable response came. */
  readonly error?: string | undefined;
  /** Milliseconds the attempt took. */
  readonly durationMs: number;
}

/** How `collections.list` walks the pages. */
export type ListStrategy = "totals" | "links";

/** Options of `collections.list`. */
export interface ListOptions {
  /** Workspace (organization) username. */
  readonly workspace: string;
  /** Collections per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /** Pages in flight at once with the `totals` strategy. Default 4. */
  readonly concurrency?: number | undefined;
  /**
   * `totals` (default): after page 1 tells `total_pages`, fetch pages
   * 2..total_pages with bounded concurrency, emitted in order. `links`:
   * follow `_links.next_page` one page at a time (servers that give no totals).
   */
  readonly strategy?: ListStrategy | undefined;
  /** Hard cap on pages fetched. Default 100000. */
  readonly maxPages?: number | undefined;
  /** Called after each page is fetched and decoded (for progress displays). */
  readonly onProgress?: ((progress: ListProgress) => void) | undefined;
  /** Called once when the walk ends, successfully or not. */
  readonly onSummary?: ((summary: ListSummary) => void) | undefined;
}

/** Progress of a listing, reported after each page. */
export interface ListProgress {
  /** Pages fetched so far. */
  readonly pagesFetched: number;
  /** `total_pages` as the server last reported it (undefined if unknown). */
  readonly totalPages: number | undefined;
  /** `total_count` as the server last reported it (undefined if unknown). */
  readonly totalCount: number | undefined;
  /** Collections emitted so far. */
  readonly collectionsEmitted: number;
  /** Retries made so far. */
  readonly retries: number;
  /** Milliseconds since the walk started. */
  readonly elapsedMs: number;
}

/** What a listing did, available to the caller when the walk ends. */
export interface ListSummary {
  /** Pages fetched (each counted once, whatever its retries). */
  readonly pagesFetched: number;
  /** Collections emitted (after deduplication). */
  readonly collectionsEmitted: number;
  /** Collections dropped because their id was already emitted. */
  readonly duplicatesDropped: number;
  /** Whether `total_count` or `total_pages` changed during the walk. */
  readonly totalsDrifted: boolean;
  /** `total_count` of the first page. */
  readonly initialTotalCount: number | undefined;
  /** `total_count` of the last page read. */
  readonly finalTotalCount: number | undefined;
  /** Retries made over the whole walk. */
  readonly retries: number;
  /** Why the walk stopped. */
  readonly stoppedBecause:
    | "last-page"
    | "empty-page"
    | "repeated-link"
    | "no-next-link"
    | "limit"
    | "failed"
    | "interrupted";
  /** Milliseconds the walk took. */
  readonly elapsedMs: number;
}

/** Options of `collections.page`. */
export interface PageOptions {
  /** Workspace (organization) username. */
  readonly workspace: string;
  /** Page number from 1. Default 1. */
  readonly page?: number | undefined;
  /** Collections per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
}

/** Options of `signatureTokens.create`. */
export interface CreateSignatureTokenOptions {
  /** Workspace (organization) username. */
  readonly workspace: string;
  /** The admin API key and secret (HTTP Basic). */
  readonly admin: AdminCredentials;
  /** Token name, 4 to 64 characters. */
  readonly name: string;
  /** Expiry, ISO 8601. */
  readonly expiresAt: string;
}

/**
 * The operations of a {@link DiscoveryClient}.
 */
export interface DiscoveryClientShape {
  /** Collections (`spaces` on the wire). */
  readonly collections: {
    /** One decoded page. */
    readonly page: (options: PageOptions) => Effect.Effect<CollectionsPage, DiscoveryError>;
    /**
     * Every collection of a workspace, once each, in ascending page order.
     * Interrupting the stream aborts the requests in flight.
     */
    readonly list: (options: ListOptions) => Stream.Stream<Collection, DiscoveryError>;
  };
  /** Signature tokens. */
  readonly signatureTokens: {
    /** Creates a signature token with an admin API key and secret. */
    readonly create: (
      options: CreateSignatureTokenOptions,
    ) => Effect.Effect<SignatureToken, DiscoveryError>;
  };
}

/**
 * The Discovery API client.
 *
 * **When to use**
 *
 * List every collection of a workspace (`collections.list`), read one page
 * (`collections.page`) or create a signature token.
 *
 * **Details**
 *
 * `DiscoveryClient.layer(options)` needs an `HttpClient` (for example
 * `FetchHttpClient.layer`) and `Credentials`.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Stream } from "effect";
 * import { FetchHttpClient } from "effect/http";
 * import { Credentials, DiscoveryClient } from "@mode-discovery/core";
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* DiscoveryClient;
 *   return yield* Stream.runCount(client.collections.list({ workspace: "acme" }));
 * }).pipe(
 *   Effect.provide(DiscoveryClient.layer({ baseUrl: "http://127.0.0.1:8787" })),
 *   Effect.provide(Credentials.layerConfig),
 *   Effect.provide(FetchHttpClient.layer),
 * );
 * ```
 */
export class DiscoveryClient extends Context.Service<DiscoveryClient, DiscoveryClientShape>()(
  "mode-discovery/DiscoveryClient",
) {}
