/**
 * The collection object of Mode's Discovery API (`spaces` on the wire).
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";

const nullableText = Schema.NullOr(Schema.String).pipe(
  Schema.withDecodingDefaultKey(Effect.succeed(null)),
);

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
 * - `name` and `description` are `null` in Mode's own examples; a missing key
 *   decodes as `null` too.
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
export const Collection = Schema.Struct({
  id: Schema.Int,
  token: Schema.String,
  name: nullableText,
  description: nullableText,
  space_type: Schema.String,
  space_url: Schema.String,
}).annotate({
  identifier: "Collection",
  description: "A collection (called a space on the wire) of a Mode workspace.",
  examples: [{
    id: 170,
    token: "728f6328ea67",
    name: null,
    description: null,
    space_type: "custom",
    space_url: "/api/modeanalytics/spaces/728f6328ea67",
  }],
});

/** The decoded type of {@link Collection}. */
export type Collection = typeof Collection.Type;

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
