/**
 * The page decoder of the client: a checker generated once per resource from
 * its columns (their kinds and aliases), giving exactly what the resource's
 * page Schema decodes to, for the common well-formed body; the Schema
 * decoder itself runs for everything else and gives the error with its path.
 *
 * @internal
 * @module
 */
import * as Result from "effect/Result";
import type * as SchemaAST from "effect/SchemaAST";
import * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";
import type { FieldKind } from "./Field.ts";
import * as Resource from "./Resource.ts";

/** Returned by a checker for anything it does not take: the Schema decoder decides. */
const FAIL: unique symbol = Symbol("FAIL");

type Check = (value: unknown) => unknown;

const DIGITS = /^[0-9]{1,15}$/;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

const isStrings = (v: unknown): boolean => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
};

/** The decoded value of a present field of `kind`, or `FAIL`. */
const valueOf = (kind: FieldKind, v: unknown): unknown => {
  switch (kind) {
    case "key":
      return isInt(v) ? v : typeof v === "string" && DIGITS.test(v) ? Number(v) : FAIL;
    case "token":
      return typeof v === "string" ? v : FAIL;
    case "int":
      return v === null || isInt(v)
        ? v
        : typeof v === "string" && DIGITS.test(v)
        ? Number(v)
        : FAIL;
    case "strings": {
      if (v === null) return v;
      if (!Array.isArray(v)) return FAIL;
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return FAIL;
      return v;
    }
    case "text":
    case "timestamp":
      return v === null || typeof v === "string" ? v : FAIL;
  }
};

/**
 * The item checker from closures (no code generation): each column in turn,
 * aliases filling a field that is null or absent, a new object with the
 * resource's fields only.
 */
const itemByClosures = (columns: ReadonlyArray<Resource.Column>): Check => (v) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;
  const input = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const column of columns) {
    const raw = input[column.name];
    let value: unknown;
    if (raw === undefined) {
      if (column.kind === "key" || column.kind === "token" || Object.hasOwn(input, column.name)) {
        return FAIL;
      }
      value = null;
    } else {
      value = valueOf(column.kind, raw);
      if (value === FAIL) return FAIL;
    }
    for (const alias of column.aliases) {
      const other = input[alias];
      if (other === undefined) {
        if (Object.hasOwn(input, alias)) return FAIL;
        continue;
      }
      // An alias present is checked even when the field's own name wins.
      const decoded = valueOf(column.kind === "key" ? "int" : column.kind, other);
      if (decoded === FAIL) return FAIL;
      if (value === null) value = decoded;
    }
    out[column.name] = value;
  }
  return out;
};

/**
 * The same checker as {@link itemByClosures}, generated as one function with
 * the field names written in, so that V8 builds every decoded item with the
 * same fixed shape. Names come from the resource's columns and are written
 * as JSON string literals. `undefined` where code generation is not allowed
 * (a Content-Security-Policy without `unsafe-eval`, some edge runtimes).
 */
const itemByCodegen = (columns: ReadonlyArray<Resource.Column>): Check | undefined => {
  const body: Array<string> = [
    `if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;`,
  ];
  const names: Array<string> = [];
  columns.forEach((column, i) => {
    const x = `x${i}`;
    const key = JSON.stringify(column.name);
    names.push(`${key}: ${x}`);
    const required = column.kind === "key" || column.kind === "token";
    body.push(`let ${x} = v[${key}];`);
    body.push(
      `if (${x} === undefined) { ${
        required ? "return FAIL;" : `if (hasOwn(v, ${key})) return FAIL; ${x} = null;`
      } }`,
    );
    switch (column.kind) {
      case "token":
        body.push(`else if (typeof ${x} !== "string") return FAIL;`);
        break;
      case "text":
      case "timestamp":
        body.push(`else if (${x} !== null && typeof ${x} !== "string") return FAIL;`);
        break;
      default:
        body.push(
          `else { ${x} = valueOf(${
            JSON.stringify(column.kind)
          }, ${x}); if (${x} === FAIL) return FAIL; }`,
        );
    }
    for (const alias of column.aliases) {
      const a = JSON.stringify(alias);
      const kind = JSON.stringify(column.kind === "key" ? "int" : column.kind);
      body.push(
        `{ const y = v[${a}]; if (y === undefined) { if (hasOwn(v, ${a})) return FAIL; } else { const z = valueOf(${kind}, y); if (z === FAIL) return FAIL; if (${x} === null) ${x} = z; } }`,
      );
    }
  });
  body.push(`return { ${names.join(", ")} };`);
  try {
    const factory = new Function(
      "FAIL",
      "hasOwn",
      "valueOf",
      `"use strict"; return function decodeItem(v) {\n${body.join("\n")}\n};`,
    );
    return factory(FAIL, Object.hasOwn, valueOf) as Check;
  } catch {
    return undefined;
  }
};

/**
 * Checks a page's items from index `from` while each is its own decoded
 * item (an object with exactly the fields, in their order, each already in
 * its decoded form), writing their keys into `keys`; returns the index of
 * the first that is not (the length when all are).
 */
type AsIsRun = (items: ReadonlyArray<unknown>, keys: Float64Array, from: number) => number;

/**
 * The {@link AsIsRun} of `columns`, generated as one small loop with the
 * field names written in: the common well-formed page is checked without a
 * call per item and without copying an item. `undefined` where code
 * generation is not allowed.
 */
const asIsRunByCodegen = (
  columns: ReadonlyArray<Resource.Column>,
  key: string,
): AsIsRun | undefined => {
  const checks = columns.map((column) => {
    const x = `v[${JSON.stringify(column.name)}]`;
    switch (column.kind) {
      case "key":
        return `isInt(${x})`;
      case "token":
        return `typeof ${x} === "string"`;
      case "int":
        return `(${x} === null || isInt(${x}))`;
      case "strings":
        return `(${x} === null || isStrings(${x}))`;
      case "text":
      case "timestamp":
        return `(${x} === null || typeof ${x} === "string")`;
    }
  });
  const code = [
    `"use strict"; return function asIsRun(items, keys, from) {`,
    `  const n = items.length;`,
    `  let i = from;`,
    `  for (; i < n; i++) {`,
    `    const v = items[i];`,
    `    if (typeof v !== "object" || v === null || Array.isArray(v)) break;`,
    `    let j = 0, same = true;`,
    `    for (const k in v) { if (k !== NAMES[j++]) { same = false; break; } }`,
    `    if (!same || j !== ${columns.length} || !(${checks.join(" && ")})) break;`,
    `    keys[i] = v[${JSON.stringify(key)}];`,
    `  }`,
    `  return i;`,
    `};`,
  ].join("\n");
  try {
    return new Function("isInt", "isStrings", "NAMES", code)(
      isInt,
      isStrings,
      columns.map((column) => column.name),
    ) as AsIsRun;
  } catch {
    return undefined;
  }
};

/** Whether `v`'s enumerable keys are `keys`, in that order. */
const sameKeys = (v: object, keys: ReadonlyArray<string>): boolean => {
  let j = 0;
  for (const k in v) if (k !== keys[j++]) return false;
  return j === keys.length;
};

const COUNTS = ["page", "per_page", "count", "total_pages", "total_count"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const pagination = (v: unknown): unknown => {
  if (!isRecord(v)) return FAIL;
  const out: Record<string, number> = {};
  for (const name of COUNTS) {
    const n = v[name];
    if (!isInt(n) || n < 0) return FAIL;
    out[name] = n;
  }
  return out;
};

const link = (v: unknown): unknown =>
  isRecord(v) && typeof v.href === "string" ? { href: v.href } : FAIL;

const links = (v: unknown): unknown => {
  if (v === undefined) return {};
  if (!isRecord(v)) return FAIL;
  const out: Record<string, unknown> = {};
  for (const name of ["next_page", "prev_page"]) {
    const raw = v[name];
    if (raw === undefined) {
      if (Object.hasOwn(v, name)) return FAIL;
      continue;
    }
    const decoded = link(raw);
    if (decoded === FAIL) return FAIL;
    out[name] = decoded;
  }
  return out;
};

/** How to build the item checker: generated (default) or from closures. */
export interface PageDecoderOptions {
  /** Generate the item checker as a function (default true; falls back when not allowed). */
  readonly codegen?: boolean | undefined;
  /**
   * The model's resources: a row whose every field is one of theirs, with
   * fields this resource does not have, is refused (`Resource.foreignItem`).
   */
  readonly among?: ReadonlyArray<Resource.Any> | undefined;
}

/**
 * A decoded page with its items' keys, as {@link makeKeyedPageDecoder} gives
 * it.
 */
export interface KeyedPage<P> {
  readonly page: P;
  /**
   * The key of every item, in order, read while the items were checked;
   * `undefined` when the Schema decoder gave the page (the caller reads the
   * keys from the items then).
   */
  readonly keys: Float64Array | undefined;
}

/**
 * The fast path and the Schema fallback of `resource`'s page decoder; the
 * fast path collects the items' keys in its one pass over them.
 */
const build = <R extends Resource.Any>(
  resource: R,
  options: PageDecoderOptions | undefined,
): (input: unknown) => Result.Result<KeyedPage<Resource.PageOf<R>>, SchemaIssue.Issue> => {
  const slow = SchemaParser.decodeUnknownResult(
    resource.page,
    { reportInput: true } as SchemaAST.ParseOptions,
  ) as (input: unknown) => Result.Result<Resource.PageOf<R>, SchemaIssue.Issue>;
  const codegen = options?.codegen !== false;
  const item = (codegen ? itemByCodegen(resource.columns) : undefined) ??
    itemByClosures(resource.columns);
  const segment = resource.segment;
  const key = resource.key;
  const asIsRun: AsIsRun = (codegen ? asIsRunByCodegen(resource.columns, key) : undefined) ??
    ((_items, _keys, from) => from);
  const among = options?.among ?? [];
  /** The items of `raw` decoded, their keys in `keys`; `FAIL` if one is not an item. */
  const decodeItems = (
    raw: ReadonlyArray<unknown>,
    keys: Float64Array,
  ): ReadonlyArray<unknown> | typeof FAIL => {
    const n = raw.length;
    let i = asIsRun(raw, keys, 0);
    // The common page: every item is its own decoded item, and so is the array.
    if (i === n) return raw;
    const items = raw.slice(0, i);
    // The keys, in order, of the last item found not to be another
    // resource's row: that check reads only an item's keys, so the items of
    // the same shape after it (a server with its own field order, or an
    // extra field on every row) are not checked again one by one.
    let checked: ReadonlyArray<string> | undefined;
    while (i < n) {
      const v = raw[i];
      const decoded = item(v);
      if (decoded === FAIL) return FAIL;
      if (checked === undefined || !sameKeys(v as object, checked)) {
        // An item that was not taken as it is may be another resource's row.
        if (Resource.foreignItem(resource, v, among) !== undefined) return FAIL;
        checked = Object.keys(v as object);
      }
      items.push(decoded);
      keys[i] = (decoded as Record<string, number>)[key];
      const end = asIsRun(raw, keys, ++i);
      for (; i < end; i++) items.push(raw[i]);
    }
    return items;
  };
  const fast = (input: unknown): KeyedPage<Resource.PageOf<R>> | typeof FAIL => {
    if (!isRecord(input)) return FAIL;
    const info = pagination(input.pagination);
    if (info === FAIL) return FAIL;
    const raw = input[segment];
    if (!Array.isArray(raw)) return FAIL;
    const keys = new Float64Array(raw.length);
    const items = decodeItems(raw, keys);
    if (items === FAIL) return FAIL;
    if (input._links === undefined && Object.hasOwn(input, "_links")) return FAIL;
    const decodedLinks = links(input._links);
    if (decodedLinks === FAIL) return FAIL;
    const page = { pagination: info, [segment]: items, _links: decodedLinks };
    return { page: page as Resource.PageOf<R>, keys };
  };
  // The Schema takes any object with a key and a token: another resource's
  // rows under this one's array key are told apart here.
  const foreign = (input: unknown): SchemaIssue.Issue | undefined => {
    const raw = (input as Record<string, unknown>)[segment] as ReadonlyArray<unknown>;
    for (let i = 0; i < raw.length; i++) {
      const message = Resource.foreignItem(resource, raw[i], among);
      if (message !== undefined) {
        return new SchemaIssue.Pointer(
          [segment, i],
          new SchemaIssue.InvalidValue({ message }, raw[i]),
        );
      }
    }
    return undefined;
  };
  return (input) => {
    const decoded = fast(input);
    if (decoded !== FAIL) return Result.succeed(decoded);
    const result = slow(input);
    if (Result.isFailure(result)) return Result.fail(result.failure);
    const issue = foreign(input);
    return issue === undefined
      ? Result.succeed({ page: result.success, keys: undefined })
      : Result.fail(issue);
  };
};

/**
 * A decoder of `resource`'s pages with the same results as
 * `SchemaParser.decodeUnknownResult(resource.page)`, faster for well-formed
 * input.
 *
 * **Details**
 *
 * The fast path checks the envelope and every item against the columns'
 * kinds and builds the decoded page (unknown fields dropped, missing fields
 * null, digit strings as numbers, aliases read). When it declines, the
 * Schema decoder runs and gives the result, with its issue for errors.
 * Page values are not secret, so errors quote the offending value.
 *
 * @example
 * ```ts
 * import * as Result from "effect/Result";
 * import { reports } from "./Resources.ts";
 * const decode = makePageDecoder(reports);
 * Result.isSuccess(decode({ pagination: {}, reports: [] })); // => false
 * ```
 */
export const makePageDecoder = <R extends Resource.Any>(
  resource: R,
  options?: PageDecoderOptions,
): (input: unknown) => Result.Result<Resource.PageOf<R>, SchemaIssue.Issue> =>
  withoutKeys(build(resource, options));

/**
 * The page decoder of {@link makePageDecoder} from a keyed decoder already
 * built (no second decoder for the same resource).
 */
export const withoutKeys = <P>(
  decode: (input: unknown) => Result.Result<KeyedPage<P>, SchemaIssue.Issue>,
): (input: unknown) => Result.Result<P, SchemaIssue.Issue> =>
(input) => Result.map(decode(input), (keyed) => keyed.page);

/**
 * The decoder of {@link makePageDecoder}, giving each page with its items'
 * keys (the resource's key column, in item order).
 *
 * **When to use**
 *
 * For a reader that needs every item's key (the listing's deduplication):
 * the keys come from the decoder's own pass over the items, so the reader
 * makes no second pass over them: measured in the client's listing, a
 * pass of its own over each page's parsed items made every later
 * `JSON.parse` of the listing slower.
 *
 * @example
 * ```ts
 * import * as Result from "effect/Result";
 * import { collections } from "./Resources.ts";
 * const decode = makeKeyedPageDecoder(collections);
 * const result = decode({
 *   pagination: { page: 1, per_page: 100, count: 1, total_pages: 1, total_count: 1 },
 *   spaces: [{ id: 7, token: "abc" }],
 * });
 * Result.isSuccess(result) && result.success.keys; // => Float64Array [7]
 * ```
 */
export const makeKeyedPageDecoder = <R extends Resource.Any>(
  resource: R,
  options?: PageDecoderOptions,
): (input: unknown) => Result.Result<KeyedPage<Resource.PageOf<R>>, SchemaIssue.Issue> =>
  build(resource, options);
