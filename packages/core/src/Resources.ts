/**
 * Every list resource of the Discovery API, in one list: the one place a
 * resource is added. The HttpApi endpoints, the server's routes, store and
 * seed, the client's `client.<name>`, the CLI's subcommands and the
 * snapshot's tables all iterate over {@link resources}.
 *
 * @module
 */
import { charts } from "./Chart.ts";
import { collections } from "./Collection.ts";
import { members } from "./Member.ts";
import { queries } from "./Query.ts";
import { reports } from "./Report.ts";
import { reportStats } from "./ReportStat.ts";
import type * as Resource from "./Resource.ts";

export * from "./Chart.ts";
export * from "./Collection.ts";
export * from "./Member.ts";
export * from "./Query.ts";
export * from "./Report.ts";
export * from "./ReportStat.ts";

/**
 * The six list resources, in the order Mode documents them.
 *
 * @example
 * ```ts
 * import { resources } from "@mode-discovery/core";
 * resources.map((r) => r.segment);
 * // => ["spaces", "reports", "queries", "charts", "report_stats", "members"]
 * ```
 */
export const resources = [collections, reports, queries, charts, reportStats, members] as const;

/** Any one of {@link resources}. */
export type AnyResource = (typeof resources)[number];

/** A resource's name: `collections`, `reports`, `queries`, `charts`, `reportStats`, `members`. */
export type ResourceName = AnyResource["name"];

/** The resource named `N`. */
export type ResourceNamed<N extends ResourceName> = Extract<AnyResource, { readonly name: N }>;

/** The decoded item type of the resource named `N`. */
export type ItemNamed<N extends ResourceName> = ResourceNamed<N>["Item"];

/** Every resource's name, in the order of {@link resources}. */
export const resourceNames: ReadonlyArray<ResourceName> = resources.map((r) => r.name);

const byName = new Map<string, AnyResource>(resources.map((r) => [r.name, r]));
const bySegment = new Map<string, AnyResource>(resources.map((r) => [r.segment, r]));
const byCliName = new Map<string, AnyResource>(resources.map((r) => [r.cliName, r]));

/**
 * The resource with this name (`reportStats`), CLI name (`report-stats`) or
 * path segment (`report_stats`, `spaces`); `undefined` for anything else.
 *
 * @example
 * ```ts
 * import { findResource } from "@mode-discovery/core";
 * findResource("report-stats")?.name; // => "reportStats"
 * findResource("spaces")?.name; // => "collections"
 * ```
 */
export const findResource = (name: string): AnyResource | undefined =>
  byName.get(name) ?? byCliName.get(name) ?? bySegment.get(name);

/**
 * The resource named `name`.
 *
 * @example
 * ```ts
 * import { resourceNamed } from "@mode-discovery/core";
 * resourceNamed("queries").segment; // => "queries"
 * ```
 */
export const resourceNamed = <N extends ResourceName>(name: N): ResourceNamed<N> =>
  byName.get(name) as ResourceNamed<N>;

/**
 * The resource whose path segment is `segment`, exactly (`spaces`,
 * `report_stats`); `undefined` otherwise.
 */
export const resourceForSegment = (segment: string): AnyResource | undefined =>
  bySegment.get(segment);

/** The resources in an order where every relation's parent comes before its child. */
export const resourcesByDependency: ReadonlyArray<AnyResource> = (() => {
  const out: Array<AnyResource> = [];
  const placed = new Set<string>();
  const visit = (resource: AnyResource, path: ReadonlyArray<string>) => {
    if (placed.has(resource.name)) return;
    if (path.includes(resource.name)) {
      throw new Error(`relations form a cycle: ${[...path, resource.name].join(" -> ")}`);
    }
    for (const relation of resource.relations) {
      const parent = byName.get(relation.to);
      if (parent !== undefined && parent !== resource) visit(parent, [...path, resource.name]);
    }
    placed.add(resource.name);
    out.push(resource);
  };
  for (const resource of resources) visit(resource, []);
  return out;
})();

/** A relation together with the resource that holds it and its parent. */
export interface ResolvedRelation {
  /** The resource whose rows hold the relation's field. */
  readonly child: Resource.Any;
  /** The resource the field points at. */
  readonly parent: Resource.Any;
  /** The relation as declared. */
  readonly relation: Resource.Relation;
  /** The parent's field the child's field matches (the parent's key unless said). */
  readonly parentField: string;
}

/**
 * Every relation of every resource, resolved.
 *
 * @example
 * ```ts
 * import { relations } from "@mode-discovery/core";
 * relations.some((r) => r.child.name === "queries" && r.parent.name === "reports"); // => true
 * ```
 */
export const relations: ReadonlyArray<ResolvedRelation> = resources.flatMap((child) =>
  child.relations.map((relation) => {
    const parent = byName.get(relation.to);
    if (parent === undefined) {
      throw new Error(`${child.name}.${relation.field} points at unknown resource ${relation.to}`);
    }
    return { child, parent, relation, parentField: relation.toField ?? parent.key };
  })
);
