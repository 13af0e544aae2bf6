/**
 * JSON output: one array, written as it streams: `[`, then one compact object
 * per line, then `]`. The whole output is a single valid JSON document.
 *
 * @module
 */
import type { Collection } from "@mode-discovery/core";
import type { RowWriter } from "./RowWriter.ts";
import { collectionRecord } from "./_record.ts";

/**
 * A streaming JSON array writer.
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
    rows: (batch: ReadonlyArray<Collection>) => {
      let out = "";
      for (const c of batch) {
        out += `${count === 0 ? "\n  " : ",\n  "}${JSON.stringify(collectionRecord(c))}`;
        count++;
      }
      return out;
    },
    end: () => (count === 0 ? "]\n" : "\n]\n"),
  };
};
