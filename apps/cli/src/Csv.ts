/**
 * CSV output per RFC 4180: a header row, CRLF line endings, and fields quoted
 * when they hold a quote, comma, CR or LF (quotes doubled inside). Unicode
 * passes through unchanged as UTF-8; `null` is an empty field.
 *
 * @module
 */
import type { Collection } from "@mode-discovery/core";
import type { RowWriter } from "./RowWriter.ts";
import { collectionFields } from "./_record.ts";

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

/**
 * A streaming CSV writer: the header (the collection's fields in schema
 * order), then one record per collection.
 *
 * @example
 * ```ts
 * import { Csv } from "@mode-discovery/cli";
 * const w = Csv.make();
 * w.start(); // => "id,token,name,description,space_type,space_url\r\n"
 * ```
 */
export const make = (): RowWriter => ({
  start: () => csvRecord(collectionFields),
  rows: (batch: ReadonlyArray<Collection>) => {
    let out = "";
    for (const c of batch) out += csvRecord(collectionFields.map((f) => c[f]));
    return out;
  },
  end: () => "",
});
