/**
 * What a listing of a seeded world must produce, for every resource,
 * computed without the server or the client: the seed's rows
 * (`seedWorld`), the items in members' personal collections left out
 * where a resource takes `include_spaces` and it is not `all` (derived
 * here from the resource model: a `private` collection, and everything
 * whose relation points at a personal row), each row as the CLI's NDJSON
 * writes it, and the SHA-256 of that text.
 *
 * @internal
 * @module
 */
import {
  type AnyResource,
  type IncludeSpaces,
  relations,
  type Resource,
  resources,
  resourcesByDependency,
} from "@mode-discovery/core";
import { seedCounts, type SeedWorkspace, seedWorld } from "@mode-discovery/server";
import { sha256 } from "./_expected.ts";

/** One row of any resource, as decoded. */
export type Row = Readonly<Record<string, unknown>>;

/** Every resource's rows of one workspace, by resource name, in ascending key order. */
export type World = ReadonlyMap<string, ReadonlyArray<Row>>;

/** The seeded world of `seed`, by resource name. */
export const worldOf = (seed: SeedWorkspace): World => {
  const data = seedWorld(seed) as Record<string, ReadonlyArray<Row> | undefined>;
  return new Map(resources.map((r) => [r.name, data[r.name] ?? []]));
};

/** `MODE_SEED` of one seeded workspace: `acme:300:reports=1200:...`. */
export const seedSetting = (seed: SeedWorkspace): string =>
  [
    seed.workspace,
    String(seed.count),
    ...Object.entries(seed.counts ?? {}).map(([name, n]) =>
      `${resources.find((r) => r.name === name)!.cliName}=${n}`
    ),
  ].join(":");

/** How many rows each resource of `seed` has (everything, personal items included). */
export const countsOf = (seed: SeedWorkspace): Readonly<Record<string, number>> => seedCounts(seed);

const personalCache = new WeakMap<World, ReadonlyMap<string, ReadonlySet<number>>>();

/**
 * The keys of every personal row, by resource: a row is personal when its
 * resource says so (a `private` collection) or when one of its relations
 * points at a personal row.
 */
const personalKeys = (world: World): ReadonlyMap<string, ReadonlySet<number>> => {
  const cached = personalCache.get(world);
  if (cached !== undefined) return cached;
  const out = new Map<string, Set<number>>();
  // The values of the parent field each relation matches, of the personal parent rows.
  const personalValues = (resource: Resource.Any, field: string): Set<unknown> => {
    const keys = out.get(resource.name) ?? new Set<number>();
    const values = new Set<unknown>();
    for (const row of world.get(resource.name) ?? []) {
      if (keys.has(row[resource.key] as number)) values.add(row[field]);
    }
    return values;
  };
  for (const resource of resourcesByDependency) {
    const keys = new Set<number>();
    const own = resource.personal as ((row: Row) => boolean) | undefined;
    const pointing = relations
      .filter((r) => r.child === resource && r.parent !== resource)
      .map((r) => ({ field: r.relation.field, values: personalValues(r.parent, r.parentField) }));
    for (const row of world.get(resource.name) ?? []) {
      const personal = own?.(row) === true ||
        pointing.some((p) => row[p.field] !== null && p.values.has(row[p.field]));
      if (personal) keys.add(row[resource.key] as number);
    }
    out.set(resource.name, keys);
  }
  personalCache.set(world, out);
  return out;
};

/**
 * The rows of `resource` a listing sees: everything for a resource that
 * does not take `include_spaces` or with `all`; otherwise without the
 * personal ones.
 */
export const visibleRows = (
  world: World,
  resource: AnyResource,
  includeSpaces?: IncludeSpaces | undefined,
): ReadonlyArray<Row> => {
  const rows = world.get(resource.name) ?? [];
  if (!resource.includeSpaces || includeSpaces === "all") return rows;
  const personal = personalKeys(world).get(resource.name) ?? new Set();
  return rows.filter((row) => !personal.has(row[resource.key] as number));
};

const columnNames = new Map(resources.map((r) => [r.name, r.columns.map((c) => c.name)]));

/** One row as one NDJSON line of the CLI (its fields in wire order), without the newline. */
export const rowLine = (resource: AnyResource, row: Row): string =>
  JSON.stringify(row, columnNames.get(resource.name));

/** The NDJSON the CLI writes for `rows` of `resource`. */
export const ndjsonOfRows = (resource: AnyResource, rows: ReadonlyArray<Row>): string => {
  let out = "";
  for (const row of rows) out += `${rowLine(resource, row)}\n`;
  return out;
};

/** What a listing of one resource must produce. */
export interface ExpectedRows {
  readonly resource: AnyResource;
  readonly rows: ReadonlyArray<Row>;
  readonly ndjson: string;
  readonly sha256: string;
  /** The keys, ascending. */
  readonly keys: ReadonlyArray<number>;
}

/** The expected listing of `resource` in `world`. */
export const expectedRows = async (
  world: World,
  resource: AnyResource,
  includeSpaces?: IncludeSpaces | undefined,
): Promise<ExpectedRows> => {
  const rows = visibleRows(world, resource, includeSpaces);
  const ndjson = ndjsonOfRows(resource, rows);
  return {
    resource,
    rows,
    ndjson,
    sha256: await sha256(ndjson),
    keys: rows.map((row) => row[resource.key] as number),
  };
};

/** The keys of an NDJSON text of `resource`, in the order written. */
export const keysOfNdjson = (resource: AnyResource, text: string): Array<number> =>
  text.split("\n").filter((line) => line !== "").map((line) =>
    (JSON.parse(line) as Row)[resource.key] as number
  );

/** Counts by key of `xs`, as a plain record. */
export const tally = (xs: Iterable<string>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
};

/** The retry count of a summary line (`..., 12 retries, 3.1 s.`), if any. */
export const retriesOf = (stderr: string): number | undefined => {
  const line = stderr.split("\n").find((l) => /pages?, [\d,]+ retr(?:y|ies)/.test(l));
  const match = line === undefined ? null : /pages?, ([\d,]+) retr(?:y|ies)/.exec(line);
  return match === null ? undefined : Number(match[1].replace(/,/g, ""));
};

/** Files in `dir`, sorted. */
export const filesIn = async (dir: string): Promise<Array<string>> => {
  const names: Array<string> = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
};

/** Environment of the CLI with a signature token and a base URL. */
export const cliEnv = (
  baseUrl: string,
  credentials: {
    readonly token: string;
    readonly accessKey: string;
    readonly accessSecret: string;
  },
): Record<string, string> => ({
  MODE_BASE_URL: baseUrl,
  MODE_TOKEN: credentials.token,
  MODE_ACCESS_KEY: credentials.accessKey,
  MODE_ACCESS_SECRET: credentials.accessSecret,
});

/** `MODE_DEV_CREDENTIALS` of a signature token. */
export const devCredentialsSetting = (
  credentials: {
    readonly token: string;
    readonly accessKey: string;
    readonly accessSecret: string;
  },
): string => `${credentials.token}:${credentials.accessKey}:${credentials.accessSecret}`;
