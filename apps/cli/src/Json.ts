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
 * import { Json } from "@mode-discovery/cli";
 * const w = Json.make();
 * w.start() + w.rows([]) + w.end(); // => "[]\n"
 * ```
 */
export const make = (): RowWriter => {
  let count = 0;
  return {
    start: () => "[",
    rows: (batch: ReadonlyArray<Row>) => {
      let out = "";
      for (const row of batch) {
        out += `${count === 0 ? "\n  " : ",\n  "}${JSON.stringify(row)}`;
        count++;
      }
      return out;
    },
    end: () => (count === 0 ? "]\n" : "\n]\n"),
  };
};
