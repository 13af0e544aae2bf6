/**
 * The shape every output format implements: text for the start, for each
 * batch of rows as it arrives (as pieces of a few thousand characters), and
 * for the end. Nothing is held between batches beyond a few counters, so
 * memory stays flat however large the workspace is.
 *
 * @module
 */
import { type AnyResource, collections } from "@mode-discovery/core/Resources";
import * as Csv from "./Csv.ts";
import * as Json from "./Json.ts";
import * as Ndjson from "./Ndjson.ts";
import type { OutputFormat } from "./OutputFormat.ts";
import * as Table from "./Table.ts";

/** One decoded item of any resource, as the client yields it: its fields by wire name. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * A streaming formatter of one resource's items.
 *
 * **When to use**
 *
 * Make one per run with {@link makeRowWriter} (or a format's own `make`),
 * call `start` once, `rows` for every batch in order, and `end` once; write
 * what each returns as soon as you get it (`TextOut.write` and
 * `AtomicFile.write` take the pieces as they are).
 *
 * @example
 * ```ts
 * import { makeRowWriter, textOf } from "@mode-discovery/cli";
 * const writer = makeRowWriter("ndjson");
 * textOf(writer.rows([{ id: 1 }, { id: 2 }])); // => '{"id":1}\n{"id":2}\n'
 * ```
 */
export interface RowWriter {
  /** Text before the first row (a header), possibly empty. */
  readonly start: () => string;
  /** Text for the next rows, in order, as pieces (none for no rows). */
  readonly rows: (batch: ReadonlyArray<Row>) => ReadonlyArray<string>;
  /** Text after the last row, possibly empty. */
  readonly end: () => string;
}

/**
 * The writer for `format` and `resource` (default collections): `table`
 * (with `table` options), `json`, `ndjson` or `csv`. JSON, NDJSON and CSV
 * carry every field; the table shows the resource's readable columns.
 *
 * @example
 * ```ts
 * import { makeRowWriter } from "@mode-discovery/cli";
 * makeRowWriter("csv").start(); // => "id,token,name,description,space_type,space_url\r\n"
 * ```
 */
export const makeRowWriter = (
  format: OutputFormat,
  table?: Table.TableOptions,
  resource: AnyResource = collections,
): RowWriter => {
  switch (format) {
    case "table":
      return Table.make(table, resource);
    case "json":
      return Json.make();
    case "ndjson":
      return Ndjson.make();
    case "csv":
      return Csv.make(resource);
  }
};
