/**
 * The shape of a benchmark's results and their rendering as Markdown.
 *
 * @internal
 * @module
 */
import type { Summary } from "./stats.ts";

/** A goal of an issue, checked against the figures of this run. */
export interface Goal {
  /** The issue that sets it: `#13`, `#14`, `#15`, or `#8` for an earlier goal still measured. */
  readonly issue: string;
  readonly text: string;
  /** `undefined`: could not be checked (a part is missing or failed). */
  readonly met: boolean | undefined;
  readonly detail: string;
}

/** A table of one benchmark. */
export interface Table {
  readonly caption?: string;
  readonly header: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<ReadonlyArray<string>>;
}

/** The results of one benchmark. */
export interface Section {
  readonly key: string;
  readonly title: string;
  readonly intro: string;
  readonly goals: ReadonlyArray<Goal>;
  readonly tables: ReadonlyArray<Table>;
  readonly commands: ReadonlyArray<string>;
  readonly notes: ReadonlyArray<string>;
  /** Raw figures for results.json. */
  readonly raw: unknown;
}

/** `1 run`, `3 runs`. */
export const runsText = (n: number): string => `${n} run${n === 1 ? "" : "s"}`;

/** A number with `digits` decimals, or "n/a". */
export const num = (x: number, digits = 1): string =>
  Number.isFinite(x) ? x.toFixed(digits) : "n/a";

/** A ratio as `1.23x`, or "n/a". */
export const times = (x: number): string => Number.isFinite(x) ? `${x.toFixed(2)}x` : "n/a";

/** A spread as a percentage, or "n/a". */
export const pct = (x: number): string => Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "n/a";

/** `median (min–max, spread S%)` in one cell, spread being (max − min) / median. */
export const cell = (s: Summary, digits = 1): string =>
  s.n === 0
    ? "n/a"
    : s.n === 1
    ? num(s.median, digits)
    : `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)}, spread ${
      pct(s.spread)
    })`;

const escape = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A Markdown table. */
export const renderTable = (t: Table): string => {
  const lines: Array<string> = [];
  if (t.caption !== undefined) lines.push(`${t.caption}\n`);
  lines.push(`| ${t.header.map(escape).join(" | ")} |`);
  lines.push(`| ${t.header.map(() => "---").join(" | ")} |`);
  for (const row of t.rows) lines.push(`| ${row.map(escape).join(" | ")} |`);
  return lines.join("\n");
};

/**
 * A goal from a figure: `met` when `ok(value)`, "not checked" with `missing`
 * (or a generic reason) when the figure is not a finite number.
 */
export const goalOf = (
  issue: string,
  text: string,
  value: number,
  ok: (x: number) => boolean,
  detail: string,
  missing?: string,
): Goal =>
  Number.isFinite(value)
    ? { issue, text, met: ok(value), detail }
    : { issue, text, met: undefined, detail: missing ?? "a figure is missing (see the table)" };

/**
 * Goals ordered by issue, the issue-numbered ones first in ascending number
 * (`#13`, `#14`, `#15`) then any other (`#8` after `#15` would misread, so
 * earlier issues go last), keeping each issue's own order.
 */
export const byIssue = <G extends Goal>(goals: ReadonlyArray<G>, current = 13): Array<G> => {
  const rank = (g: Goal) => {
    const n = Number(/^#(\d+)$/.exec(g.issue)?.[1] ?? NaN);
    return Number.isFinite(n) && n >= current ? n : Number.MAX_SAFE_INTEGER;
  };
  return goals.map((g, i) => ({ g, i })).sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i)
    .map(({ g }) => g);
};

/** The verdict of a goal as a short word. */
export const verdict = (g: Goal): string =>
  g.met === undefined ? "not checked" : g.met ? "met" : "NOT met";

/** One section as Markdown. */
export const renderSection = (s: Section, index: number): string => {
  const parts: Array<string> = [`## ${index}. ${s.title}`, s.intro];
  if (s.goals.length > 0) {
    parts.push(renderTable({
      header: ["issue", "goal", "verdict", "figures"],
      rows: s.goals.map((g) => [g.issue, g.text, verdict(g), g.detail]),
    }));
  }
  for (const t of s.tables) parts.push(renderTable(t));
  if (s.notes.length > 0) parts.push(s.notes.map((n) => `- ${n}`).join("\n"));
  if (s.commands.length > 0) {
    parts.push(`Commands:\n\n\`\`\`sh\n${s.commands.join("\n")}\n\`\`\``);
  }
  return parts.join("\n\n");
};
