/**
 * Reading a snapshot SQLite file the way a user would (`node:sqlite`,
 * read-only): its integrity, every resource table in key order as the
 * CLI's NDJSON lines, `snapshot_resources`, and the `orphans` view; and
 * comparing its tables with a seeded world.
 *
 * @internal
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { type AnyResource, type IncludeSpaces, resources } from "@mode-discovery/core";
import { sha256 } from "./_expected.ts";
import { expectedRows, type Row, rowLine, type World } from "./_world.ts";

/** A row of `snapshot_resources`. */
export interface SnapshotResourceRow {
  readonly resource: string;
  readonly total_count: number | null;
  readonly rows_stored: number;
  readonly pages_read: number;
  readonly retries: number;
  readonly totals_drifted: number;
  readonly page_size_shrinks: number;
}

/** What a snapshot file holds. */
export interface SnapshotContents {
  /** `PRAGMA integrity_check`'s answer (`ok`). */
  readonly integrity: string;
  /** The `snapshot` table's workspace. */
  readonly workspace: string | undefined;
  /** Each resource's rows as NDJSON lines, in key order, by resource name. */
  readonly lines: ReadonlyMap<string, ReadonlyArray<string>>;
  readonly resources: ReadonlyArray<SnapshotResourceRow>;
  /** The `orphans` view. */
  readonly orphans: ReadonlyArray<Row>;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A table row back in decoded form: lists from their JSON text. */
const decodedRow = (resource: AnyResource, raw: Record<string, unknown>): Row => {
  const out: Record<string, unknown> = {};
  for (const column of resource.columns) {
    const value = raw[column.name];
    out[column.name] = column.kind === "strings" && typeof value === "string"
      ? JSON.parse(value)
      : typeof value === "bigint"
      ? Number(value)
      : value ?? null;
  }
  return out;
};

/** Reads every table of the snapshot at `path`. Throws when it is not a readable SQLite file. */
export const readSnapshot = (path: string): SnapshotContents => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const integrity = (db.prepare("PRAGMA integrity_check").all() as Array<Record<string, string>>)
      .map((r) => r.integrity_check).join("; ");
    const lines = new Map<string, ReadonlyArray<string>>();
    for (const resource of resources) {
      const raw = db.prepare(
        `SELECT * FROM ${quote(resource.tableName)} ORDER BY ${quote(resource.key)}`,
      ).all() as Array<Record<string, unknown>>;
      lines.set(resource.name, raw.map((r) => rowLine(resource, decodedRow(resource, r))));
    }
    const info = db.prepare("SELECT workspace FROM snapshot").get() as
      | { workspace: string }
      | undefined;
    const summary = (db.prepare("SELECT * FROM snapshot_resources").all() as Array<
      Record<string, unknown>
    >).map((r) => ({
      resource: String(r.resource),
      total_count: r.total_count === null ? null : Number(r.total_count),
      rows_stored: Number(r.rows_stored),
      pages_read: Number(r.pages_read),
      retries: Number(r.retries),
      totals_drifted: Number(r.totals_drifted),
      page_size_shrinks: Number(r.page_size_shrinks),
    }));
    const orphans = db.prepare("SELECT * FROM orphans").all() as Array<Row>;
    return { integrity, workspace: info?.workspace, lines, resources: summary, orphans };
  } finally {
    db.close();
  }
};

/** One resource table compared with the world. */
export interface TableCheck {
  readonly resource: string;
  readonly rows: number;
  readonly expected: number;
  /** Every row equal to the seed's, in key order, none missing or extra. */
  readonly exact: boolean;
  /** SHA-256 of the table as NDJSON. */
  readonly sha256: string;
}

/** Compares each table of `contents` with the rows a snapshot of `world` must hold. */
export const checkTables = async (
  contents: SnapshotContents,
  world: World,
  includeSpaces?: IncludeSpaces | undefined,
): Promise<ReadonlyArray<TableCheck>> => {
  const out: Array<TableCheck> = [];
  for (const resource of resources) {
    const expected = await expectedRows(world, resource, includeSpaces);
    const got = contents.lines.get(resource.name) ?? [];
    const text = got.length === 0 ? "" : `${got.join("\n")}\n`;
    const digest = await sha256(text);
    out.push({
      resource: resource.name,
      rows: got.length,
      expected: expected.rows.length,
      exact: digest === expected.sha256,
      sha256: digest,
    });
  }
  return out;
};

/** The digest of a whole snapshot's tables (what tells one copy from another). */
export const contentsDigest = (contents: SnapshotContents): Promise<string> =>
  sha256(
    resources.map((r) => `${r.name}\n${(contents.lines.get(r.name) ?? []).join("\n")}`).join(
      "\n\n",
    ),
  );

/** The digest {@link contentsDigest} gives for a snapshot of `world`. */
export const worldDigest = (
  world: World,
  includeSpaces?: IncludeSpaces | undefined,
): Promise<string> =>
  Promise.all(resources.map((r) => expectedRows(world, r, includeSpaces))).then((all) =>
    sha256(
      all.map((e) => `${e.resource.name}\n${e.ndjson.replace(/\n$/, "")}`).join("\n\n"),
    )
  );
