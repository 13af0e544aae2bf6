/**
 * Charts: the chart object of Mode's Discovery API and its resource
 * descriptor.
 *
 * @module
 */
import type * as Schema from "effect/Schema";
import * as Field from "./Field.ts";
import * as Resource from "./Resource.ts";

/**
 * The fields of one chart, by wire name, in the order the server sends them:
 * the chart's schema and plain type are derived from them.
 */
export const chartFields = {
  id: Field.key("The chart's id."),
  token: Field.token("The chart's token."),
  chart_type: Field.text("bar, line, stackedBar100, bigNumber, table, ..."),
  chart_title: Field.text("The chart's title, or null."),
  query_id: Field.int("The id of the query it draws."),
  report_id: Field.int("The id of the query's report."),
  space_id: Field.int("The id of the report's collection."),
  query_token: Field.text("The token of the query it draws."),
  report_token: Field.text("The token of the query's report."),
  space_token: Field.text("The token of the report's collection."),
  report_creator_email: Field.text("The e-mail address of the report's creator."),
  exploration_url: Field.text("The API path of its exploration, or null."),
};

/**
 * The charts resource: `GET /batch/{workspace}/charts`, array key `charts`,
 * ascending `id`. Each chart draws one query; its report and collection are
 * that query's. Charts in personal collections are listed only with
 * `include_spaces=all`.
 *
 * @example
 * ```ts
 * import { charts } from "@mode-discovery/core";
 * charts.segment; // => "charts"
 * ```
 */
export const charts = Resource.make({
  name: "charts",
  segment: "charts",
  title: "Chart",
  singular: "chart",
  plural: "charts",
  description: "A chart of a query's results.",
  key: "id",
  token: "token",
  includeSpaces: true,
  fields: chartFields,
  relations: [
    {
      field: "query_id",
      token: "query_token",
      to: "queries",
      copies: {
        report_id: "report_id",
        report_token: "report_token",
        space_id: "space_id",
        space_token: "space_token",
      },
    },
    {
      field: "report_id",
      token: "report_token",
      to: "reports",
      copies: { report_creator_email: "creator_email" },
    },
    { field: "space_id", token: "space_token", to: "collections" },
  ],
  display: ["id", "chart_type", "chart_title", "query_id", "report_id"],
  seedCount: (collections) => 2 * collections,
  example: {
    id: 40117,
    token: "77ad0e9c1b54",
    chart_type: "bar",
    chart_title: "Revenue by region",
    query_id: 90211,
    report_id: 5207,
    space_id: 170,
    query_token: "c1f09e7a3b22",
    report_token: "2b8cbd1c5d7f",
    space_token: "728f6328ea67",
    report_creator_email: "ana@example.com",
    exploration_url: "/api/modeanalytics/reports/2b8cbd1c5d7f/explorations/77ad0e9c1b54",
  },
});

/**
 * One chart of a workspace, as `GET /batch/{workspace}/charts` returns it.
 *
 * **Details**
 *
 * `id` and `token` are required; every other field may be missing or null;
 * ids may come as strings of digits; unknown fields are dropped.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { Chart } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(Chart)({ id: 1, token: "77ad0e9c1b54" }).exploration_url; // => null
 * ```
 */
export const Chart: Schema.Codec<Chart, Field.WireRow<typeof charts.fields>> = charts.item;

/** The decoded type of {@link Chart}. */
export type Chart = typeof charts.Item;
