/**
 * CSV output per RFC 4180: a header row of the resource's wire field names,
 * CRLF line endings, and fields quoted when they hold a quote, comma, CR or
 * LF (quotes doubled inside). Unicode passes through unchanged as UTF-8;
 * `null` is an empty field; a list (report stats' e-mail addresses) is its
 * JSON text.
 *
 * @module
 */
import { type AnyResource, collections } from "@mode-discovery/core/Resources";
import type { Row, RowWriter } from "./RowWriter.ts";

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field: quoted (with inner quotes doubled) when RFC 4180 requires it.
 *
 * @example
 * ```ts
 * import { csvField } from "@mode-discovery/cli";
 * csvField('say "hi", then go'); // => '"say ""hi"", then go"'
 * csvField(null); // => ""
 * ```
 */
export const csvField = (value: string | number | null | undefined): string => {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * One CSV record: fields joined by commas, ended by CRLF.
 *
 * @example
 * ```ts
 * import { csvRecord } from "@mode-discovery/cli";
 * csvRecord(["a", "b,c"]); // => 'a,"b,c"\r\n'
 * ```
 */
export const csvRecord = (values: ReadonlyArray<string | number | null | undefined>): string =>
  `${values.map(csvField).join(",")}\r\n`;

/** A cell's text: empty for null, JSON text for a list, the value otherwise. */
const cellOf = (value: unknown): string | number | null | undefined =>
  Array.isArray(value) ? JSON.stringify(value) : value as string | number | null | undefined;

/**
 * A streaming CSV writer of `resource`'s items (default collections): the
 * header names every field, each row gives every field.
 *
 * @example
 * ```ts
 * import { Csv } from "@mode-discovery/cli";
 * Csv.make().start(); // => "id,token,name,description,space_type,space_url\r\n"
 * ```
 */
export const make = (resource: AnyResource = collections): RowWriter => {
  const names = resource.columns.map((c) => c.name);
  return {
    start: () => csvRecord(names),
    rows: (batch: ReadonlyArray<Row>, emit) => {
      for (const row of batch) emit(csvRecord(names.map((name) => cellOf(row[name]))));
    },
    end: () => "",
  };
};
