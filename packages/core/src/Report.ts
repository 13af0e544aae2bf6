/**
 * Reports: the report object of Mode's Discovery API and its resource
 * descriptor.
 *
 * @module
 */
import type * as Schema from "effect/Schema";
import * as Field from "./Field.ts";
import * as Resource from "./Resource.ts";

/**
 * The fields of one report, by wire name, in the order the server sends them:
 * the report's schema and plain type are derived from them.
 */
export const reportFields = {
  id: Field.key("The report's id."),
  token: Field.token("The report's token."),
  name: Field.text("The report's name."),
  description: Field.text("What the report shows."),
  created_at: Field.timestamp("When the report was created."),
  edited_at: Field.timestamp("When the report was last edited, or null."),
  updated_at: Field.timestamp("When the report was last updated."),
  last_successfully_run_at: Field.timestamp("When a run last succeeded, or null."),
  last_viewed_at: Field.timestamp("When somebody last viewed it, or null."),
  last_run_at: Field.timestamp("When it last ran, or null (never ran)."),
  last_run_token: Field.text("The token of its last run, or null."),
  last_run_state: Field.text("succeeded, failed, cancelled, ..., or null (never ran)."),
  creator_email: Field.text("The e-mail address of the member who created it."),
  space_id: Field.int("The id of its collection."),
  space_token: Field.text("The token of its collection."),
  report_url: Field.text("Its API path: /api/{workspace}/reports/{token}."),
};

/**
 * The reports resource: `GET /batch/{workspace}/reports`, array key
 * `reports`, ascending `id`. Reports in members' personal collections are
 * listed only with `include_spaces=all`.
 *
 * @example
 * ```ts
 * import { reports } from "@mode-discovery/core";
 * reports.includeSpaces; // => true
 * ```
 */
export const reports = Resource.make({
  name: "reports",
  segment: "reports",
  title: "Report",
  singular: "report",
  plural: "reports",
  description: "A report of a Mode workspace, in one of its collections.",
  key: "id",
  token: "token",
  includeSpaces: true,
  fields: reportFields,
  relations: [
    { field: "space_id", token: "space_token", to: "collections" },
    { field: "creator_email", to: "members", toField: "member_email" },
  ],
  display: ["id", "name", "creator_email", "last_run_state", "last_viewed_at"],
  seedCount: (collections) => collections,
  example: {
    id: 5207,
    token: "2b8cbd1c5d7f",
    name: "Weekly revenue",
    description: "Revenue by region, refreshed every Monday.",
    created_at: "2020-05-04T20:17:55.387Z",
    edited_at: "2020-06-01T08:00:00.000Z",
    updated_at: "2020-06-01T08:00:00.000Z",
    last_successfully_run_at: "2020-06-08T06:00:12.120Z",
    last_viewed_at: "2020-06-08T09:41:03.004Z",
    last_run_at: "2020-06-08T06:00:12.120Z",
    last_run_token: "8e1a4c2f90b3",
    last_run_state: "succeeded",
    creator_email: "ana@example.com",
    space_id: 170,
    space_token: "728f6328ea67",
    report_url: "/api/modeanalytics/reports/2b8cbd1c5d7f",
  },
});

/**
 * One report of a workspace, as `GET /batch/{workspace}/reports` returns it.
 *
 * **Details**
 *
 * `id` and `token` are required; every other field may be missing or null;
 * ids may come as strings of digits; unknown fields are dropped.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { Report } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(Report)({ id: "5207", token: "2b8cbd1c5d7f" }).id; // => 5207
 * ```
 */
export const Report: Schema.Codec<Report, Field.WireRow<typeof reports.fields>> = reports.item;

/** The decoded type of {@link Report}. */
export type Report = typeof reports.Item;

/**
 * The `report_url` Mode gives a report: `/api/{workspace}/reports/{token}`.
 *
 * @example
 * ```ts
 * import { reportUrl } from "@mode-discovery/core";
 * reportUrl("acme", "2b8cbd1c5d7f"); // => "/api/acme/reports/2b8cbd1c5d7f"
 * ```
 */
export const reportUrl = (workspace: string, token: string): string =>
  `/api/${encodeURIComponent(workspace)}/reports/${encodeURIComponent(token)}`;
