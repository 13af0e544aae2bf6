/**
 * The fast path: a `GET /batch/{workspace}/spaces` whose every part is
 * plain and already known (credentials verified seconds ago, the workspace
 * record and the page's chunks in memory) is answered without entering the
 * Effect HttpApi pipeline. Anything else, and any cache miss, goes to the
 * HttpApi handler, which is the reference: the fast path only ever answers
 * exactly what it would (tested response for response).
 *
 * @internal
 * @module
 */
import { type LastPageNext, MAX_PER_PAGE } from "@mode-discovery/core";
import type { CollectionStoreService } from "./CollectionStore.ts";
import type { CredentialCache } from "./CredentialCache.ts";
import type { Lru } from "./_lru.ts";
import { JSON_CONTENT_TYPE, renderPage } from "./_render.ts";

/** `http(s)://host/batch/{workspace}/spaces` with an optional query; the workspace in core's charset. */
const LIST_URL =
  /^https?:\/\/[^/?#]+\/batch\/([A-Za-z0-9_][A-Za-z0-9_.-]{0,99})\/spaces(?:\?([^#]*))?$/;

/** A page number in its plain form: no sign, no leading zero, at most 15 digits. */
const PLAIN_PAGE = /^[1-9][0-9]{0,14}$/;
const PLAIN_PER_PAGE = /^[1-9][0-9]{0,3}$/;

/** `{ page, perPage }` when the query holds only plain `page` and `per_page`, each at most once. */
const parsePlainQuery = (
  query: string | undefined,
): { readonly page: number; readonly perPage: number } | undefined => {
  let page = 1;
  let perPage = MAX_PER_PAGE;
  if (query === undefined || query === "") return { page, perPage };
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
    } else {
      return undefined;
    }
  }
  return { page, perPage };
};

/**
 * Builds the fast path: a function that answers a request from memory, or
 * returns `undefined` to hand it to the HttpApi handler.
 */
export const makeFastPath = (deps: {
  readonly store: CollectionStoreService;
  readonly credentials: CredentialCache;
  readonly lastPageNext: LastPageNext;
  /** Rendered pages by workspace, version, page and per_page (immutable, so safe to reuse). */
  readonly pages: Lru<string, string>;
}) =>
(request: Request): Response | undefined => {
  if (request.method !== "GET") return undefined;
  const match = LIST_URL.exec(request.url);
  if (match === null) return undefined;
  const query = parsePlainQuery(match[2]);
  if (query === undefined) return undefined;
  const header = request.headers.get("authorization");
  if (header === null) return undefined;
  const principal = deps.credentials.get(header);
  const workspace = match[1];
  if (principal === undefined || principal.workspace !== workspace) return undefined;
  const current = deps.store.cachedVersion(workspace);
  if (current === undefined) return undefined;
  const key = `${workspace}\n${current.version}\n${query.page}\n${query.perPage}`;
  let body = deps.pages.get(key);
  if (body === undefined) {
    const slice = deps.store.cachedPage(workspace, query.page, query.perPage);
    if (slice === undefined || slice.version !== current.version) return undefined;
    body = renderPage(slice, query.page, query.perPage, deps.lastPageNext);
    deps.pages.set(key, body, body.length);
  }
  return new Response(body, { status: 200, headers: { "content-type": JSON_CONTENT_TYPE } });
};
