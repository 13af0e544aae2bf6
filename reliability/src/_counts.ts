/**
 * Counts of fuzz cases: how many ran, how each ended, what kind of input
 * each had.
 *
 * @internal
 * @module
 */

/** Counts of one fuzz run. */
export interface CaseCounts {
  /** Cases run. */
  cases: number;
  /** Requests or attempts made over all cases. */
  requests: number;
  /** Cases per outcome (`success`, an error tag, or an HTTP status). */
  readonly outcomes: Record<string, number>;
  /** Cases per kind of input. */
  readonly kinds: Record<string, number>;
  /** Cases per resource (the resource whose page or listing was asked for). */
  readonly resources: Record<string, number>;
  /** The longest error message seen, in characters. */
  longestMessage: number;
}

/** Empty counts. */
export const newCounts = (): CaseCounts => ({
  cases: 0,
  requests: 0,
  outcomes: {},
  kinds: {},
  resources: {},
  longestMessage: 0,
});

/** Adds one case. */
export const record = (
  counts: CaseCounts,
  result: { readonly outcome: string; readonly messageLength: number; readonly requests: number },
  kind: string,
  resource?: string,
): void => {
  if (resource !== undefined) {
    counts.resources[resource] = (counts.resources[resource] ?? 0) + 1;
  }
  counts.cases++;
  counts.requests += result.requests;
  counts.outcomes[result.outcome] = (counts.outcomes[result.outcome] ?? 0) + 1;
  counts.kinds[kind] = (counts.kinds[kind] ?? 0) + 1;
  counts.longestMessage = Math.max(counts.longestMessage, result.messageLength);
};

/** `a 12, b 3` from a record of counts, largest first. */
export const describeCounts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([key, n]) => `${key} ${n.toLocaleString("en-US")}`).join(", ");
