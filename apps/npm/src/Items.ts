/**
 * The plain types of the Promise API: the item of each of the six resources
 * (derived from core's field lists, with no Effect types in them), the
 * `pagination` block, `_links`, and pages.
 *
 * @module
 */
import type {
  chartFields,
  collectionFields,
  Field,
  memberFields,
  queryFields,
  reportFields,
  reportStatFields,
} from "@mode-discovery/core";

/**
 * A collection (`spaces` on the wire): `id`, `token`, `name`,
 * `description`, `space_type`, `space_url`; every field but `id` and `token`
 * may be `null`.
 *
 * @example
 * ```ts
 * import type { Collection } from "mode-discovery";
 * const c: Collection = {
 *   id: 170, token: "728f6328ea67", name: null, description: null,
 *   space_type: "custom", space_url: "/api/modeanalytics/spaces/728f6328ea67",
 * };
 * ```
 */
export type Collection = Field.Row<typeof collectionFields>;

/** A report: its collection (`space_id`, `space_token`), creator, runs and views. */
export type Report = Field.Row<typeof reportFields>;

/** A query: its SQL (`raw_query`), data source, report and collection. */
export type Query = Field.Row<typeof queryFields>;

/** A chart: its type and title, and the query, report and collection it belongs to. */
export type Chart = Field.Row<typeof chartFields>;

/** The stats of one report: views, explorations, schedules, editors. */
export type ReportStat = Field.Row<typeof reportStatFields>;

/** A member of a workspace, their state and engagement. */
export type Member = Field.Row<typeof memberFields>;

/**
 * The item type of each resource, by its name in `client.<name>`: the one
 * map the Promise API's resource types come from (a type-level test keeps it
 * equal to core's resource list).
 */
export interface Items {
  /** Collections (`spaces` on the wire). */
  readonly collections: Collection;
  /** Reports. */
  readonly reports: Report;
  /** Queries. */
  readonly queries: Query;
  /** Charts. */
  readonly charts: Chart;
  /** Report stats (`report_stats` on the wire). */
  readonly reportStats: ReportStat;
  /** Members. */
  readonly members: Member;
}

/** A resource's name: `collections`, `reports`, `queries`, `charts`, `reportStats`, `members`. */
export type ResourceName = keyof Items;

/** The array key of each resource's page. */
export interface PageKeys {
  /** Collections come under `spaces`. */
  readonly collections: "spaces";
  /** Reports come under `reports`. */
  readonly reports: "reports";
  /** Queries come under `queries`. */
  readonly queries: "queries";
  /** Charts come under `charts`. */
  readonly charts: "charts";
  /** Report stats come under `report_stats`. */
  readonly reportStats: "report_stats";
  /** Members come under `members`. */
  readonly members: "members";
}

/** Where a page sits in the listing. */
export interface PaginationInfo {
  /** This page's number, from 1. */
  readonly page: number;
  /** Items per page asked for. */
  readonly per_page: number;
  /** Items on this page. */
  readonly count: number;
  /** Pages in the listing. */
  readonly total_pages: number;
  /** Items in the listing (that the request can see). */
  readonly total_count: number;
}

/** One link of `_links`. */
export interface Link {
  /** Such as `/batch/acme/reports?page=2&per_page=1000&include_spaces=all`. */
  readonly href: string;
}

/** Links to the neighbouring pages. */
export interface Links {
  /** The next page, when the server gives one. */
  readonly next_page?: Link;
  /** The previous page, when the server gives one. */
  readonly prev_page?: Link;
}

/**
 * One page of resource `N`: `pagination`, the items under the resource's
 * array key (`spaces`, `reports`, `report_stats`, ...), and `_links`.
 *
 * @example
 * ```ts
 * import type { Page } from "mode-discovery";
 * const empty: Page<"reports"> = {
 *   pagination: { page: 1, per_page: 1000, count: 0, total_pages: 0, total_count: 0 },
 *   reports: [],
 *   _links: {},
 * };
 * ```
 */
export type Page<N extends ResourceName> =
  & { readonly pagination: PaginationInfo; readonly _links: Links }
  & { readonly [K in PageKeys[N]]: ReadonlyArray<Items[N]> };

/**
 * One page of collections, exactly as `GET /batch/{workspace}/spaces`
 * answers it: `pagination`, `spaces` and `_links`.
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
export type CollectionsPage = Page<"collections">;
