/**
 * Table output for people at a terminal: the resource's readable columns
 * (its descriptor's `display`), aligned, long text cut with `…`, multi-line
 * text shown by its first line, and control characters shown as escapes so a
 * name can never move the cursor or change colours.
 *
 * @module
 */
import { type AnyResource, collections } from "@mode-discovery/core/Resources";
import type * as Field from "@mode-discovery/core/Field";
import type * as Resource from "@mode-discovery/core/Resource";
import * as CliOutput from "effect/cli/CliOutput";
import type { Row, RowWriter } from "./RowWriter.ts";

/** Settings of {@link make}. */
export interface TableOptions {
  /** Terminal width in columns; the widest columns shrink to fit. Unset: no limit. */
  readonly width?: number | undefined;
  /** Bold header (only when colours are allowed: a terminal and no NO_COLOR). */
  readonly color?: boolean | undefined;
}

interface Column {
  readonly header: string;
  readonly cell: (row: Row) => string;
  readonly max: number;
  readonly min: number;
  readonly alignRight?: boolean;
  /** Identifiers are never cut: a longer one overflows its column instead. */
  readonly whole?: boolean;
  /** Extra width kept for values longer than the first batch's (ids grow). */
  readonly headroom?: number;
}

/** Widths by kind: identifiers whole and right-aligned, text cut to fit. */
const LIMITS: Readonly<
  Record<Field.FieldKind, Pick<Column, "max" | "min" | "alignRight" | "whole">>
> = {
  key: { max: 20, min: 2, alignRight: true, whole: true },
  token: { max: 40, min: 5, whole: true },
  int: { max: 12, min: 2, alignRight: true },
  timestamp: { max: 24, min: 10 },
  text: { max: 40, min: 8 },
  strings: { max: 40, min: 8 },
};

/** The first line of a multi-line text, with `…` when more lines follow. */
const firstLine = (text: string): string => {
  const trimmed = text.trimStart();
  const newline = trimmed.search(/\r?\n/);
  return newline < 0 ? trimmed : `${trimmed.slice(0, newline).trimEnd()}…`;
};

const cellOf = (kind: Field.FieldKind, value: unknown): string =>
  value === null || value === undefined
    ? ""
    : kind === "strings" && Array.isArray(value)
    ? value.join(", ")
    : kind === "text"
    ? firstLine(String(value))
    : String(value);

/** The columns a table of `resource` shows: its `display` fields. */
const columnsOf = (resource: Resource.Any): ReadonlyArray<Column> =>
  (resource.display as ReadonlyArray<string>).map((name, i, all) => {
    const column = resource.columns.find((c) => c.name === name)!;
    const limits = LIMITS[column.kind];
    const last = i === all.length - 1;
    return {
      header: name.toUpperCase().replaceAll("_", " "),
      cell: (row: Row) => cellOf(column.kind, row[name]),
      ...limits,
      // The last column may run longer: nothing follows it.
      max: last && !limits.whole ? limits.max + 20 : limits.max,
      ...(column.kind === "key" ? { headroom: 2 } : {}),
    };
  });

const GAP = "  ";

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

// C0/C1 controls, DEL, line/paragraph separators and bidirectional overrides.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text made safe for one table cell: line breaks, tabs and other control or
 * bidi-override characters become visible escapes (`\n`, `\u001b`).
 *
 * @example
 * ```ts
 * import { Table } from "@mode-discovery/cli";
 * Table.cellText("two\nlines"); // => "two\\nlines"
 * ```
 */
export const cellText = (text: string): string =>
  text.replace(
    UNSAFE,
    (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

let segmenter: Intl.Segmenter | undefined;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Terminal columns `text` takes: its length for printable ASCII (the common
 * case, kept fast), else effect/cli's grapheme-aware width (CJK and emoji
 * count two).
 *
 * @example
 * ```ts
 * import { Table } from "@mode-discovery/cli";
 * Table.textWidth("abc"); // => 3
 * Table.textWidth("売上"); // => 4
 * ```
 */
export const textWidth = (text: string): number =>
  PRINTABLE_ASCII.test(text) ? text.length : CliOutput.displayWidth(text);

/**
 * Cuts text to at most `width` terminal columns, ending with `…` when cut.
 * Wide characters (CJK, emoji) count as two columns; graphemes stay whole.
 *
 * @example
 * ```ts
 * import { Table } from "@mode-discovery/cli";
 * Table.truncate("collection", 6); // => "colle…"
 * ```
 */
export const truncate = (text: string, width: number): string => {
  if (textWidth(text) <= width) return text;
  if (PRINTABLE_ASCII.test(text)) return `${text.slice(0, Math.max(0, width - 1))}…`;
  let out = "";
  let used = 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(text)) {
    const w = CliOutput.displayWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
};

const pad = (text: string, width: number, right: boolean): string => {
  const fill = " ".repeat(Math.max(0, width - textWidth(text)));
  return right ? fill + text : text + fill;
};

const fitWidths = (
  columns: ReadonlyArray<Column>,
  natural: ReadonlyArray<number>,
  total: number | undefined,
): Array<number> => {
  const widths = [...natural];
  if (total === undefined) return widths;
  const used = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  // Shrink the widest shrinkable column one step at a time until the row fits.
  while (used() > total) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const shrinkable = !columns[i].whole && widths[i] > columns[i].min;
      if (shrinkable && (widest < 0 || widths[i] > widths[widest])) widest = i;
    }
    if (widest < 0) break;
    widths[widest]--;
  }
  return widths;
};

/**
 * A streaming table writer for `resource` (default collections).
 *
 * **Details**
 *
 * The columns are the resource's `display` fields (collections: ID, TOKEN,
 * SPACE TYPE, NAME, DESCRIPTION; queries: ID, NAME, DATA SOURCE TOKEN,
 * RAW QUERY, ...), `null` shown as empty, lists joined with commas, and
 * multi-line text by its first line followed by `…`. Column widths come
 * from the first batch of rows (a page), capped per column and shrunk to
 * fit `width`; later rows are cut to those widths, so nothing needs to be
 * buffered beyond one batch. Keys and tokens are never cut (a longer one
 * overflows; the key keeps room for two more digits, as ids grow). An empty
 * listing prints `No collections.` (`No reports.`, ...).
 *
 * @example
 * ```ts
 * import { rowsText, Table } from "@mode-discovery/cli";
 * const w = Table.make({ width: 80 });
 * w.start() + rowsText(w, []) + w.end(); // => "No collections.\n"
 * ```
 */
export const make = (
  options: TableOptions = {},
  resource: AnyResource = collections,
): RowWriter => {
  const columns = columnsOf(resource);
  let widths: Array<number> | undefined;
  let count = 0;
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[0m` : s);
  const line = (cells: ReadonlyArray<string>, style: (s: string) => string = (s) => s) => {
    const parts = cells.map((cell, i) => {
      const text = columns[i].whole ? cell : truncate(cell, widths![i]);
      return i === cells.length - 1 && !columns[i].alignRight
        ? text
        : pad(text, widths![i], columns[i].alignRight === true);
    });
    return `${style(parts.join(GAP).trimEnd())}\n`;
  };
  return {
    start: () => "",
    rows: (batch, emit) => {
      if (batch.length === 0) return;
      const cells = batch.map((row) => columns.map((col) => cellText(col.cell(row))));
      if (widths === undefined) {
        const natural = columns.map((col, i) =>
          Math.min(
            col.max,
            (col.headroom ?? 0) + Math.max(
              textWidth(col.header),
              ...cells.map((row) => textWidth(row[i])),
            ),
          )
        );
        widths = fitWidths(columns, natural, options.width);
        emit(line(columns.map((col) => col.header), bold));
      }
      for (const row of cells) emit(line(row));
      count += batch.length;
    },
    end: () => (count === 0 ? `No ${resource.plural}.\n` : ""),
  };
};
