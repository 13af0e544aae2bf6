/**
 * The collection and page types of the Promise API, as plain TypeScript.
 *
 * **Details**
 *
 * Core defines these with Effect Schema; the npm entry `mode-discovery`
 * restates their decoded shapes as plain interfaces so that its type
 * declarations need no `effect` package. `Collection_test.ts` proves both
 * directions of assignability, so the two cannot drift apart.
 *
 * @module
 */

/**
 * One collection of a workspace (`spaces` on the wire), as the API returns it.
 *
 * @example
 * ```ts
 * import type { Collection } from "mode-discovery";
 * const c: Collection = {
 *   id: 170, token: "728f6328ea67", name: null, description: null,
 *   space_type: "custom", space_url: "/api/acme/spaces/728f6328ea67",
 * };
 * ```
 */
export interface Collection {
  /** Numeric id; listings are in ascending id order. */
  readonly id: number;
  /** The collection's token (its identifier in Mode URLs). */
  readonly token: string;
  /** Name, or `null` when it has none. */
  readonly name: string | null;
  /** Description, or `null` when it has none. */
  readonly description: string | null;
  /** Kind of collection, such as `custom`. */
  readonly space_type: string;
  /** API path of the collection: `/api/{workspace}/spaces/{token}`. */
  readonly space_url: string;
}

/** Where a page sits in a listing (the `pagination` block of a page). */
export interface PaginationInfo {
  /** This page's number, from 1. */
  readonly page: number;
  /** Collections per page asked for. */
  readonly per_page: number;
  /** Collections on this page. */
  readonly count: number;
  /** Pages in the listing. */
  readonly total_pages: number;
  /** Collections in the listing. */
  readonly total_count: number;
}

/** One link of `_links`: an href relative to the API's base URL. */
export interface Link {
  /** Such as `/batch/acme/spaces?page=2&per_page=1000`. */
  readonly href: string;
}

/** The `_links` block of a page. */
export interface Links {
  /** The next page, when the server gives one. */
  readonly next_page?: Link;
  /** The previous page, when the server gives one. */
  readonly prev_page?: Link;
}

/**
 * One page of a workspace's collections, as `collections.page` returns it.
 *
 * @example
 * ```ts
 * import type { CollectionsPage } from "mode-discovery";
 * const empty: CollectionsPage = {
 *   pagination: { page: 1, per_page: 1000, count: 0, total_pages: 0, total_count: 0 },
 *   spaces: [],
 *   _links: {},
 * };
 * ```
 */
export interface CollectionsPage {
  /** Where the page sits in the listing. */
  readonly pagination: PaginationInfo;
  /** The page's collections. */
  readonly spaces: ReadonlyArray<Collection>;
  /** Links to the neighbouring pages. */
  readonly _links: Links;
}
