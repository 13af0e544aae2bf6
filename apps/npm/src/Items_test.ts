import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import type * as Core from "@mode-discovery/core";
import { collections, resources } from "@mode-discovery/core";
import type {
  Chart,
  Collection,
  CollectionsPage,
  Items,
  Links,
  Member,
  Page,
  PageKeys,
  PaginationInfo,
  Query,
  Report,
  ReportStat,
  ResourceName,
} from "./Items.ts";

/** Compiles only when `A` and `B` are assignable both ways. */
const sameShape = <A, B>(_proof: [A] extends [B] ? ([B] extends [A] ? true : false) : false) => {};

// The plain types of the Promise API and core's Schema types cannot drift apart:
sameShape<Collection, Core.Collection>(true);
sameShape<Report, Core.Report>(true);
sameShape<Query, Core.Query>(true);
sameShape<Chart, Core.Chart>(true);
sameShape<ReportStat, Core.ReportStat>(true);
sameShape<Member, Core.Member>(true);
sameShape<PaginationInfo, Core.PaginationInfo>(true);
sameShape<Links, Core.Links>(true);
// A resource added to core and not here fails to compile here.
sameShape<ResourceName, Core.ResourceName>(true);
sameShape<{ [N in ResourceName]: Items[N] }, { [N in Core.ResourceName]: Core.ItemNamed<N> }>(
  true,
);
sameShape<
  { [N in ResourceName]: PageKeys[N] },
  { [N in Core.ResourceName]: Core.ResourceNamed<N>["segment"] }
>(true);
sameShape<CollectionsPage, Core.Resource.PageOf<typeof collections>>(true);
sameShape<Page<"reportStats">, Core.Resource.PageOf<Core.ResourceNamed<"reportStats">>>(true);

Deno.test("a page decoded by core is a plain CollectionsPage, field for field", () => {
  const wire = {
    pagination: { page: 1, per_page: 2, count: 1, total_pages: 1, total_count: 1 },
    spaces: [{
      id: 170,
      token: "728f6328ea67",
      name: null,
      description: "d",
      space_type: "custom",
      space_url: "/api/acme/spaces/728f6328ea67",
    }],
    _links: { prev_page: { href: "/batch/acme/spaces?page=1&per_page=2" } },
  };
  const page: CollectionsPage = Schema.decodeUnknownSync(collections.page)(wire);
  assert.deepEqual(page, wire);
});

Deno.test("every resource of core has its plain type here", () => {
  const names: Record<ResourceName, true> = {
    collections: true,
    reports: true,
    queries: true,
    charts: true,
    reportStats: true,
    members: true,
  };
  assert.deepEqual(Object.keys(names).sort(), resources.map((r) => r.name).sort());
});
