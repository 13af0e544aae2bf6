/**
 * fast-check arbitraries of what a Discovery API server might answer: valid
 * pages and tokens, the same with random mutations (keys dropped, wrong
 * types, nulls, huge numbers, prototype keys), random JSON, text that is not
 * JSON, bodies cut short, huge arrays and deep nesting.
 *
 * @internal
 * @module
 */
import fc from "fast-check";
import { collections, type Field, type Resource } from "@mode-discovery/core";

/** A JSON value, as JSON.parse gives it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One HTTP answer to serve to the client under test. */
export interface FuzzResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What made the body, for counts and failure reports. */
  readonly kind: string;
}

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("", "custom", "private", "<b>", "\u0000", "\u202e", "😀", "a\nb"),
);

const nullableText = fc.oneof(fc.constant(null), text);

const count = fc.integer({ min: 0, max: 100_000 });

const link = fc.record({ href: text });

/** A whole number as the reference allows it for ids: a number, or a string of digits. */
const lenientInt = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }).map(String) as fc.Arbitrary<Json> },
);

const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString()),
  text,
);

/** A value of a field of `kind`, of the right type (leniently: nulls, digit strings). */
const valueOf = (kind: Field.FieldKind): fc.Arbitrary<Json> => {
  switch (kind) {
    case "key":
      return lenientInt;
    case "token":
      return text;
    case "int":
      return fc.oneof(fc.constant(null), lenientInt);
    case "text":
      return nullableText;
    case "timestamp":
      return fc.oneof(fc.constant(null), timestamp);
    case "strings":
      return fc.oneof(fc.constant(null), fc.array(text, { maxLength: 3 }));
  }
};

/**
 * One item of `resource` from its fields: the key and the token always,
 * every other field (and each alias of one, such as `total_views_count`)
 * maybe, each of its kind.
 */
export const itemOf = (resource: Resource.Any): fc.Arbitrary<Json> => {
  const fields: Record<string, fc.Arbitrary<Json>> = {};
  for (const column of resource.columns) {
    fields[column.name] = valueOf(column.kind);
    for (const alias of column.aliases) fields[alias] = valueOf(column.kind);
  }
  return fc.record(fields, { requiredKeys: [resource.key, resource.token] }) as fc.Arbitrary<Json>;
};

/** A well-formed page of `resource` (field values random but of the right types). */
export const validPageOf = (resource: Resource.Any): fc.Arbitrary<Json> =>
  fc.record({
    pagination: fc.record({
      page: count,
      per_page: count,
      count: count,
      total_pages: count,
      total_count: count,
    }),
    [resource.segment]: fc.array(itemOf(resource), { maxLength: 6 }),
    _links: fc.record({ next_page: link, prev_page: link }, { requiredKeys: [] }),
  }) as fc.Arbitrary<Json>;

/** A well-formed collections page (field values random but of the right types). */
export const validPage: fc.Arbitrary<Json> = validPageOf(collections);

/** A well-formed signature token as created by the API. */
export const validToken: fc.Arbitrary<Json> = fc.record({
  token: text,
  name: text,
  creator_id: fc.oneof(fc.integer(), text),
  organization_id: fc.oneof(fc.integer(), text),
  access_key: text,
  access_secret: fc.string({ minLength: 8, maxLength: 24 }).map((s) => `secret-${s}`),
  created_at: text,
  updated_at: text,
  expires_at: text,
  authentication_for: text,
  authorization_type: text,
}) as fc.Arbitrary<Json>;

/** Values that break a field: wrong types, edge numbers, prototype-ish objects. */
const badValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    null,
    -1,
    1.5,
    1e308,
    -0,
    2 ** 53 + 2,
    "1",
    "",
    true,
    [],
    {},
    [null],
    { __proto__: null } as unknown as Json,
  ),
);

type Mutation =
  | { readonly op: "delete"; readonly at: number }
  | { readonly op: "replace"; readonly at: number; readonly value: Json }
  | { readonly op: "wrap"; readonly at: number }
  | { readonly op: "extra"; readonly at: number; readonly key: string; readonly value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), value: badValue }),
  fc.record({ op: fc.constant("wrap" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("extra" as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "id", "spaces"),
      fc.string({ maxLength: 8 }),
    ),
    value: badValue,
  }),
);

/** Every (container, key) pair of a JSON value, depth first. */
const slots = (value: Json, into: Array<[Json[] | Record<string, Json>, string | number]>) => {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      into.push([value, i]);
      slots(item, into);
    });
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      into.push([value, key]);
      slots(value[key], into);
    }
  }
  return into;
};

/**
 * A copy of a generated value: fast-check hands out the same constant
 * objects again, and a later mutation must not change them (or make a cycle).
 */
const fresh = (value: Json): Json =>
  value === undefined ? value : JSON.parse(JSON.stringify(value));

/** Applies mutations to a deep copy of `value`. */
export const mutate = (value: Json, mutations: ReadonlyArray<Mutation>): Json => {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  for (const m of mutations) {
    const all = slots(copy, []);
    if (all.length === 0) break;
    const [container, key] = all[m.at % all.length];
    const target = container as Record<string | number, Json>;
    switch (m.op) {
      case "delete":
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete target[key];
        break;
      case "replace":
        target[key] = fresh(m.value);
        break;
      case "wrap":
        target[key] = [target[key]];
        break;
      case "extra": {
        const inner = target[key];
        if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
          Object.defineProperty(inner, m.key, {
            value: fresh(m.value),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        break;
      }
    }
  }
  return copy;
};

/** Text-level damage: cut short, a byte flipped, garbage around it. */
const damage = (body: string, at: number, how: number): string => {
  const cut = body.length === 0 ? 0 : at % body.length;
  switch (how % 6) {
    case 0:
      return body.slice(0, cut);
    case 1:
      return `${body.slice(0, cut)}\u0000${body.slice(cut + 1)}`;
    case 2:
      return `\ufeff${body}`;
    case 3:
      return `${body}garbage`;
    case 4:
      return `${body.slice(0, cut)}"${body.slice(cut)}`;
    default:
      return `${body.slice(0, cut)}}]${body.slice(cut)}`;
  }
};

const COLLECTION_ROW =
  '{"id":ID,"token":"t0k3n","name":null,"description":"d","space_type":"custom","space_url":"/api/acme/spaces/t0k3n"}';

/** One row of `resource` as text with `ID` for its key (collections: every field). */
const rowTemplate = (resource: Resource.Any): string =>
  resource === collections ? COLLECTION_ROW : `{"${resource.key}":ID,"${resource.token}":"t0k3n"}`;

/** A page of `resource` with `n` rows built as text (fast), the last row possibly broken. */
const hugePage = (resource: Resource.Any, n: number, brokenLast: boolean): string => {
  const row = rowTemplate(resource);
  const rows = new Array<string>(n);
  for (let i = 0; i < n; i++) rows[i] = row.replace("ID", String(i + 1));
  if (brokenLast && n > 0) rows[n - 1] = row.replace("ID", `"x${n}"`);
  return `{"pagination":{"page":1,"per_page":${n},"count":${n},"total_pages":1,"total_count":${n}},"${resource.segment}":[${
    rows.join(",")
  }],"_links":{}}`;
};

/** A body of `resource` nested `depth` levels deep at `where`. */
const deepBody = (
  resource: Resource.Any,
  depth: number,
  where: "top" | "pagination" | "field" | "token",
): string => {
  const open = where === "token" ? '{"a":'.repeat(depth) : "[".repeat(depth);
  const close = where === "token" ? "}".repeat(depth) : "]".repeat(depth);
  const nested = `${open}1${close}`;
  const field = resource.columns.find((c) => c.kind !== "key" && c.kind !== "token")?.name ??
    "name";
  switch (where) {
    case "top":
      return nested;
    case "pagination":
      return `{"pagination":${nested},"${resource.segment}":[]}`;
    default:
      return `{"pagination":{"page":1,"per_page":1,"count":1,"total_pages":1,"total_count":1},"${resource.segment}":[{"${resource.key}":1,"${resource.token}":${
        where === "token" ? nested : '"t"'
      },"${field}":${where === "field" ? nested : "null"}}]}`;
  }
};

/** How the fuzzer weighs body kinds. `heavy` adds huge arrays and deep nesting. */
export const bodyArbitrary = (
  valid: fc.Arbitrary<Json>,
  options: { readonly heavy: boolean; readonly resource?: Resource.Any | undefined },
): fc.Arbitrary<{ readonly body: string; readonly kind: string }> => {
  const resource = options.resource ?? collections;
  const kinds: Array<fc.WeightedArbitrary<{ readonly body: string; readonly kind: string }>> = [
    { weight: 5, arbitrary: valid.map((v) => ({ body: JSON.stringify(v), kind: "valid" })) },
    {
      weight: 8,
      arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map((
        [v, ms],
      ) => ({ body: JSON.stringify(mutate(v, ms)), kind: "mutated" })),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.nat(), fc.nat()).map(([v, at, how]) => ({
        body: damage(JSON.stringify(v), at, how),
        kind: "damaged",
      })),
    },
    {
      weight: 3,
      arbitrary: fc.json({ maxDepth: 4 }).map((body) => ({ body, kind: "random-json" })),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.string({ unit: "binary", maxLength: 64 }),
        fc.constantFrom(
          "",
          " ",
          "<!doctype html><html><body>Sign in</body></html>",
          "null",
          "[]",
          "{}",
          "NaN",
          '{"id":"not_found","message":"x"}',
          "\u0000\u0001",
        ),
      ).map((body) => ({ body, kind: "text" })),
    },
  ];
  if (options.heavy) {
    kinds.push(
      {
        weight: 1,
        arbitrary: fc.tuple(fc.integer({ min: 10_000, max: 120_000 }), fc.boolean()).map((
          [n, broken],
        ) => ({ body: hugePage(resource, n, broken), kind: "huge-array" })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constantFrom(1_000, 10_000, 100_000, 1_000_000),
          fc.constantFrom(
            "top" as const,
            "pagination" as const,
            "field" as const,
            "token" as const,
          ),
        ).map(([depth, where]) => ({
          body: deepBody(
            resource,
            where === "field" || where === "token" ? Math.min(depth, 100_000) : depth,
            where,
          ),
          kind: "deep-nesting",
        })),
      },
    );
  }
  return fc.oneof(...kinds);
};

const STATUSES = [200, 200, 200, 201, 204, 301, 302, 303, 307, 400, 401, 403, 404, 405, 408, 409];
const STATUSES_MORE = [410, 418, 422, 429, 429, 500, 501, 502, 503, 504, 520, 599, 302, 308];

/** Response headers a server might send, sane or not. */
const headers = fc.record({
  "content-type": fc.constantFrom(
    "application/json",
    "text/html",
    "application/json; charset=utf-16",
    "",
    "garbage",
  ),
  "retry-after": fc.oneof(
    fc.constantFrom("0", "1", "-1", "soon", "99999999999", "Wed, 21 Oct 2015 07:28:00 GMT", ""),
    fc.string({ maxLength: 8 }),
  ),
  location: fc.oneof(
    fc.constantFrom(
      "/batch/acme/spaces?page=2",
      "https://evil.example/steal",
      "//evil.example/x",
      "javascript:alert(1)",
      "",
      "http://fuzz.test/batch/acme/spaces?page=1&per_page=1000",
    ),
    fc.string({ maxLength: 20 }),
  ),
}, { requiredKeys: [] }).map((h) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined && !/[^\t\x20-\x7e]/.test(v)) out[k] = v;
  }
  return out;
});

/** One random answer (status, headers and a body of the given kinds). */
export const responseArbitrary = (
  valid: fc.Arbitrary<Json>,
  options: { readonly heavy: boolean; readonly resource?: Resource.Any | undefined },
): fc.Arbitrary<FuzzResponse> =>
  fc.tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(200) },
      { weight: 3, arbitrary: fc.constantFrom(...STATUSES) },
      { weight: 1, arbitrary: fc.constantFrom(...STATUSES_MORE) },
      { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
    ),
    headers,
    bodyArbitrary(valid, options),
  ).map(([status, h, { body, kind }]) => ({ status, headers: h, body, kind }));
