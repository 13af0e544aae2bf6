/**
 * The engine of the seeded world: rows of every resource generated from
 * the resource model alone. Keys ascend with occasional gaps, tokens are
 * unique, and every relation is honoured from its descriptor (`one`: one
 * row per parent row; `copies`: fields that equal the parent's; `toField`:
 * the parent field pointed at); the remaining fields come from the
 * resource's value generator when it has one (`_seedValues.ts`), else from
 * their field kind. A resource added to core's list is seeded with no
 * change here.
 *
 * @internal
 * @module
 */
import type { Field, Resource } from "@mode-discovery/core";

/** A generated row, field by field (decoded values). */
export type SeedRow = Record<string, unknown>;

/** The random source of one resource: uniform numbers in [0, 1). */
export type Random = () => number;

/** What a value generator knows when it fills one row. */
export interface SeedContext {
  /** The workspace being seeded. */
  readonly workspace: string;
  /** The row's position in its resource (0-based). */
  readonly index: number;
  /** How many rows the resource gets. */
  readonly count: number;
  /** The resource's random source. */
  readonly random: Random;
  /** The row so far: its key, its token and every field its relations set. */
  readonly row: Readonly<SeedRow>;
  /** The parent row each relation points at, by the parent resource's name. */
  readonly parents: Readonly<Record<string, Readonly<SeedRow>>>;
  /** A random row of an already generated resource, or `undefined` when it has none. */
  readonly pick: (resource: string) => Readonly<SeedRow> | undefined;
}

/** Fills the fields of one row that its key, token and relations left open. */
export interface ValueGenerator {
  /** The first key of the resource (keys ascend from it, with gaps). */
  readonly firstKey: number;
  /** The values of the open fields (fields it leaves out get a value from their kind). */
  readonly values: (context: SeedContext) => Readonly<SeedRow>;
}

/** When every seeded timestamp starts: 2019-01-01, never the clock. */
export const SEED_EPOCH_MS = Date.UTC(2019, 0, 1);

/** About three years, the span seeded timestamps fall in. */
export const SEED_SPAN_MS = 3 * 365 * 24 * 3600 * 1000;

/** 12 random lowercase hex characters. */
export const hex12 = (random: Random): string => {
  let out = "";
  for (let i = 0; i < 12; i++) out += Math.floor(random() * 16).toString(16);
  return out;
};

/** A value of `kind` for a field no generator fills. */
const valueOfKind = (kind: Field.FieldKind, random: Random, label: string): unknown => {
  switch (kind) {
    case "key":
    case "int":
      return Math.floor(random() * 1000);
    case "token":
      return hex12(random);
    case "text":
      return `${label} ${hex12(random).slice(0, 4)}`;
    case "timestamp":
      return new Date(SEED_EPOCH_MS + Math.floor(random() * SEED_SPAN_MS)).toISOString();
    case "strings":
      return [];
  }
};

/**
 * Every resource's rows, in the order given (parents before children),
 * `counts[name]` rows each (a resource with a `one` relation gets one row
 * per parent row whatever its count). `randomOf(name)` gives each resource
 * its own random source, so a resource's rows depend only on its own
 * count and its parents' rows.
 */
export const generateWorld = (options: {
  readonly workspace: string;
  readonly resources: ReadonlyArray<Resource.Any>;
  readonly counts: Readonly<Record<string, number>>;
  readonly randomOf: (resource: string) => Random;
  readonly generators: Readonly<Record<string, ValueGenerator | undefined>>;
}): ReadonlyMap<string, ReadonlyArray<SeedRow>> => {
  const { workspace, resources } = options;
  const world = new Map<string, Array<SeedRow>>();
  const indexes = new Map<string, Map<unknown, SeedRow>>();
  const byName = new Map(resources.map((r) => [r.name, r]));
  /** The rows of `resource` by the value of `field` (built on first use). */
  const indexOf = (resource: string, field: string): Map<unknown, SeedRow> => {
    const id = `${resource} ${field}`;
    let index = indexes.get(id);
    if (index === undefined) {
      index = new Map();
      for (const row of world.get(resource) ?? []) index.set(row[field], row);
      indexes.set(id, index);
    }
    return index;
  };
  for (const resource of resources) {
    const random = options.randomOf(resource.name);
    const generator = options.generators[resource.name];
    const one = resource.relations.find((r) => r.one);
    const count = one === undefined
      ? options.counts[resource.name] ?? 0
      : (world.get(one.to)?.length ?? 0);
    const rows: Array<SeedRow> = [];
    const tokens = new Set<string>();
    let key = generator?.firstKey ?? 1;
    const pick = (name: string): SeedRow | undefined => {
      const list = world.get(name);
      return list === undefined || list.length === 0
        ? undefined
        : list[Math.floor(random() * list.length)];
    };
    for (let index = 0; index < count; index++) {
      const row: SeedRow = {};
      if (one === undefined) {
        if (index > 0) key += random() < 0.1 ? 2 + Math.floor(random() * 40) : 1;
        row[resource.key] = key;
        let token = hex12(random);
        while (tokens.has(token)) token = hex12(random);
        tokens.add(token);
        row[resource.token] = token;
      }
      const parents: Record<string, SeedRow> = {};
      for (const relation of resource.relations) {
        const parentResource = byName.get(relation.to);
        if (parentResource === undefined) continue;
        const toField = relation.toField ?? parentResource.key;
        const parent = relation.one
          ? world.get(relation.to)![index]
          : row[relation.field] !== undefined
          ? indexOf(relation.to, toField).get(row[relation.field])
          : pick(relation.to);
        if (parent === undefined) {
          // No parent to point at (the seed refuses such counts; in code, the field stays null).
          row[relation.field] ??= null;
          if (relation.token !== undefined) row[relation.token] ??= null;
          continue;
        }
        parents[relation.to] = parent;
        row[relation.field] = parent[toField];
        if (relation.token !== undefined) row[relation.token] = parent[parentResource.token];
        for (const [own, theirs] of Object.entries(relation.copies ?? {})) {
          row[own] = parent[theirs];
        }
      }
      const values = generator?.values({
        workspace,
        index,
        count,
        random,
        row,
        parents,
        pick,
      }) ?? {};
      const out: SeedRow = {};
      for (const column of resource.columns) {
        out[column.name] = row[column.name] !== undefined
          ? row[column.name]
          : values[column.name] !== undefined
          ? values[column.name]
          : valueOfKind(column.kind, random, `${resource.title} ${index + 1}`);
      }
      rows.push(out);
    }
    world.set(resource.name, rows);
  }
  return world;
};
