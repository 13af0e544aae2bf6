/**
 * NDJSON output: one JSON object per line, every field of the item, `\n`
 * after each. The format of choice for pipes (`jq`, `mode-discovery import`).
 *
 * @module
 */
import type { Row, RowWriter } from "./RowWriter.ts";

/**
 * A streaming NDJSON writer.
 *
 * **Details**
 *
 * Each item is written as the client yields it: exactly the resource's
 * fields, in wire order, with `null` where the server had nothing.
 *
 * @example
 * ```ts
 * import { Ndjson, rowsText } from "@mode-discovery/cli";
 * rowsText(Ndjson.make(), [{ id: 1, token: "a" }]); // => '{"id":1,"token":"a"}\n'
 * ```
 */
export const make = (): RowWriter => ({
  start: () => "",
  rows: (batch: ReadonlyArray<Row>, emit) => {
    for (const row of batch) emit(`${JSON.stringify(row)}\n`);
  },
  end: () => "",
});
