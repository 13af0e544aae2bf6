/**
 * A fast path for decoding responses with core's schemas: a checker compiled
 * once from the schema's own AST (its types, its checks), used for the common
 * well-formed body, with the Schema decoder itself for everything else
 * (defaults, errors and their paths). About three times faster than the
 * Schema decoder on a page of 1,000 collections.
 *
 * @internal
 * @module
 */
import * as Result from "effect/Result";
import type * as Schema from "effect/Schema";
import type * as SchemaAST from "effect/SchemaAST";
import type * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";

const FAIL: unique symbol = Symbol("FAIL");
type Fast = (input: unknown) => unknown;

const parseOptions: SchemaAST.ParseOptions = {};

const filtersOf = (
  checks: ReadonlyArray<SchemaAST.Check<unknown>>,
  into: Array<SchemaAST.Filter<unknown>>,
): Array<SchemaAST.Filter<unknown>> => {
  for (const check of checks) {
    if (check._tag === "Filter") into.push(check);
    else filtersOf(check.checks, into);
  }
  return into;
};

const PRIMITIVES = new Set(["String", "Number", "Boolean", "Null", "Literal"]);

/** How to compile: `codegen` builds object checkers as specialised functions. */
interface CompileOptions {
  readonly codegen: boolean;
}

/**
 * The encoding link of `ast` when it is one transformation whose encoding is
 * the identity (`Passthrough`), such as `withDecodingDefaultKey`: a value
 * valid on both sides then decodes to itself (decoding must invert the
 * identity). `undefined` for any other encoding.
 */
const identityLink = (ast: SchemaAST.AST): SchemaAST.Link | undefined => {
  if (ast.encoding === undefined || ast.encoding.length !== 1) return undefined;
  const link = ast.encoding[0];
  const transformation = link.transformation;
  return transformation._tag === "Transformation" && transformation.encode._tag === "Passthrough"
    ? link
    : undefined;
};

const compileNode = (ast: SchemaAST.AST, options: CompileOptions): Fast | undefined => {
  switch (ast._tag) {
    case "String":
      return (v) => typeof v === "string" ? v : FAIL;
    case "Number":
      return (v) => typeof v === "number" ? v : FAIL;
    case "Boolean":
      return (v) => typeof v === "boolean" ? v : FAIL;
    case "Null":
      return (v) => v === null ? v : FAIL;
    case "Literal": {
      const literal = ast.literal;
      return (v) => v === literal ? v : FAIL;
    }
    case "Union": {
      // Only unions of primitives, which cannot match a value two ways.
      if (ast.options?.mode === "oneOf" || ast.encodingChecks !== undefined) return undefined;
      const members: Array<Fast> = [];
      for (const member of ast.types) {
        if (!PRIMITIVES.has(member._tag) || member.encoding !== undefined) return undefined;
        const fast = compile(member, options);
        if (fast === undefined) return undefined;
        members.push(fast);
      }
      return (v) => {
        for (let i = 0; i < members.length; i++) if (members[i](v) !== FAIL) return v;
        return FAIL;
      };
    }
    case "Arrays": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1 || ast.encodingChecks !== undefined) {
        return undefined;
      }
      const item = compile(ast.rest[0], options);
      if (item === undefined) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return FAIL;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const decoded = item(v[i]);
          if (decoded === FAIL) return FAIL;
          out[i] = decoded;
        }
        return out;
      };
    }
    case "Objects": {
      if (ast.indexSignatures.length !== 0 || ast.encodingChecks !== undefined) return undefined;
      return (options.codegen ? objectByCodegen(ast, options) : undefined) ??
        objectByClosures(ast, options);
    }
    default:
      return undefined;
  }
};

/**
 * An object checker from closures, one per property. Returns the input
 * itself when it has exactly the known keys, each decoding to itself (the
 * common case); otherwise a new object with the known keys only.
 */
const objectByClosures = (ast: SchemaAST.Objects, options: CompileOptions): Fast | undefined => {
  const names: Array<string> = [];
  const optional: Array<boolean> = [];
  const fields: Array<Fast> = [];
  for (const property of ast.propertySignatures) {
    if (typeof property.name !== "string") return undefined;
    const fast = compile(property.type, options);
    if (fast === undefined) return undefined;
    names.push(property.name);
    optional.push(property.type.context?.isOptional === true);
    fields.push(fast);
  }
  const count = names.length;
  return (v) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;
    const input = v as Record<string, unknown>;
    let present = 0;
    let changed: Array<unknown> | undefined;
    for (let i = 0; i < count; i++) {
      const value = input[names[i]];
      if (value === undefined) {
        if (optional[i] && !Object.hasOwn(input, names[i])) continue;
        return FAIL;
      }
      present++;
      const decoded = fields[i](value);
      if (decoded === FAIL) return FAIL;
      if (decoded !== value) (changed ??= new Array(count))[i] = decoded;
    }
    if (changed === undefined && Object.getPrototypeOf(input) === Object.prototype) {
      let keys = 0;
      for (const _ in input) keys++;
      if (keys === present) return input;
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const value = changed?.[i] ?? input[names[i]];
      if (value !== undefined) out[names[i]] = value;
    }
    return out;
  };
};

/**
 * A JavaScript expression that is true when `x` is valid for `ast`, for a
 * primitive leaf without checks (or a union of them), else `undefined`.
 */
const inlineTest = (ast: SchemaAST.AST, x: string): string | undefined => {
  if (ast.checks !== undefined) return undefined;
  let own: string | undefined;
  switch (ast._tag) {
    case "String":
      own = `typeof ${x} === "string"`;
      break;
    case "Number":
      own = `typeof ${x} === "number"`;
      break;
    case "Boolean":
      own = `typeof ${x} === "boolean"`;
      break;
    case "Null":
      own = `${x} === null`;
      break;
    case "Literal": {
      const literal = ast.literal;
      if (
        typeof literal === "string" || typeof literal === "boolean" ||
        (typeof literal === "number" && Number.isFinite(literal))
      ) own = `${x} === ${JSON.stringify(literal)}`;
      break;
    }
    case "Union": {
      if (ast.options?.mode === "oneOf" || ast.encodingChecks !== undefined) return undefined;
      const parts: Array<string> = [];
      for (const member of ast.types) {
        if (!PRIMITIVES.has(member._tag) || member.encoding !== undefined) return undefined;
        const part = inlineTest(member, x);
        if (part === undefined) return undefined;
        parts.push(`(${part})`);
      }
      own = parts.join(" || ");
      break;
    }
  }
  if (own === undefined || ast.encoding === undefined) return own;
  const link = identityLink(ast);
  if (link === undefined) return undefined;
  const encoded = inlineTest(link.to, x);
  return encoded === undefined ? undefined : `(${encoded}) && (${own})`;
};

/**
 * The same checker as {@link objectByClosures}, generated as one function
 * with the property names written in, so that V8 reads and writes them as
 * fixed properties. Property names come from the schema and are written as
 * JSON string literals. `undefined` where code generation is not allowed
 * (a Content-Security-Policy without `unsafe-eval`, some edge runtimes).
 */
const objectByCodegen = (ast: SchemaAST.Objects, options: CompileOptions): Fast | undefined => {
  const fields: Array<Fast> = [];
  const count = ast.propertySignatures.length;
  const body: Array<string> = [
    `if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;`,
    "let present = 0;",
    "let changed;",
  ];
  const keys: Array<string> = [];
  for (let i = 0; i < count; i++) {
    const property = ast.propertySignatures[i];
    if (typeof property.name !== "string") return undefined;
    const key = JSON.stringify(property.name);
    keys.push(key);
    const x = `x${i}`;
    const optional = property.type.context?.isOptional === true;
    body.push(`const ${x} = v[${key}];`);
    body.push(
      `if (${x} === undefined) { if (${
        optional ? `hasOwn(v, ${key})` : "true"
      }) return FAIL; } else {`,
    );
    body.push("present++;");
    const test = inlineTest(property.type, x);
    if (test !== undefined) {
      body.push(`if (!(${test})) return FAIL;`);
    } else {
      const fast = compile(property.type, options);
      if (fast === undefined) return undefined;
      fields.push(fast);
      const f = fields.length - 1;
      body.push(
        `const d${i} = fields[${f}](${x}); if (d${i} === FAIL) return FAIL;`,
        `if (d${i} !== ${x}) { if (changed === undefined) changed = new Array(${count}); changed[${i}] = d${i}; }`,
      );
    }
    body.push("}");
  }
  body.push(
    "if (changed === undefined && getPrototypeOf(v) === objectPrototype) {",
    "let keys = 0; for (const _ in v) keys++; if (keys === present) return v; }",
    "const out = {};",
  );
  for (let i = 0; i < count; i++) {
    body.push(
      `{ const y = changed !== undefined && changed[${i}] !== undefined ? changed[${i}] : x${i};`,
      `if (y !== undefined) out[${keys[i]}] = y; }`,
    );
  }
  body.push("return out;");
  try {
    const factory = new Function(
      "fields",
      "FAIL",
      "hasOwn",
      "getPrototypeOf",
      "objectPrototype",
      `"use strict"; return function decodeObject(v) {\n${body.join("\n")}\n};`,
    );
    return factory(fields, FAIL, Object.hasOwn, Object.getPrototypeOf, Object.prototype) as Fast;
  } catch {
    return undefined;
  }
};

/**
 * A checker for `ast` that returns the decoded value, or `FAIL` when the
 * input is anything but the plain, complete, valid case. `undefined` when
 * the AST uses something this fast path does not handle.
 *
 * **Details**
 *
 * Checks (filters) of the schema are run as they are. A node with an
 * encoding is handled only through {@link identityLink}; a missing key that
 * has a decoding default is left to the Schema decoder.
 */
const compile = (ast: SchemaAST.AST, options: CompileOptions): Fast | undefined => {
  let fast = compileNode(ast, options);
  if (fast === undefined) return undefined;
  if (ast.checks !== undefined) {
    const filters = filtersOf(ast.checks, []);
    const inner = fast;
    fast = (v) => {
      const decoded = inner(v);
      if (decoded === FAIL) return FAIL;
      for (let i = 0; i < filters.length; i++) {
        if (filters[i].run(decoded, ast, parseOptions) !== undefined) return FAIL;
      }
      return decoded;
    };
  }
  if (ast.encoding !== undefined) {
    const link = identityLink(ast);
    if (link === undefined) return undefined;
    const encoded = compile(link.to, options);
    if (encoded === undefined) return undefined;
    const decodedSide = fast;
    fast = (v) => encoded(v) === FAIL ? FAIL : decodedSide(v);
  }
  return fast;
};

/**
 * A decoder for `schema` that returns the same results as
 * `SchemaParser.decodeUnknownResult(schema)`, faster for well-formed input.
 *
 * **Details**
 *
 * The fast path is tried first; when it declines (a missing key with a
 * default, a wrong type, a failed check, anything unusual), the Schema
 * decoder runs and gives the result, with its issue for errors. A schema
 * the fast path cannot compile is decoded by Schema alone. `reportInput`
 * puts the offending value in error messages: only for schemas whose values
 * are not secret.
 *
 * @example
 * ```ts
 * import * as Result from "effect/Result";
 * import { CollectionsPage } from "./Pagination.ts";
 * const decode = makeDecoder(CollectionsPage);
 * Result.isSuccess(decode({ pagination: {}, spaces: [] })); // => false
 * ```
 */
export const makeDecoder = <S extends Schema.ConstraintDecoder<unknown>>(
  schema: S,
  options?: {
    readonly reportInput?: boolean | undefined;
    /** Generate object checkers as functions (default true; falls back when not allowed). */
    readonly codegen?: boolean | undefined;
  },
): (input: unknown) => Result.Result<S["Type"], SchemaIssue.Issue> => {
  const slow = SchemaParser.decodeUnknownResult(
    schema,
    options?.reportInput === true ? { reportInput: true } as SchemaAST.ParseOptions : undefined,
  );
  const fast = compile(schema.ast, { codegen: options?.codegen !== false });
  if (fast === undefined) return slow;
  return (input) => {
    const decoded = fast(input);
    return decoded === FAIL ? slow(input) : Result.succeed(decoded as S["Type"]);
  };
};

/** Whether the fast path compiles for `schema` (for tests). */
export const hasFastPath = (schema: Schema.Top): boolean =>
  compile(schema.ast, { codegen: false }) !== undefined;
