/**
 * NDJSON output: one JSON object per line, keys in schema order. The default
 * when stdout is not a terminal: each line stands alone, so `head`, `jq -c`
 * and line-by-line readers work while the listing is still running.
 *
 * @module
 */
import type { Collection } from "@mode-discovery/core";
import type { RowWriter } from "./RowWriter.ts";
import { collectionRecord } from "./_record.ts";

/**
 * A streaming NDJSON writer.
 *
 * @example
 * ```ts
 * import { Ndjson } from "@mode-discovery/cli";
 * const w = Ndjson.make();
 * w.rows([{ id: 1, token: "t", name: null, description: null, space_type: "custom", space_url: "/api/a/spaces/t" }]);
 * // => '{"id":1,"token":"t","name":null,"description":null,"space_type":"custom","space_url":"/api/a/spaces/t"}\n'
 * ```
 */
export const make = (): RowWriter => ({
  start: () => "",
  rows: (batch: ReadonlyArray<Collection>) => {
    let out = "";
    for (const c of batch) out += `${JSON.stringify(collectionRecord(c))}\n`;
    return out;
  },
  end: () => "",
});
