/**
 * Test-only helper: a small Discovery API server on 127.0.0.1 (Deno.serve,
 * port 0) whose pages are built with core's own page math, with hooks to
 * inject faults and quirks. Never imported by mod.ts; uses Deno APIs.
 *
 * @internal
 * @module
 */
import assert from "node:assert/strict";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import type * as HttpClient from "effect/http/HttpClient";
import {
  type Collection,
  collections as collectionsResource,
  resourceForSegment,
  spaceUrl,
} from "./Resources.ts";
import { parseBearer, SignatureCredentials } from "./Credentials.ts";
import {
  type ClientOptions,
  DiscoveryClient,
  type ListOptions,
  type ListSummary,
} from "./DiscoveryClient.ts";
import {
  type LastPageNext,
  pageLinks,
  PageRequestWithSpacesFromQuery,
  pageSlice,
  paginationInfo,
} from "./Pagination.ts";
import type * as Resource from "./Resource.ts";

/** The credentials the test server accepts. */
export const TEST_CREDENTIALS = {
  token: "tok-public-id",
  accessKey: "key-0001",
  accessSecret: "s3cret-value-that-must-not-leak",
} as const;

/** {@link TEST_CREDENTIALS} as `SignatureCredentials`. */
export const testCredentials: SignatureCredentials = SignatureCredentials.fromStrings(
  TEST_CREDENTIALS,
);

/** Tiny backoff settings so that retry tests are quick. */
export const FAST: ClientOptions = {
  maxRetries: 6,
  backoffBaseMs: 1,
  backoffMaxMs: 4,
  maxRetryAfterSeconds: 0.005,
};

/**
 * How a test's client sends: `fetch` (no `HttpClient` in context, the
 * client's own fetch transport) or `http-client` (through effect's
 * `FetchHttpClient`, the transport for programs that give their own).
 */
export type TestTransport = "fetch" | "http-client";

/** Both transports, for tests that must hold over each. */
export const TRANSPORTS: ReadonlyArray<TestTransport> = ["fetch", "http-client"];

/** Runs an effect with the client sending over `transport`, giving its `Exit`. */
export const runExit = <A, E>(
  effect: Effect.Effect<A, E, HttpClient.HttpClient>,
  transport: TestTransport = "fetch",
): Promise<Exit.Exit<A, E>> =>
  Effect.runPromiseExit(
    transport === "fetch"
      ? effect as Effect.Effect<A, E>
      : Effect.provide(effect, FetchHttpClient.layer),
  );

/** The typed failure of an `Exit` (fails the test when it succeeded or died). */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.ok(Exit.isFailure(exit), "expected a failure");
  const error = Cause.findErrorOption(exit.cause);
  assert.ok(Option.isSome(error), `expected a typed failure, got ${Cause.pretty(exit.cause)}`);
  return error.value;
};

/** The value of a successful `Exit` (fails the test with the cause otherwise). */
export const valueOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) assert.fail(Cause.pretty(exit.cause));
  return exit.value;
};

/**
 * Lists a workspace of `server` with the test credentials and fast retries:
 * collections, or `resource` when given.
 */
export const listAll = async (
  server: { readonly url: string },
  list: Partial<ListOptions> = {},
  client: ClientOptions = {},
  resource: Resource.Any = collectionsResource,
  transport: TestTransport = "fetch",
): Promise<{
  readonly exit: Exit.Exit<Collection[], unknown>;
  readonly summary: ListSummary | undefined;
}> => {
  let summary: ListSummary | undefined;
  const exit = await runExit(
    Effect.gen(function* () {
      const discovery = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
        ...FAST,
        ...client,
      });
      return yield* Stream.runCollect(discovery.list(resource, {
        workspace: "acme",
        ...list,
        onSummary: (s) => {
          assert.equal(summary, undefined, "onSummary called twice");
          summary = s;
          list.onSummary?.(s);
        },
      }));
    }),
    transport,
  ) as Exit.Exit<Collection[], unknown>;
  return { exit, summary };
};

/** `count` collections with ids from `firstId`, ascending. */
export const seedCollections = (count: number, firstId = 1, workspace = "acme"): Collection[] =>
  Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    const token = `t${id.toString(16).padStart(10, "0")}`;
    return {
      id,
      token,
      name: id % 3 === 0 ? null : `Collection ${id}`,
      description: id % 2 === 0 ? null : `About collection ${id}`,
      space_type: "custom",
      space_url: spaceUrl(workspace, token),
    };
  });

/** One request the server received. */
export interface SeenRequest {
  readonly method: string;
  readonly url: URL;
  readonly page: number | undefined;
  readonly authorization: string | null;
  readonly body: string;
}

/** What a hook sees; it may answer instead of the server. */
export interface HookContext {
  readonly request: Request;
  readonly url: URL;
  /** The page asked for, when the query is valid. */
  readonly page: number | undefined;
  readonly perPage: number | undefined;
  /** The path segment asked for (`spaces`, `reports`, ...). */
  readonly segment: string | undefined;
  /** 1 for the first request to the server, 2 for the second, ... */
  readonly n: number;
  /** The page the server would answer, as a JSON-ready object. */
  readonly normal: () => Record<string, unknown>;
  readonly server: TestServer;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  readonly workspace?: string;
  readonly collections?: Collection[];
  /** Rows of other resources, by path segment (`reports`, `report_stats`, ...). */
  readonly rows?: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>;
  /** Keys of rows only listed with `include_spaces=all`, by path segment. */
  readonly personal?: Readonly<Record<string, ReadonlySet<number>>>;
  readonly lastPageNext?: LastPageNext;
  /** Answers instead of the server when it returns a Response. */
  readonly hook?: (ctx: HookContext) => Response | undefined | Promise<Response | undefined>;
  /** Checks the bearer credentials (default true). */
  readonly auth?: boolean;
}

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  collections: Collection[];
  readonly close: () => Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/**
 * Starts a Discovery API test server. Pages follow core's `paginationInfo`,
 * `pageSlice` and `pageLinks`, so they are faithful to the contract.
 */
export const startTestServer = (options: TestServerOptions = {}): Promise<TestServer> => {
  const workspace = options.workspace ?? "acme";
  let n = 0;
  const requests: SeenRequest[] = [];
  const state = { collections: options.collections ?? seedCollections(25) };
  const decodeQuery = Schema.decodeUnknownOption(PageRequestWithSpacesFromQuery);
  let server!: TestServer;
  const listening = Promise.withResolvers<void>();
  const http = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => listening.resolve(),
  }, async (request) => {
    const url = new URL(request.url);
    const route = /^\/batch\/([^/]+)\/([a-z_]+)$/.exec(url.pathname);
    const segment = route?.[2];
    const resource = segment === undefined ? undefined : resourceForSegment(segment);
    const query = decodeQuery(
      Object.fromEntries(
        ["page", "per_page", "include_spaces"].flatMap((name) => {
          const value = url.searchParams.get(name);
          return value === null || (name === "include_spaces" && !resource?.includeSpaces)
            ? []
            : [[name, value]];
        }),
      ),
    );
    const page = query._tag === "Some" ? query.value.page : undefined;
    const perPage = query._tag === "Some" ? query.value.per_page : undefined;
    const body = request.method === "POST" ? await request.text() : "";
    requests.push({
      method: request.method,
      url,
      page,
      authorization: request.headers.get("authorization"),
      body,
    });
    n++;
    const normal = () => {
      const p = page ?? 1;
      const size = perPage ?? 1000;
      const target = resource ?? collectionsResource;
      const includeSpaces = query._tag === "Some" ? query.value.include_spaces : undefined;
      const hidden = includeSpaces === "all" ? undefined : options.personal?.[target.segment];
      const rows: ReadonlyArray<Record<string, unknown>> = options.rows?.[target.segment] ??
        (target === collectionsResource ? state.collections : []);
      const all = hidden === undefined
        ? rows
        : rows.filter((row) => !hidden.has(row[target.key] as number));
      const info = paginationInfo({ page: p, perPage: size, totalCount: all.length });
      const { start, end } = pageSlice(p, size, all.length);
      return {
        pagination: info,
        [target.segment]: all.slice(start, end),
        _links: pageLinks(
          { route: target, workspace, page: p, perPage: size, includeSpaces },
          info.total_pages,
          options.lastPageNext,
        ),
      } as Record<string, unknown>;
    };
    const hooked = await options.hook?.({
      request,
      url,
      page,
      perPage,
      segment,
      n,
      normal,
      server,
    });
    if (hooked !== undefined) return hooked;
    if (options.auth !== false) {
      const parsed = parseBearer(request.headers.get("authorization"));
      if (
        parsed._tag === "Rejected" || parsed.token !== TEST_CREDENTIALS.token ||
        parsed.accessKey !== TEST_CREDENTIALS.accessKey ||
        parsed.accessSecret !== TEST_CREDENTIALS.accessSecret
      ) {
        return json(401, { id: "unauthorized", message: "Invalid signature token." });
      }
    }
    if (route === null || resource === undefined) {
      return json(404, { id: "not_found", message: "Not found." });
    }
    if (decodeURIComponent(route[1]) !== workspace) {
      return json(404, { id: "not_found", message: "Workspace not found." });
    }
    if (query._tag === "None") {
      return json(400, { id: "bad_request", message: "Invalid query parameter." });
    }
    return json(200, normal());
  });
  return listening.promise.then(() => {
    const port = (http.addr as Deno.NetAddr).port;
    server = {
      url: `http://127.0.0.1:${port}`,
      port,
      requests,
      get collections() {
        return state.collections;
      },
      set collections(value: Collection[]) {
        state.collections = value;
      },
      close: async () => {
        await http.shutdown();
      },
    };
    return server;
  });
};

Deno.test("test server: pages decode and follow core's page math", async () => {
  const CollectionsPage = collectionsResource.page;
  const server = await startTestServer({ collections: seedCollections(5), auth: false });
  try {
    const response = await fetch(`${server.url}/batch/acme/spaces?page=2&per_page=2`);
    const page = Schema.decodeUnknownSync(CollectionsPage)(await response.json());
    assert.deepEqual(page.spaces.map((c: Collection) => c.id), [3, 4]);
    assert.equal(page.pagination.total_pages, 3);
    assert.equal(page._links.next_page?.href, "/batch/acme/spaces?page=3&per_page=2");
  } finally {
    await server.close();
  }
});
