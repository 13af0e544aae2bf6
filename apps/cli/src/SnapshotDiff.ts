/**
 * What changed between two snapshots of one workspace: per resource, by key,
 * the rows added, the rows removed, and the rows changed with the fields
 * that changed (old and new value). Computed by SQLite itself (the old file
 * attached to the new one), so memory stays flat however large they are.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type * as Field from "@mode-discovery/core/Field";
import { type AnyResource, resources } from "@mode-discovery/core/Resources";
import { quoteId } from "./SnapshotDatabase.ts";

/** A field's values in the old and the new snapshot (`null` where absent). */
export interface FieldChange {
  /** The value in the old snapshot. */
  readonly old: unknown;
  /** The value in the new snapshot. */
  readonly new: unknown;
}

/**
 * One change: `resource` (the table name), `change`, the row's `key` and
 * `token`, and the fields: for `changed` those that differ, for `added` and
 * `removed` every field (with `null` on the side that has no row).
 */
export interface Change {
  /** The table the row is in: `collections`, `report_stats`, ... */
  readonly resource: string;
  /** What happened to the row. */
  readonly change: "added" | "removed" | "changed";
  /** The row's key (`id`, or `report_id` for report stats). */
  readonly key: number;
  /** The row's token. */
  readonly token: string;
  /** Field name to its old and new value. */
  readonly fields: Readonly<Record<string, FieldChange>>;
}

/** How many rows of one resource were added, removed and changed. */
export interface ResourceCounts {
  /** The table name. */
  readonly resource: string;
  /** Rows in the new snapshot only. */
  readonly added: number;
  /** Rows in the old snapshot only. */
  readonly removed: number;
  /** Rows in both with at least one field (not ignored) different. */
  readonly changed: number;
}

/** Options of {@link diffSnapshots}. */
export interface DiffOptions {
  /** The resources to compare (default: all). */
  readonly resources?: ReadonlyArray<AnyResource> | undefined;
  /** Fields left out of the comparison (`last_viewed_at`). */
  readonly ignore?: ReadonlyArray<string> | undefined;
}

/** A field's value as the API gives it: lists back from their JSON text. */
const valueOf = (kind: Field.FieldKind, cell: unknown): unknown =>
  kind === "strings" && typeof cell === "string" ? JSON.parse(cell) : cell ?? null;

/**
 * Compares the snapshot at `oldPath` with the one at `newPath` (both
 * already checked to be snapshots of the same workspace) and yields every
 * change, resource by resource in core's order, within a resource removed
 * rows, then added, then changed, each by ascending key; returns the counts
 * per resource. Rows are read one at a time from SQLite; the files are
 * closed when the iteration ends, however it ends.
 *
 * @example
 * ```ts
 * import { diffSnapshots } from "@mode-discovery/cli";
 * for (const change of diffSnapshots("old.sqlite", "new.sqlite", { ignore: ["last_viewed_at"] })) {
 *   console.log(change.resource, change.change, change.key);
 * }
 * ```
 */
export function* diffSnapshots(
  oldPath: string,
  newPath: string,
  options: DiffOptions = {},
): Generator<Change, ReadonlyArray<ResourceCounts>> {
  const ignore = new Set(options.ignore ?? []);
  const db = new DatabaseSync(newPath, { readOnly: true });
  try {
    db.prepare("ATTACH DATABASE ? AS old").run(oldPath);
    const out: Array<ResourceCounts> = [];
    for (const resource of options.resources ?? resources) {
      const table = quoteId(resource.tableName);
      const key = quoteId(resource.key);
      const columns = resource.columns;
      const list = columns.map((c) => quoteId(c.name)).join(", ");
      const whole = function* (side: "old" | "new", sql: string): Generator<Change, number> {
        let count = 0;
        for (const row of db.prepare(sql).iterate() as Iterable<Record<string, unknown>>) {
          count++;
          const fields: Record<string, FieldChange> = {};
          for (const column of columns) {
            const value = valueOf(column.kind, row[column.name]);
            fields[column.name] = side === "new"
              ? { old: null, new: value }
              : { old: value, new: null };
          }
          yield {
            resource: resource.tableName,
            change: side === "new" ? "added" : "removed",
            key: Number(row[resource.key]),
            token: String(row[resource.token]),
            fields,
          };
        }
        return count;
      };
      const removed = yield* whole(
        "old",
        `SELECT ${list} FROM old.${table} AS o WHERE NOT EXISTS (SELECT 1 FROM main.${table} AS n WHERE n.${key} = o.${key}) ORDER BY o.${key}`,
      );
      const added = yield* whole(
        "new",
        `SELECT ${list} FROM main.${table} AS n WHERE NOT EXISTS (SELECT 1 FROM old.${table} AS o WHERE o.${key} = n.${key}) ORDER BY n.${key}`,
      );
      const compared = columns.filter((c) => !ignore.has(c.name) && c.name !== resource.key);
      let changed = 0;
      if (compared.length > 0) {
        const sql = `SELECT n.${key} AS k, n.${quoteId(resource.token)} AS t, ${
          compared.map((c, i) => `o.${quoteId(c.name)} AS o${i}, n.${quoteId(c.name)} AS n${i}`)
            .join(", ")
        } FROM main.${table} AS n JOIN old.${table} AS o ON o.${key} = n.${key} WHERE ${
          compared.map((c) => `o.${quoteId(c.name)} IS NOT n.${quoteId(c.name)}`).join(" OR ")
        } ORDER BY n.${key}`;
        for (const row of db.prepare(sql).iterate() as Iterable<Record<string, unknown>>) {
          changed++;
          const fields: Record<string, FieldChange> = {};
          compared.forEach((column, i) => {
            const before = row[`o${i}`] ?? null;
            const after = row[`n${i}`] ?? null;
            if (before !== after) {
              fields[column.name] = {
                old: valueOf(column.kind, before),
                new: valueOf(column.kind, after),
              };
            }
          });
          yield {
            resource: resource.tableName,
            change: "changed",
            key: Number(row.k),
            token: String(row.t),
            fields,
          };
        }
      }
      out.push({ resource: resource.tableName, added, removed, changed });
    }
    return out;
  } finally {
    db.close();
  }
}
