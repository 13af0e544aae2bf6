/**
 * The progress line of a listing on stderr: pages done of total,
 * items, rate and ETA, redrawn in place while the walk runs.
 *
 * @module
 */
import type { ListProgress } from "@mode-discovery/core/DiscoveryClient";
import type { TextOut } from "./CliIO.ts";
import { formatCount, formatDuration } from "./_text.ts";

/**
 * The progress text for one moment of a walk (no colour, no control codes).
 *
 * **Details**
 *
 * Rate is items per second since the start. ETA is shown once the
 * total is known and at least one page has arrived.
 *
 * @example
 * ```ts
 * import { renderProgress } from "@mode-discovery/cli";
 * renderProgress("demo", {
 *   pagesFetched: 2, totalPages: 5, totalCount: 4146, itemsEmitted: 2000,
 *   retries: 0, elapsedMs: 500,
 * });
 * // => "demo: page 2/5 · 2,000/4,146 collections · 4,000/s · ETA 537 ms"
 * ```
 */
export const renderProgress = (
  workspace: string,
  p: ListProgress,
  items = "collections",
): string => {
  const pages = p.totalPages === undefined
    ? `page ${formatCount(p.pagesFetched)}`
    : `page ${formatCount(p.pagesFetched)}/${formatCount(p.totalPages)}`;
  const count = p.totalCount === undefined
    ? `${formatCount(p.itemsEmitted)} ${items}`
    : `${formatCount(p.itemsEmitted)}/${formatCount(p.totalCount)} ${items}`;
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.itemsEmitted / seconds : 0;
  const parts = [`${workspace}: ${pages}`, count];
  if (rate > 0) parts.push(`${formatCount(rate)}/s`);
  if (p.retries > 0) {
    parts.push(`${formatCount(p.retries)} ${p.retries === 1 ? "retry" : "retries"}`);
  }
  if (p.totalCount !== undefined && rate > 0 && p.pagesFetched > 0) {
    const remaining = Math.max(0, p.totalCount - p.itemsEmitted);
    parts.push(`ETA ${formatDuration((remaining / rate) * 1000)}`);
  }
  return parts.join(" · ");
};

/** A live progress display; see {@link makeProgressDisplay}. */
export interface ProgressDisplay {
  /** Shows the latest progress (redraws at most every `intervalMs`). */
  readonly update: (progress: ListProgress) => void;
  /** Erases the line, before the summary or an error is printed. */
  readonly clear: () => void;
}

/** Settings of {@link makeProgressDisplay}. */
export interface ProgressOptions {
  /** Workspace name shown at the start of the line. */
  readonly workspace: string;
  /** What is listed, plural (`collections`, `report stats`). Default `collections`. */
  readonly items?: string | undefined;
  /** Dim the line (only when colours are allowed). */
  readonly color: boolean;
  /** Smallest time between redraws, ms. Default 100. */
  readonly intervalMs?: number | undefined;
  /** Clock, ms. Default `performance.now`. */
  readonly now?: (() => number) | undefined;
}

/** A display that shows nothing (stderr is not a terminal, or `--quiet`). */
export const silentProgress: ProgressDisplay = { update: () => {}, clear: () => {} };

/**
 * A progress line redrawn in place on `out` with `\r` and erase-line.
 *
 * **When to use**
 *
 * Only when stderr is a terminal and `--quiet` is not given; otherwise use
 * {@link silentProgress}. Redraws are throttled so a fast walk does not
 * spend its time drawing; the last page always draws.
 *
 * @example
 * ```ts
 * import { makeProgressDisplay } from "@mode-discovery/cli";
 * const lines: string[] = [];
 * const out = { isTerminal: true, write: async () => {}, writeSync: (t: string) => void lines.push(t) };
 * const display = makeProgressDisplay(out, { workspace: "demo", color: false });
 * display.update({ pagesFetched: 1, totalPages: 1, totalCount: 3, itemsEmitted: 3, retries: 0, elapsedMs: 10 });
 * display.clear();
 * ```
 */
export const makeProgressDisplay = (out: TextOut, options: ProgressOptions): ProgressDisplay => {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  let last = -Infinity;
  let shown = false;
  return {
    update: (progress) => {
      const t = now();
      const done = progress.totalPages !== undefined &&
        progress.pagesFetched >= progress.totalPages;
      if (!done && t - last < interval) return;
      last = t;
      const text = renderProgress(options.workspace, progress, options.items);
      out.writeSync(`\r\x1b[2K${options.color ? `\x1b[2m${text}\x1b[0m` : text}`);
      shown = true;
    },
    clear: () => {
      if (shown) out.writeSync("\r\x1b[2K");
      shown = false;
    },
  };
};

/**
 * The progress line of a snapshot: each resource's pages read so far.
 *
 * @example
 * ```ts
 * import { renderSnapshotProgress } from "@mode-discovery/cli";
 * renderSnapshotProgress("demo", [["collections", { pagesFetched: 5, totalPages: 5 }], ["reports", undefined]]);
 * // => "demo: collections 5/5 · reports …"
 * ```
 */
export const renderSnapshotProgress = (
  workspace: string,
  entries: ReadonlyArray<
    readonly [string, Pick<ListProgress, "pagesFetched" | "totalPages"> | undefined]
  >,
): string =>
  `${workspace}: ${
    entries.map(([name, p]) =>
      p === undefined
        ? `${name} …`
        : `${name} ${formatCount(p.pagesFetched)}/${
          p.totalPages === undefined ? "?" : formatCount(p.totalPages)
        }`
    ).join(" · ")
  }`;

/** A live progress display of a snapshot: one line, every resource. */
export interface SnapshotProgressDisplay {
  /** Shows the latest progress of `resource` (redraws at most every `intervalMs`). */
  readonly update: (resource: string, progress: ListProgress) => void;
  /** Erases the line. */
  readonly clear: () => void;
}

/**
 * A snapshot's progress line on `out` (a terminal), redrawn in place:
 * `acme: collections 5/5 · reports 2/5 · queries …`.
 */
export const makeSnapshotProgressDisplay = (
  out: TextOut,
  options: Omit<ProgressOptions, "items"> & { readonly resources: ReadonlyArray<string> },
): SnapshotProgressDisplay => {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const latest = new Map<string, ListProgress>();
  let last = -Infinity;
  let shown = false;
  return {
    update: (resource, progress) => {
      latest.set(resource, progress);
      const t = now();
      if (t - last < interval) return;
      last = t;
      const text = renderSnapshotProgress(
        options.workspace,
        options.resources.map((name) => [name, latest.get(name)] as const),
      );
      out.writeSync(`\r\x1b[2K${options.color ? `\x1b[2m${text}\x1b[0m` : text}`);
      shown = true;
    },
    clear: () => {
      if (shown) out.writeSync("\r\x1b[2K");
      shown = false;
    },
  };
};
