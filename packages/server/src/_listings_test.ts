import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import { members, reportStats, resources } from "@mode-discovery/core";
import { seedWorld } from "./Seed.ts";
import { encodeItem, isDecoded, itemSchema } from "./_listings.ts";

/** What Schema makes of an item: decoded with the item schema, then encoded. */
const bySchema = (resource: (typeof resources)[number], item: unknown) => {
  const schema = itemSchema(resource);
  return JSON.stringify(Schema.encodeSync(schema)(Schema.decodeUnknownSync(schema)(item)));
};

Deno.test("listings: the fast encoding of decoded items is byte for byte the item schema's", () => {
  const world = seedWorld({ workspace: "acme", count: 300 });
  for (const resource of resources) {
    const rows = world[resource.name] as Array<Record<string, unknown>>;
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.ok(isDecoded(resource, row), resource.name);
      assert.equal(encodeItem(resource, row), bySchema(resource, row));
      // The same fields in another order encode the same.
      const shuffled = Object.fromEntries(Object.entries(row).reverse());
      assert.equal(encodeItem(resource, shuffled), bySchema(resource, row));
    }
  }
});

Deno.test("listings: items not in decoded form go through the schema", () => {
  const [stat] = seedWorld({ workspace: "acme", count: 2 }).reportStats as Array<
    Record<string, unknown>
  >;
  const [member] = seedWorld({ workspace: "acme", count: 2 }).members as Array<
    Record<string, unknown>
  >;
  const odd: Array<[typeof resources[number], Record<string, unknown>]> = [
    [reportStats, { ...stat, view_count: null, total_views_count: 7 }],
    [reportStats, { ...stat, report_id: String(stat.report_id) }],
    [reportStats, { ...stat, extra: 1 }],
    [members, { ...member, last_day_engaged: null, last_day_enagaged: "2020-01-01" }],
    [members, { id: 1, token: "t" }],
    [members, { ...member, total_days_engaged: 2 ** 60 }],
  ];
  for (const [resource, item] of odd) {
    assert.equal(isDecoded(resource, item), false, JSON.stringify(item).slice(0, 80));
  }
  assert.match(bySchema(reportStats, odd[0][1]), /"view_count":7/);
});
