/**
 * `mode-discovery diff OLD.sqlite NEW.sqlite`: what changed between two
 * snapshots of the same workspace, as a table, NDJSON or JSON.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { type AnyResource, findResource, resources } from "@mode-discovery/core/Resources";
import { UsageError } from "./CliFailure.ts";
import { type CliIO, writeStdout } from "./CliIO.ts";
import { colorAllowed } from "./Diagnostics.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { DiffFlags, SharedFlags } from "./Flags.ts";
import { isSnapshotInfo, readSnapshotInfo, type SnapshotInfo } from "./SnapshotDatabase.ts";
import { type Change, diffSnapshots, type ResourceCounts } from "./SnapshotDiff.ts";
import { cellText, textWidth, truncate } from "./Table.ts";
import { withDiagnostics } from "./_command.ts";
import { formatCount } from "./_text.ts";

/** Reads a file given to `diff` as a snapshot, or says clearly why it is not one. */
const openSnapshot = (path: string, which: string): Effect.Effect<SnapshotInfo, UsageError> => {
  const info = readSnapshotInfo(path);
  if (isSnapshotInfo(info)) return Effect.succeed(info);
  const why = info._tag === "Missing"
    ? "does not exist"
    : info._tag === "NotSqlite"
    ? `is not a SQLite database (${info.detail})`
    : info._tag === "NotSnapshot"
    ? "is a SQLite database but not a mode-discovery snapshot (it has no snapshot table)"
    : `was written by a newer mode-discovery (${info.toolVersion}, format ${info.formatVersion}); update this one to compare it`;
  return Effect.fail(new UsageError({ message: `${which} ${path} ${why}.` }));
};

const shown = (value: unknown, width: number): string =>
  truncate(cellText(value === null ? "null" : JSON.stringify(value)), width);

/** The table form: counts per resource, then one line per change. */
const tableWriter = (width: number | undefined, color: boolean) => {
  const max = Math.max(20, Math.min(width ?? 100, 160));
  const lines: Array<string> = [];
  const mark = { added: "+", removed: "-", changed: "~" } as const;
  return {
    change: (change: Change) => {
      const head = `${mark[change.change]} ${change.resource} ${change.key} ${change.token}`;
      if (change.change !== "changed") {
        lines.push(head);
        return;
      }
      const room = Math.max(8, Math.floor((max - 8) / 2) - 10);
      for (const [name, { old, new: next }] of Object.entries(change.fields)) {
        lines.push(`${head}  ${name}: ${shown(old, room)} -> ${shown(next, room)}`);
      }
    },
    end: (counts: ReadonlyArray<ResourceCounts>) => {
      const header = ["RESOURCE", "ADDED", "REMOVED", "CHANGED"];
      const rows = counts.map((c) => [
        c.resource,
        formatCount(c.added),
        formatCount(c.removed),
        formatCount(c.changed),
      ]);
      const widths = header.map((h, i) =>
        Math.max(textWidth(h), ...rows.map((r) => textWidth(r[i])))
      );
      const line = (cells: ReadonlyArray<string>) =>
        cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join(
          "  ",
        );
      const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
      const total = counts.reduce((n, c) => n + c.added + c.removed + c.changed, 0);
      return `${[bold(line(header)), ...rows.map(line)].join("\n")}\n${
        total === 0 ? "\nNo changes.\n" : `\n${lines.join("\n")}\n`
      }`;
    },
  };
};

/**
 * Runs `diff` with parsed flags.
 *
 * **Details**
 *
 * Both files must be snapshots (written by this version or an older one) of
 * the same workspace: anything else is a usage error saying which file and
 * why. `--resource` (repeatable; `reports`, `report-stats`, ...) narrows the
 * comparison; `--ignore` (repeatable) leaves fields out (an unknown field
 * is a usage error). `--format ndjson` writes one line per change
 * (`{"resource","change","key","token","fields":{"name":{"old","new"}}}`),
 * `json` one object with both snapshots, the counts and the changes, and
 * `table` (the default on a terminal) the counts per resource then the
 * changes, long values cut.
 */
export const diffCommand = (
  flags: DiffFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.gen(function* () {
      const before = yield* openSnapshot(flags.old, "OLD");
      const after = yield* openSnapshot(flags.new, "NEW");
      if (before.workspace !== after.workspace) {
        return yield* new UsageError({
          message: `the snapshots are of different workspaces (${
            JSON.stringify(before.workspace)
          } in ${flags.old}, ${
            JSON.stringify(after.workspace)
          } in ${flags.new}); diff compares two snapshots of one workspace.`,
        });
      }
      if (before.includeSpaces !== after.includeSpaces) {
        diagnostics.warn(
          `one snapshot includes members' personal collections (include_spaces=all) and the other does not: their items show as added or removed.`,
        );
      }
      const chosen: Array<AnyResource> = [];
      for (const name of flags.resource) {
        const resource = findResource(name);
        if (resource === undefined) {
          return yield* new UsageError({
            message: `--resource ${
              JSON.stringify(name.slice(0, 40))
            } is not a resource; use one of ${resources.map((r) => r.cliName).join(", ")}.`,
          });
        }
        if (!chosen.includes(resource)) chosen.push(resource);
      }
      const selected = chosen.length === 0 ? resources : chosen;
      for (const field of flags.ignore) {
        if (!selected.some((r) => r.columns.some((c) => c.name === field))) {
          return yield* new UsageError({
            message: `--ignore ${JSON.stringify(field.slice(0, 40))} is not a field of ${
              selected.map((r) => r.cliName).join(", ")
            }; give a field name as in the snapshot's columns (last_viewed_at, view_count, ...).`,
          });
        }
      }
      const format = Option.getOrElse(
        flags.format,
        () => io.stdout.isTerminal ? "table" : "ndjson",
      );
      diagnostics.verbose(
        `diff ${flags.old} (${before.finishedAt}) -> ${flags.new} (${after.finishedAt})`,
      );
      const changes = diffSnapshots(flags.old, flags.new, {
        resources: selected,
        ignore: flags.ignore,
      });
      // Drains the changes, handing each to `each`; gives the counts at the end.
      const drain = (each: (change: Change) => void): ReadonlyArray<ResourceCounts> => {
        for (;;) {
          const next = changes.next();
          if (next.done) return next.value;
          each(next.value);
        }
      };
      try {
        if (format === "ndjson") {
          // Written in batches of about 64 KB as the changes are read.
          let buffer = "";
          for (;;) {
            const next = changes.next();
            if (!next.done) buffer += `${JSON.stringify(next.value)}\n`;
            if (next.done || buffer.length > 64_000) {
              if (buffer !== "") yield* writeStdout(buffer);
              buffer = "";
            }
            if (next.done) return;
          }
        }
        if (format === "json") {
          const all: Array<Change> = [];
          const counts = drain((change) => all.push(change));
          yield* writeStdout(
            `${JSON.stringify({ old: before, new: after, counts, changes: all }, null, 2)}\n`,
          );
          return;
        }
        const table = tableWriter(io.columns(), colorAllowed(io.stdout.isTerminal, io.env));
        const counts = drain(table.change);
        yield* writeStdout(table.end(counts));
      } finally {
        changes.return([]);
      }
    }).pipe(withFailureContext(() => ({ redactor: diagnostics.currentRedactor }))));
