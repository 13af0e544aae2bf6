/**
 * The fields of the Discovery API's resources: a handful of kinds (the key,
 * the token, integers, text, timestamps, lists of strings), each with the
 * lenient decoding the reference decides and the plain type it yields.
 * Every resource's schema, its SQLite columns, its CSV cells and its
 * generated seed values are derived from these kinds.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaGetter from "effect/SchemaGetter";

/**
 * What a field holds:
 *
 * - `key`: the resource's ordering key, an integer, never null;
 * - `token`: the resource's token, a string, never null;
 * - `int`: an integer (ids of other resources, counts), or null;
 * - `text`: a string, or null;
 * - `timestamp`: an ISO 8601 string (kept as sent), or null;
 * - `strings`: a list of strings (e-mail addresses), or null.
 */
export type FieldKind = "key" | "token" | "int" | "text" | "timestamp" | "strings";

/**
 * One field of a resource: its kind, what it means, and the other wire
 * names a client accepts for it (Mode's pages spell some fields two ways).
 *
 * @example
 * ```ts
 * import { Field } from "@mode-discovery/core";
 * const views = Field.aliased(Field.int("How often the report was viewed."), "total_views_count");
 * views.aliases; // => ["total_views_count"]
 * ```
 */
export interface Field<K extends FieldKind = FieldKind> {
  /** What the field holds. */
  readonly kind: K;
  /** What the field means (OpenAPI, `--help`, the README). */
  readonly description: string;
  /** Other names the field may carry on the wire; decoding yields the field's own name. */
  readonly aliases: ReadonlyArray<string>;
}

/** The fields of a resource, by wire name. */
export type Fields = { readonly [name: string]: Field };

/** The decoded value of a field of kind `K`. */
export type FieldValue<K extends FieldKind> = K extends "key" ? number
  : K extends "token" ? string
  : K extends "int" ? number | null
  : K extends "strings" ? ReadonlyArray<string> | null
  : string | null;

/** The value the server sends for a field of kind `K`. */
export type WireValue<K extends FieldKind> = K extends "key" ? number | string
  : K extends "token" ? string
  : K extends "int" ? number | string | null
  : K extends "strings" ? ReadonlyArray<string> | null
  : string | null;

/** One decoded row of a resource with fields `F`: a plain object, every field present. */
export type Row<F extends Fields> = { readonly [K in keyof F]: FieldValue<F[K]["kind"]> };

/** One row as found on the wire (before decoding) for fields `F`. */
export type WireRow<F extends Fields> = { readonly [K in keyof F]: WireValue<F[K]["kind"]> };

const make = <K extends FieldKind>(kind: K) => (description: string): Field<K> => ({
  kind,
  description,
  aliases: [],
});

/** The resource's ordering key: an integer, also accepted as a string of digits. */
export const key: (description: string) => Field<"key"> = make("key");

/** The resource's token: a string, required. */
export const token: (description: string) => Field<"token"> = make("token");

/** An integer or null; a string of digits is accepted and yields a number. */
export const int: (description: string) => Field<"int"> = make("int");

/** A string or null. */
export const text: (description: string) => Field<"text"> = make("text");

/** An ISO 8601 timestamp string or null; the client keeps whatever string came. */
export const timestamp: (description: string) => Field<"timestamp"> = make("timestamp");

/** A list of strings or null. */
export const strings: (description: string) => Field<"strings"> = make("strings");

/**
 * `field`, also accepted under `aliases` when decoding (the server always
 * sends the field's own name).
 */
export const aliased = <K extends FieldKind>(
  field: Field<K>,
  ...aliases: Array<string>
): Field<K> => ({
  ...field,
  aliases: [...field.aliases, ...aliases],
});

/** Whether a field of this kind may be null (every kind but the key and the token). */
export const isNullable = (kind: FieldKind): boolean => kind !== "key" && kind !== "token";

const DIGITS = /^[0-9]{1,15}$/;

/** A string of 1 to 15 digits, decoded to the number it spells. */
const DigitString = Schema.String.check(
  Schema.makeFilter((s: string) =>
    DIGITS.test(s)
      ? undefined
      : `expected an integer or a string of digits, got ${JSON.stringify(s.slice(0, 40))}`
  ),
).pipe(Schema.decodeTo(Schema.Int, {
  decode: SchemaGetter.transform((s: string) => Number(s)),
  encode: SchemaGetter.transform((n: number) => String(n)),
}));

/**
 * An integer, also accepted as a string of digits (Mode's tables type some
 * ids as strings); always yields a number and encodes as a number.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { Field } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(Field.LenientInt)("170"); // => 170
 * ```
 */
export const LenientInt: Schema.Codec<number, number | string> = Schema.Union([
  Schema.Int,
  DigitString,
]).annotate({ expected: "an integer or a string of digits" });

const nullDefault = Schema.withDecodingDefaultKey(Effect.succeed(null));

/**
 * The Schema of one field: strict about the key and the token, lenient
 * (optional, nullable, digit strings) about everything else.
 */
export const schemaOf = (field: Field): Schema.Top => {
  const annotations = { description: field.description };
  switch (field.kind) {
    case "key":
      return LenientInt.annotate(annotations);
    case "token":
      return Schema.String.annotate(annotations);
    case "int":
      return Schema.NullOr(LenientInt).annotate(annotations).pipe(nullDefault);
    case "strings":
      return Schema.NullOr(Schema.Array(Schema.String)).annotate(annotations).pipe(nullDefault);
    case "text":
    case "timestamp":
      return Schema.NullOr(Schema.String).annotate(annotations).pipe(nullDefault);
  }
};

/** The Schema of a field's decoded value (no leniency: what the server holds and sends). */
export const valueSchemaOf = (field: Field): Schema.Top => {
  switch (field.kind) {
    case "key":
      return Schema.Int;
    case "token":
      return Schema.String;
    case "int":
      return Schema.NullOr(Schema.Int);
    case "strings":
      return Schema.NullOr(Schema.Array(Schema.String));
    case "text":
    case "timestamp":
      return Schema.NullOr(Schema.String);
  }
};
