import assert from "node:assert/strict";
import * as Result from "effect/Result";
import type * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";
import fc from "fast-check";
import * as Resource from "./Resource.ts";
import { pageLinks, paginationInfo } from "./Pagination.ts";
import { collections, members, reportStats, resources } from "./Resources.ts";
import { makeKeyedPageDecoder, makePageDecoder } from "./_pageDecoder.ts";

/** Mostly a valid value, sometimes anything at all. */
const mostly = <A>(valid: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 60, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });

/** Drops some keys and adds some extra ones, now and then. */
const tampered = (record: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(
    record,
    fc.array(fc.nat({ max: 20 }), { maxLength: 2 }),
    fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue(), { maxKeys: 2 })),
  ).map(([value, drop, extra]) => {
    const out: Record<string, unknown> = { ...value };
    const keys = Object.keys(out);
    for (const index of drop) if (index < keys.length && index % 4 === 0) delete out[keys[index]];
    return extra === null ? out : { ...extra, ...out };
  });

const integer = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 1e9 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1e9 }).map(String) },
  fc.double(),
  fc.constantFrom("12a", "", "-3", "1e3"),
);
const text = fc.option(fc.string({ maxLength: 12 }), { nil: null });

/** A value for one column, valid most of the time. */
const valueFor = (column: Resource.Column): fc.Arbitrary<unknown> => {
  switch (column.kind) {
    case "key":
      return mostly(integer);
    case "token":
      return mostly(fc.string({ maxLength: 12 }));
    case "int":
      return mostly(fc.option(integer, { nil: null }));
    case "strings":
      return mostly(
        fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), { nil: null }),
      );
    default:
      return mostly(text);
  }
};

/** An item of `resource`: its columns, sometimes an alias instead of (or beside) a name. */
const itemOf = (resource: Resource.Any) => {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const column of resource.columns) {
    fields[column.name] = valueFor(column);
    for (const alias of column.aliases) fields[alias] = valueFor(column);
  }
  return tampered(fc.record(fields, { requiredKeys: resource.columns.map((c) => c.name) }));
};

const count = mostly(
  fc.oneof({ weight: 9, arbitrary: fc.nat(2000) }, fc.integer({ min: -3, max: -1 }), fc.double()),
);
const link = mostly(tampered(fc.record({ href: mostly(fc.string({ maxLength: 30 })) })));

const pageOf = (resource: Resource.Any) =>
  tampered(fc.record({
    pagination: mostly(tampered(fc.record({
      page: count,
      per_page: count,
      count,
      total_pages: count,
      total_count: count,
    }))),
    [resource.segment]: mostly(fc.array(mostly(itemOf(resource)), { maxLength: 6 })),
    _links: mostly(tampered(fc.record({ next_page: link, prev_page: link }))),
  }));

Deno.test("page decoder: the same result as the Schema decoder, for any input, on every resource", async (t) => {
  for (const resource of resources) {
    const slow = SchemaParser.decodeUnknownResult(resource.page);
    for (const codegen of [true, false]) {
      await t.step(`${resource.name} (${codegen ? "generated" : "closures"})`, () => {
        const decode = makePageDecoder(resource, { codegen, among: resources });
        let successes = 0;
        fc.assert(
          fc.property(pageOf(resource), (input) => {
            const a = decode(input);
            const schema = slow(input);
            // The Schema's verdict, but that another resource's rows are refused.
            const foreign = Result.isSuccess(schema) &&
              (input as Record<string, ReadonlyArray<unknown>>)[resource.segment].some((item) =>
                Resource.foreignItem(resource, item, resources) !== undefined
              );
            assert.equal(a._tag, foreign ? "Failure" : schema._tag, JSON.stringify(input));
            if (Result.isSuccess(a) && Result.isSuccess(schema)) {
              assert.deepStrictEqual(a.success, schema.success);
              successes++;
            }
          }),
          { numRuns: 2500 },
        );
        assert.ok(successes > 100, `only ${successes} inputs decoded`);
      });
    }
  }
});

Deno.test("keyed page decoder: the same page, with every item's key in order", async (t) => {
  for (const resource of resources) {
    await t.step(resource.name, () => {
      const decode = makePageDecoder(resource, { among: resources });
      const keyed = makeKeyedPageDecoder(resource, { among: resources });
      let withKeys = 0;
      fc.assert(
        fc.property(pageOf(resource), (input) => {
          const plain = decode(input);
          const result = keyed(input);
          assert.equal(result._tag, plain._tag);
          if (Result.isFailure(result) || Result.isFailure(plain)) return;
          assert.deepStrictEqual(result.success.page, plain.success);
          const keys = result.success.keys;
          if (keys === undefined) return;
          const page = plain.success as unknown as Record<
            string,
            ReadonlyArray<Record<string, unknown>>
          >;
          const items = page[resource.segment];
          assert.deepStrictEqual(Array.from(keys), items.map((item) => item[resource.key]));
          withKeys++;
        }),
        { numRuns: 1500 },
      );
      assert.ok(withKeys > 50, `only ${withKeys} pages came with their keys`);
    });
  }
});

Deno.test("page decoder: digit strings, aliases, missing and unknown fields as the reference decides", () => {
  const decode = makePageDecoder(reportStats);
  const body = {
    pagination: paginationInfo({ page: 1, perPage: 2, totalCount: 3 }),
    report_stats: [
      { report_id: "12", report_token: "a", total_views_count: 7, extra: true },
      { report_id: 13, report_token: "b", view_count: 5, total_views_count: 9 },
    ],
    _links: pageLinks({ route: reportStats, workspace: "acme", page: 1, perPage: 2 }, 2),
  };
  const decoded = decode(body);
  assert.ok(Result.isSuccess(decoded));
  const [first, second] = decoded.success.report_stats;
  assert.equal(first.report_id, 12);
  assert.equal(first.view_count, 7, "total_views_count fills view_count");
  assert.equal(first.editors_emails, null, "a missing field is null");
  assert.equal("extra" in first, false, "unknown fields are dropped");
  assert.equal("total_views_count" in first, false);
  assert.equal(second.view_count, 5, "view_count wins when both are there");
  const bad = decode({ ...body, report_stats: [{ report_id: "x1", report_token: "a" }] });
  assert.ok(Result.isFailure(bad));
});

Deno.test("decoded items keep the schema's field order, whatever order the body has", () => {
  for (const resource of resources) {
    const decode = makePageDecoder(resource);
    const schema = SchemaParser.decodeUnknownResult(resource.page);
    const example = resource.example as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(example).reverse());
    for (const item of [example, reversed]) {
      const body = {
        pagination: paginationInfo({ page: 1, perPage: 1000, totalCount: 1 }),
        [resource.segment]: [item],
        _links: pageLinks({ route: resource, workspace: "acme", page: 1, perPage: 1000 }, 1),
      };
      const fast = Result.getOrThrow(decode(JSON.parse(JSON.stringify(body))));
      const slow = Result.getOrThrow(schema(JSON.parse(JSON.stringify(body))));
      const [one] = (fast as unknown as Record<string, ReadonlyArray<unknown>>)[resource.segment];
      assert.deepEqual(Object.keys(one as object), resource.columns.map((c) => c.name));
      assert.equal(JSON.stringify(fast), JSON.stringify(slow), resource.name);
    }
  }
});

Deno.test("page decoder: another resource's rows under this one's array key are refused, naming the item", () => {
  const chart = { id: 40001, token: "c0ffee000001", chart_type: "bar", chart_title: "Weekly" };
  for (const codegen of [true, false]) {
    const decode = makePageDecoder(members, { codegen });
    const body = {
      pagination: paginationInfo({ page: 1, perPage: 2, totalCount: 2 }),
      members: [{ id: 1, token: "m1", member_username: "ana" }, chart],
      _links: {},
    };
    const decoded = decode(body);
    assert.ok(Result.isFailure(decoded), "a chart was taken for a member");
    const issue = decoded.failure as SchemaIssue.Pointer;
    assert.deepEqual(issue.path, ["members", 1]);
    assert.match(
      String((issue.issue as SchemaIssue.InvalidValue).annotations?.message),
      /^not a member: it has none of a member's fields but id and token \(state, .*\) and has chart_type, chart_title$/,
    );
    // A member with only its id and token is still a member.
    assert.ok(Result.isSuccess(decode({ ...body, members: [{ id: 1, token: "m1" }] })));
  }
});

Deno.test("keyed page decoder: a page mixing items taken as they are and items to decode", () => {
  const schema = SchemaParser.decodeUnknownResult(collections.page);
  const item = (id: number) => ({
    id,
    token: `t${id}`,
    name: `C${id}`,
    description: null,
    space_type: "custom",
    space_url: `/api/acme/spaces/t${id}`,
  });
  const items: Array<Record<string, unknown>> = [1, 2, 3, 4, 5, 6].map(item);
  items[1] = { ...items[1], id: "2" }; // a digit string
  items[3] = { ...items[3], extra: true }; // an unknown field, dropped
  items[4] = { token: "t5", id: 5 }; // fields out of order, the rest missing
  const body = {
    pagination: paginationInfo({ page: 1, perPage: 6, totalCount: 6 }),
    spaces: items,
    _links: {},
  };
  for (const codegen of [true, false]) {
    const result = makeKeyedPageDecoder(collections, { codegen })(structuredClone(body));
    assert.ok(Result.isSuccess(result));
    assert.deepStrictEqual(result.success.page, Result.getOrThrow(schema(structuredClone(body))));
    assert.deepStrictEqual(Array.from(result.success.keys ?? []), [1, 2, 3, 4, 5, 6]);
    assert.equal("extra" in result.success.page.spaces[3], false, "unknown fields are dropped");
  }
});

Deno.test("page decoder: rows of one shape not taken as they are (own field order, an extra field) are each decoded, and a foreign row among them is still refused", () => {
  const schema = SchemaParser.decodeUnknownResult(members.page);
  const member = (id: number) => ({
    token: `m${id}`,
    id,
    member_username: `user${id}`,
    state: "active",
    _links: { self: { href: `/api/acme/members/m${id}` } },
  });
  const rows: Array<Record<string, unknown>> = [1, 2, 3, 4, 5].map(member);
  const body = (spaces: ReadonlyArray<unknown>) => ({
    pagination: paginationInfo({ page: 1, perPage: 5, totalCount: 5 }),
    members: spaces,
    _links: {},
  });
  for (const codegen of [true, false]) {
    const decode = makeKeyedPageDecoder(members, { codegen });
    const ok = decode(structuredClone(body(rows)));
    assert.ok(Result.isSuccess(ok));
    assert.deepStrictEqual(ok.success.page, Result.getOrThrow(schema(structuredClone(body(rows)))));
    assert.deepStrictEqual(Array.from(ok.success.keys ?? []), [1, 2, 3, 4, 5]);
    // A chart among rows of another shape: refused at its index.
    const chart = { id: 40001, token: "c0ffee000001", chart_type: "bar", chart_title: "Weekly" };
    const mixed = decode(structuredClone(body([...rows.slice(0, 3), chart, rows[4]])));
    assert.ok(Result.isFailure(mixed), "a chart was taken for a member");
    assert.deepEqual((mixed.failure as SchemaIssue.Pointer).path, ["members", 3]);
  }
});
