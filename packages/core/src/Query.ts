/**
 * Queries: the query object of Mode's Discovery API and its resource
 * descriptor.
 *
 * @module
 */
import type * as Schema from "effect/Schema";
import * as Field from "./Field.ts";
import * as Resource from "./Resource.ts";

/**
 * The fields of one query, by wire name, in the order the server sends them:
 * the query's schema and plain type are derived from them.
 */
export const queryFields = {
  id: Field.key("The query's id."),
  token: Field.token("The query's token."),
  name: Field.text("The query's name."),
  raw_query: Field.text("The SQL text."),
  creator_email: Field.text("The e-mail address of the member who created it."),
  data_source_token: Field.text("The token of the data source it runs on."),
  report_id: Field.int("The id of its report."),
  report_token: Field.text("The token of its report."),
  space_id: Field.int("The id of its report's collection."),
  space_token: Field.text("The token of its report's collection."),
};

/**
 * The queries resource: `GET /batch/{workspace}/queries`, array key
 * `queries`, ascending `id`. Each query belongs to a report and sits in that
 * report's collection; queries in personal collections are listed only with
 * `include_spaces=all`.
 *
 * @example
 * ```ts
 * import { queries } from "@mode-discovery/core";
 * queries.path; // => "/batch/:workspace/queries"
 * ```
 */
export const queries = Resource.make({
  name: "queries",
  segment: "queries",
  title: "Query",
  singular: "query",
  plural: "queries",
  description: "A query of a report: its SQL text and the data source it runs on.",
  key: "id",
  token: "token",
  includeSpaces: true,
  fields: queryFields,
  relations: [
    {
      field: "report_id",
      token: "report_token",
      to: "reports",
      copies: { space_id: "space_id", space_token: "space_token" },
    },
    { field: "space_id", token: "space_token", to: "collections" },
    { field: "creator_email", to: "members", toField: "member_email" },
  ],
  display: ["id", "name", "data_source_token", "raw_query"],
  seedCount: (collections) => 2 * collections,
  example: {
    id: 90211,
    token: "c1f09e7a3b22",
    name: "Revenue by region",
    raw_query: "SELECT region, SUM(amount) AS revenue\nFROM orders\nGROUP BY 1",
    creator_email: "ana@example.com",
    data_source_token: "4f1b2d9a0c11",
    report_id: 5207,
    report_token: "2b8cbd1c5d7f",
    space_id: 170,
    space_token: "728f6328ea67",
  },
});

/**
 * One query of a workspace, as `GET /batch/{workspace}/queries` returns it.
 *
 * **Details**
 *
 * `id` and `token` are required; every other field may be missing or null;
 * ids may come as strings of digits; unknown fields are dropped.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { Query } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(Query)({ id: 1, token: "c1f09e7a3b22", report_id: "5207" }).report_id;
 * // => 5207
 * ```
 */
export const Query: Schema.Codec<Query, Field.WireRow<typeof queries.fields>> = queries.item;

/** The decoded type of {@link Query}. */
export type Query = typeof queries.Item;
