/**
 * Pagination of the Discovery API: the `pagination` block, `_links`, the page
 * envelope, the page request, and the page math that server and client share.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaGetter from "effect/SchemaGetter";
import { workspacePath } from "./Routes.ts";

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
 * What each query parameter takes, in words: the one wording used by the
 * parameter schemas, the server's 400 messages and the client's option
 * errors.
 */
export const PARAMETER_HELP = {
  page: "page must be a whole number of 1 or more (default 1).",
  per_page:
    `per_page must be a whole number from 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE}).`,
  include_spaces:
    "include_spaces must be all (items in members' personal collections too), or left out.",
} as const;

/** A query parameter of the list endpoints. */
export type PageParameter = keyof typeof PARAMETER_HELP;

const helpText = (name: PageParameter): string => PARAMETER_HELP[name].replace(/\.$/, "");

/**
 * `page`: an integer from 1.
 */
export const PageNumber = Schema.Int.check(
  Schema.isGreaterThanOrEqualTo(1, { message: helpText("page") }),
).annotate({ description: "The page to return, from 1 (default 1).", examples: [1] });

/**
 * `per_page`: an integer from 1 to {@link MAX_PER_PAGE}.
 */
export const PerPage = Schema.Int.check(
  Schema.isBetween({ minimum: 1, maximum: MAX_PER_PAGE }, { message: helpText("per_page") }),
).annotate({
  description: `Items per page, 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE}).`,
  examples: [100],
});

/** The only value `include_spaces` takes. */
export const INCLUDE_SPACES_ALL = "all";

/**
 * `include_spaces`: `all` lists items in members' personal collections too
 * (reports, queries, charts and report stats); absent, they are left out.
 */
export const IncludeSpaces = Schema.Literal(INCLUDE_SPACES_ALL).annotate({
  description:
    "all: also list items in members' personal collections (left out by default). Only on reports, queries, charts and report_stats.",
  message: helpText("include_spaces"),
});

/** The decoded type of {@link IncludeSpaces}. */
export type IncludeSpaces = typeof IncludeSpaces.Type;

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
 *   which answers 200 with an empty array (and its own `next_page` one further).
 * - `self`: points at the page itself.
 * - `omit`: no `next_page` on the last page.
 */
export const LastPageNext = Schema.Literals(["past-end", "self", "omit"]).annotate({
  identifier: "LastPageNext",
});

/** The decoded type of {@link LastPageNext}. */
export type LastPageNext = typeof LastPageNext.Type;

/**
 * How many pages a listing of `totalCount` items has at `perPage`: 0 for an
 * empty listing.
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
 * Which positions (0-based, in ascending key order) page `page` holds:
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
 * What a page href is built from: the resource's route and whether it
 * takes `include_spaces` (any resource descriptor fits).
 */
export interface PageRoute {
  /** The route, in HttpApi's `:param` form: `/batch/:workspace/reports`. */
  readonly path: string;
  /** Whether `include_spaces` applies (and so is kept in links). */
  readonly includeSpaces: boolean;
}

/** Where a page sits: the route, the workspace, the page, its size and `include_spaces`. */
export interface PageAddress {
  /** The resource's route. */
  readonly route: PageRoute;
  /** The workspace username. */
  readonly workspace: string;
  /** The page number, from 1. */
  readonly page: number;
  /** Items per page. */
  readonly perPage: number;
  /** `all` to include personal collections' items (ignored by resources that do not take it). */
  readonly includeSpaces?: IncludeSpaces | undefined;
}

/**
 * The path and query of a page, in the form Mode's links use: parameters in
 * the order `page`, `per_page`, `include_spaces` (only where the resource
 * takes it).
 *
 * @example
 * ```ts
 * import { collections, pageHref, reports } from "@mode-discovery/core";
 * pageHref({ route: collections, workspace: "acme", page: 2, perPage: 1000 });
 * // => "/batch/acme/spaces?page=2&per_page=1000"
 * pageHref({ route: reports, workspace: "acme", page: 2, perPage: 1000, includeSpaces: "all" });
 * // => "/batch/acme/reports?page=2&per_page=1000&include_spaces=all"
 * ```
 */
export const pageHref = (address: PageAddress): string =>
  `${
    workspacePath(address.route.path, address.workspace)
  }?page=${address.page}&per_page=${address.perPage}${
    address.includeSpaces !== undefined && address.route.includeSpaces
      ? `&include_spaces=${address.includeSpaces}`
      : ""
  }`;

/**
 * The `_links` of a page, under a last-page quirk.
 *
 * **Details**
 *
 * - `prev_page` is the page before, and page 1's points at page 1 itself,
 *   as in Mode's documented example.
 * - `next_page` is the page after while `page < totalPages`; on the last page
 *   (and past it) it follows `lastPageNext`.
 * - Both keep the request's `per_page` and `include_spaces`.
 *
 * @example
 * ```ts
 * import { collections, pageLinks } from "@mode-discovery/core";
 * pageLinks({ route: collections, workspace: "acme", page: 1, perPage: 1000 }, 5);
 * // => { next_page: { href: "/batch/acme/spaces?page=2&per_page=1000" },
 * //      prev_page: { href: "/batch/acme/spaces?page=1&per_page=1000" } }
 * ```
 */
export const pageLinks = (
  address: PageAddress,
  pages: number,
  lastPageNext: LastPageNext = "past-end",
): Links => {
  const { page } = address;
  const at = (n: number): Link => ({ href: pageHref({ ...address, page: n }) });
  const prev = at(Math.max(1, page - 1));
  if (page < pages) return { next_page: at(page + 1), prev_page: prev };
  switch (lastPageNext) {
    case "past-end":
      return { next_page: at(page + 1), prev_page: prev };
    case "self":
      return { next_page: at(page), prev_page: prev };
    case "omit":
      return { prev_page: prev };
  }
};

/**
 * The `pagination` block of a page of a listing of `totalCount` items.
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

const PAGE_PATH = /^\/batch\/([^/]+)\/([a-z_]+)$/;

/** A page href read back: its segment, workspace and page request. */
export interface ParsedPageHref {
  /** The resource's path segment (`spaces`, `reports`, ...). */
  readonly segment: string;
  /** The workspace, percent-decoded. */
  readonly workspace: string;
  /** The page number. */
  readonly page: number;
  /** Items per page. */
  readonly per_page: number;
  /** `include_spaces`, when the href has it. */
  readonly include_spaces?: IncludeSpaces | undefined;
}

/**
 * Reads the segment, workspace, `page`, `per_page` and `include_spaces`
 * back out of a page href (absolute or relative). Returns `undefined` when
 * the href is not a page link with valid values.
 *
 * @example
 * ```ts
 * import { parsePageHref } from "@mode-discovery/core";
 * parsePageHref("/batch/acme/reports?page=2&per_page=1000&include_spaces=all");
 * // => { segment: "reports", workspace: "acme", page: 2, per_page: 1000, include_spaces: "all" }
 * ```
 */
export const parsePageHref = (href: string): ParsedPageHref | undefined => {
  let url: URL;
  try {
    url = new URL(href, "http://relative.invalid");
  } catch {
    return undefined;
  }
  const match = PAGE_PATH.exec(url.pathname);
  if (match === null) return undefined;
  const query: Record<string, string> = {};
  for (const name of ["page", "per_page", "include_spaces"]) {
    const value = url.searchParams.get(name);
    // Absent parameters are left out (not `undefined`) so that their defaults apply.
    if (value !== null) query[name] = value;
  }
  const decoded = Schema.decodeUnknownOption(PageRequestWithSpacesFromQuery)(query);
  if (decoded._tag === "None") return undefined;
  let workspace: string;
  try {
    workspace = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return { segment: match[2], workspace, ...decoded.value };
};

/** A whole number as a query-string value, documented with `description`. */
const intFromQuery = (description: string) =>
  Schema.String.check(Schema.isPattern(/^-?[0-9]{1,15}$/, { message: "expected a whole number" }))
    .annotate({ description })
    .pipe(Schema.decodeTo(Schema.Int, {
      decode: SchemaGetter.Number(),
      encode: SchemaGetter.String(),
    }));

const pageQueryFields = {
  page: intFromQuery(PARAMETER_HELP.page).pipe(Schema.decodeTo(PageNumber)).pipe(
    Schema.withDecodingDefaultKey(Effect.succeed("1")),
  ),
  per_page: intFromQuery(PARAMETER_HELP.per_page).pipe(Schema.decodeTo(PerPage)).pipe(
    Schema.withDecodingDefaultKey(Effect.succeed(String(DEFAULT_PER_PAGE))),
  ),
};

/**
 * {@link PageRequest} as query-string values (`"2"`, not `2`): the query of
 * the list endpoints of resources that do not take `include_spaces`
 * (collections, members), and of their links. Absent values take their
 * defaults (page 1, per_page 1000).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { PageRequestFromQuery } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(PageRequestFromQuery)({ page: "2" }); // => { page: 2, per_page: 1000 }
 * ```
 */
export const PageRequestFromQuery = Schema.Struct(pageQueryFields).annotate({
  identifier: "PageRequestQuery",
});

/**
 * {@link PageRequestFromQuery} plus an optional `include_spaces` (exactly
 * `all`): the query of reports, queries, charts and report stats.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { PageRequestWithSpacesFromQuery } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(PageRequestWithSpacesFromQuery)({ include_spaces: "all" });
 * // => { page: 1, per_page: 1000, include_spaces: "all" }
 * ```
 */
export const PageRequestWithSpacesFromQuery = Schema.Struct({
  ...pageQueryFields,
  include_spaces: Schema.optionalKey(IncludeSpaces),
}).annotate({ identifier: "PageRequestWithSpacesQuery" });
