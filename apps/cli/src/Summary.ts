/**
 * The lines printed on stderr when a listing ends: the summary, and a
 * warning when the workspace changed while it was being read.
 *
 * @module
 */
import { type AnyResource, collections } from "@mode-discovery/core/Resources";
import type { ListSummary } from "@mode-discovery/core/DiscoveryClient";
import { formatCount, formatDuration, plural } from "./_text.ts";

/** What the command itself counted, next to the client's {@link ListSummary}. */
export interface WrittenCounts {
  /** Rows written to the output (after `--type` and `--limit`). */
  readonly rows: number;
  /** Where they went: `undefined` for stdout, else the file path. */
  readonly output?: string | undefined;
}

/**
 * The summary line: items (of `resource`, default collections), pages, retries and time.
 *
 * @example
 * ```ts
 * import { summaryLine } from "@mode-discovery/cli";
 * summaryLine({
 *   pagesFetched: 5, itemsEmitted: 4146, duplicatesDropped: 0, totalsDrifted: false,
 *   initialTotalCount: 4146, finalTotalCount: 4146, retries: 0, pageSizeShrinks: 0,
 *   finalPerPage: 1000, stoppedBecause: "last-page",
 *   elapsedMs: 312,
 * }, { rows: 4146 });
 * // => "4,146 collections in 5 pages, 0 retries, 312 ms."
 * ```
 */
export const summaryLine = (
  summary: ListSummary,
  written: WrittenCounts,
  resource: AnyResource = collections,
): string => {
  const items = (n: number) => plural(n, resource.singular, resource.plural);
  const read = `${plural(summary.pagesFetched, "page")}, ${
    plural(summary.retries, "retry", "retries")
  }, ${formatDuration(summary.elapsedMs)}`;
  const dest = written.output === undefined ? "" : ` to ${written.output}`;
  const dupes = summary.duplicatesDropped > 0
    ? ` (${plural(summary.duplicatesDropped, "duplicate")} dropped)`
    : "";
  const shrunk = summary.pageSizeShrinks > 0
    ? ` (${
      plural(summary.pageSizeShrinks, "page")
    } split into smaller ones, down to ${summary.finalPerPage})`
    : "";
  return written.rows === summary.itemsEmitted
    ? `${items(written.rows)} in ${read}${dupes}${shrunk}${dest && ", written" + dest}.`
    : `${items(written.rows)} written${dest} (of ${
      formatCount(summary.itemsEmitted)
    } read in ${read})${dupes}${shrunk}.`;
};

/**
 * The warning shown when `total_count` or `total_pages` changed during the
 * walk, or `undefined` when they did not.
 *
 * @example
 * ```ts
 * import { driftWarning } from "@mode-discovery/cli";
 * driftWarning({
 *   pagesFetched: 5, itemsEmitted: 4146, duplicatesDropped: 0, totalsDrifted: true,
 *   initialTotalCount: 4146, finalTotalCount: 4150, retries: 0, pageSizeShrinks: 0,
 *   finalPerPage: 1000, stoppedBecause: "last-page",
 *   elapsedMs: 312,
 * }); // => "the workspace changed during the listing (total_count 4,146 -> 4,150): ..."
 * ```
 */
export const driftWarning = (
  summary: ListSummary,
  resource: AnyResource = collections,
): string | undefined => {
  if (!summary.totalsDrifted) return undefined;
  const counts = summary.initialTotalCount !== undefined && summary.finalTotalCount !== undefined
    ? ` (total_count ${formatCount(summary.initialTotalCount)} -> ${
      formatCount(summary.finalTotalCount)
    })`
    : "";
  return `the workspace changed during the listing${counts}: ${resource.plural} added or removed ` +
    "meanwhile may be missing (none is listed twice). Run again for a consistent list.";
};
