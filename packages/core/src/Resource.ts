/**
 * The resource model: one descriptor per list resource of the Discovery API
 * (its name, path, array key, fields, ordering key, whether it takes
 * `include_spaces`, how it relates to the others), from which its item
 * schema, its page schema, its endpoint, its hrefs, the server's store
 * layout and seeding, the client, the CLI's subcommands and the snapshot's
 * tables are all derived.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaGetter from "effect/SchemaGetter";
import * as Field from "./Field.ts";
import { Links, PaginationInfo } from "./Pagination.ts";
import { resourcePath } from "./Routes.ts";

/**
 * A field of one resource that points at a row of another: a foreign key,
 * with the token field that goes with it.
 *
 * **Details**
 *
 * - `field` holds the parent's `toField` (default: the parent's key), and
 *   `token` (when given) holds the parent's token.
 * - `one`: there is exactly one row per parent row (report stats: one per
 *   report, keyed by the report's id).
 * - `copies`: fields that always equal the parent's (a query's space is its
 *   report's space): `{ ownField: parentField }`.
 *
 * The seed honours every relation; the snapshot indexes these fields and
 * lists rows whose parent is missing as orphans.
 */
export interface Relation {
  /** The field of this resource that holds the parent's value. */
  readonly field: string;
  /** The field of this resource that holds the parent's token, if any. */
  readonly token?: string | undefined;
  /** The parent resource's name. */
  readonly to: string;
  /** The parent's field `field` matches. Default: the parent's key. */
  readonly toField?: string | undefined;
  /** Exactly one row of this resource per parent row. */
  readonly one?: boolean | undefined;
  /** Fields of this resource that equal the parent's: `{ ownField: parentField }`. */
  readonly copies?: Readonly<Record<string, string>> | undefined;
}

/** One column of a resource: a field with its wire name. */
export interface Column extends Field.Field {
  /** The wire name (also the SQLite column and the CSV header). */
  readonly name: string;
}

/**
 * One page of a resource: `pagination`, the array under `Key`, `_links`.
 * With `Key` just `string` (any resource), the array is read with
 * {@link itemsOf}.
 */
export type Page<Key extends string, Item> = string extends Key
  ? { readonly pagination: PaginationInfo; readonly _links: Links; readonly [key: string]: unknown }
  :
    & { readonly pagination: PaginationInfo; readonly _links: Links }
    & { readonly [K in Key]: ReadonlyArray<Item> };

/** What {@link make} takes: the facts of one resource. */
export interface ResourceSpec<
  Name extends string,
  Segment extends string,
  F extends Field.Fields,
> {
  /** The resource's name in code: `collections`, `reportStats`. */
  readonly name: Name;
  /** The path segment and the page's array key: `spaces`, `report_stats`. */
  readonly segment: Segment;
  /** The name of one item, for OpenAPI and messages: `Collection`, `ReportStat`. */
  readonly title: string;
  /** What one item is, in words: `collection`, `report stat`, `query`. */
  readonly singular: string;
  /** What the items are, in words, plural: `collections`, `report stats`. */
  readonly plural: string;
  /** One sentence on what the resource lists. */
  readonly description: string;
  /** The fields, by wire name, in the order the server sends them. */
  readonly fields: F;
  /** The ordering key (ascending, unique): `id`, or `report_id` for report stats. */
  readonly key: keyof F & string;
  /** The token field: `token`, or `report_token` for report stats. */
  readonly token: keyof F & string;
  /** Whether `include_spaces=all` applies (items in personal collections). */
  readonly includeSpaces: boolean;
  /** Fields that point at other resources. */
  readonly relations?: ReadonlyArray<Relation> | undefined;
  /** The columns a table shows, in order (default: the key, the token and the first text field). */
  readonly display?: ReadonlyArray<keyof F & string> | undefined;
  /**
   * How many rows a seed with `collections` collections gets by default.
   * Not given for a resource with a `one` relation (one row per parent).
   */
  readonly seedCount?: ((collections: number) => number) | undefined;
  /** Whether a row is personal (collections: `space_type` `private`). */
  personal?(row: Field.Row<F>): boolean;
  /** An example row (OpenAPI). */
  readonly example: Field.Row<F>;
}

/**
 * A resource of the Discovery API: its {@link ResourceSpec} plus everything
 * derived from it.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { reports } from "@mode-discovery/core";
 * reports.path; // => "/batch/:workspace/reports"
 * const page = Schema.decodeUnknownSync(reports.page)({
 *   pagination: { page: 1, per_page: 1000, count: 0, total_pages: 0, total_count: 0 },
 *   reports: [],
 * });
 * ```
 */
export interface Resource<
  Name extends string = string,
  Segment extends string = string,
  F extends Field.Fields = Field.Fields,
> extends ResourceSpec<Name, Segment, F> {
  /** The route, in HttpApi's `:param` form: `/batch/:workspace/reports`. */
  readonly path: `/batch/:workspace/${Segment}`;
  /** The fields as a list, in wire order. */
  readonly columns: ReadonlyArray<Column>;
  /** Every relation (empty when none). */
  readonly relations: ReadonlyArray<Relation>;
  /** The columns a table shows. */
  readonly display: ReadonlyArray<keyof F & string>;
  /** The name in commands: `collections`, `report-stats`. */
  readonly cliName: string;
  /** The name of its SQLite table: `collections`, `report_stats`. */
  readonly tableName: string;
  /** The name of its `list` endpoint in the HttpApi: `listReports`. */
  readonly endpointName: string;
  /** The Schema of one item: lenient decoding, unknown fields dropped. */
  readonly item: Schema.Codec<Field.Row<F>, Field.WireRow<F>>;
  /** The Schema of one page: `pagination`, `segment` array, `_links` (default `{}`). */
  readonly page: Schema.Codec<Page<Segment, Field.Row<F>>, unknown>;
  /** The decoded item type (type-level only). */
  readonly Item: Field.Row<F>;
}

/** Any resource (for code that works on resources by name). */
// deno-lint-ignore no-explicit-any
export type Any = Resource<string, string, any>;

/** The decoded item type of a resource. */
export type ItemOf<R extends Any> = R["Item"];

/** The decoded page type of a resource. */
export type PageOf<R extends Any> = R extends Resource<string, infer S, infer F>
  ? Page<S, Field.Row<F>>
  : never;

const words = (name: string, separator: string): string =>
  name.replace(/[A-Z]/g, (c) => `${separator}${c.toLowerCase()}`);

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

// deno-lint-ignore no-explicit-any
const itemSchema = (spec: ResourceSpec<string, string, any>): Schema.Top => {
  const fields: Field.Fields = spec.fields;
  const wire: Record<string, Schema.Top> = {};
  const aliases: Array<readonly [string, string]> = [];
  for (const [name, field] of Object.entries(fields)) {
    wire[name] = Field.schemaOf(field);
    for (const alias of field.aliases) {
      aliases.push([name, alias]);
      wire[alias] = Schema.optionalKey(
        Field.schemaOf({ ...field, kind: field.kind === "key" ? "int" : field.kind }),
      );
    }
  }
  const annotations = {
    identifier: spec.title,
    description: spec.description,
    examples: [spec.example],
  };
  const struct = Schema.Struct(wire).annotate(annotations);
  if (aliases.length === 0) return struct;
  const values: Record<string, Schema.Top> = {};
  for (const [name, field] of Object.entries(fields)) values[name] = Field.valueSchemaOf(field);
  const names = Object.keys(fields);
  return struct.pipe(Schema.decodeTo(Schema.Struct(values), {
    decode: SchemaGetter.transform((input: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const name of names) out[name] = input[name];
      for (const [name, alias] of aliases) {
        // The field's own name wins; an alias fills it only when it is null or absent.
        if (out[name] === null && input[alias] !== undefined) out[name] = input[alias];
      }
      return out;
    }),
    encode: SchemaGetter.transform((value: Record<string, unknown>) => value),
  }));
};

/**
 * Builds a resource from its facts.
 *
 * **Details**
 *
 * The item schema decodes every field leniently as the reference decides:
 * the key and the token are required; every other field may be missing or
 * null (missing decodes as null); integers may come as strings of digits;
 * an aliased field is also read from its alias when its own name is null
 * or absent; unknown fields are dropped. Encoding gives every field under
 * its own name.
 *
 * @example
 * ```ts
 * import { Field, Resource } from "@mode-discovery/core";
 * const widgets = Resource.make({
 *   name: "widgets", segment: "widgets", title: "Widget", singular: "widget", plural: "widgets",
 *   description: "Widgets of a workspace.", key: "id", token: "token", includeSpaces: false,
 *   fields: { id: Field.key("The widget's id."), token: Field.token("The widget's token.") },
 *   seedCount: (collections) => collections,
 *   example: { id: 1, token: "abc" },
 * });
 * widgets.path; // => "/batch/:workspace/widgets"
 * ```
 */
export const make = <
  const Name extends string,
  const Segment extends string,
  const F extends Field.Fields,
>(
  spec: ResourceSpec<Name, Segment, F>,
): Resource<Name, Segment, F> => {
  const item = itemSchema(spec);
  const textField = Object.entries(spec.fields).find(([, f]) => f.kind === "text")?.[0];
  const display = spec.display ??
    [spec.key, spec.token, ...(textField === undefined ? [] : [textField])];
  const page = Schema.Struct({
    pagination: PaginationInfo,
    [spec.segment]: Schema.Array(item),
    _links: Links.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
  }).annotate({
    identifier: `${pascal(spec.name)}Page`,
    description: `A page of a workspace's ${spec.plural}.`,
  });
  return {
    ...spec,
    path: resourcePath(spec.segment),
    columns: Object.entries(spec.fields).map(([name, field]) => ({ name, ...field })),
    relations: spec.relations ?? [],
    display: display as ReadonlyArray<keyof F & string>,
    cliName: words(spec.name, "-"),
    tableName: words(spec.name, "_"),
    endpointName: `list${pascal(spec.name)}`,
    item: item as unknown as Schema.Codec<Field.Row<F>, Field.WireRow<F>>,
    page: page as unknown as Schema.Codec<Page<Segment, Field.Row<F>>, unknown>,
    Item: undefined as unknown as Field.Row<F>,
  };
};

/**
 * The items of a decoded page of `resource`.
 *
 * @example
 * ```ts
 * import { collections, Resource } from "@mode-discovery/core";
 * declare const page: Resource.PageOf<typeof collections>;
 * const items = Resource.itemsOf(collections, page);
 * ```
 */
export const itemsOf = <R extends Any>(resource: R, page: PageOf<R>): ReadonlyArray<ItemOf<R>> =>
  (page as unknown as Record<string, ReadonlyArray<ItemOf<R>>>)[resource.segment];

const names = new WeakMap<Any, ReadonlySet<string>>();

/** The field names `resource` reads: its columns and their aliases. */
const namesOf = (resource: Any): ReadonlySet<string> => {
  let found = names.get(resource);
  if (found === undefined) {
    const set = new Set<string>();
    for (const column of resource.columns) {
      set.add(column.name);
      for (const alias of column.aliases) set.add(alias);
    }
    names.set(resource, set);
    found = set;
  }
  return found;
};

const listed = (names: ReadonlyArray<string>) =>
  names.length > 3
    ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`
    : names.join(", ");

/**
 * Why `raw` cannot be an item of `resource` though its key and token decode:
 * it has fields the resource does not have, and either none of the
 * resource's other fields, or only fields that one of `among` (another
 * resource of the model) has every one of: a chart under `members`, or a
 * collection under `reports`, as a server that answers one resource with
 * another's rows gives. `undefined` for anything else, including a row of
 * the resource with fields the model does not know yet.
 *
 * **When to use**
 *
 * On untrusted input, beside the item schema, which reads a missing field
 * as null and drops unknown ones, and so takes any object with an id and a
 * token.
 *
 * @example
 * ```ts
 * import { collections, members, reports, Resource } from "@mode-discovery/core";
 * Resource.foreignItem(members, { id: 1, token: "c", chart_type: "bar" });
 * // => "not a member: it has none of a member's fields but id and token (state, member_email, member_token and 13 more) and has chart_type"
 * Resource.foreignItem(reports, { id: 1, token: "s", name: "M", space_type: "custom" }, [collections]);
 * // => "not a report: every one of its fields is a collection's (id, token, name and 1 more), and space_type is not a report's"
 * Resource.foreignItem(members, { id: 1, token: "m" }); // => undefined
 * ```
 */
export const foreignItem = (
  resource: Any,
  raw: unknown,
  among: ReadonlyArray<Any> = [],
): string | undefined => {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const own = namesOf(resource);
  const keys = Object.keys(raw);
  const others = keys.filter((name) => !own.has(name));
  if (others.length === 0) return undefined;
  const shares = keys.some((name) =>
    own.has(name) && name !== resource.key && name !== resource.token
  );
  if (!shares) {
    const fields = resource.columns.map((c) => c.name).filter((n) =>
      n !== resource.key && n !== resource.token
    );
    return `not a ${resource.singular}: it has none of a ${resource.singular}'s fields but ${resource.key} and ${resource.token} (${
      listed(fields)
    }) and has ${listed(others)}`;
  }
  for (const other of among) {
    if (other.name === resource.name) continue;
    const theirs = namesOf(other);
    if (keys.every((name) => theirs.has(name))) {
      return `not a ${resource.singular}: every one of its fields is a ${other.singular}'s (${
        listed(keys)
      }), and ${listed(others)} ${others.length === 1 ? "is" : "are"} not a ${resource.singular}'s`;
    }
  }
  return undefined;
};
