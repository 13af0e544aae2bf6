import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import * as Resource from "./Resource.ts";
import {
  collections,
  findResource,
  members,
  relations,
  reports,
  reportStats,
  resourceNamed,
  resources,
  resourcesByDependency,
} from "./Resources.ts";

Deno.test("the six resources of the reference, with their paths, array keys and ordering keys", () => {
  assert.deepEqual(
    resources.map((r) => [r.name, r.path, r.segment, r.key, r.includeSpaces]),
    [
      ["collections", "/batch/:workspace/spaces", "spaces", "id", false],
      ["reports", "/batch/:workspace/reports", "reports", "id", true],
      ["queries", "/batch/:workspace/queries", "queries", "id", true],
      ["charts", "/batch/:workspace/charts", "charts", "id", true],
      ["reportStats", "/batch/:workspace/report_stats", "report_stats", "report_id", true],
      ["members", "/batch/:workspace/members", "members", "id", false],
    ],
  );
  assert.deepEqual(resources.map((r) => r.cliName), [
    "collections",
    "reports",
    "queries",
    "charts",
    "report-stats",
    "members",
  ]);
  assert.deepEqual(resources.map((r) => r.tableName), [
    "collections",
    "reports",
    "queries",
    "charts",
    "report_stats",
    "members",
  ]);
});

Deno.test("findResource knows each resource by name, CLI name and path segment", () => {
  assert.equal(findResource("report-stats"), reportStats);
  assert.equal(findResource("reportStats"), reportStats);
  assert.equal(findResource("report_stats"), reportStats);
  assert.equal(findResource("spaces")?.name, "collections");
  assert.equal(findResource("Reports"), undefined);
  assert.equal(resourceNamed("members"), members);
});

Deno.test("every relation names fields that exist on both sides", () => {
  for (const { child, parent, relation, parentField } of relations) {
    const names = new Set(child.columns.map((c) => c.name));
    const parentNames = new Set(parent.columns.map((c) => c.name));
    assert.ok(names.has(relation.field), `${child.name}.${relation.field}`);
    assert.ok(parentNames.has(parentField), `${parent.name}.${parentField}`);
    if (relation.token !== undefined) assert.ok(names.has(relation.token), relation.token);
    for (const [own, theirs] of Object.entries(relation.copies ?? {})) {
      assert.ok(names.has(own), `${child.name}.${own}`);
      assert.ok(parentNames.has(theirs), `${parent.name}.${theirs}`);
    }
  }
});

Deno.test("parents come before children in resourcesByDependency; counts come from a rule or a parent", () => {
  const order: ReadonlyArray<string> = resourcesByDependency.map((r) => r.name);
  for (const { child, parent } of relations) {
    if (child !== parent) assert.ok(order.indexOf(parent.name) < order.indexOf(child.name));
  }
  for (const resource of resources) {
    const one = resource.relations.some((r) => r.one === true);
    assert.equal(resource.seedCount === undefined, one, resource.name);
  }
});

Deno.test("every example decodes to itself and encodes back", () => {
  for (const resource of resources) {
    const decoded = Schema.decodeUnknownSync(resource.item)(resource.example);
    assert.deepEqual(decoded, resource.example, resource.name);
    assert.deepEqual(Schema.encodeSync(resource.item)(decoded), resource.example, resource.name);
  }
});

Deno.test("items decode leniently: ids as digit strings, missing fields null, extras dropped", () => {
  for (const resource of resources) {
    const minimal = { [resource.key]: "42", [resource.token]: "abc", surprise: { x: 1 } };
    const decoded = Schema.decodeUnknownSync(resource.item)(minimal) as Record<string, unknown>;
    assert.equal(decoded[resource.key], 42, resource.name);
    assert.equal("surprise" in decoded, false, resource.name);
    for (const column of resource.columns) {
      if (column.name !== resource.key && column.name !== resource.token) {
        assert.equal(decoded[column.name], null, `${resource.name}.${column.name}`);
      }
    }
    assert.throws(() => Schema.decodeUnknownSync(resource.item)({ [resource.token]: "abc" }));
    assert.throws(
      () =>
        Schema.decodeUnknownSync(resource.item)({ [resource.key]: "x7", [resource.token]: "a" }),
      /got "x7"/,
    );
  }
});

Deno.test("the aliases the reference names are read, and the field's own name wins", () => {
  const stat = Schema.decodeUnknownSync(reportStats.item);
  assert.equal(stat({ report_id: 1, report_token: "a", total_views_count: 9 }).view_count, 9);
  assert.equal(
    stat({ report_id: 1, report_token: "a", view_count: 4, total_views_count: 9 }).view_count,
    4,
  );
  const member = Schema.decodeUnknownSync(members.item);
  assert.equal(
    member({ id: 1, token: "t", last_day_enagaged: "2020-06-08" }).last_day_engaged,
    "2020-06-08",
  );
  const encoded = Schema.encodeSync(reportStats.item)(stat({
    report_id: 1,
    report_token: "a",
    total_views_count: 9,
  }));
  assert.equal((encoded as Record<string, unknown>).view_count, 9, "the server sends view_count");
  assert.equal("total_views_count" in encoded, false);
});

Deno.test("reports relate to collections and members; a report's wrong field names the field", () => {
  assert.deepEqual(reports.relations.map((r) => r.to), ["collections", "members"]);
  assert.throws(
    () => Schema.decodeUnknownSync(reports.item)({ id: 1, token: "t", space_id: 2.5 }),
    /space_id/,
  );
});

Deno.test("foreignItem: another resource's row is refused, naming it; a row with a field the model does not know is taken", () => {
  const collection = collections.example;
  const message = Resource.foreignItem(reports, collection, resources);
  assert.match(message ?? "", /^not a report: every one of its fields is a collection's/);
  assert.match(message ?? "", /space_type, space_url are not a report's/);
  // Without the model's other resources, sharing `name` is enough to be taken.
  assert.equal(Resource.foreignItem(reports, collection), undefined);
  // A report with a field Mode may add one day is still a report.
  const report = { ...reports.example, newly_added: 1 };
  assert.equal(Resource.foreignItem(reports, report, resources), undefined);
  // Every pairing of one resource's page with another's example rows is told apart.
  for (const page of resources) {
    for (const holds of resources) {
      if (page === holds) continue;
      for (const row of [holds.example as Record<string, unknown>]) {
        const keys = Object.keys(row).filter((k) => !page.columns.some((c) => c.name === k));
        if (keys.length === 0) continue; // the row is a valid `page` row as far as fields go
        assert.notEqual(
          Resource.foreignItem(page, row, resources),
          undefined,
          `${page.name} holding ${holds.name}`,
        );
      }
    }
  }
});
