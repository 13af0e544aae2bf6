/**
 * `createClient`: the Promise API over core's `DiscoveryClient`, for Node
 * projects that do not use Effect.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import {
  DiscoveryClient,
  type DiscoveryClientShape,
  type ListProgress,
  type ListStrategy,
  type ListSummary,
  type RequestEvent,
} from "@mode-discovery/core";
import type { CollectionsPage } from "./Collection.ts";
import { BadRequestError, type ModeDiscoveryError, UnauthorizedError } from "./Errors.ts";
import { type CollectionListing, makeListing } from "./Listing.ts";
import { notAnObject, notFunctions, unknownKeys } from "./_options.ts";
import { type Env, processEnv, resolveSettings } from "./_settings.ts";
import { signalProblem } from "./_signal.ts";
import { fromCause } from "./_toError.ts";

/**
 * Options of {@link createClient}. Every one is optional.
 *
 * **Details**
 *
 * Unset options come from the environment, as for the `mode-discovery`
 * command: `MODE_WORKSPACE`, `MODE_BASE_URL`, and the signature token's
 * `MODE_TOKEN`, `MODE_ACCESS_KEY` and `MODE_ACCESS_SECRET`. The three
 * credential parts are taken together, all from the options or all from
 * the environment.
 */
export interface ClientOptions {
  /** Default workspace (organization username) of every call. Env: `MODE_WORKSPACE`. */
  readonly workspace?: string | undefined;
  /** The signature token. Env: `MODE_TOKEN`. */
  readonly token?: string | undefined;
  /** The signature token's access key. Env: `MODE_ACCESS_KEY`. */
  readonly accessKey?: string | undefined;
  /** The signature token's access secret. Env: `MODE_ACCESS_SECRET`. */
  readonly accessSecret?: string | undefined;
  /** API base URL. Env: `MODE_BASE_URL`. Default `https://app.mode.com`. */
  readonly baseUrl?: string | undefined;
  /**
   * Retries of one request after a retryable failure (408, 429, 5xx,
   * network failures, timeouts), 0 to 100. Default 5.
   */
  readonly maxRetries?: number | undefined;
  /** Timeout of one request attempt, in milliseconds. Default 30000. */
  readonly timeoutMs?: number | undefined;
  /** Pages in flight at once when listing, 1 to 64. Default 4. */
  readonly concurrency?: number | undefined;
  /** Optional budget of requests per second (retries included). Default: none. */
  readonly requestsPerSecond?: number | undefined;
  /**
   * Where unset options are looked up. Default `process.env`; pass `{}` to
   * ignore the environment.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The `fetch` to send requests with. Default the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Called once per HTTP request sent (every attempt). Never given a secret. */
  readonly onRequest?: ((event: RequestEvent) => void) | undefined;
}

/** Options shared by every call. */
export interface CallOptions {
  /** Aborts the call, cancelling its requests in flight (it throws an `AbortError`). */
  readonly signal?: AbortSignal | undefined;
}

/** Options of `collections.list`. */
export interface ListOptions extends CallOptions {
  /** Workspace to list. Default: the client's `workspace`. */
  readonly workspace?: string | undefined;
  /** Collections per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /** Pages in flight at once, 1 to 64. Default: the client's `concurrency`, else 4. */
  readonly concurrency?: number | undefined;
  /**
   * `totals` (default): read page 1, then the remaining pages concurrently.
   * `links`: follow `next_page` links one page at a time.
   */
  readonly strategy?: ListStrategy | undefined;
  /** Most pages fetched; reaching it with more to come throws `PaginationError`. Default 100000. */
  readonly maxPages?: number | undefined;
  /** Called after each page is read. */
  readonly onProgress?: ((progress: ListProgress) => void) | undefined;
  /** Called once when the walk ends, however it ends. */
  readonly onSummary?: ((summary: ListSummary) => void) | undefined;
}

/** Options of `collections.page`. */
export interface PageOptions extends CallOptions {
  /** Workspace. Default: the client's `workspace`. */
  readonly workspace?: string | undefined;
  /** Page number from 1. Default 1. */
  readonly page?: number | undefined;
  /** Collections per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
}

/** The collections of a workspace (`spaces` on the wire). */
export interface Collections {
  /**
   * Every collection of a workspace, once each, in ascending page order:
   * iterate with `for await`, or collect with `toArray({ limit })`.
   */
  list(options?: ListOptions): CollectionListing;
  /** One page of a workspace's collections. */
  page(options?: PageOptions): Promise<CollectionsPage>;
}

/** A client of Mode's Discovery API. */
export interface Client {
  /** The collections of a workspace. */
  readonly collections: Collections;
}

const CLIENT_KEYS = [
  "workspace",
  "token",
  "accessKey",
  "accessSecret",
  "baseUrl",
  "maxRetries",
  "timeoutMs",
  "concurrency",
  "requestsPerSecond",
  "env",
  "fetch",
  "onRequest",
];
const LIST_KEYS = [
  "workspace",
  "perPage",
  "concurrency",
  "strategy",
  "maxPages",
  "onProgress",
  "onSummary",
  "signal",
];
const PAGE_KEYS = ["workspace", "page", "perPage", "signal"];

const NO_CREDENTIALS =
  "No credentials, so nothing was sent: pass token, accessKey and accessSecret to createClient, or set MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET, to the three parts of a signature token (a workspace admin creates one in Mode's settings or with the mode-discovery command's tokens create).";

const NO_WORKSPACE =
  "No workspace: pass workspace to the call or to createClient, or set MODE_WORKSPACE (the workspace's username, as in https://app.mode.com/NAME).";

/** The first problem with a call's options, or `undefined`. */
const callProblem = (
  options: unknown,
  keys: ReadonlyArray<string>,
  where: string,
): BadRequestError | undefined => {
  const problem = notAnObject(options, where) ??
    (options === undefined ? undefined : unknownKeys(options as object, keys, where)) ??
    (options === undefined
      ? undefined
      : notFunctions(options as object, ["onProgress", "onSummary"], where)) ??
    signalProblem((options as CallOptions | undefined)?.signal, where);
  return problem === undefined ? undefined : new BadRequestError(problem);
};

const failingListing = (error: Error): CollectionListing => ({
  [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
  toArray: () => Promise.reject(error),
});

/**
 * Creates a client of Mode's Discovery API.
 *
 * **Details**
 *
 * - Never throws: a bad option makes every call reject with a
 *   `BadRequestError` (or `UnauthorizedError` for credentials) naming it.
 * - Requests are retried on 408, 429 (honouring `Retry-After`), 5xx,
 *   network failures and timeouts, with exponential backoff; 400, 401, 403
 *   and 404 are not retried.
 * - `next_page` links and redirects to another origin are never followed,
 *   so the credentials never leave the base URL's origin.
 *
 * @example
 * ```ts
 * import { createClient } from "mode-discovery";
 *
 * const client = createClient({
 *   workspace: "acme",
 *   token: process.env.MODE_TOKEN,
 *   accessKey: process.env.MODE_ACCESS_KEY,
 *   accessSecret: process.env.MODE_ACCESS_SECRET,
 * });
 * for await (const collection of client.collections.list()) {
 *   console.log(collection.token, collection.name);
 * }
 * const first = await client.collections.page({ page: 1, perPage: 100 });
 * console.log(first.pagination.total_count);
 * ```
 */
export const createClient = (options: ClientOptions = {}): Client => {
  const shapeOrError = makeShape(options);
  const wrap = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    options?.fetch === undefined
      ? effect
      : Effect.provideService(effect, FetchHttpClient.Fetch, options.fetch);

  const list = (listOptions: ListOptions = {}): CollectionListing => {
    if (shapeOrError instanceof Error) return failingListing(shapeOrError);
    const problem = callProblem(listOptions, LIST_KEYS, "collections.list");
    if (problem !== undefined) return failingListing(problem);
    const { shape, workspace: defaultWorkspace, concurrency } = shapeOrError;
    const workspace = listOptions.workspace ?? defaultWorkspace;
    if (workspace === undefined) return failingListing(new BadRequestError(NO_WORKSPACE));
    if (!shapeOrError.hasCredentials) return failingListing(new UnauthorizedError(NO_CREDENTIALS));
    const { signal, onProgress, ...rest } = listOptions;
    return makeListing({
      open: (ownProgress) =>
        shape.collections.list({
          concurrency,
          ...rest,
          workspace,
          onProgress: ownProgress === undefined ? onProgress : (progress) => {
            ownProgress(progress);
            onProgress?.(progress);
          },
        }),
      wrap,
      signal,
      what: `the listing of workspace ${JSON.stringify(workspace)}`,
    });
  };

  const page = async (pageOptions: PageOptions = {}): Promise<CollectionsPage> => {
    if (shapeOrError instanceof Error) throw shapeOrError;
    const problem = callProblem(pageOptions, PAGE_KEYS, "collections.page");
    if (problem !== undefined) throw problem;
    const workspace = pageOptions.workspace ?? shapeOrError.workspace;
    if (workspace === undefined) throw new BadRequestError(NO_WORKSPACE);
    if (!shapeOrError.hasCredentials) throw new UnauthorizedError(NO_CREDENTIALS);
    const { signal, ...rest } = pageOptions;
    const exit = await Effect.runPromiseExit(
      wrap(shapeOrError.shape.collections.page({ ...rest, workspace })),
      { signal },
    );
    if (exit._tag === "Success") return exit.value;
    throw fromCause(exit.cause, `The request for page ${rest.page ?? 1} of ${workspace}`, signal);
  };

  return { collections: { list, page } };
};

interface Ready {
  readonly shape: DiscoveryClientShape;
  readonly workspace: string | undefined;
  readonly concurrency: number | undefined;
  readonly hasCredentials: boolean;
}

const makeShape = (options: ClientOptions): Ready | ModeDiscoveryError => {
  const problem = notAnObject(options, "createClient") ??
    unknownKeys(options, CLIENT_KEYS, "createClient");
  if (problem !== undefined) return new BadRequestError(problem);
  const notFunction = notFunctions(options, ["fetch", "onRequest"], "createClient");
  if (notFunction !== undefined) return new BadRequestError(notFunction);
  const env: Env = options.env ?? processEnv();
  const settings = resolveSettings(options, env);
  if (settings instanceof Error) return settings;
  const shape = Effect.runSync(
    Effect.provide(
      DiscoveryClient.make({
        baseUrl: settings.baseUrl,
        maxRetries: options.maxRetries,
        timeoutMs: options.timeoutMs,
        requestsPerSecond: options.requestsPerSecond,
        onRequest: options.onRequest,
        credentials: settings.credentials,
      }),
      FetchHttpClient.layer,
    ),
  );
  return {
    shape,
    workspace: settings.workspace,
    concurrency: options.concurrency,
    hasCredentials: settings.credentials !== undefined,
  };
};
