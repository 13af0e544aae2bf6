import assert from "node:assert/strict";
import * as Result from "effect/Result";
import * as SchemaParser from "effect/SchemaParser";
import fc from "fast-check";
import { CollectionsPage, pageLinks, paginationInfo } from "./Pagination.ts";
import { SignatureToken } from "./SignatureToken.ts";
import { hasFastPath, makeDecoder } from "./_fastDecode.ts";

const slow = SchemaParser.decodeUnknownResult(CollectionsPage);
const fast = makeDecoder(CollectionsPage);
const closures = makeDecoder(CollectionsPage, { codegen: false });

/** Mostly a valid value, sometimes anything at all. */
const mostly = <A>(valid: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 60, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });

/** Drops some keys and adds some extra ones, now and then. */
const tampered = (record: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(
    record,
    fc.array(fc.nat({ max: 8 }), { maxLength: 2 }),
    fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue(), { maxKeys: 2 })),
  ).map(([value, drop, extra]) => {
    const out: Record<string, unknown> = { ...value };
    const keys = Object.keys(out);
    for (const index of drop) if (index < keys.length && index % 4 === 0) delete out[keys[index]];
    return extra === null ? out : { ...extra, ...out };
  });

const collection = tampered(fc.record({
  id: mostly(fc.oneof({ weight: 30, arbitrary: fc.integer() }, fc.double())),
  token: mostly(fc.string({ maxLength: 12 })),
  name: mostly(fc.option(fc.string({ maxLength: 12 }), { nil: null })),
  description: mostly(fc.option(fc.string({ maxLength: 12 }), { nil: null })),
  space_type: mostly(fc.constantFrom("custom", "private")),
  space_url: mostly(fc.string({ maxLength: 20 })),
}));

const count = mostly(
  fc.oneof({ weight: 9, arbitrary: fc.nat(2000) }, fc.integer({ min: -3, max: -1 }), fc.double()),
);

const link = mostly(tampered(fc.record({ href: mostly(fc.string({ maxLength: 30 })) })));

const page = tampered(fc.record({
  pagination: mostly(tampered(fc.record({
    page: count,
    per_page: count,
    count,
    total_pages: count,
    total_count: count,
  }))),
  spaces: mostly(fc.array(mostly(collection), { maxLength: 6 })),
  _links: mostly(tampered(fc.record({ next_page: link, prev_page: link }))),
}));

Deno.test("makeDecoder: the same result as the Schema decoder, for any input", async (t) => {
  for (const [name, decode] of [["generated", fast], ["closures", closures]] as const) {
    await t.step(name, () => {
      let successes = 0;
      fc.assert(
        fc.property(page, (input) => {
          const a = decode(input);
          const b = slow(input);
          assert.equal(a._tag, b._tag, JSON.stringify(input));
          if (Result.isSuccess(a) && Result.isSuccess(b)) {
            assert.deepStrictEqual(a.success, b.success);
            successes++;
          }
        }),
        { numRuns: 3000 },
      );
      assert.ok(successes > 100, `only ${successes} inputs decoded`);
    });
  }
});

Deno.test("makeDecoder: takes the fast path for a well-formed page, the Schema path otherwise", () => {
  assert.equal(hasFastPath(CollectionsPage), true);
  // A Redacted field is a real transformation: decoded by Schema alone.
  assert.equal(hasFastPath(SignatureToken), false);
  const body = {
    pagination: paginationInfo({ page: 1, perPage: 2, totalCount: 3 }),
    spaces: [
      { id: 1, token: "a", name: null, description: "d", space_type: "custom", space_url: "/x" },
      { id: 2, token: "b", name: "n", space_type: "custom", space_url: "/y" },
    ],
    _links: pageLinks({ workspace: "acme", page: 1, perPage: 2, totalPages: 2 }),
  };
  for (const decode of [fast, closures]) {
    const whole = decode({ ...body, spaces: [body.spaces[0]] });
    assert.ok(Result.isSuccess(whole));
    assert.equal(whole.success.spaces[0], body.spaces[0], "the fast path passes a valid object on");
  }
  const decoded = fast(body);
  assert.ok(Result.isSuccess(decoded));
  // The second collection lacks `description`: the Schema path fills in its default.
  assert.equal(decoded.success.spaces[1].description, null);
  assert.deepEqual(fast({ ...body, _links: undefined }), slow({ ...body, _links: undefined }));
});
