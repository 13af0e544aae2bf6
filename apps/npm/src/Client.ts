/**
 * `createClient`: the Promise API over core's `DiscoveryClient`, for Node
 * projects that do not use Effect: `client.collections`, `client.reports`,
 * `client.queries`, `client.charts`, `client.reportStats` and
 * `client.members`, each with `list` and `page`.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import {
  DiscoveryClient,
  type DiscoveryClientShape,
  findResource,
  type ListProgress,
  type ListStrategy,
  type ListSummary,
  type RequestEvent,
  resources,
} from "@mode-discovery/core";
import type { Items, Page, ResourceName } from "./Items.ts";
import { BadRequestError, type ModeDiscoveryError, UnauthorizedError } from "./Errors.ts";
import { type Listing, makeListing } from "./Listing.ts";
import { type Snapshot, type SnapshotOptions, startSnapshot } from "./Snapshot.ts";
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

/** Options of `list` (`client.collections.list`, `client.reports.list`, ...). */
export interface ListOptions extends CallOptions {
  /** Workspace to list. Default: the client's `workspace`. */
  readonly workspace?: string | undefined;
  /** Items per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /**
   * `"all"`: also items in members' personal collections (reports, queries,
   * charts and report stats; refused elsewhere). Default: left out.
   */
  readonly includeSpaces?: "all" | undefined;
  /**
   * The smallest page size a listing shrinks to when a page keeps failing
   * with 503, 504, a timeout or a body cut short (page `n` at size `s` is
   * fetched as pages `2n - 1` and `2n` at `s / 2`). Default 100.
   */
  readonly minPerPage?: number | undefined;
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

/** Options of `page` (`client.collections.page`, `client.reports.page`, ...). */
export interface PageOptions extends CallOptions {
  /** Workspace. Default: the client's `workspace`. */
  readonly workspace?: string | undefined;
  /** Page number from 1. Default 1. */
  readonly page?: number | undefined;
  /** Items per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /** `"all"`: also items in members' personal collections (see {@link ListOptions}). */
  readonly includeSpaces?: "all" | undefined;
}

/** The operations on one resource of a workspace. */
export interface Resource<N extends ResourceName> {
  /**
   * Every item of a workspace, once each, in ascending order: iterate with
   * `for await`, or collect with `toArray({ limit })`.
   */
  list(options?: ListOptions): Listing<Items[N]>;
  /** One page of a workspace's items. */
  page(options?: PageOptions): Promise<Page<N>>;
}

/** The collections of a workspace (`spaces` on the wire). */
export type Collections = Resource<"collections">;

/** A client of Mode's Discovery API: one {@link Resource} per resource, and the same by name. */
export type Client =
  & { readonly [N in ResourceName]: Resource<N> }
  & {
    /**
     * Every item of the resource named `name` (`"reports"`, `"report-stats"`,
     * `"spaces"`), for code that walks resources by name.
     */
    list<N extends ResourceName>(name: N, options?: ListOptions): Listing<Items[N]>;
    /** One page of the resource named `name`. */
    page<N extends ResourceName>(name: N, options?: PageOptions): Promise<Page<N>>;
    /**
     * Every resource of a workspace at once, under one shared budget of
     * requests in flight: six async iterables (`collections`, `reports`,
     * ...) and the `summary` (see {@link Snapshot}).
     */
    snapshot(options?: SnapshotOptions): Snapshot;
  };

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
  "includeSpaces",
  "minPerPage",
  "concurrency",
  "strategy",
  "maxPages",
  "onProgress",
  "onSummary",
  "signal",
];
const PAGE_KEYS = ["workspace", "page", "perPage", "includeSpaces", "signal"];
const SNAPSHOT_KEYS = ["workspace", "concurrency", "perPage", "includeSpaces", "signal"];

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

const failingListing = <A>(error: Error): Listing<A> => ({
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

  const resolve = (name: unknown, where: string) => {
    const resource = typeof name === "string" ? findResource(name) : undefined;
    if (resource !== undefined) return resource;
    return new BadRequestError(
      `${where}: ${JSON.stringify(String(name).slice(0, 40))} is not a resource; use one of ${
        resources.map((r) => r.name).join(", ")
      }.`,
    );
  };

  const list = (name: string, listOptions: ListOptions = {}): Listing<unknown> => {
    if (shapeOrError instanceof Error) return failingListing(shapeOrError);
    const resource = resolve(name, "list");
    if (resource instanceof Error) return failingListing(resource);
    const where = `${resource.name}.list`;
    const problem = callProblem(listOptions, LIST_KEYS, where);
    if (problem !== undefined) return failingListing(problem);
    const { shape, workspace: defaultWorkspace, concurrency } = shapeOrError;
    const workspace = listOptions.workspace ?? defaultWorkspace;
    if (workspace === undefined) return failingListing(new BadRequestError(NO_WORKSPACE));
    if (!shapeOrError.hasCredentials) return failingListing(new UnauthorizedError(NO_CREDENTIALS));
    const { signal, onProgress, ...rest } = listOptions;
    return makeListing({
      open: (ownProgress) =>
        shape.list(resource, {
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
      what: `the listing of ${resource.plural} of workspace ${JSON.stringify(workspace)}`,
      plural: resource.plural,
    });
  };

  const page = async (name: string, pageOptions: PageOptions = {}): Promise<unknown> => {
    if (shapeOrError instanceof Error) throw shapeOrError;
    const resource = resolve(name, "page");
    if (resource instanceof Error) throw resource;
    const problem = callProblem(pageOptions, PAGE_KEYS, `${resource.name}.page`);
    if (problem !== undefined) throw problem;
    const workspace = pageOptions.workspace ?? shapeOrError.workspace;
    if (workspace === undefined) throw new BadRequestError(NO_WORKSPACE);
    if (!shapeOrError.hasCredentials) throw new UnauthorizedError(NO_CREDENTIALS);
    const { signal, ...rest } = pageOptions;
    const exit = await Effect.runPromiseExit(
      wrap(shapeOrError.shape.page(resource, { ...rest, workspace })),
      { signal },
    );
    if (exit._tag === "Success") return exit.value;
    throw fromCause(
      exit.cause,
      `The request for page ${rest.page ?? 1} of the ${resource.plural} of ${workspace}`,
      signal,
    );
  };

  const snapshot = (snapshotOptions: SnapshotOptions = {}): Snapshot => {
    const fail = (error: Error): Snapshot => {
      const rejected = Promise.reject(error);
      rejected.catch(() => {});
      const failing = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
      return {
        ...Object.fromEntries(resources.map((r) => [r.name, failing])),
        summary: rejected,
      } as unknown as Snapshot;
    };
    if (shapeOrError instanceof Error) return fail(shapeOrError);
    const problem = callProblem(snapshotOptions, SNAPSHOT_KEYS, "snapshot");
    if (problem !== undefined) return fail(problem);
    const workspace = snapshotOptions.workspace ?? shapeOrError.workspace;
    if (workspace === undefined) return fail(new BadRequestError(NO_WORKSPACE));
    if (!shapeOrError.hasCredentials) return fail(new UnauthorizedError(NO_CREDENTIALS));
    return startSnapshot(shapeOrError.shape, wrap, workspace, snapshotOptions);
  };

  const perResource = Object.fromEntries(resources.map((resource) => [resource.name, {
    list: (listOptions?: ListOptions) => list(resource.name, listOptions),
    page: (pageOptions?: PageOptions) => page(resource.name, pageOptions),
  }]));
  return { ...perResource, list, page, snapshot } as unknown as Client;
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
  const made = Effect.runSyncExit(
    DiscoveryClient.make({
      baseUrl: settings.baseUrl,
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs,
      requestsPerSecond: options.requestsPerSecond,
      onRequest: options.onRequest,
      credentials: settings.credentials,
    }),
  );
  if (Exit.isFailure(made)) {
    return fromCause(made.cause, "createClient", undefined) as ModeDiscoveryError;
  }
  const shape = made.value;
  return {
    shape,
    workspace: settings.workspace,
    concurrency: options.concurrency,
    hasCredentials: settings.credentials !== undefined,
  };
};
