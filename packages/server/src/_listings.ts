/**
 * From a workspace's items to the listings the stores keep: each resource's
 * items decoded with its item schema, in ascending key order, encoded once
 * as ASCII JSON; for the resources that take `include_spaces`, a second
 * listing without the items in personal collections. Whether an item is
 * personal is derived from the resource model alone (see
 * {@link personalFlags}), so a new resource needs nothing here.
 *
 * @internal
 * @module
 */
import * as Schema from "effect/Schema";
import {
  type AnyResource,
  type Field,
  type IncludeSpaces,
  type ResourceName,
  resourceNames,
  resources,
  resourcesByDependency,
  WorkspaceName,
} from "@mode-discovery/core";
import { StoreError, type WorkspaceData } from "./ListingStore.ts";

/** The suffix of a resource's default listing (no items in personal collections). */
const DEFAULT_LISTING = ".default";

/**
 * The listing a request reads: the resource's name for everything
 * (`include_spaces=all`, and every request of a resource that does not take
 * it), `<name>.default` for the default view of one that does.
 */
export const listingId = (
  resource: AnyResource,
  includeSpaces: IncludeSpaces | undefined,
): string =>
  resource.includeSpaces && includeSpaces === undefined
    ? `${resource.name}${DEFAULT_LISTING}`
    : resource.name;

/** Every listing id a workspace has, in the order of `resources`. */
export const listingIds: ReadonlyArray<string> = resources.flatMap((resource) =>
  resource.includeSpaces
    ? [listingId(resource, "all"), listingId(resource, undefined)]
    : [listingId(resource, undefined)]
);

/** One listing, ready to store. */
export interface EncodedListing {
  /** Its id (see {@link listingId}). */
  readonly id: string;
  /** The rows, each one item's ASCII JSON, in ascending key order. */
  readonly rows: ReadonlyArray<string>;
  /** The id of a listing with exactly the same rows, when there is one (stored once). */
  readonly sameAs: string | undefined;
}

/** A workspace's listings and each resource's item count. */
export interface EncodedWorkspace {
  readonly listings: ReadonlyArray<EncodedListing>;
  readonly counts: Readonly<Record<ResourceName, number>>;
}

/** Non-ASCII UTF-16 code units, each written as a JSON `\uXXXX` escape. */
const NON_ASCII = /[\u0080-\uffff]/g;
const escapeCodeUnit = (ch: string): string =>
  `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * JSON text with every non-ASCII character written as a `\uXXXX` escape:
 * the same JSON value, in pure ASCII. ASCII bodies are sent by the runtime
 * without re-encoding, about twice as cheap per response as UTF-8 bytes.
 *
 * @example
 * ```ts
 * asciiJson(JSON.stringify({ name: "é" })); // => '{"name":"\\u00e9"}'
 * ```
 */
export const asciiJson = (json: string): string => json.replace(NON_ASCII, escapeCodeUnit);

/** A store error for input the store refuses. */
export const invalid = (message: string): StoreError =>
  new StoreError({ reason: "Invalid", message });

const isWorkspaceName: (name: string) => boolean = Schema.is(WorkspaceName);

/** Throws an `Invalid` store error unless `workspace` is a workspace username. */
export const checkWorkspaceName = (workspace: string): void => {
  if (!isWorkspaceName(workspace)) {
    throw invalid(
      `workspace ${JSON.stringify(workspace.slice(0, 120))} is not a workspace username`,
    );
  }
};

type Row = Readonly<Record<string, unknown>>;

/** A resource's item schema, seen as a codec of plain records (for code over any resource). */
export const itemSchema = (resource: AnyResource): Schema.Codec<Row, unknown> =>
  resource.item as unknown as Schema.Codec<Row, unknown>;

const codecs = new Map(
  resources.map((resource) => {
    const item = itemSchema(resource);
    return [resource.name, {
      decode: Schema.decodeUnknownSync(item),
      encode: Schema.encodeSync(item),
    }] as const;
  }),
);

const isSafeInt = (value: unknown): boolean =>
  typeof value === "number" && Number.isSafeInteger(value);

/** Whether a value is already exactly what a field of `kind` decodes to. */
const strictValue: Readonly<Record<Field.FieldKind, (value: unknown) => boolean>> = {
  key: isSafeInt,
  token: (value) => typeof value === "string",
  int: (value) => value === null || isSafeInt(value),
  text: (value) => value === null || typeof value === "string",
  timestamp: (value) => value === null || typeof value === "string",
  strings: (value) =>
    value === null || (Array.isArray(value) && value.every((v) => typeof v === "string")),
};

/**
 * The fast check of an item that is already in decoded form: a plain
 * object with exactly the resource's fields, each of its kind's decoded
 * type. Such an item decodes to itself and encodes to its fields in
 * order, so Schema is skipped for it (the seeded world, a copy from
 * another server); anything else goes through the item schema.
 */
export const isDecoded = (resource: AnyResource, item: unknown): item is Row => {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const row = item as Row;
  const columns = resource.columns;
  let own = 0;
  for (const name in row) {
    if (!Object.hasOwn(row, name)) return false;
    own++;
  }
  if (own !== columns.length) return false;
  for (const column of columns) {
    if (!Object.hasOwn(row, column.name) || !strictValue[column.kind](row[column.name])) {
      return false;
    }
  }
  return true;
};

const columnNames = new Map(resources.map((r) => [r.name, r.columns.map((c) => c.name)]));

/** An item's JSON as the item schema encodes it: the fast form for decoded items, else Schema. */
export const encodeItem = (resource: AnyResource, row: Row): string =>
  isDecoded(resource, row)
    ? JSON.stringify(row, columnNames.get(resource.name))
    : JSON.stringify(codecs.get(resource.name)!.encode(row));

/** A resource's items decoded and sorted by key; throws `Invalid` naming the first bad one. */
const decodeItems = (resource: AnyResource, items: Iterable<unknown>): ReadonlyArray<Row> => {
  const { decode } = codecs.get(resource.name)!;
  const list: Array<Row> = [];
  let index = 0;
  for (const item of items) {
    if (isDecoded(resource, item)) {
      list.push(item);
      index++;
      continue;
    }
    try {
      list.push(decode(item));
    } catch (error) {
      throw invalid(
        `${resource.plural}: the item at position ${index} is not a valid ${resource.singular}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    index++;
  }
  const key = resource.key;
  list.sort((a, b) => (a[key] as number) - (b[key] as number));
  for (let i = 1; i < list.length; i++) {
    if (list[i][key] === list[i - 1][key]) {
      throw invalid(`${resource.plural}: duplicate ${key} ${list[i][key]}`);
    }
  }
  return list;
};

/**
 * Which items of each resource are personal, in the order of
 * `resourcesByDependency`: an item is personal when its resource says so
 * (`personal(row)`: a collection with `space_type` `private`), or when one
 * of its relations points at a personal item (a report in a personal
 * collection, a query of such a report, the stats of such a report).
 */
export const personalFlags = (
  decoded: ReadonlyMap<string, ReadonlyArray<Row>>,
): ReadonlyMap<string, ReadonlyArray<boolean>> => {
  const flags = new Map<string, ReadonlyArray<boolean>>();
  // The values of `field` among the personal items of `resource`, by "resource field".
  const personalValues = new Map<string, ReadonlySet<unknown>>();
  const valuesOf = (parent: AnyResource, field: string): ReadonlySet<unknown> => {
    const cacheKey = `${parent.name} ${field}`;
    let values = personalValues.get(cacheKey);
    if (values === undefined) {
      const rows = decoded.get(parent.name) ?? [];
      const personal = flags.get(parent.name) ?? [];
      const set = new Set<unknown>();
      rows.forEach((row, i) => {
        if (personal[i]) set.add(row[field]);
      });
      personalValues.set(cacheKey, values = set);
    }
    return values;
  };
  for (const resource of resourcesByDependency) {
    const rows = decoded.get(resource.name) ?? [];
    const own = resource.personal as ((row: Row) => boolean) | undefined;
    const parents = resource.relations.flatMap((relation) => {
      const parent = resources.find((r) => r.name === relation.to);
      if (parent === undefined || parent === resource) return [];
      const values = valuesOf(parent, relation.toField ?? parent.key);
      return values.size === 0 ? [] : [{ field: relation.field, values }];
    });
    flags.set(
      resource.name,
      rows.map((row) => (own?.(row) ?? false) || parents.some((p) => p.values.has(row[p.field]))),
    );
  }
  return flags;
};

/**
 * Decodes, checks and encodes a workspace's items as its listings. Throws
 * an `Invalid` store error naming the resource and the first bad item or
 * duplicate key, or a key of `data` that is no resource.
 */
export const encodeWorkspace = (data: WorkspaceData): EncodedWorkspace => {
  for (const name of Object.keys(data)) {
    if (!resourceNames.includes(name as ResourceName)) {
      throw invalid(`${JSON.stringify(name)} is not a resource (use ${resourceNames.join(", ")})`);
    }
  }
  const decoded = new Map<string, ReadonlyArray<Row>>();
  for (const resource of resources) {
    decoded.set(resource.name, decodeItems(resource, data[resource.name] ?? []));
  }
  const personal = personalFlags(decoded);
  const listings: Array<EncodedListing> = [];
  const counts: Record<string, number> = {};
  for (const resource of resources) {
    const rows = decoded.get(resource.name)!;
    const json = rows.map((row) => asciiJson(encodeItem(resource, row)));
    counts[resource.name] = json.length;
    const all = listingId(resource, "all");
    listings.push({ id: all, rows: json, sameAs: undefined });
    if (resource.includeSpaces) {
      const flags = personal.get(resource.name)!;
      const visible = json.filter((_, i) => !flags[i]);
      listings.push({
        id: listingId(resource, undefined),
        rows: visible,
        sameAs: visible.length === json.length ? all : undefined,
      });
    }
  }
  return { listings, counts: counts as Record<ResourceName, number> };
};

/** Counts of every resource, 0 where `counts` has none. */
export const fullCounts = (
  counts: Readonly<Partial<Record<string, number>>>,
): Readonly<Record<ResourceName, number>> =>
  Object.fromEntries(resourceNames.map((name) => [name, counts[name] ?? 0])) as Record<
    ResourceName,
    number
  >;
