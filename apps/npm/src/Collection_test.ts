import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import type * as Core from "@mode-discovery/core";
import { CollectionsPage as CorePage } from "@mode-discovery/core";
import type { Collection, CollectionsPage, Links, PaginationInfo } from "./Collection.ts";

/** Compiles only when `A` and `B` are assignable both ways. */
const sameShape = <A, B>(_proof: [A] extends [B] ? ([B] extends [A] ? true : false) : false) => {};

// The plain types of the Promise API and core's Schema types cannot drift apart:
sameShape<Collection, Core.Collection>(true);
sameShape<PaginationInfo, Core.PaginationInfo>(true);
sameShape<Links, Core.Links>(true);
sameShape<CollectionsPage, Core.CollectionsPage>(true);

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
  const page: CollectionsPage = Schema.decodeUnknownSync(CorePage)(wire);
  assert.deepEqual(page, wire);
});
