/**
 * The shape every output format implements: text for the start, for each
 * batch of rows as it arrives, and for the end. Nothing is held between
 * batches beyond a few counters, so memory stays flat however large the
 * workspace is.
 *
 * @module
 */
import type { Collection } from "@mode-discovery/core";
import * as Csv from "./Csv.ts";
import * as Json from "./Json.ts";
import * as Ndjson from "./Ndjson.ts";
import type { OutputFormat } from "./OutputFormat.ts";
import * as Table from "./Table.ts";

/**
 * A streaming formatter of collections.
 *
 * **When to use**
 *
 * Make one per run with {@link makeRowWriter} (or a format's own `make`),
 * call `start` once, `rows` for every batch in order, and `end` once; write
 * each returned string as soon as you get it.
 *
 * @example
 * ```ts
 * import { makeRowWriter } from "@mode-discovery/cli";
 * const writer = makeRowWriter("ndjson");
 * const text = writer.start() + writer.rows([]) + writer.end(); // => ""
 * ```
 */
export interface RowWriter {
  /** Text before the first row (a header), possibly empty. */
  readonly start: () => string;
  /** Text for the next rows, in order. */
  readonly rows: (batch: ReadonlyArray<Collection>) => string;
  /** Text after the last row, possibly empty. */
  readonly end: () => string;
}

/**
 * A fresh streaming writer for `format`.
 *
 * @example
 * ```ts
 * import { makeRowWriter } from "@mode-discovery/cli";
 * makeRowWriter("csv").start(); // => "id,token,name,description,space_type,space_url\r\n"
 * ```
 */
export const makeRowWriter = (format: OutputFormat, table?: Table.TableOptions): RowWriter => {
  switch (format) {
    case "table":
      return Table.make(table);
    case "json":
      return Json.make();
    case "ndjson":
      return Ndjson.make();
    case "csv":
      return Csv.make();
  }
};
