/**
 * The fast path: a `GET /batch/{workspace}/{segment}` of any resource whose
 * every part is plain and already known (credentials verified seconds ago,
 * the workspace record and the page's chunks in memory) is answered
 * without entering the Effect HttpApi pipeline. Anything else, and any
 * cache miss, goes to the HttpApi handler, which is the reference: the fast
 * path only ever answers exactly what it would (tested response for
 * response, for every resource).
 *
 * @internal
 * @module
 */
import {
  INCLUDE_SPACES_ALL,
  type IncludeSpaces,
  type LastPageNext,
  MAX_PER_PAGE,
} from "@mode-discovery/core";
import type { CredentialCache } from "./CredentialCache.ts";
import type { ListingAddress, ListingStoreService } from "./ListingStore.ts";
import type { PageCache } from "./PageCache.ts";
import { JSON_CONTENT_TYPE, renderPage } from "./_render.ts";
import { listingId } from "./_listings.ts";
import { matchListUrl } from "./_routes.ts";

/** A page number in its plain form: no sign, no leading zero, at most 15 digits. */
const PLAIN_PAGE = /^[1-9][0-9]{0,14}$/;
const PLAIN_PER_PAGE = /^[1-9][0-9]{0,3}$/;

interface PlainQuery {
  readonly page: number;
  readonly perPage: number;
  readonly includeSpaces: IncludeSpaces | undefined;
}

/**
 * The query when it holds only plain `page` and `per_page` and, on a
 * resource that takes it, `include_spaces=all`, each at most once.
 */
const parsePlainQuery = (query: string | undefined, spaces: boolean): PlainQuery | undefined => {
  let page = 1;
  let perPage = MAX_PER_PAGE;
  let includeSpaces: IncludeSpaces | undefined;
  if (query === undefined || query === "") return { page, perPage, includeSpaces };
  let seenPage = false;
  let seenPerPage = false;
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq < 0) return undefined;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (name === "page" && !seenPage && PLAIN_PAGE.test(value)) {
      seenPage = true;
      page = Number(value);
    } else if (name === "per_page" && !seenPerPage && PLAIN_PER_PAGE.test(value)) {
      seenPerPage = true;
      perPage = Number(value);
      if (perPage > MAX_PER_PAGE) return undefined;
    } else if (
      spaces && name === "include_spaces" && includeSpaces === undefined &&
      value === INCLUDE_SPACES_ALL
    ) {
      includeSpaces = INCLUDE_SPACES_ALL;
    } else {
      return undefined;
    }
  }
  return { page, perPage, includeSpaces };
};

/**
 * Builds the fast path: a function that answers a request from memory, or
 * returns `undefined` to hand it to the HttpApi handler.
 */
export const makeFastPath = (deps: {
  readonly listings: ListingStoreService;
  readonly credentials: CredentialCache;
  readonly lastPageNext: LastPageNext;
  readonly pages: PageCache;
}) =>
(request: Request): Response | undefined => {
  if (request.method !== "GET") return undefined;
  const url = matchListUrl(request.url);
  if (url === undefined) return undefined;
  const { resource, workspace } = url;
  const query = parsePlainQuery(url.query, resource.includeSpaces);
  if (query === undefined) return undefined;
  const header = request.headers.get("authorization");
  if (header === null) return undefined;
  const principal = deps.credentials.get(header);
  if (principal === undefined || principal.workspace !== workspace) return undefined;
  const current = deps.listings.cachedVersion(workspace);
  if (current === undefined) return undefined;
  const address: ListingAddress = {
    resource,
    workspace,
    page: query.page,
    perPage: query.perPage,
    includeSpaces: query.includeSpaces,
  };
  // The listing decides the rows and whether the links carry include_spaces.
  const listing = listingId(resource, query.includeSpaces);
  const key = `${workspace}\n${current.version}\n${listing}\n${query.page}\n${query.perPage}`;
  let body = deps.pages.get(key);
  if (body === undefined) {
    const slice = deps.listings.cachedPage(address);
    if (slice === undefined || slice.version !== current.version) return undefined;
    body = renderPage(slice, address, deps.lastPageNext);
    deps.pages.set(key, body);
  }
  return new Response(body, { status: 200, headers: { "content-type": JSON_CONTENT_TYPE } });
};
