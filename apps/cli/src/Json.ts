/**
 * JSON output: one array of items, every field, written as rows arrive (the
 * array is never held in memory whole).
 *
 * @module
 */
import type { Row, RowWriter } from "./RowWriter.ts";

/**
 * A streaming JSON array writer: `[`, the items separated by commas (one per
 * line), `]`. An empty listing gives `[]`.
 *
 * @example
 * ```ts
 * import { Json, rowsText } from "@mode-discovery/cli";
 * const w = Json.make();
 * w.start() + rowsText(w, []) + w.end(); // => "[]\n"
 * ```
 */
export const make = (): RowWriter => {
  let count = 0;
  return {
    start: () => "[",
    rows: (batch: ReadonlyArray<Row>, emit) => {
      for (const row of batch) {
        emit(`${count === 0 ? "\n  " : ",\n  "}${JSON.stringify(row)}`);
        count++;
      }
    },
    end: () => (count === 0 ? "]\n" : "\n]\n"),
  };
};
