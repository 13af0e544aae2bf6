/**
 * Collections (`spaces` on the wire): the collection object of Mode's
 * Discovery API and its resource descriptor.
 *
 * @module
 */
import type * as Schema from "effect/Schema";
import * as Field from "./Field.ts";
import * as Resource from "./Resource.ts";

/**
 * The fields of one collection, by wire name, in the order the server sends them:
 * the collection's schema and plain type are derived from them.
 */
export const collectionFields = {
  id: Field.key("The collection's id."),
  token: Field.token("The collection's token."),
  name: Field.text("The collection's name (null in Mode's own examples)."),
  description: Field.text("What the collection holds."),
  space_type: Field.text(
    "custom, private (a member's personal collection), community or shared.",
  ),
  space_url: Field.text("Its API path: /api/{workspace}/spaces/{token}."),
};

/**
 * The collections resource: `GET /batch/{workspace}/spaces`, array key
 * `spaces`, ascending `id`. Lists every collection, personal ones (`space_type`
 * `private`) too; `include_spaces` is not taken (ignored).
 *
 * @example
 * ```ts
 * import { collections } from "@mode-discovery/core";
 * collections.segment; // => "spaces"
 * ```
 */
export const collections = Resource.make({
  name: "collections",
  segment: "spaces",
  title: "Collection",
  singular: "collection",
  plural: "collections",
  description: "A collection (called a space on the wire) of a Mode workspace.",
  key: "id",
  token: "token",
  includeSpaces: false,
  fields: collectionFields,
  display: ["id", "token", "space_type", "name", "description"],
  seedCount: (count) => count,
  personal: (row) => row.space_type === "private",
  example: {
    id: 170,
    token: "728f6328ea67",
    name: null,
    description: null,
    space_type: "custom",
    space_url: "/api/modeanalytics/spaces/728f6328ea67",
  },
});

/**
 * One collection of a workspace, as `GET /batch/{workspace}/spaces` returns it.
 *
 * **When to use**
 *
 * Decode the elements of a page's `spaces` array; build one on the server to
 * serve it.
 *
 * **Details**
 *
 * - `id` and `token` are required; every other field may be missing or
 *   null (missing decodes as `null`).
 * - `id` may come as a string of digits; it decodes to a number.
 * - Unknown extra fields sent by the server are dropped, never an error.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { Collection } from "@mode-discovery/core";
 * const c = Schema.decodeUnknownSync(Collection)({
 *   id: 170, token: "728f6328ea67", name: null, description: null,
 *   space_type: "custom", space_url: "/api/modeanalytics/spaces/728f6328ea67",
 * });
 * ```
 */
export const Collection: Schema.Codec<Collection, Field.WireRow<typeof collections.fields>> =
  collections.item;

/** The decoded type of {@link Collection}. */
export type Collection = typeof collections.Item;

/**
 * The `space_url` Mode gives a collection: `/api/{workspace}/spaces/{token}`.
 *
 * @example
 * ```ts
 * import { spaceUrl } from "@mode-discovery/core";
 * spaceUrl("modeanalytics", "728f6328ea67"); // => "/api/modeanalytics/spaces/728f6328ea67"
 * ```
 */
export const spaceUrl = (workspace: string, token: string): string =>
  `/api/${encodeURIComponent(workspace)}/spaces/${encodeURIComponent(token)}`;
