/**
 * Members: the member object of Mode's Discovery API and its resource
 * descriptor.
 *
 * @module
 */
import type * as Schema from "effect/Schema";
import * as Field from "./Field.ts";
import * as Resource from "./Resource.ts";

/**
 * The fields of one member, by wire name, in the order the server sends them:
 * the member's schema and plain type are derived from them.
 */
export const memberFields = {
  id: Field.key("The membership's id."),
  token: Field.token("The membership's token."),
  state: Field.text("active or deactivated."),
  member_email: Field.text("The member's e-mail address."),
  member_token: Field.text("The member's user token."),
  member_username: Field.text("The member's username."),
  banned_at: Field.timestamp("When the member was banned, or null."),
  activated_at: Field.timestamp("When the member was activated, or null."),
  last_report_created_at: Field.timestamp("When they last created a report, or null."),
  last_report_edited_at: Field.timestamp("When they last edited a report, or null."),
  last_report_viewed_at: Field.timestamp("When they last viewed a report, or null."),
  last_report_run_at: Field.timestamp("When they last ran a report, or null."),
  last_day_engaged: Field.aliased(
    Field.timestamp("The last day they used Mode (last_day_enagaged in one of Mode's pages)."),
    "last_day_enagaged",
  ),
  last_day_api_engaged: Field.timestamp("The last day they used the API, or null."),
  last_day_in_app_engaged: Field.timestamp("The last day they used the app, or null."),
  last_exploration_created_at: Field.timestamp("When they last created an exploration."),
  last_exploration_updated_at: Field.timestamp("When they last updated an exploration."),
  total_days_engaged: Field.int("On how many days they used Mode."),
};

/**
 * The members resource: `GET /batch/{workspace}/members`, array key
 * `members`, ascending `id`. `include_spaces` is not taken (ignored).
 *
 * @example
 * ```ts
 * import { members } from "@mode-discovery/core";
 * members.includeSpaces; // => false
 * ```
 */
export const members = Resource.make({
  name: "members",
  segment: "members",
  title: "Member",
  singular: "member",
  plural: "members",
  description: "A member of a Mode workspace and how engaged they are.",
  key: "id",
  token: "token",
  includeSpaces: false,
  fields: memberFields,
  display: ["id", "member_username", "member_email", "state", "last_day_engaged"],
  seedCount: (collections) => collections > 0 ? Math.max(1, Math.ceil(collections / 10)) : 0,
  example: {
    id: 311,
    token: "f3e2d1c0b9a8",
    state: "active",
    member_email: "ana@example.com",
    member_token: "a1b2c3d4e5f6",
    member_username: "ana",
    banned_at: null,
    activated_at: "2019-02-11T10:00:00.000Z",
    last_report_created_at: "2020-05-04T20:17:55.387Z",
    last_report_edited_at: "2020-06-01T08:00:00.000Z",
    last_report_viewed_at: "2020-06-08T09:41:03.004Z",
    last_report_run_at: "2020-06-08T06:00:12.120Z",
    last_day_engaged: "2020-06-08T00:00:00.000Z",
    last_day_api_engaged: null,
    last_day_in_app_engaged: "2020-06-08T00:00:00.000Z",
    last_exploration_created_at: null,
    last_exploration_updated_at: null,
    total_days_engaged: 212,
  },
});

/**
 * One member of a workspace, as `GET /batch/{workspace}/members` returns it.
 *
 * **Details**
 *
 * `id` and `token` are required; every other field may be missing or null.
 * `last_day_engaged` is also read from `last_day_enagaged` (a misspelling in
 * one of Mode's pages) when `last_day_engaged` is absent or null.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { Member } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(Member)({ id: 1, token: "t", last_day_enagaged: "2020-06-08" })
 *   .last_day_engaged; // => "2020-06-08"
 * ```
 */
export const Member: Schema.Codec<Member, Field.WireRow<typeof members.fields>> = members.item;

/** The decoded type of {@link Member}. */
export type Member = typeof members.Item;
