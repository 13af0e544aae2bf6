import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import { Collection, spaceUrl } from "./Collection.ts";

const decode = Schema.decodeUnknownSync(Collection);
const decodeExit = Schema.decodeUnknownExit(Collection);

const reference = {
  id: 170,
  token: "728f6328ea67",
  name: null,
  description: null,
  space_type: "custom",
  space_url: "/api/modeanalytics/spaces/728f6328ea67",
};

Deno.test("Collection decodes the reference page's example object", () => {
  assert.deepEqual(decode(reference), reference);
});

Deno.test("Collection drops unknown extra fields instead of failing", () => {
  const decoded = decode({ ...reference, restricted: true, links: { a: 1 } });
  assert.deepEqual(decoded, reference);
  assert.equal("restricted" in decoded, false);
});

Deno.test("Collection treats a missing name or description as null", () => {
  const { name: _n, description: _d, ...rest } = reference;
  assert.deepEqual(decode(rest), reference);
});

Deno.test("Collection treats every missing field but id and token as null", () => {
  assert.deepEqual(decode({ id: 170, token: "728f6328ea67" }), {
    id: 170,
    token: "728f6328ea67",
    name: null,
    description: null,
    space_type: null,
    space_url: null,
  });
  assert.equal(decodeExit({ token: "728f6328ea67" })._tag, "Failure", "the id is required");
  assert.equal(decodeExit({ id: 170 })._tag, "Failure", "the token is required");
});

Deno.test("Collection accepts an id sent as a string of digits and yields a number", () => {
  assert.equal(decode({ ...reference, id: "170" }).id, 170);
  assert.deepEqual(Schema.encodeSync(Collection)(decode({ ...reference, id: "170" })), reference);
});

Deno.test("Collection keeps unicode, quotes, commas and newlines intact", () => {
  const awkward = { ...reference, name: 'Ünïcødé, "quoted"\nline 2 — 数据', description: "a,b" };
  assert.deepEqual(decode(awkward), awkward);
  assert.deepEqual(Schema.encodeSync(Collection)(awkward), awkward);
});

Deno.test("Collection rejects wrong types with the path of the bad field", async (t) => {
  const cases: Array<[string, unknown, string]> = [
    ["fractional id", { ...reference, id: 1.5 }, "id"],
    ["string id", { ...reference, id: "abc" }, "id"],
    ["numeric token", { ...reference, token: 12 }, "token"],
    ["undefined space_type", { ...reference, space_type: undefined }, "space_type"],
    ["numeric name", { ...reference, name: 5 }, "name"],
  ];
  for (const [label, input, field] of cases) {
    await t.step(label, () => {
      const exit = decodeExit(input);
      assert.equal(exit._tag, "Failure");
      assert.match(String(exit), new RegExp(`\\["${field}"\\]`));
    });
  }
});

Deno.test("spaceUrl builds Mode's /api/{workspace}/spaces/{token} form", () => {
  assert.equal(spaceUrl("modeanalytics", "728f6328ea67"), reference.space_url);
});
