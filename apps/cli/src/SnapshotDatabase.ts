/**
 * The SQLite form of a snapshot: one table per resource (one column per
 * wire field, primary key on the resource's key, indexes on every joining
 * `*_id` and `*_token` column), the `snapshot` and `snapshot_resources`
 * tables, and the `report_details` and `orphans` views, all derived from
 * core's resource model. Written with Deno's built-in `node:sqlite`.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import * as Effect from "effect/Effect";
import type * as Field from "@mode-discovery/core/Field";
import type * as Resource from "@mode-discovery/core/Resource";
import {
  type AnyResource,
  relations,
  resourceNamed,
  resources,
} from "@mode-discovery/core/Resources";
import type {
  SnapshotResourceSummary,
  SnapshotSink,
  SnapshotSummary,
} from "@mode-discovery/core/Snapshot";
import { FileError } from "./CliFailure.ts";

/** The version of the file format this code writes; a file with a higher one is refused. */
export const SNAPSHOT_FORMAT = 1;

/** The SQLite type of a field's kind: integers as INTEGER, the rest as TEXT (lists as JSON). */
const sqlType = (kind: Field.FieldKind): string =>
  kind === "key" || kind === "int" ? "INTEGER" : "TEXT";

/** An SQL identifier, quoted. */
export const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const tableOf = (resource: Resource.Any): string => quoteId(resource.tableName);

/** `CREATE TABLE` of one resource. */
const createTable = (resource: Resource.Any): string => {
  const columns = resource.columns.map((c) =>
    `  ${quoteId(c.name)} ${sqlType(c.kind)}${c.name === resource.key ? " PRIMARY KEY" : ""}${
      c.kind === "token" ? " NOT NULL" : ""
    }`
  );
  return `CREATE TABLE ${tableOf(resource)} (\n${columns.join(",\n")}\n);`;
};

/**
 * The columns to index: each relation's field and token on the child, and
 * on the parent the field it matches (unless it is the key) and its token.
 */
const indexedColumns = (): ReadonlyArray<readonly [Resource.Any, string]> => {
  const out: Array<readonly [Resource.Any, string]> = [];
  const add = (resource: Resource.Any, column: string) => {
    if (column === resource.key) return;
    if (!out.some(([r, c]) => r === resource && c === column)) out.push([resource, column]);
  };
  for (const { child, parent, relation, parentField } of relations) {
    add(child, relation.field);
    if (relation.token !== undefined) {
      add(child, relation.token);
      add(parent, parent.token);
    }
    add(parent, parentField);
  }
  return out;
};

/**
 * The `CREATE INDEX` statements of a snapshot: one per joining column. A
 * writer runs them after the rows are in (one sort per index, not a B-tree
 * insert per row and index).
 */
export const snapshotIndexes = (): ReadonlyArray<string> =>
  indexedColumns().map(([resource, column]) =>
    `CREATE INDEX ${quoteId(`${resource.tableName}_${column}`)} ON ${tableOf(resource)} (${
      quoteId(column)
    });`
  );

/**
 * `orphans`: every row whose relation points at a parent row the snapshot
 * does not hold (a query whose report is gone, a report whose creator is not
 * a member, ...): `resource`, `key`, `token`, `field`, `value`, `parent`.
 */
const orphansView = (): string => {
  const parts = relations.map(({ child, parent, relation, parentField }) => {
    const c = tableOf(child);
    return `SELECT '${child.tableName}' AS resource, c.${quoteId(child.key)} AS key, c.${
      quoteId(child.token)
    } AS token, '${relation.field}' AS field, c.${
      quoteId(relation.field)
    } AS value, '${parent.tableName}' AS parent
  FROM ${c} AS c
  WHERE c.${quoteId(relation.field)} IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM ${tableOf(parent)} AS p WHERE p.${quoteId(parentField)} = c.${
      quoteId(relation.field)
    })`;
  });
  return `CREATE VIEW orphans AS\n${parts.join("\nUNION ALL\n")};`;
};

/** The name prefix of a joined table's columns: `space_id` -> `space_`, `creator_email` -> `creator_`. */
const prefixOf = (field: string): string => field.replace(/_[a-z]+$/, "_");

/**
 * `report_details`: each report with its collection, its creator's member
 * row and its stats (each relation of reports to a parent, and each
 * resource that has one row per report), left-joined.
 */
const reportDetailsView = (): string => {
  const reports = resourceNamed("reports");
  const selects = [`r.*`];
  const used = new Set(reports.columns.map((c) => c.name));
  // A joined column whose name the report already has (space_token) repeats it: left out.
  const select = (alias: string, column: string, name: string) => {
    if (used.has(name)) return;
    used.add(name);
    selects.push(`${alias}.${quoteId(column)} AS ${quoteId(name)}`);
  };
  const joins: Array<string> = [];
  let n = 0;
  for (const { child, parent, relation, parentField } of relations) {
    if (child === reports && parent !== reports) {
      const alias = `j${n++}`;
      const prefix = prefixOf(relation.field);
      for (const column of parent.columns) {
        if (column.name !== parentField) select(alias, column.name, `${prefix}${column.name}`);
      }
      joins.push(
        `LEFT JOIN ${tableOf(parent)} AS ${alias} ON ${alias}.${quoteId(parentField)} = r.${
          quoteId(relation.field)
        }`,
      );
    }
    if (parent === reports && relation.one === true) {
      const alias = `j${n++}`;
      const prefix = `${child.tableName.replace(`${reports.tableName.replace(/s$/, "")}_`, "")}_`;
      for (const column of child.columns) {
        if (column.name !== relation.field && column.name !== relation.token) {
          select(alias, column.name, `${prefix}${column.name}`);
        }
      }
      joins.push(
        `LEFT JOIN ${tableOf(child)} AS ${alias} ON ${alias}.${quoteId(relation.field)} = r.${
          quoteId(parentField)
        }`,
      );
    }
  }
  return `CREATE VIEW report_details AS\nSELECT ${selects.join(",\n  ")}\nFROM ${
    tableOf(reports)
  } AS r\n${joins.join("\n")};`;
};

/**
 * Every statement that creates an empty snapshot database: the resource
 * tables and their indexes, `snapshot`, `snapshot_resources`, and the views.
 *
 * @example
 * ```ts
 * import { snapshotSchema } from "@mode-discovery/cli";
 * snapshotSchema().some((sql) => sql.startsWith("CREATE VIEW orphans")); // => true
 * ```
 */
export const snapshotSchema = (): ReadonlyArray<string> => [
  ...snapshotTables(),
  ...snapshotIndexes(),
];

/** The statements of {@link snapshotSchema} but the indexes: tables and views. */
const snapshotTables = (): ReadonlyArray<string> => [
  ...resources.map(createTable),
  `CREATE TABLE snapshot (
  format_version INTEGER NOT NULL,
  workspace TEXT NOT NULL,
  base_url TEXT NOT NULL,
  include_spaces TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  tool_version TEXT NOT NULL
);`,
  `CREATE TABLE snapshot_resources (
  resource TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  total_count INTEGER,
  rows_stored INTEGER NOT NULL,
  pages_read INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  totals_drifted INTEGER NOT NULL,
  page_size_shrinks INTEGER NOT NULL
);`,
  reportDetailsView(),
  orphansView(),
];

/** A cell's SQLite value: lists as JSON text, everything else as it is. */
const cellOf = (value: unknown): string | number | null =>
  value === undefined || value === null
    ? null
    : Array.isArray(value)
    ? JSON.stringify(value)
    : value as string | number;

/** What the `snapshot` table of a file says. */
export interface SnapshotInfo {
  /** The format the file was written in. */
  readonly formatVersion: number;
  /** The workspace snapshotted. */
  readonly workspace: string;
  /** The API it was read from. */
  readonly baseUrl: string;
  /** `all`, or `null` when personal collections' items were left out. */
  readonly includeSpaces: string | null;
  /** When the snapshot started (ISO 8601). */
  readonly startedAt: string;
  /** When it finished (ISO 8601). */
  readonly finishedAt: string;
  /** The `mode-discovery` version that wrote it. */
  readonly toolVersion: string;
}

/** Where a snapshot is written, and by what. */
export interface WriterOptions {
  /** The API base URL the rows come from (recorded in `snapshot`). */
  readonly baseUrl: string;
  /** The `mode-discovery` version (recorded in `snapshot`). */
  readonly toolVersion: string;
}

/** A snapshot database being written: its sink, its integrity check, and its closing. */
export interface SnapshotWriter {
  /** The sink `snapshot` writes into (one transaction for the whole file). */
  readonly sink: SnapshotSink<FileError>;
  /** Runs `PRAGMA integrity_check`; fails unless it answers `ok`. */
  readonly check: Effect.Effect<void, FileError>;
  /** Closes the database (safe to call more than once). */
  readonly close: () => void;
}

const message = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 300);

/**
 * Creates a new snapshot database at `path` (which must not exist yet) and
 * returns the sink that fills it.
 *
 * **Details**
 *
 * The schema is created at once; rows go in one transaction, committed by
 * the sink's `end` together with the `snapshot` and `snapshot_resources`
 * rows. The file's journal is kept in memory (it is a temporary file that
 * is thrown away on failure) and synced to disk by the caller before it is
 * renamed into place.
 */
export const createWriter = (
  path: string,
  options: WriterOptions,
): Effect.Effect<SnapshotWriter, FileError> =>
  Effect.try({
    try: () => {
      const db = new DatabaseSync(path);
      let open = true;
      const close = () => {
        if (open) {
          open = false;
          db.close();
        }
      };
      try {
        // Each on its own: journal_mode answers a row, which exec() would not
        // run. The journal stays in memory: no `-journal` file beside the
        // temporary one (Deno's node:sqlite refuses `OFF` and keeps `delete`).
        const journal = db.prepare("PRAGMA journal_mode = MEMORY").get() as
          | { readonly journal_mode?: unknown }
          | undefined;
        if (journal?.journal_mode !== "memory") {
          throw new Error(`journal_mode MEMORY answered ${JSON.stringify(journal?.journal_mode)}`);
        }
        db.prepare("PRAGMA synchronous = OFF").get();
        for (const sql of snapshotTables()) db.exec(sql);
      } catch (error) {
        close();
        throw error;
      }
      const inserts = new Map<string, StatementSync>();
      const insertOf = (resource: AnyResource): StatementSync => {
        let statement = inserts.get(resource.name);
        if (statement === undefined) {
          statement = db.prepare(
            `INSERT OR REPLACE INTO ${tableOf(resource)} VALUES (${
              resource.columns.map(() => "?").join(", ")
            })`,
          );
          inserts.set(resource.name, statement);
        }
        return statement;
      };
      const done: Array<SnapshotResourceSummary> = [];
      const fail = (what: string) => (error: unknown) =>
        new FileError({ path, message: `cannot ${what} the snapshot ${path}: ${message(error)}.` });
      const sink: SnapshotSink<FileError> = {
        begin: () => Effect.try({ try: () => db.exec("BEGIN"), catch: fail("start") }),
        rows: (resource, batch) =>
          Effect.try({
            try: () => {
              const insert = insertOf(resource);
              const names = resource.columns.map((c) => c.name);
              for (const row of batch) insert.run(...names.map((name) => cellOf(row[name])));
            },
            catch: fail("write"),
          }),
        resourceDone: (_resource, summary) => Effect.sync(() => void done.push(summary)),
        end: (summary: SnapshotSummary) =>
          Effect.try({
            try: () => {
              db.prepare("INSERT INTO snapshot VALUES (?, ?, ?, ?, ?, ?, ?)").run(
                SNAPSHOT_FORMAT,
                summary.workspace,
                options.baseUrl,
                summary.includeSpaces ?? null,
                summary.startedAt,
                summary.finishedAt,
                options.toolVersion,
              );
              const insert = db.prepare(
                "INSERT INTO snapshot_resources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              );
              for (const one of summary.resources) {
                insert.run(
                  one.resource,
                  resourceNamed(one.resource).tableName,
                  one.totalCount ?? null,
                  one.rows,
                  one.pagesFetched,
                  one.retries,
                  one.totalsDrifted ? 1 : 0,
                  one.pageSizeShrinks,
                );
              }
              for (const sql of snapshotIndexes()) db.exec(sql);
              db.exec("COMMIT");
            },
            catch: fail("finish"),
          }),
      };
      const check = Effect.try({
        try: () => {
          const rows = db.prepare("PRAGMA integrity_check").all() as Array<
            { readonly integrity_check: string }
          >;
          const answer = rows.map((r) => r.integrity_check).join("; ");
          if (answer !== "ok") throw new Error(`integrity_check answered ${answer}`);
        },
        catch: fail("check"),
      });
      return { sink, check, close };
    },
    catch: (error) =>
      error instanceof FileError ? error : new FileError({
        path,
        message: `cannot create the snapshot ${path}: ${message(error)}.`,
      }),
  });

/** Why a file cannot be read as a snapshot. */
export type NotASnapshot =
  | { readonly _tag: "Missing" }
  | { readonly _tag: "NotSqlite"; readonly detail: string }
  | { readonly _tag: "NotSnapshot" }
  | { readonly _tag: "Newer"; readonly formatVersion: number; readonly toolVersion: string };

/**
 * Reads the `snapshot` table of `path`, or says why the file is not a
 * snapshot this version can read (missing, not SQLite, no `snapshot` table,
 * written in a newer format).
 */
export const readSnapshotInfo = (path: string): SnapshotInfo | NotASnapshot => {
  try {
    const stat = Deno.statSync(path);
    if (!stat.isFile) return { _tag: "NotSqlite", detail: "it is not a regular file" };
  } catch {
    return { _tag: "Missing" };
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    return { _tag: "NotSqlite", detail: message(error) };
  }
  try {
    const table = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'",
    ).get();
    if (table === undefined) return { _tag: "NotSnapshot" };
    const row = db.prepare(
      "SELECT format_version, workspace, base_url, include_spaces, started_at, finished_at, tool_version FROM snapshot",
    ).get() as Record<string, unknown> | undefined;
    if (row === undefined || typeof row.format_version !== "number") return { _tag: "NotSnapshot" };
    if (row.format_version > SNAPSHOT_FORMAT) {
      return {
        _tag: "Newer",
        formatVersion: row.format_version,
        toolVersion: String(row.tool_version),
      };
    }
    return {
      formatVersion: row.format_version,
      workspace: String(row.workspace),
      baseUrl: String(row.base_url),
      includeSpaces: row.include_spaces === null ? null : String(row.include_spaces),
      startedAt: String(row.started_at),
      finishedAt: String(row.finished_at),
      toolVersion: String(row.tool_version),
    };
  } catch (error) {
    return { _tag: "NotSqlite", detail: message(error) };
  } finally {
    db.close();
  }
};

/** Whether {@link readSnapshotInfo} found a snapshot. */
export const isSnapshotInfo = (value: SnapshotInfo | NotASnapshot): value is SnapshotInfo =>
  !("_tag" in value);

/** How many rows each kind of orphan has in a snapshot database (`parent` by `resource.field`). */
export const orphanCounts = (
  path: string,
): ReadonlyArray<{ readonly kind: string; readonly count: number }> => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare(
      "SELECT resource || '.' || field || ' -> ' || parent AS kind, count(*) AS count FROM orphans GROUP BY 1 ORDER BY 1",
    ).all() as Array<{ kind: string; count: number }>).map((r) => ({
      kind: r.kind,
      count: Number(r.count),
    }));
  } finally {
    db.close();
  }
};
