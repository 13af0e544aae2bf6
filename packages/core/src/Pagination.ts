/**
 * Pagination of the Discovery API: the `pagination` block, `_links`, the page
 * envelope, the page request, and the page math that server and client share.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaGetter from "effect/SchemaGetter";
import { Collection } from "./Collection.ts";
import { SPACES_PATH, workspacePath } from "./Routes.ts";

/** The largest `per_page` the API accepts (and its default). */
export const MAX_PER_PAGE = 1000;

/** The `per_page` used when a request gives none. */
export const DEFAULT_PER_PAGE = 1000;

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));

/**
 * The `pagination` block of a page.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { PaginationInfo } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(PaginationInfo)({
 *   page: 1, per_page: 1000, count: 1000, total_pages: 5, total_count: 4146,
 * });
 * ```
 */
export const PaginationInfo = Schema.Struct({
  page: Count,
  per_page: Count,
  count: Count,
  total_pages: Count,
  total_count: Count,
}).annotate({
  identifier: "Pagination",
  description: "Where this page sits in the listing.",
  examples: [{ page: 1, per_page: 1000, count: 1000, total_pages: 5, total_count: 4146 }],
});

/** The decoded type of {@link PaginationInfo}. */
export type PaginationInfo = typeof PaginationInfo.Type;

/**
 * One link of `_links`: `{ href }`, a URL relative to the API's base URL.
 */
export const Link = Schema.Struct({ href: Schema.String }).annotate({ identifier: "Link" });

/** The decoded type of {@link Link}. */
export type Link = typeof Link.Type;

/**
 * The `_links` block: `next_page` and `prev_page`, each optional.
 */
export const Links = Schema.Struct({
  next_page: Schema.optionalKey(Link),
  prev_page: Schema.optionalKey(Link),
}).annotate({
  identifier: "Links",
  description: "Links to the previous and next page of results.",
});

/** The decoded type of {@link Links}. */
export type Links = typeof Links.Type;

/**
 * One page of `GET /batch/{workspace}/spaces`: the envelope Mode answers with.
 *
 * **Details**
 *
 * A missing `_links` block decodes as `{}` (a server that gives no links).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { CollectionsPage } from "@mode-discovery/core";
 * const page = Schema.decodeUnknownSync(CollectionsPage)({
 *   pagination: { page: 1, per_page: 1000, count: 0, total_pages: 0, total_count: 0 },
 *   spaces: [],
 *   _links: {},
 * });
 * ```
 */
export const CollectionsPage = Schema.Struct({
  pagination: PaginationInfo,
  spaces: Schema.Array(Collection),
  _links: Links.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
}).annotate({
  identifier: "CollectionsPage",
  description: "A page of a workspace's collections.",
});

/** The decoded type of {@link CollectionsPage}. */
export type CollectionsPage = typeof CollectionsPage.Type;

/**
 * `page`: an integer from 1.
 */
export const PageNumber = Schema.Int.check(
  Schema.isGreaterThanOrEqualTo(1, { message: "page must be an integer of 1 or more" }),
).annotate({ description: "The page to return, from 1.", examples: [1] });

/**
 * `per_page`: an integer from 1 to {@link MAX_PER_PAGE}.
 */
export const PerPage = Schema.Int.check(
  Schema.isBetween({ minimum: 1, maximum: MAX_PER_PAGE }, {
    message: `per_page must be an integer from 1 to ${MAX_PER_PAGE}`,
  }),
).annotate({
  description:
    `The number of collections per page, 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE}).`,
  examples: [100],
});

/**
 * The page a caller asks for: `page` (default 1) and `per_page` (default 1000).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { PageRequest } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(PageRequest)({}); // => { page: 1, per_page: 1000 }
 * ```
 */
export const PageRequest = Schema.Struct({
  page: PageNumber.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))),
  per_page: PerPage.pipe(Schema.withDecodingDefaultKey(Effect.succeed(DEFAULT_PER_PAGE))),
}).annotate({ identifier: "PageRequest" });

/** The decoded type of {@link PageRequest}. */
export type PageRequest = typeof PageRequest.Type;

/**
 * What the last page's `next_page` link does (see discovery-api.md):
 *
 * - `past-end` (Mode's behaviour, the default): points one page past the end,
 *   which answers 200 with no collections (and its own `next_page` one further).
 * - `self`: points at the page itself.
 * - `omit`: no `next_page` on the last page.
 */
export const LastPageNext = Schema.Literals(["past-end", "self", "omit"]).annotate({
  identifier: "LastPageNext",
});

/** The decoded type of {@link LastPageNext}. */
export type LastPageNext = typeof LastPageNext.Type;

/**
 * How many pages a listing of `totalCount` collections has at `perPage`:
 * 0 for an empty workspace.
 *
 * @example
 * ```ts
 * import { totalPages } from "@mode-discovery/core";
 * totalPages(4146, 1000); // => 5
 * ```
 */
export const totalPages = (totalCount: number, perPage: number): number =>
  totalCount <= 0 ? 0 : Math.ceil(totalCount / perPage);

/**
 * Which positions (0-based, in ascending id order) page `page` holds:
 * `[start, end)`. A page past the end holds nothing (`start === end`).
 *
 * @example
 * ```ts
 * import { pageSlice } from "@mode-discovery/core";
 * pageSlice(5, 1000, 4146); // => { start: 4000, end: 4146 }
 * ```
 */
export const pageSlice = (
  page: number,
  perPage: number,
  totalCount: number,
): { readonly start: number; readonly end: number } => {
  const start = Math.min((page - 1) * perPage, totalCount);
  const end = Math.min(start + perPage, totalCount);
  return { start, end };
};

/**
 * The path and query of a collections page, in the form Mode's links use:
 * `/batch/{workspace}/spaces?page=2&per_page=1000`.
 *
 * @example
 * ```ts
 * import { pageHref } from "@mode-discovery/core";
 * pageHref("acme", 2, 1000); // => "/batch/acme/spaces?page=2&per_page=1000"
 * ```
 */
export const pageHref = (workspace: string, page: number, perPage: number): string =>
  `${workspacePath(SPACES_PATH, workspace)}?page=${page}&per_page=${perPage}`;

/**
 * The `_links` of a page, under a last-page quirk.
 *
 * **Details**
 *
 * - `prev_page` is the page before, and page 1's points at page 1 itself,
 *   as in Mode's documented example.
 * - `next_page` is the page after while `page < totalPages`; on the last page
 *   (and past it) it follows `lastPageNext`.
 *
 * @example
 * ```ts
 * import { pageLinks } from "@mode-discovery/core";
 * pageLinks({ workspace: "acme", page: 1, perPage: 1000, totalPages: 5 });
 * // => { next_page: { href: "/batch/acme/spaces?page=2&per_page=1000" },
 * //      prev_page: { href: "/batch/acme/spaces?page=1&per_page=1000" } }
 * ```
 */
export const pageLinks = (options: {
  readonly workspace: string;
  readonly page: number;
  readonly perPage: number;
  readonly totalPages: number;
  readonly lastPageNext?: LastPageNext | undefined;
}): Links => {
  const { workspace, page, perPage } = options;
  const prev = { href: pageHref(workspace, Math.max(1, page - 1), perPage) };
  if (page < options.totalPages) {
    return { next_page: { href: pageHref(workspace, page + 1, perPage) }, prev_page: prev };
  }
  switch (options.lastPageNext ?? "past-end") {
    case "past-end":
      return { next_page: { href: pageHref(workspace, page + 1, perPage) }, prev_page: prev };
    case "self":
      return { next_page: { href: pageHref(workspace, page, perPage) }, prev_page: prev };
    case "omit":
      return { prev_page: prev };
  }
};

/**
 * The `pagination` block of a page of a listing of `totalCount` collections.
 *
 * @example
 * ```ts
 * import { paginationInfo } from "@mode-discovery/core";
 * paginationInfo({ page: 1, perPage: 1000, totalCount: 4146 });
 * // => { page: 1, per_page: 1000, count: 1000, total_pages: 5, total_count: 4146 }
 * ```
 */
export const paginationInfo = (options: {
  readonly page: number;
  readonly perPage: number;
  readonly totalCount: number;
}): PaginationInfo => {
  const { start, end } = pageSlice(options.page, options.perPage, options.totalCount);
  return {
    page: options.page,
    per_page: options.perPage,
    count: end - start,
    total_pages: totalPages(options.totalCount, options.perPage),
    total_count: options.totalCount,
  };
};

/**
 * Reads `page` and `per_page` back out of a link href (absolute or relative).
 * Returns `undefined` when the href is not a collections page link with valid
 * numbers.
 *
 * @example
 * ```ts
 * import { parsePageHref } from "@mode-discovery/core";
 * parsePageHref("/batch/acme/spaces?page=2&per_page=1000");
 * // => { workspace: "acme", page: 2, per_page: 1000 }
 * ```
 */
export const parsePageHref = (
  href: string,
): { readonly workspace: string; readonly page: number; readonly per_page: number } | undefined => {
  let url: URL;
  try {
    url = new URL(href, "http://relative.invalid");
  } catch {
    return undefined;
  }
  const match = /^\/batch\/([^/]+)\/spaces$/.exec(url.pathname);
  if (match === null) return undefined;
  const page = url.searchParams.get("page");
  const perPage = url.searchParams.get("per_page");
  // Absent parameters are left out (not `undefined`) so that their defaults apply.
  const decoded = Schema.decodeUnknownOption(PageRequestFromQuery)({
    ...(page === null ? {} : { page }),
    ...(perPage === null ? {} : { per_page: perPage }),
  });
  if (decoded._tag === "None") return undefined;
  let workspace: string;
  try {
    workspace = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return { workspace, ...decoded.value };
};

const IntFromQuery = Schema.String.check(
  Schema.isPattern(/^-?[0-9]{1,15}$/, { message: "expected a whole number" }),
).pipe(Schema.decodeTo(Schema.Int, {
  decode: SchemaGetter.Number(),
  encode: SchemaGetter.String(),
}));

/**
 * {@link PageRequest} as query-string values (`"2"`, not `2`): the query of
 * `GET /batch/{workspace}/spaces` and of its links. Absent values take their
 * defaults (page 1, per_page 1000).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { PageRequestFromQuery } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(PageRequestFromQuery)({ page: "2" }); // => { page: 2, per_page: 1000 }
 * ```
 */
export const PageRequestFromQuery = Schema.Struct({
  page: IntFromQuery.pipe(Schema.decodeTo(PageNumber)).pipe(
    Schema.withDecodingDefaultKey(Effect.succeed("1")),
  ),
  per_page: IntFromQuery.pipe(Schema.decodeTo(PerPage)).pipe(
    Schema.withDecodingDefaultKey(Effect.succeed(String(DEFAULT_PER_PAGE))),
  ),
}).annotate({ identifier: "PageRequestQuery" });
