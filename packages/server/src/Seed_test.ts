import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import {
  collections,
  Field,
  relations,
  Resource,
  resources,
  resourcesByDependency,
  spaceUrl,
} from "@mode-discovery/core";
import {
  describeSeed,
  parseSeed,
  seedCollections,
  seedCounts,
  seededRandom,
  seedWorld,
} from "./Seed.ts";
import { SettingsError } from "./SettingsError.ts";
import { generateWorld, SEED_EPOCH_MS } from "./_seedWorld.ts";

type Row = Record<string, unknown>;
const rowsOf = (world: ReturnType<typeof seedWorld>, name: string): ReadonlyArray<Row> =>
  (world as Record<string, ReadonlyArray<Row>>)[name] ?? [];

const acme = seedWorld({ workspace: "acme", count: 4146 });

Deno.test("seed: the same seed gives the same world every time; each resource has its own sequence", () => {
  assert.deepEqual(
    seedWorld({ workspace: "acme", count: 300 }),
    seedWorld({ workspace: "acme", count: 300 }),
  );
  assert.notDeepEqual(seedCollections("acme", 50), seedCollections("other", 50));
  // The collections do not depend on the other counts, and a longer list starts the same.
  assert.deepEqual(
    rowsOf(
      seedWorld({ workspace: "acme", count: 300, counts: { reports: 1, members: 3 } }),
      "collections",
    ),
    seedCollections("acme", 300),
  );
  assert.deepEqual(seedCollections("acme", 500).slice(0, 100), seedCollections("acme", 100));
});

Deno.test("seed: the random source is deterministic per seed text", () => {
  const a = seededRandom("x");
  const b = seededRandom("x");
  const values = Array.from({ length: 5 }, () => a());
  assert.deepEqual(values, Array.from({ length: 5 }, () => b()));
  assert.ok(values.every((v) => v >= 0 && v < 1));
});

Deno.test("seed: counts follow the collections unless given; report stats follow the reports", () => {
  assert.deepEqual(seedCounts({ workspace: "acme", count: 4146 }), {
    collections: 4146,
    reports: 4146,
    queries: 8292,
    charts: 8292,
    reportStats: 4146,
    members: 415,
  });
  assert.equal(seedCounts({ workspace: "a", count: 1 }).members, 1);
  assert.equal(seedCounts({ workspace: "a", count: 10 }).members, 1);
  assert.equal(seedCounts({ workspace: "a", count: 11 }).members, 2);
  assert.deepEqual(Object.values(seedCounts({ workspace: "a", count: 0 })), [0, 0, 0, 0, 0, 0]);
  const given = seedCounts({
    workspace: "acme",
    count: 300,
    counts: { reports: 1200, queries: 2500, charts: 3100, members: 140 },
  });
  assert.deepEqual(given, {
    collections: 300,
    reports: 1200,
    queries: 2500,
    charts: 3100,
    reportStats: 1200,
    members: 140,
  });
  const world = seedWorld({
    workspace: "acme",
    count: 300,
    counts: { reports: 0, queries: 0, charts: 0 },
  });
  assert.equal(rowsOf(world, "reports").length, 0);
  assert.equal(rowsOf(world, "reportStats").length, 0);
  for (const resource of resources) {
    assert.equal(
      rowsOf(acme, resource.name).length,
      seedCounts({ workspace: "acme", count: 4146 })[resource.name],
    );
  }
});

Deno.test("seed: every item is valid by its resource's schema, keys ascend with gaps, tokens are unique", () => {
  for (const resource of resources) {
    const rows = rowsOf(acme, resource.name);
    const decode = Schema.decodeUnknownSync(resource.item as unknown as Schema.Codec<Row, unknown>);
    let gaps = 0;
    for (let i = 0; i < rows.length; i++) {
      assert.deepEqual(decode(rows[i]), rows[i], `${resource.name} ${i}`);
      assert.deepEqual(Object.keys(rows[i]), resource.columns.map((c) => c.name));
      const key = rows[i][resource.key] as number;
      if (i > 0) {
        const before = rows[i - 1][resource.key] as number;
        assert.ok(key > before);
        if (key > before + 1) gaps++;
      }
      assert.match(String(rows[i][resource.token]), /^[0-9a-f]{12}$/);
    }
    assert.ok(gaps > rows.length / 20, `${resource.name}: only ${gaps} gaps`);
    assert.equal(new Set(rows.map((r) => r[resource.token])).size, rows.length, resource.name);
  }
  assert.equal(rowsOf(acme, "collections")[0].id, 170);
});

Deno.test("seed: every relation of core's model holds, read from the model itself", () => {
  for (const { child, parent, relation, parentField } of relations) {
    const parents = new Map(rowsOf(acme, parent.name).map((row) => [row[parentField], row]));
    const children = rowsOf(acme, child.name);
    assert.ok(children.length > 0);
    for (const row of children) {
      const target = parents.get(row[relation.field]);
      assert.ok(target !== undefined, `${child.name}.${relation.field} ${row[relation.field]}`);
      if (relation.token !== undefined) {
        assert.equal(row[relation.token], target[parent.token], `${child.name}.${relation.token}`);
      }
      for (const [own, theirs] of Object.entries(relation.copies ?? {})) {
        assert.equal(row[own], target[theirs], `${child.name}.${own}`);
      }
    }
    if (relation.one) {
      assert.equal(children.length, parents.size, `one ${child.name} per ${parent.name}`);
      assert.equal(new Set(children.map((r) => r[relation.field])).size, parents.size);
    }
  }
});

Deno.test("seed: the relations the reference lists, spelled out", () => {
  const by = (name: string, field: string) => new Map(rowsOf(acme, name).map((r) => [r[field], r]));
  const spaces = by("collections", "id");
  const reportsById = by("reports", "id");
  const queriesById = by("queries", "id");
  const emails = new Set(rowsOf(acme, "members").map((m) => m.member_email));
  for (const report of rowsOf(acme, "reports")) {
    assert.equal(spaces.get(report.space_id)?.token, report.space_token);
    assert.ok(emails.has(report.creator_email));
  }
  for (const query of rowsOf(acme, "queries")) {
    const report = reportsById.get(query.report_id)!;
    assert.equal(report.token, query.report_token);
    assert.equal(report.space_id, query.space_id);
    assert.equal(report.space_token, query.space_token);
    assert.ok(emails.has(query.creator_email));
  }
  for (const chart of rowsOf(acme, "charts")) {
    const query = queriesById.get(chart.query_id)!;
    assert.equal(query.token, chart.query_token);
    assert.equal(query.report_id, chart.report_id);
    assert.equal(query.space_id, chart.space_id);
    assert.equal(reportsById.get(chart.report_id)!.creator_email, chart.report_creator_email);
  }
  assert.deepEqual(
    rowsOf(acme, "reportStats").map((s) => s.report_token),
    rowsOf(acme, "reports").map((r) => r.token),
  );
});

Deno.test("seed: values are realistic: SQL, runs that never happened, banned members, chart types, unicode", () => {
  const rawQueries = rowsOf(acme, "queries").map((q) => String(q.raw_query));
  assert.ok(
    rawQueries.some((q) => q.includes("\n") && q.includes("'")),
    "SQL with newlines and quotes",
  );
  assert.ok(rawQueries.some((q) => q.includes('"')), "quoted identifiers");
  const neverRan = rowsOf(acme, "reports").filter((r) => r.last_run_at === null);
  assert.ok(neverRan.length > 100);
  for (const report of neverRan) {
    assert.equal(report.last_run_state, null);
    assert.equal(report.last_run_token, null);
    assert.equal(report.last_successfully_run_at, null);
  }
  assert.ok(new Set(rowsOf(acme, "reports").map((r) => r.last_run_state)).size >= 4);
  const people = rowsOf(acme, "members");
  assert.ok(people.some((m) => m.banned_at !== null), "banned");
  assert.ok(people.some((m) => m.state === "deactivated"), "deactivated");
  assert.ok(people.some((m) => m.state === "active"));
  assert.equal(new Set(people.map((m) => m.member_email)).size, people.length);
  assert.ok(new Set(rowsOf(acme, "charts").map((c) => c.chart_type)).size >= 5);
  assert.ok(rowsOf(acme, "charts").some((c) => c.chart_title === null));
  const texts = [
    ...rowsOf(acme, "collections").flatMap((c) => [c.name, c.description]),
    ...rowsOf(acme, "reports").map((r) => r.name),
  ].filter((t): t is string => typeof t === "string");
  assert.ok(texts.some((t) => [...t].some((ch) => ch.charCodeAt(0) > 0x7f)), "unicode");
  assert.ok(texts.some((t) => t.includes(",")), "commas");
  assert.ok(texts.some((t) => t.includes("\n")), "newlines");
  for (const collection of rowsOf(acme, "collections")) {
    assert.equal(collection.space_url, spaceUrl("acme", String(collection.token)));
  }
});

Deno.test("seed: about one collection in eight is personal, once there are eight or more", () => {
  const privateCount = (count: number) =>
    seedCollections("acme", count).filter((c) => collections.personal!(c)).length;
  assert.equal(privateCount(7), 0);
  assert.equal(privateCount(8), 1);
  assert.equal(privateCount(4146), Math.floor((4146 + 2) / 8));
  const types = new Set(seedCollections("acme", 400).map((c) => c.space_type));
  assert.ok(types.has("custom") && types.has("private") && types.size >= 3, [...types].join(","));
});

Deno.test("seed: timestamps come from a fixed base date, never the clock", () => {
  for (const resource of resources) {
    for (const column of resource.columns.filter((c) => c.kind === "timestamp")) {
      for (const row of rowsOf(acme, resource.name)) {
        const value = row[column.name];
        if (value === null) continue;
        assert.match(String(value), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        const ms = Date.parse(String(value));
        assert.ok(
          ms >= SEED_EPOCH_MS && ms < SEED_EPOCH_MS + 4 * 365 * 86_400_000,
          `${column.name} ${value}`,
        );
      }
    }
  }
});

Deno.test("seed: a seventh resource is seeded from its descriptor alone", () => {
  const widgets = Resource.make({
    name: "widgets",
    segment: "widgets",
    title: "Widget",
    singular: "widget",
    plural: "widgets",
    description: "Widgets on reports.",
    key: "id",
    token: "token",
    includeSpaces: true,
    fields: {
      id: Field.key("The widget's id."),
      token: Field.token("The widget's token."),
      label: Field.text("Its label."),
      report_id: Field.int("Its report."),
      report_token: Field.text("Its report's token."),
      space_id: Field.int("Its report's collection."),
      seen_at: Field.timestamp("When it was seen."),
      tags: Field.strings("Its tags."),
    },
    relations: [{
      field: "report_id",
      token: "report_token",
      to: "reports",
      copies: { space_id: "space_id" },
    }],
    seedCount: (c) => 3 * c,
    example: {
      id: 1,
      token: "t",
      label: null,
      report_id: null,
      report_token: null,
      space_id: null,
      seen_at: null,
      tags: null,
    },
  });
  const world = generateWorld({
    workspace: "acme",
    resources: [...resourcesByDependency, widgets],
    counts: { ...seedCounts({ workspace: "acme", count: 20 }), widgets: 60 },
    randomOf: (name) => seededRandom(`test ${name}`),
    generators: {},
  });
  const rows = world.get("widgets")!;
  assert.equal(rows.length, 60);
  const reportsById = new Map(world.get("reports")!.map((r) => [r.id, r]));
  for (const row of rows) {
    const report = reportsById.get(row.report_id)!;
    assert.equal(report.token, row.report_token);
    assert.equal(report.space_id, row.space_id);
    assert.equal(typeof row.label, "string");
    assert.ok(Array.isArray(row.tags));
    assert.ok(Date.parse(String(row.seen_at)) >= SEED_EPOCH_MS);
  }
  assert.deepEqual(Schema.decodeUnknownSync(widgets.item)(rows[0]), rows[0]);
});

Deno.test("seed: MODE_SEED forms parse, each workspace with its counts", () => {
  assert.deepEqual(parseSeed("acme:300:reports=1200:queries=2500:charts=3100:members=140,beta:7"), [
    {
      workspace: "acme",
      count: 300,
      counts: { reports: 1200, queries: 2500, charts: 3100, members: 140 },
    },
    { workspace: "beta", count: 7, counts: {} },
  ]);
  assert.deepEqual(parseSeed(" acme:4146 "), [{ workspace: "acme", count: 4146, counts: {} }]);
  assert.deepEqual(parseSeed("acme:10:reports=0:queries=0:charts=0"), [
    { workspace: "acme", count: 10, counts: { reports: 0, queries: 0, charts: 0 } },
  ]);
  assert.deepEqual(parseSeed("acme:0"), [{ workspace: "acme", count: 0, counts: {} }]);
  assert.equal(
    describeSeed({ workspace: "beta", count: 7 }),
    "beta:7:reports=7:queries=14:charts=14:members=1",
  );
  assert.deepEqual(parseSeed(describeSeed({ workspace: "beta", count: 7 })), [
    { workspace: "beta", count: 7, counts: { reports: 7, queries: 14, charts: 14, members: 1 } },
  ]);
});

const refused = (text: string, pattern: RegExp) => {
  const result = parseSeed(text);
  assert.ok(result instanceof SettingsError, `${text} was accepted`);
  assert.equal(result.variable, "MODE_SEED");
  assert.match(result.message, /^Invalid MODE_SEED: /);
  assert.doesNotMatch(result.message, /\n/);
  assert.match(result.message, pattern);
};

Deno.test("seed: an unknown key is refused, saying which keys exist", () => {
  refused(
    "acme:300:widgets=3",
    /"widgets" in acme: there is no such key; the keys are reports, queries, charts, members\.$/,
  );
  refused(
    "acme:300:report-stats=3",
    /report stats follow their reports \(one each\); the keys are reports/,
  );
  refused("acme:300:collections=3", /the collections are the count right after the workspace/);
  refused("acme:300:reports", /"reports" in acme is not key=count/);
});

Deno.test("seed: negative or non-numeric counts are refused, naming the part", () => {
  refused(
    "acme:-3",
    /^Invalid MODE_SEED: the count of acme is "-3"; it must be a whole number from 0 to 1000000\.$/,
  );
  refused("acme:lots", /the count of acme is "lots"/);
  refused("acme:300:reports=-1", /the count of reports in acme is "-1"/);
  refused("acme:300:members=many", /the count of members in acme is "many"/);
  refused("acme:300:charts=1.5", /the count of charts in acme is "1\.5"/);
  refused("acme:2000000", /the count of acme is "2000000"/);
});

Deno.test("seed: an empty workspace name, an empty entry or a missing count is refused", () => {
  refused(":300", /":300" has an empty workspace name/);
  refused("acme:3,,beta:4", /an entry is empty/);
  refused("acme", /"acme" has no ":count"/);
  refused("a b:3", /"a b" is not a workspace username/);
});

Deno.test("seed: a workspace listed twice or a key given twice is refused", () => {
  refused("acme:3,beta:4,acme:5", /acme is listed twice; list each workspace once\.$/);
  refused("acme:3:reports=1:reports=2", /reports is given twice in acme; give each key once\.$/);
});

Deno.test("seed: counts that leave items without the parents they point at are refused", () => {
  refused("acme:0:reports=4", /in acme, 4 reports need collections \(space_id points at one\)/);
  refused("acme:5:members=0", /in acme, 5 reports need members \(creator_email points at one\)/);
  refused("acme:5:reports=0", /in acme, 10 queries need reports/);
  assert.ok(Array.isArray(parseSeed("acme:5:reports=0:queries=0:charts=0:members=0")));
  // The reference's forms never trip this.
  assert.ok(Array.isArray(parseSeed("acme:1")));
});
