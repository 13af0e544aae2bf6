/**
 * Checks a value against one of core's schemas and returns the schema's own
 * message, so the command's errors say exactly what the contract says.
 *
 * @internal
 * @module
 */
import * as Result from "effect/Result";
import type * as Schema from "effect/Schema";
import * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

/** The first problem of `value` against `schema`, or `undefined` when it is valid. */
export const schemaProblem = <A>(schema: Schema.Decoder<A>, value: unknown): string | undefined => {
  const result = SchemaParser.decodeUnknownResult(schema)(value);
  if (Result.isSuccess(result)) return undefined;
  return formatter(result.failure).issues[0]?.message ?? "invalid value";
};
