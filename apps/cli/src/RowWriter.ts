/**
 * The shape every output format implements: text for the start, for each
 * batch of rows as it arrives (a row at a time), and for the end. Nothing
 * is held between batches beyond a few counters, so memory stays flat
 * however large the workspace is.
 *
 * @module
 */
import { type AnyResource, collections } from "@mode-discovery/core/Resources";
import { textOf } from "./CliIO.ts";
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
 * call `start` once, `rows` for every batch in order, and `end` once, and
 * write their text in that order. `rows` gives its text to `emit` a row at
 * a time: pass it to `TextOut.write` or `AtomicFile.write` as a
 * `TextSource` (`(emit) => writer.rows(batch, emit)`), which encodes each
 * row as it comes, so a page never becomes one large string.
 *
 * @example
 * ```ts
 * import { makeRowWriter, rowsText } from "@mode-discovery/cli";
 * const writer = makeRowWriter("ndjson");
 * rowsText(writer, [{ id: 1 }, { id: 2 }]); // => '{"id":1}\n{"id":2}\n'
 * ```
 */
export interface RowWriter {
  /** Text before the first row (a header), possibly empty. */
  readonly start: () => string;
  /** Gives the text of the next rows to `emit`, in order, a row (or line) at a time. */
  readonly rows: (batch: ReadonlyArray<Row>, emit: (text: string) => void) => void;
  /** Text after the last row, possibly empty. */
  readonly end: () => string;
}

/**
 * The text `writer` gives for `batch`, as one string: for tests and small
 * outputs (a listing is written with `(emit) => writer.rows(batch, emit)`).
 *
 * @example
 * ```ts
 * import { Csv, rowsText } from "@mode-discovery/cli";
 * rowsText(Csv.make(), []); // => ""
 * ```
 */
export const rowsText = (writer: RowWriter, batch: ReadonlyArray<Row>): string =>
  textOf((emit) => writer.rows(batch, emit));

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
