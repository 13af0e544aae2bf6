/**
 * The seeded world (`MODE_SEED`): every resource of a workspace generated
 * from its name and counts, the same every time, with every relation of
 * core's resource model intact (reports in collections, queries in reports
 * and in their report's collection, charts agreeing with their query,
 * creators among the members, one report stat per report).
 *
 * @module
 */
import {
  type AnyResource,
  collections,
  findResource,
  type ResourceName,
  resources,
  resourcesByDependency,
  WORKSPACE_RULE,
  WorkspaceName,
} from "@mode-discovery/core";
import * as Schema from "effect/Schema";
import type { WorkspaceData } from "./ListingStore.ts";
import { quoteSetting, type SettingsError, settingsError } from "./SettingsError.ts";
import { generateWorld } from "./_seedWorld.ts";
import { valueGenerators } from "./_seedValues.ts";

/** Version of the generator; part of a seeded workspace's `source`. */
export const SEED_VERSION = 2;

/** Most items one count of a seed may ask for. */
export const MAX_SEED_COUNT = 1_000_000;

/**
 * One workspace to seed: its name, how many collections, and the counts
 * of other resources given explicitly (the rest follow from the
 * collections, see {@link seedCounts}).
 *
 * @example
 * ```ts
 * import type { SeedWorkspace } from "@mode-discovery/server";
 * const acme: SeedWorkspace = { workspace: "acme", count: 300, counts: { reports: 1200 } };
 * ```
 */
export interface SeedWorkspace {
  /** The workspace username. */
  readonly workspace: string;
  /** How many collections. */
  readonly count: number;
  /**
   * Counts of other resources, by name (`reports`, `queries`, `charts`,
   * `members`); report stats always follow the reports.
   */
  readonly counts?: Readonly<Partial<Record<ResourceName, number>>> | undefined;
}

/** The resources a seed may give a count for (after the collections): those with a default count. */
const countable: ReadonlyArray<AnyResource> = resources.filter((r) =>
  r !== collections && r.seedCount !== undefined
);

/**
 * How many items each resource of a seeded workspace gets: the count
 * given, else the resource's default from the collection count C
 * (`seedCount`: reports C, queries 2C, charts 2C, members ceil(C/10), at
 * least 1 when C > 0); a resource with one row per parent (report stats)
 * follows its parent.
 *
 * @example
 * ```ts
 * import { seedCounts } from "@mode-discovery/server";
 * seedCounts({ workspace: "acme", count: 4146 }).members; // => 415
 * seedCounts({ workspace: "acme", count: 10, counts: { reports: 3 } }).reportStats; // => 3
 * ```
 */
export const seedCounts = (seed: SeedWorkspace): Readonly<Record<ResourceName, number>> => {
  const out: Record<string, number> = {};
  for (const resource of resourcesByDependency) {
    const one = resource.relations.find((r) => r.one);
    out[resource.name] = one !== undefined
      ? out[one.to] ?? 0
      : resource === collections
      ? seed.count
      : seed.counts?.[resource.name] ?? resource.seedCount?.(seed.count) ?? 0;
  }
  return out as Record<ResourceName, number>;
};

/**
 * Why the counts of `seed` cannot make a coherent world (a resource with
 * items whose parent resource has none), or `undefined`.
 */
export const seedProblem = (seed: SeedWorkspace): string | undefined => {
  const counts = seedCounts(seed);
  for (const resource of resourcesByDependency) {
    const count = counts[resource.name];
    if (count === 0) continue;
    for (const relation of resource.relations) {
      const parent = resources.find((r) => r.name === relation.to);
      if (parent === undefined || counts[parent.name] > 0) continue;
      return `in ${seed.workspace}, ${count} ${resource.plural} need ${parent.plural} (${relation.field} points at one) but there are none; give ${
        parent === collections ? "a collection count" : `${parent.cliName}=1`
      } or more, or ${resource.cliName}=0`;
    }
  }
  return undefined;
};

const isWorkspaceName = Schema.is(WorkspaceName);

/**
 * Parses `MODE_SEED`: workspaces separated by commas, each
 * `<workspace>:<collections>` followed by optional `key=count` parts
 * separated by colons:
 * `acme:300:reports=1200:queries=2500:charts=3100:members=140,beta:7`.
 *
 * **Details**
 *
 * The keys are `reports`, `queries`, `charts` and `members`; report stats
 * always follow the reports (one per report). Counts are whole numbers
 * from 0 to {@link MAX_SEED_COUNT}. An unknown key, a bad count, an empty
 * workspace name, a workspace or key given twice, or counts that leave a
 * resource without the parents it points at stop with a message naming
 * the part.
 *
 * @example
 * ```ts
 * import { parseSeed } from "@mode-discovery/server";
 * parseSeed("acme:300:reports=1200,beta:7");
 * // => [{ workspace: "acme", count: 300, counts: { reports: 1200 } }, { workspace: "beta", count: 7, counts: {} }]
 * ```
 */
export const parseSeed = (
  text: string,
  variable = "MODE_SEED",
): ReadonlyArray<SeedWorkspace> | SettingsError => {
  const keys = countable.map((r) => r.cliName).join(", ");
  const help =
    `give <workspace>:<collections> with optional :key=count parts (keys ${keys}), workspaces separated by commas, such as acme:300:reports=1200,beta:7`;
  const fail = (detail: string) => settingsError(variable, detail);
  const out: Array<SeedWorkspace> = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") return fail(`an entry is empty; ${help}.`);
    const parts = item.split(":").map((part) => part.trim());
    const workspace = parts[0];
    if (workspace === "") {
      return fail(`${quoteSetting(item)} has an empty workspace name; ${help}.`);
    }
    if (!isWorkspaceName(workspace)) {
      return fail(
        `${quoteSetting(workspace)} is not a workspace username (${WORKSPACE_RULE}); ${help}.`,
      );
    }
    if (parts.length < 2) return fail(`${quoteSetting(item)} has no ":count"; ${help}.`);
    const countText = parts[1];
    if (!/^[0-9]{1,7}$/.test(countText) || Number(countText) > MAX_SEED_COUNT) {
      return fail(
        `the count of ${workspace} is ${
          quoteSetting(countText)
        }; it must be a whole number from 0 to ${MAX_SEED_COUNT}.`,
      );
    }
    const counts: Partial<Record<ResourceName, number>> = {};
    for (const part of parts.slice(2)) {
      const eq = part.indexOf("=");
      if (eq < 0) {
        return fail(`${quoteSetting(part)} in ${workspace} is not key=count (keys ${keys}).`);
      }
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      const resource = findResource(key);
      if (resource === undefined || !countable.includes(resource)) {
        const why = resource === collections
          ? "the collections are the count right after the workspace"
          : resource !== undefined
          ? `${resource.plural} follow their ${
            resource.relations.find((r) => r.one)?.to
          } (one each)`
          : "there is no such key";
        return fail(`${quoteSetting(key)} in ${workspace}: ${why}; the keys are ${keys}.`);
      }
      if (counts[resource.name] !== undefined) {
        return fail(`${resource.cliName} is given twice in ${workspace}; give each key once.`);
      }
      if (!/^[0-9]{1,7}$/.test(value) || Number(value) > MAX_SEED_COUNT) {
        return fail(
          `the count of ${resource.cliName} in ${workspace} is ${
            quoteSetting(value)
          }; it must be a whole number from 0 to ${MAX_SEED_COUNT}.`,
        );
      }
      counts[resource.name] = Number(value);
    }
    if (out.some((s) => s.workspace === workspace)) {
      return fail(`${workspace} is listed twice; list each workspace once.`);
    }
    const seed = { workspace, count: Number(countText), counts };
    const problem = seedProblem(seed);
    if (problem !== undefined) return fail(`${problem}.`);
    out.push(seed);
  }
  return out;
};

/**
 * A seed in the form {@link parseSeed} reads, every count spelled out:
 * `acme:300:reports=300:queries=600:charts=600:members=30`.
 *
 * @example
 * ```ts
 * import { describeSeed } from "@mode-discovery/server";
 * describeSeed({ workspace: "beta", count: 7 }); // => "beta:7:reports=7:queries=14:charts=14:members=1"
 * ```
 */
export const describeSeed = (seed: SeedWorkspace): string => {
  const counts = seedCounts(seed);
  return [
    `${seed.workspace}:${seed.count}`,
    ...countable.map((r) => `${r.cliName}=${counts[r.name]}`),
  ].join(":");
};

/**
 * The `source` a seeded workspace is stored with: the generator's version
 * and the whole seed, so a changed seed (or generator) reseeds it.
 */
export const seedSource = (seed: SeedWorkspace): string =>
  `seed:v${SEED_VERSION}:${describeSeed(seed)}`;

/** sfc32: a small, fast, well-distributed PRNG with a 128-bit state. */
const sfc32 = (a: number, b: number, c: number, d: number) => (): number => {
  a >>>= 0;
  b >>>= 0;
  c >>>= 0;
  d >>>= 0;
  const t = (((a + b) | 0) + d) | 0;
  d = (d + 1) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  c = (c + t) | 0;
  return (t >>> 0) / 4294967296;
};

const hashString = (text: string, seed: number): number => {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 13;
  }
  return h >>> 0;
};

/**
 * A deterministic random source for `seedText`: same text, same sequence.
 *
 * @example
 * ```ts
 * import { seededRandom } from "@mode-discovery/server";
 * const random = seededRandom("acme");
 * random() === seededRandom("acme")(); // => true
 * ```
 */
export const seededRandom = (seedText: string): () => number => {
  const next = sfc32(
    hashString(seedText, 0x9e3779b9),
    hashString(seedText, 0x85ebca6b),
    hashString(seedText, 0xc2b2ae35),
    hashString(seedText, 0x27d4eb2f),
  );
  for (let i = 0; i < 12; i++) next();
  return next;
};

/**
 * Every resource's items of a seeded workspace: the same every call, ready
 * for `replaceWorkspace`.
 *
 * **Details**
 *
 * - Keys ascend (collections from 170, as in Mode's documented example)
 *   with occasional gaps; tokens are 12 lowercase hex characters, unique
 *   per resource.
 * - Every relation of core's model holds: each report is in a collection,
 *   each query in a report and in that report's collection, each chart
 *   agrees with its query's report and collection and carries the report's
 *   creator, every creator is a member, one report stat per report.
 * - Values are realistic: unicode, quotes and newlines in names, SQL text in
 *   `raw_query`, null run fields of reports that never ran, banned and
 *   deactivated members, several chart types; one collection in eight is
 *   personal (`private`) once there are eight or more.
 * - Timestamps fall after 2019-01-01, never read from the clock.
 * - Each resource has its own random sequence, so a resource's items depend
 *   only on its own count and its parents' items: the collections of
 *   `acme:300` are the same whatever the other counts.
 *
 * @example
 * ```ts
 * import { seedWorld } from "@mode-discovery/server";
 * const world = seedWorld({ workspace: "acme", count: 3 });
 * world.collections?.length; // => 3
 * ```
 */
export const seedWorld = (seed: SeedWorkspace): WorkspaceData => {
  const world = generateWorld({
    workspace: seed.workspace,
    resources: resourcesByDependency,
    counts: seedCounts(seed),
    randomOf: (name) =>
      seededRandom(`mode-discovery:seed:v${SEED_VERSION}:${seed.workspace}:${name}`),
    generators: valueGenerators,
  });
  return Object.fromEntries(resources.map((r) => [r.name, world.get(r.name) ?? []]));
};

/**
 * The collections of the seeded workspace with `count` collections (the
 * same whatever the other counts).
 *
 * @example
 * ```ts
 * import { seedCollections } from "@mode-discovery/server";
 * seedCollections("acme", 3)[0].id; // => 170
 * ```
 */
export const seedCollections = (
  workspace: string,
  count: number,
): ReadonlyArray<typeof collections.Item> =>
  seedWorld({ workspace, count, counts: { reports: 0, queries: 0, charts: 0, members: 0 } })
    .collections as ReadonlyArray<typeof collections.Item>;
