/**
 * `DiscoveryClient`: fast, safe, complete listing of a workspace's
 * collections, reports, queries, charts, report stats and members, as an
 * Effect service.
 *
 * @module
 */
import * as Config from "effect/Config";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";
import * as Result from "effect/Result";
import type * as Redacted from "effect/Redacted";
import type * as Semaphore from "effect/Semaphore";
import * as Schema from "effect/Schema";
import * as SchemaIssue from "effect/SchemaIssue";
import * as Stream from "effect/Stream";
import * as HttpClient from "effect/http/HttpClient";
import { type AdminCredentials, Credentials, type SignatureCredentials } from "./Credentials.ts";
import { ClientOptionError, type DiscoveryError, Unauthorized } from "./DiscoveryError.ts";
import { DEFAULT_PER_PAGE, type IncludeSpaces, pageHref } from "./Pagination.ts";
import type * as Resource from "./Resource.ts";
import {
  type AnyResource,
  findResource,
  type ItemNamed,
  type ResourceName,
  type ResourceNamed,
  resources,
} from "./Resources.ts";
import { SignatureToken } from "./SignatureToken.ts";
import { SIGNATURE_TOKENS_PATH, workspacePath } from "./Routes.ts";
import * as SchemaParser from "effect/SchemaParser";
import { makeKeyedPageDecoder, withoutKeys } from "./_pageDecoder.ts";
import { resolveLink } from "./_links.ts";
import { makeRequester, type Requester } from "./_request.ts";
import { fetchTransport, httpClientTransport } from "./_transport.ts";
import {
  baseUrlProblem,
  describeUrl,
  invalidOption,
  PRODUCTION_BASE_URL,
  resolveSettings,
  type Settings,
} from "./_settings.ts";
import {
  checkConcurrency,
  checkMaxPages,
  checkPage,
  checkPerPage,
  checkStrategy,
  checkWorkspace,
  signatureTokenBody,
} from "./_validate.ts";
import { walk, type WalkPage, type WalkTarget } from "./_walk.ts";

/** Mode's production base URL, the default of {@link ClientOptions.baseUrl}. */
export const DEFAULT_BASE_URL: string = PRODUCTION_BASE_URL;

/**
 * Settings of a {@link DiscoveryClient}. Every field has a sensible default.
 */
export interface ClientOptions {
  /** Base URL of the API. Default {@link DEFAULT_BASE_URL}. */
  readonly baseUrl?: string | undefined;
  /**
   * Retries of one request after a retryable failure. Default 5. Retried for
   * GET: 408, 429, 500, 502, 503, 504, transport failures, timeouts and a 2xx
   * body cut short; for POST (not safe to repeat): 408 and 429 only.
   */
  readonly maxRetries?: number | undefined;
  /**
   * Timeout of one request attempt, in milliseconds. Default 30000. A page
   * fetched ahead is timed until the last byte of its answer is in, not
   * while it then waits for its turn.
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Optional client-side budget of requests per second (unset: no limit).
   * Requests, retries included, are spaced a twentieth more than
   * `1000 / requestsPerSecond` ms apart, so that a server counting requests
   * in fixed windows never sees more than the budget.
   */
  readonly requestsPerSecond?: number | undefined;
  /** First backoff delay in milliseconds (doubles per retry, full jitter). Default 250. */
  readonly backoffBaseMs?: number | undefined;
  /** Largest backoff delay in milliseconds. Default 10000. */
  readonly backoffMaxMs?: number | undefined;
  /**
   * Largest `Retry-After` honoured, in seconds; a longer wait asked by the
   * server is cut to this before retrying. Default 60.
   */
  readonly maxRetryAfterSeconds?: number | undefined;
  /**
   * Give each HTTP request a client span of effect's tracer (an
   * `http.client GET` span, or `HttpClient`'s own spans when the client
   * sends through an `HttpClient`). Default false: the spans cost more per
   * request than the rest of a request's work in the client (see
   * BENCHMARKS.md); turn them on when your program exports traces.
   */
  readonly traceRequests?: boolean | undefined;
  /**
   * Called once per HTTP request sent (every attempt and every redirect hop):
   * method, URL, status or error. Never holds a secret.
   */
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
  /**
   * Milliseconds the attempt took: from sending to the last byte of the
   * answer, without the time a page fetched ahead waited for its turn with
   * its answer in.
   */
  readonly durationMs: number;
}

/** How `list` walks the pages. */
export type ListStrategy = "totals" | "links";

/** Options of `list` (`client.collections.list`, `client.reports.list`, ...). */
export interface ListOptions {
  /** Workspace (organization) username. */
  readonly workspace: string;
  /** Items per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /**
   * `"all"`: also list items in members' personal collections (reports,
   * queries, charts and report stats only; collections always list personal
   * collections, and members have none). Default: left out.
   */
  readonly includeSpaces?: IncludeSpaces | undefined;
  /**
   * Pages in flight at once with the `totals` strategy, 1 to 64. Default 4.
   * At most this many pages are fetched ahead of the consumer.
   */
  readonly concurrency?: number | undefined;
  /**
   * `totals` (default): after page 1 tells `total_pages`, fetch pages
   * 2..total_pages with bounded concurrency, emitted in order. `links`:
   * follow `_links.next_page` one page at a time (servers that give no totals).
   */
  readonly strategy?: ListStrategy | undefined;
  /**
   * Hard cap on pages fetched. Default 100000. A walk that reaches it with
   * the server still reporting more fails with `PaginationError` `page-cap`.
   */
  readonly maxPages?: number | undefined;
  /**
   * The smallest page size the walk shrinks to (adaptive page size), 1 to
   * 1000. Default 100. A page that still fails after its retries with 503,
   * 504, a timeout, a transport failure or a body cut short is fetched again
   * as the two pages of half its size that hold the same rows (page `n` at
   * size `s` is pages `2n - 1` and `2n` at size `s / 2`), while the half is a
   * whole number of at least this; later pages use the smaller size. Set it
   * to `perPage` (or more) to turn shrinking off.
   */
  readonly minPerPage?: number | undefined;
  /**
   * A budget of requests in flight shared with other listings
   * (`Semaphore.make(n)`): each request holds one permit from sending to the
   * last byte of the answer (not while the page is decoded or a retry
   * waits). With it, `concurrency` only bounds this listing's own pages
   * fetched ahead.
   */
  readonly permits?: Semaphore.Semaphore | undefined;
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
  /** Items emitted so far. */
  readonly itemsEmitted: number;
  /** Retries made so far. */
  readonly retries: number;
  /** Milliseconds since the walk started. */
  readonly elapsedMs: number;
}

/** What a listing did, available to the caller when the walk ends. */
export interface ListSummary {
  /**
   * Pages read and emitted in order, each counted once whatever its retries
   * (pages fetched ahead and dropped when the walk stopped are not counted).
   */
  readonly pagesFetched: number;
  /** Items emitted (after deduplication). */
  readonly itemsEmitted: number;
  /** Items dropped because their key was already emitted. */
  readonly duplicatesDropped: number;
  /** Whether `total_count` or `total_pages` changed during the walk. */
  readonly totalsDrifted: boolean;
  /** `total_count` of the first page. */
  readonly initialTotalCount: number | undefined;
  /** `total_count` of the last page read. */
  readonly finalTotalCount: number | undefined;
  /** Retries made over the whole walk. */
  readonly retries: number;
  /**
   * Pages that kept failing and were read as two pages of half their size
   * (see `ListOptions.minPerPage`); `finalPerPage` is the size reached.
   */
  readonly pageSizeShrinks: number;
  /** The page size in use when the walk ended. */
  readonly finalPerPage: number;
  /**
   * Why the walk stopped:
   * - `last-page`: a page was the last by its own `total_pages`;
   * - `empty-page`: a page before the reported end had no items;
   * - `repeated-link` (`links`): `next_page` pointed at a page already read;
   * - `no-next-link` (`links`): a page before the end had no `next_page`;
   * - `limit`: `maxPages` was reached (the stream fails with `page-cap`);
   * - `failed`: the stream failed with an error;
   * - `interrupted`: the stream was interrupted, or its consumer stopped early.
   */
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

/** Options of `page` (`client.collections.page`, `client.reports.page`, ...). */
export interface PageOptions {
  /** Workspace (organization) username. */
  readonly workspace: string;
  /** Page number from 1. Default 1. */
  readonly page?: number | undefined;
  /** Items per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /** `"all"`: also items in members' personal collections (see {@link ListOptions}). */
  readonly includeSpaces?: IncludeSpaces | undefined;
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

/** The operations of a {@link DiscoveryClient} on one resource. */
export interface ResourceClient<R extends Resource.Any> {
  /** The resource. */
  readonly resource: R;
  /** One decoded page. */
  readonly page: (options: PageOptions) => Effect.Effect<Resource.PageOf<R>, DiscoveryError>;
  /**
   * Every item of a workspace, once each, in ascending page order.
   * Interrupting the stream aborts the requests in flight.
   */
  readonly list: (options: ListOptions) => Stream.Stream<Resource.ItemOf<R>, DiscoveryError>;
}

/** The per-resource operations: `client.collections`, `client.reports`, ... */
export type ResourceClients = {
  readonly [N in ResourceName]: ResourceClient<ResourceNamed<N>>;
};

/**
 * The operations of a {@link DiscoveryClient}: one {@link ResourceClient}
 * per resource, the same by name, and signature tokens.
 */
export interface DiscoveryClientShape extends ResourceClients {
  /**
   * Every item of a resource given by name (`"reports"`, `"report-stats"`,
   * `"spaces"`) or descriptor, for code that walks resources by name.
   */
  readonly list: {
    <N extends ResourceName>(
      resource: N,
      options: ListOptions,
    ): Stream.Stream<ItemNamed<N>, DiscoveryError>;
    <R extends Resource.Any>(
      resource: R,
      options: ListOptions,
    ): Stream.Stream<Resource.ItemOf<R>, DiscoveryError>;
    (resource: string, options: ListOptions): Stream.Stream<unknown, DiscoveryError>;
  };
  /** One decoded page of a resource given by name or descriptor. */
  readonly page: {
    <N extends ResourceName>(
      resource: N,
      options: PageOptions,
    ): Effect.Effect<Resource.PageOf<ResourceNamed<N>>, DiscoveryError>;
    <R extends Resource.Any>(
      resource: R,
      options: PageOptions,
    ): Effect.Effect<Resource.PageOf<R>, DiscoveryError>;
    (resource: string, options: PageOptions): Effect.Effect<unknown, DiscoveryError>;
  };
  /** Signature tokens. */
  readonly signatureTokens: {
    /** Creates a signature token with an admin API key and secret. */
    readonly create: (
      options: CreateSignatureTokenOptions,
    ) => Effect.Effect<SignatureToken, DiscoveryError>;
  };
}

/** Options of {@link DiscoveryClient.make}: {@link ClientOptions} and the credentials to send. */
export interface MakeOptions extends ClientOptions {
  /**
   * The signature token credentials sent with `page` and `list` of every
   * resource. Without them those calls fail with `Unauthorized`
   * (nothing is sent); `signatureTokens.create` needs only the admin
   * credentials it is given.
   */
  readonly credentials?: SignatureCredentials | undefined;
}

// Page values are not secret: errors may quote them. Token values are: they may not.
/** One page decoder per resource, built once: with the items' keys, for the walk. */
const keyedDecoders = new Map(
  resources.map((resource) => [
    resource.name,
    makeKeyedPageDecoder(resource as Resource.Any, { among: resources }),
  ]),
);
const decodeToken = SchemaParser.decodeUnknownResult(SignatureToken);

/** The page decoders giving a page as `page` returns it. */
const pageDecoders = new Map(
  resources.map((resource) => [resource.name, withoutKeys(keyedDecoders.get(resource.name)!)]),
);

/**
 * The page decoders giving a page as the walk reads it: its items under
 * `items`, with their keys where the decoder read them.
 */
const walkDecoders = new Map(
  resources.map((resource) => {
    const decode = keyedDecoders.get(resource.name)!;
    const segment = resource.segment;
    return [
      resource.name,
      (json: unknown): Result.Result<WalkPage<Record<string, unknown>>, SchemaIssue.Issue> => {
        const decoded = decode(json);
        if (Result.isFailure(decoded)) return Result.fail(decoded.failure);
        const page = decoded.success.page as Resource.Page<string, Record<string, unknown>>;
        return Result.succeed({
          pagination: page.pagination,
          _links: page._links,
          items: page[segment] as ReadonlyArray<Record<string, unknown>>,
          keys: decoded.success.keys,
        });
      },
    ] as const;
  }),
);

const unknownResource = (name: unknown): ClientOptionError =>
  invalidOption(
    "resource",
    name,
    `Use one of ${
      resources.map((r) => r.name).join(", ")
    } (or its path segment, such as report_stats).`,
  );

const noIncludeSpaces = (resource: AnyResource): ClientOptionError =>
  invalidOption(
    "includeSpaces",
    "all",
    `${resource.plural} do not take includeSpaces: ${
      resource.personal === undefined
        ? "they are never in personal collections"
        : "personal ones are always listed"
    }. Leave it unset, or use it with reports, queries, charts or report stats.`,
  );

const missingCredentials = (): Unauthorized =>
  new Unauthorized({
    id: "unauthorized",
    message:
      "No signature token credentials were given, so nothing was sent. Set MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET to the token, access key and access secret of a signature token (a workspace admin can create one with signatureTokens.create), or pass credentials to DiscoveryClient.make.",
  });

const emptySummary = (
  stoppedBecause: ListSummary["stoppedBecause"],
  perPage: number,
): ListSummary => ({
  pagesFetched: 0,
  itemsEmitted: 0,
  duplicatesDropped: 0,
  totalsDrifted: false,
  initialTotalCount: undefined,
  finalTotalCount: undefined,
  retries: 0,
  pageSizeShrinks: 0,
  finalPerPage: perPage,
  stoppedBecause,
  elapsedMs: 0,
});

/** The smallest page size the walk shrinks to by default. */
const DEFAULT_MIN_PER_PAGE = 100;

/** An absolute URL under the base URL (keeping any path prefix it has). */
const apiUrl = (settings: Settings, pathAndQuery: string): URL => {
  const prefix = settings.baseUrl.pathname.replace(/\/+$/, "");
  return new URL(`${prefix}${pathAndQuery}`, settings.baseUrl.origin);
};

const makeShape = (
  settings: Settings,
  requester: Requester,
  options: MakeOptions,
): DiscoveryClientShape => {
  const authorization: Redacted.Redacted<string> | undefined = options.credentials?.authorization;

  const resolve = (name: unknown): AnyResource | ClientOptionError => {
    const resource = typeof name === "string"
      ? findResource(name)
      : resources.find((r) => r === name);
    return resource ?? unknownResource(
      typeof name === "object" && name !== null && "name" in name ? name.name : name,
    );
  };

  const checkSpaces = (
    resource: AnyResource,
    includeSpaces: unknown,
  ): IncludeSpaces | undefined | ClientOptionError => {
    if (includeSpaces === undefined) return undefined;
    if (includeSpaces !== "all") {
      return invalidOption(
        "includeSpaces",
        includeSpaces,
        `Use "all" to include items in members' personal collections, or leave it unset.`,
      );
    }
    return resource.includeSpaces ? "all" : noIncludeSpaces(resource);
  };

  const pageOf = (
    resourceName: unknown,
    opts: PageOptions,
  ): Effect.Effect<unknown, DiscoveryError> =>
    Effect.suspend(() => {
      const resource = resolve(resourceName);
      if (resource instanceof ClientOptionError) return Effect.fail(resource);
      const workspace = checkWorkspace(opts.workspace);
      if (workspace instanceof ClientOptionError) return Effect.fail(workspace);
      const number = opts.page === undefined ? 1 : checkPage(opts.page);
      if (number instanceof ClientOptionError) return Effect.fail(number);
      const perPage = opts.perPage === undefined ? DEFAULT_PER_PAGE : checkPerPage(opts.perPage);
      if (perPage instanceof ClientOptionError) return Effect.fail(perPage);
      const includeSpaces = checkSpaces(resource, opts.includeSpaces);
      if (includeSpaces instanceof ClientOptionError) return Effect.fail(includeSpaces);
      if (authorization === undefined) return Effect.fail(missingCredentials());
      return requester.send({
        method: "GET",
        url: apiUrl(
          settings,
          pageHref({ route: resource, workspace, page: number, perPage, includeSpaces }),
        ),
        authorization,
        kind: "page",
        workspace,
        page: number,
        plural: resource.plural,
        decode: pageDecoders.get(resource.name)!,
      });
    });

  const listOf = (
    resourceName: unknown,
    opts: ListOptions,
  ): Stream.Stream<unknown, DiscoveryError> =>
    Stream.suspend(() => {
      const refuse = (error: DiscoveryError) => {
        opts.onSummary?.(emptySummary("failed", DEFAULT_PER_PAGE));
        return Stream.fail(error);
      };
      const resource = resolve(resourceName);
      if (resource instanceof ClientOptionError) return refuse(resource);
      const workspace = checkWorkspace(opts.workspace);
      if (workspace instanceof ClientOptionError) return refuse(workspace);
      const perPage = opts.perPage === undefined ? DEFAULT_PER_PAGE : checkPerPage(opts.perPage);
      if (perPage instanceof ClientOptionError) return refuse(perPage);
      const minPerPage = opts.minPerPage === undefined
        ? DEFAULT_MIN_PER_PAGE
        : checkPerPage(opts.minPerPage, "minPerPage");
      if (minPerPage instanceof ClientOptionError) return refuse(minPerPage);
      const concurrency = checkConcurrency(opts.concurrency);
      if (concurrency instanceof ClientOptionError) return refuse(concurrency);
      const maxPages = checkMaxPages(opts.maxPages);
      if (maxPages instanceof ClientOptionError) return refuse(maxPages);
      const strategy = checkStrategy(opts.strategy);
      if (strategy instanceof ClientOptionError) return refuse(strategy);
      const includeSpaces = checkSpaces(resource, opts.includeSpaces);
      if (includeSpaces instanceof ClientOptionError) return refuse(includeSpaces);
      if (authorization === undefined) return refuse(missingCredentials());
      const decodeWalk = walkDecoders.get(resource.name)!;
      const key = resource.key;
      const pageCall = (target: WalkTarget, onRetry: () => void) => ({
        method: "GET" as const,
        url: target.url,
        authorization,
        kind: "page" as const,
        workspace,
        page: target.page,
        plural: resource.plural,
        decode: decodeWalk,
        onRetry,
        permits: opts.permits,
      });
      return walk<Record<string, unknown>>({
        strategy,
        concurrency,
        maxPages,
        perPage,
        minPerPage,
        plural: resource.plural,
        keyOf: (item) => item[key] as number,
        pageUrl: (page, size) =>
          apiUrl(
            settings,
            pageHref({ route: resource, workspace, page, perPage: size, includeSpaces }),
          ),
        resolveNext: (href) => resolveLink(href, settings.baseUrl),
        fetchPage: (target, onRetry) => requester.send(pageCall(target, onRetry)),
        startPage: (target, onRetry, fiber) => requester.start(pageCall(target, onRetry), fiber),
        onProgress: opts.onProgress,
        onSummary: opts.onSummary,
      });
    });

  const create = (
    opts: CreateSignatureTokenOptions,
  ): Effect.Effect<SignatureToken, DiscoveryError> =>
    Effect.suspend(() => {
      const workspace = checkWorkspace(opts.workspace);
      if (workspace instanceof ClientOptionError) return Effect.fail(workspace);
      const body = signatureTokenBody(opts.name, opts.expiresAt);
      if (body instanceof ClientOptionError) return Effect.fail(body);
      return requester.send({
        method: "POST",
        url: apiUrl(settings, workspacePath(SIGNATURE_TOKENS_PATH, workspace)),
        authorization: opts.admin.authorization,
        body,
        kind: "signature-token",
        workspace,
        decode: decodeToken,
      });
    });

  const perResource = Object.fromEntries(
    resources.map((resource) => [resource.name, {
      resource,
      page: (opts: PageOptions) => pageOf(resource, opts),
      list: (opts: ListOptions) => listOf(resource, opts),
    }]),
  ) as unknown as ResourceClients;

  return {
    ...perResource,
    list: listOf as DiscoveryClientShape["list"],
    page: pageOf as DiscoveryClientShape["page"],
    signatureTokens: { create },
  };
};

const baseUrlConfig: Config.Config<string | undefined> = Config.String("MODE_BASE_URL").pipe(
  Config.option,
  Config.mapEffect((value) => {
    const text = Option.getOrUndefined(value)?.trim() ?? "";
    if (text === "") return Effect.succeed(undefined);
    const problem = baseUrlProblem(text);
    if (problem === undefined) return Effect.succeed(text);
    return Effect.fail(
      new Config.ConfigError(
        new Schema.SchemaError(
          new SchemaIssue.Pointer(
            ["MODE_BASE_URL"],
            new SchemaIssue.InvalidValue({
              message: `MODE_BASE_URL ${
                describeUrl(text)
              } is refused: ${problem}. Set it to a URL such as ${DEFAULT_BASE_URL} or http://127.0.0.1:8787, or unset it for ${DEFAULT_BASE_URL}.`,
            }),
          ),
        ),
      ),
    );
  }),
);

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
 * - Requests go out with the `fetch` in context (`FetchHttpClient.Fetch`,
 *   the global `fetch` unless replaced), one callback per request with no
 *   `HttpClient` pipeline in between. Provide an `HttpClient` (a proxy,
 *   instrumentation, a test double) and the client sends through it
 *   instead; that costs more per request (see BENCHMARKS.md).
 * - `DiscoveryClient.layer(options)` needs `Credentials`; `DiscoveryClient.layerConfig`
 *   also reads `MODE_BASE_URL`; `DiscoveryClient.make` builds the service
 *   directly, with or without credentials.
 * - Listing (`totals`, the default) reads page 1, then pages
 *   2..total_pages with `concurrency` pages in flight (at most that many
 *   pages held), emitted in page order. `links` follows `_links.next_page`
 *   one page at a time. Either way it stops on the last page, an empty page,
 *   a link already followed, or `maxPages` (then `PaginationError`
 *   `page-cap`); emits each collection id once; and reports `onProgress`
 *   per page and `onSummary` once at the end.
 * - Retries (GET): 408, 429 (honouring `Retry-After`, seconds or HTTP date,
 *   capped at `maxRetryAfterSeconds`), 500, 502, 503, 504, transport
 *   failures, timeouts, and a 200 whose JSON is cut short; exponential
 *   backoff with full jitter. 400, 401, 403, 404 are never retried, and
 *   neither is a body that is not JSON (HTML) or JSON of the wrong shape
 *   (`ResponseDecodeError` naming URL, page, status and field path). A retry
 *   repeats only the failed page. After the last retry the error is the
 *   typed error of the last failure (`RateLimited`, `ServerError` with its
 *   status, `TransportError`, `TimeoutError`). `signatureTokens.create`
 *   (POST, not safe to repeat) retries only 408 and 429.
 * - Link and redirect safety: every href is resolved against the base URL;
 *   one on another scheme, host or port fails with `PaginationError`
 *   `cross-origin` and nothing is sent there. Redirects are followed only
 *   within the base URL's origin (fetch's own following is turned off); a
 *   redirect to another origin is refused the same way, so the
 *   `Authorization` header never leaves the origin.
 * - Interrupting `list` (or `page`) aborts the requests in flight.
 * - Messages say what happened and what to do; no secret appears in an
 *   error or a `RequestEvent`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Stream from "effect/Stream";
 * import { Credentials, DiscoveryClient } from "@mode-discovery/core";
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* DiscoveryClient;
 *   return yield* Stream.runCount(client.collections.list({ workspace: "acme" }));
 * }).pipe(
 *   Effect.provide(DiscoveryClient.layer({ baseUrl: "http://127.0.0.1:8787" })),
 *   Effect.provide(Credentials.layerConfig),
 * );
 * ```
 */
export class DiscoveryClient extends Context.Service<DiscoveryClient, DiscoveryClientShape>()(
  "mode-discovery/DiscoveryClient",
) {
  /**
   * Builds the client: sending with `fetch`, or through the `HttpClient` in
   * context when there is one.
   *
   * **Details**
   *
   * Fails with a `ClientOptionError` naming the first bad option (say
   * `timeoutMs: 0`, or a base URL with a password in it); nothing is sent.
   * Without `credentials`, `page` and `list` fail with `Unauthorized` saying
   * to set `MODE_TOKEN`, `MODE_ACCESS_KEY` and `MODE_ACCESS_SECRET`;
   * `signatureTokens.create` still works.
   *
   * @example
   * ```ts
   * import * as Effect from "effect/Effect";
   * import { AdminCredentials, DiscoveryClient } from "@mode-discovery/core";
   *
   * const token = Effect.gen(function* () {
   *   const client = yield* DiscoveryClient.make({ baseUrl: "http://127.0.0.1:8787" });
   *   return yield* client.signatureTokens.create({
   *     workspace: "acme",
   *     admin: AdminCredentials.fromStrings({ apiKey: "key", apiSecret: "secret" }),
   *     name: "nightly export",
   *     expiresAt: "2027-01-01T00:00:00Z",
   *   });
   * });
   * ```
   */
  static make(
    options: MakeOptions = {},
  ): Effect.Effect<DiscoveryClientShape, ClientOptionError> {
    return Effect.gen(function* () {
      const settings = resolveSettings(options);
      if (settings instanceof ClientOptionError) return yield* settings;
      const client = yield* Effect.serviceOption(HttpClient.HttpClient);
      const transport = Option.isSome(client)
        ? httpClientTransport(client.value, settings.traceRequests)
        : fetchTransport(settings.traceRequests);
      const requester = yield* makeRequester(transport, settings, options.onRequest);
      return makeShape(settings, requester, options);
    });
  }

  /**
   * The client as a layer, sending the `Credentials` in context. Built where
   * an `HttpClient` is provided, it sends through that `HttpClient`.
   *
   * @example
   * ```ts
   * import * as Layer from "effect/Layer";
   * import { Credentials, DiscoveryClient } from "@mode-discovery/core";
   *
   * const live = DiscoveryClient.layer({ baseUrl: "http://127.0.0.1:8787", maxRetries: 3 }).pipe(
   *   Layer.provide(Credentials.layer({ token: "t", accessKey: "k", accessSecret: "s" })),
   * );
   * ```
   */
  static layer(
    options: ClientOptions = {},
  ): Layer.Layer<DiscoveryClient, ClientOptionError, Credentials> {
    return Layer.effect(
      DiscoveryClient,
      Effect.flatMap(
        Effect.service(Credentials),
        (credentials) => DiscoveryClient.make({ ...options, credentials }),
      ),
    );
  }

  /**
   * `MODE_BASE_URL` as a `Config`: the base URL, or `undefined` when unset or
   * empty. A value that is not an absolute http(s) URL without credentials,
   * query or fragment fails with a `ConfigError` saying so.
   */
  static readonly baseUrlConfig: Config.Config<string | undefined> = baseUrlConfig;

  /**
   * {@link DiscoveryClient.layer} with the base URL read from `MODE_BASE_URL`
   * (default {@link DEFAULT_BASE_URL}). An explicit `options.baseUrl` (say
   * from a command-line flag) wins over the environment.
   *
   * @example
   * ```ts
   * import * as Layer from "effect/Layer";
   * import { Credentials, DiscoveryClient } from "@mode-discovery/core";
   *
   * const live = DiscoveryClient.layerConfig().pipe(Layer.provide(Credentials.layerConfig));
   * ```
   */
  static layerConfig(
    options: ClientOptions = {},
  ): Layer.Layer<
    DiscoveryClient,
    Config.ConfigError | ClientOptionError,
    Credentials
  > {
    return Layer.unwrap(Effect.map(
      baseUrlConfig,
      (fromEnv) => DiscoveryClient.layer({ ...options, baseUrl: options.baseUrl ?? fromEnv }),
    ));
  }
}
