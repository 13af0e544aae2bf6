/**
 * A collection as output rows see it: its fields in schema order.
 *
 * @internal
 * @module
 */
import { Collection } from "@mode-discovery/core";

/**
 * The fields of a collection, in the order of the `Collection` schema: the
 * columns of CSV and the key order of JSON output.
 */
export const collectionFields: ReadonlyArray<keyof Collection> = Object.keys(
  Collection.fields,
) as Array<keyof Collection>;

/**
 * A collection as a plain object with its keys in {@link collectionFields}
 * order, so JSON output is stable whatever order the decoder built.
 */
export const collectionRecord = (collection: Collection): Record<string, unknown> => {
  const record: Record<string, unknown> = {};
  for (const field of collectionFields) record[field] = collection[field];
  return record;
};
