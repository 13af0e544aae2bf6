/**
 * A small hand-written Discovery API server for the CLI's failure tests:
 * serves fixed lists of any resource with core's routes, page math, links,
 * auth rules and error bodies, and can be told to misbehave from a given
 * page on (fail, send garbage, or hang).
 *
 * @internal
 * @module
 */
import {
  type Collection,
  errorBody,
  errorIdForStatus,
  NotFound,
  pageLinks,
  pageSlice,
  paginationInfo,
  parseBearer,
  parsePageHref,
  resourceForSegment,
  type ResourceName,
  totalPages,
  Unauthorized,
} from "@mode-discovery/core";

/** How the server misbehaves for pages after `failAfterPage`. */
export type FailureMode =
  | { readonly _tag: "Status"; readonly status: number; readonly id: string }
  | { readonly _tag: "Html" }
  | { readonly _tag: "Hang" };

/** Settings of {@link startFakeApi}. */
export interface FakeApiOptions {
  readonly workspace: string;
  /** The collections served at `/spaces`. */
  readonly collections: ReadonlyArray<Collection>;
  /** The items of the other resources, by name (none when left out). */
  readonly items?: Readonly<Partial<Record<ResourceName, ReadonlyArray<unknown>>>> | undefined;
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

const json = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "application/json", ...headers } });

/** Starts the fake server on 127.0.0.1 and a free port. */
export const startFakeApi = (options: FakeApiOptions): FakeApi => {
  const requests: Array<string> = [];
  const release = new AbortController();
  let collections = options.collections;
  const itemsOf = (name: ResourceName): ReadonlyArray<unknown> =>
    name === "collections" ? collections : options.items?.[name] ?? [];
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url.pathname + url.search);
    const parsed = parsePageHref(url.pathname + url.search);
    const resource = parsed === undefined ? undefined : resourceForSegment(parsed.segment);
    if (parsed === undefined || resource === undefined || request.method !== "GET") {
      return json(NotFound.status, errorBody(NotFound.id, "No such route."));
    }
    const bearer = parseBearer(request.headers.get("authorization"));
    const c = options.credentials;
    if (
      bearer._tag === "Rejected" || bearer.token !== c.token ||
      bearer.accessKey !== c.accessKey || bearer.accessSecret !== c.accessSecret
    ) {
      return json(
        Unauthorized.status,
        errorBody(Unauthorized.id, "The signature token is not valid."),
      );
    }
    if (parsed.workspace !== options.workspace) {
      return json(NotFound.status, errorBody(NotFound.id, "Workspace not found."));
    }
    const { page, per_page: perPage } = parsed;
    if (options.failAfterPage !== undefined && page > options.failAfterPage) {
      const failure = options.failure ?? { _tag: "Html" };
      switch (failure._tag) {
        case "Status":
          return json(failure.status, errorBody(failure.id, `Failing page ${page}.`), {
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
          return json(503, errorBody(errorIdForStatus(503), "Stopped."));
      }
    }
    const all = itemsOf(resource.name);
    const total = all.length;
    const { start, end } = pageSlice(page, perPage, total);
    const items = all.slice(start, end);
    if (page === 1 && resource.name === "collections" && options.addedAfterPage1 !== undefined) {
      collections = [...collections, ...options.addedAfterPage1];
    }
    const address = {
      route: resource,
      workspace: options.workspace,
      page,
      perPage,
      includeSpaces: parsed.include_spaces,
    };
    return json(
      200,
      JSON.stringify({
        pagination: paginationInfo({ page, perPage, totalCount: total }),
        [resource.segment]: items,
        _links: pageLinks(address, totalPages(total, perPage)),
      }),
    );
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
