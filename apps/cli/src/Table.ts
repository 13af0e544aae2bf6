/**
 * Table output for people at a terminal: aligned columns, long text cut with
 * `…`, and control characters shown as escapes so a collection's name can
 * never move the cursor or change colours.
 *
 * @module
 */
import type { Collection } from "@mode-discovery/core";
import * as CliOutput from "effect/cli/CliOutput";
import type { RowWriter } from "./RowWriter.ts";

/** Settings of {@link make}. */
export interface TableOptions {
  /** Terminal width in columns; the widest columns shrink to fit. Unset: no limit. */
  readonly width?: number | undefined;
  /** Bold header (only when colours are allowed: a terminal and no NO_COLOR). */
  readonly color?: boolean | undefined;
}

interface Column {
  readonly header: string;
  readonly cell: (c: Collection) => string;
  readonly max: number;
  readonly min: number;
  readonly alignRight?: boolean;
  /** Identifiers are never cut: a longer one overflows its column instead. */
  readonly whole?: boolean;
  /** Extra width kept for values longer than the first batch's (ids grow). */
  readonly headroom?: number;
}

const COLUMNS: ReadonlyArray<Column> = [
  {
    header: "ID",
    cell: (c) => String(c.id),
    max: 20,
    min: 2,
    alignRight: true,
    whole: true,
    headroom: 2,
  },
  { header: "TOKEN", cell: (c) => c.token, max: 40, min: 5, whole: true },
  { header: "TYPE", cell: (c) => c.space_type, max: 16, min: 4 },
  { header: "NAME", cell: (c) => c.name ?? "", max: 40, min: 8 },
  { header: "DESCRIPTION", cell: (c) => c.description ?? "", max: 60, min: 11 },
];

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

const fitWidths = (natural: ReadonlyArray<number>, total: number | undefined): Array<number> => {
  const widths = [...natural];
  if (total === undefined) return widths;
  const used = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  // Shrink the widest shrinkable column one step at a time until the row fits.
  while (used() > total) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const shrinkable = !COLUMNS[i].whole && widths[i] > COLUMNS[i].min;
      if (shrinkable && (widest < 0 || widths[i] > widths[widest])) widest = i;
    }
    if (widest < 0) break;
    widths[widest]--;
  }
  return widths;
};

/**
 * A streaming table writer.
 *
 * **Details**
 *
 * Column widths come from the first batch of rows (a page), capped per
 * column and shrunk to fit `width`; later rows are cut to those widths, so
 * nothing needs to be buffered beyond one batch. ID and TOKEN are never cut
 * (a longer one overflows; ID keeps room for two more digits, as ids grow). Columns: ID, TOKEN, TYPE, NAME, DESCRIPTION
 * (`null` shows as empty). An empty listing prints `No collections.`.
 *
 * @example
 * ```ts
 * import { Table } from "@mode-discovery/cli";
 * const w = Table.make({ width: 80 });
 * w.start() + w.rows([]) + w.end(); // => "No collections.\n"
 * ```
 */
export const make = (options: TableOptions = {}): RowWriter => {
  let widths: Array<number> | undefined;
  let count = 0;
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[0m` : s);
  const line = (cells: ReadonlyArray<string>, style: (s: string) => string = (s) => s) => {
    const parts = cells.map((cell, i) => {
      const text = COLUMNS[i].whole ? cell : truncate(cell, widths![i]);
      return i === cells.length - 1 && !COLUMNS[i].alignRight
        ? text
        : pad(text, widths![i], COLUMNS[i].alignRight === true);
    });
    return `${style(parts.join(GAP).trimEnd())}\n`;
  };
  return {
    start: () => "",
    rows: (batch) => {
      if (batch.length === 0) return "";
      const cells = batch.map((c) => COLUMNS.map((col) => cellText(col.cell(c))));
      let out = "";
      if (widths === undefined) {
        const natural = COLUMNS.map((col, i) =>
          Math.min(
            col.max,
            (col.headroom ?? 0) + Math.max(
              textWidth(col.header),
              ...cells.map((row) => textWidth(row[i])),
            ),
          )
        );
        widths = fitWidths(natural, options.width);
        out += line(COLUMNS.map((col) => col.header), bold);
      }
      for (const row of cells) out += line(row);
      count += batch.length;
      return out;
    },
    end: () => (count === 0 ? "No collections.\n" : ""),
  };
};
