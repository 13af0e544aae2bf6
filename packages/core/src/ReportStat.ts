/**
 * Report stats: the report stats object of Mode's Discovery API and its
 * resource descriptor.
 *
 * @module
 */
import type * as Schema from "effect/Schema";
import * as Field from "./Field.ts";
import * as Resource from "./Resource.ts";

/**
 * The fields of one report stat, by wire name, in the order the server sends them:
 * the report stat's schema and plain type are derived from them.
 */
export const reportStatFields = {
  report_id: Field.key("The report's id."),
  report_token: Field.token("The report's token."),
  active_schedules_count: Field.int("How many schedules run it."),
  explorations_count: Field.int("How many explorations were made from it."),
  view_count: Field.aliased(
    Field.int("How often it was viewed (total_views_count in one of Mode's examples)."),
    "total_views_count",
  ),
  recent_manual_run_creators_emails: Field.strings("Who ran it by hand recently."),
  scheduled_run_creators_emails: Field.strings("Who created its scheduled runs."),
  editors_emails: Field.strings("Who edited it."),
};

/**
 * The report stats resource: `GET /batch/{workspace}/report_stats`, array
 * key `report_stats`, ascending `report_id`. Exactly one row per report the
 * request can see (the same `report_token` set as `/reports` with the same
 * `include_spaces`).
 *
 * @example
 * ```ts
 * import { reportStats } from "@mode-discovery/core";
 * reportStats.key; // => "report_id"
 * ```
 */
export const reportStats = Resource.make({
  name: "reportStats",
  segment: "report_stats",
  title: "ReportStat",
  singular: "report stat",
  plural: "report stats",
  description: "How a report is used: views, explorations, schedules, editors.",
  key: "report_id",
  token: "report_token",
  includeSpaces: true,
  fields: reportStatFields,
  relations: [{ field: "report_id", token: "report_token", to: "reports", one: true }],
  display: ["report_id", "report_token", "view_count", "explorations_count"],
  example: {
    report_id: 5207,
    report_token: "2b8cbd1c5d7f",
    active_schedules_count: 1,
    explorations_count: 4,
    view_count: 318,
    recent_manual_run_creators_emails: ["ana@example.com"],
    scheduled_run_creators_emails: ["ana@example.com"],
    editors_emails: ["ana@example.com", "li@example.com"],
  },
});

/**
 * The stats of one report, as `GET /batch/{workspace}/report_stats` returns
 * them.
 *
 * **Details**
 *
 * `report_id` and `report_token` are required; every other field may be
 * missing or null. `view_count` is also read from `total_views_count` (the
 * name in one of Mode's examples) when `view_count` is absent or null.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ReportStat } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(ReportStat)({ report_id: 1, report_token: "a", total_views_count: 3 })
 *   .view_count; // => 3
 * ```
 */
export const ReportStat: Schema.Codec<ReportStat, Field.WireRow<typeof reportStats.fields>> =
  reportStats.item;

/** The decoded type of {@link ReportStat}. */
export type ReportStat = typeof reportStats.Item;
