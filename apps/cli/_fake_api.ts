/**
 * A small hand-written Discovery API server for the CLI's failure tests:
 * serves a fixed list with core's page math and auth rules, and can be told
 * to misbehave from a given page on (fail, send garbage, or hang).
 *
 * @internal
 * @module
 */
import {
  type Collection,
  pageLinks,
  pageSlice,
  paginationInfo,
  parseBearer,
} from "@mode-discovery/core";

/** How the server misbehaves for pages after `failAfterPage`. */
export type FailureMode =
  | { readonly _tag: "Status"; readonly status: number; readonly id: string }
  | { readonly _tag: "Html" }
  | { readonly _tag: "Hang" };

/** Settings of {@link startFakeApi}. */
export interface FakeApiOptions {
  readonly workspace: string;
  readonly collections: ReadonlyArray<Collection>;
  readonly credentials: {
    readonly token: string;
    readonly accessKey: string;
    readonly accessSecret: string;
  };
  /** Collections added to the workspace once page 1 has been served (totals drift). */
  readonly addedAfterPage1?: ReadonlyArray<Collection> | undefined;
  /** Pages up to this one are served normally; later ones fail with `failure`. */
  readonly failAfterPage?: number | undefined;
  readonly failure?: FailureMode | undefined;
}

/** A running fake server. */
export interface FakeApi {
  readonly url: string;
  /** Paths (with query) requested so far. */
  readonly requests: ReadonlyArray<string>;
  readonly close: () => Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/** Starts the fake server on 127.0.0.1 and a free port. */
export const startFakeApi = (options: FakeApiOptions): FakeApi => {
  const requests: Array<string> = [];
  const release = new AbortController();
  let collections = options.collections;
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url.pathname + url.search);
    const match = /^\/batch\/([^/]+)\/spaces$/.exec(url.pathname);
    if (match === null || request.method !== "GET") {
      return json(404, { id: "not_found", message: "No such route." });
    }
    const parsed = parseBearer(request.headers.get("authorization"));
    const c = options.credentials;
    if (
      parsed._tag === "Rejected" || parsed.token !== c.token ||
      parsed.accessKey !== c.accessKey || parsed.accessSecret !== c.accessSecret
    ) {
      return json(401, { id: "unauthorized", message: "The signature token is not valid." });
    }
    if (decodeURIComponent(match[1]) !== options.workspace) {
      return json(404, { id: "not_found", message: "Workspace not found." });
    }
    const page = Number(url.searchParams.get("page") ?? "1");
    const perPage = Number(url.searchParams.get("per_page") ?? "1000");
    if (options.failAfterPage !== undefined && page > options.failAfterPage) {
      const failure = options.failure ?? { _tag: "Html" };
      switch (failure._tag) {
        case "Status":
          return json(failure.status, { id: failure.id, message: `Failing page ${page}.` }, {
            "retry-after": "0",
          });
        case "Html":
          return new Response("<html><body>Bad gateway</body></html>", {
            status: 200,
            headers: { "content-type": "text/html" },
          });
        case "Hang":
          await new Promise<void>((resolve) => {
            request.signal.addEventListener("abort", () => resolve(), { once: true });
            release.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          return json(503, { id: "server_error", message: "Stopped." });
      }
    }
    const total = collections.length;
    const { start, end } = pageSlice(page, perPage, total);
    const spaces = collections.slice(start, end);
    if (page === 1 && options.addedAfterPage1 !== undefined) {
      collections = [...collections, ...options.addedAfterPage1];
    }
    return json(200, {
      pagination: paginationInfo({ page, perPage, totalCount: total }),
      spaces,
      _links: pageLinks({
        workspace: options.workspace,
        page,
        perPage,
        totalPages: Math.ceil(total / perPage),
      }),
    });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: async () => {
      release.abort();
      await server.shutdown();
    },
  };
};
