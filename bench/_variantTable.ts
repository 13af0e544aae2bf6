/**
 * Reading and showing the samples of interleaved variants: each variant's
 * median figure, and a table of variants side by side, each with its ratio
 * to the baseline it is compared with.
 *
 * @internal
 * @module
 */
import type { Samples, Variant } from "./_measure.ts";
import { cell, num, type Table, times } from "./_report.ts";
import { ratio, summarize } from "./stats.ts";

/** A variant and the one its ratio is taken against. */
export interface Entry {
  readonly variant: Variant;
  /** The id of its baseline; none: it is a baseline. */
  readonly baseline?: string | undefined;
}

/** Which time: the program's own measurement, or the whole run's. */
export type Timing = "in-process" | "wall";

/** The median time of variant `id` (NaN when it has no figure). */
export const medianOf = (
  samples: ReadonlyMap<string, Samples>,
  id: string,
  timing: Timing,
): number => {
  const s = samples.get(id);
  return s === undefined
    ? NaN
    : summarize(timing === "in-process" ? s.inProcessMs : s.wallMs).median;
};

/** Why variant `id` has no figure: unavailable, or its first failure. */
export const whyMissing = (
  entries: ReadonlyArray<Entry>,
  samples: ReadonlyMap<string, Samples>,
  id: string,
): string | undefined => {
  const v = entries.find((e) => e.variant.id === id)?.variant;
  if (v?.unavailable !== undefined) return `unavailable: ${v.unavailable}`;
  const failure = samples.get(id)?.failures[0];
  return failure === undefined ? undefined : `failed: ${failure}`;
};

/** The variants side by side: in-process and wall medians, peak RSS, ratio to baseline. */
export const variantTable = (
  caption: string,
  entries: ReadonlyArray<Entry>,
  samples: ReadonlyMap<string, Samples>,
): Table => {
  const byId = new Map(entries.map((e) => [e.variant.id, e.variant]));
  return {
    caption,
    header: [
      "program",
      "ms in-process: median (min–max, spread)",
      "wall ms: median (min–max, spread)",
      "peak RSS MB",
      "ratio to baseline",
      "baseline",
    ],
    rows: entries.map((e) => {
      const v = e.variant;
      if (v.unavailable !== undefined) {
        return [v.label, `unavailable: ${v.unavailable}`, "", "", "", ""];
      }
      const s = samples.get(v.id)!;
      if (s.wallMs.length === 0) {
        return [v.label, `failed: ${s.failures[0] ?? "did not run"}`, "", "", "", ""];
      }
      const failed = s.failures.length > 0
        ? ` (${s.failures.length} failed: ${s.failures[0]})`
        : "";
      const base = e.baseline === undefined ? undefined : byId.get(e.baseline);
      const r = base === undefined
        ? NaN
        : ratio(medianOf(samples, v.id, v.timing), medianOf(samples, base.id, v.timing));
      return [
        v.label,
        s.inProcessMs.length > 0 ? cell(summarize(s.inProcessMs)) + failed : `—${failed}`,
        cell(summarize(s.wallMs)),
        num(summarize(s.rssMb).median),
        base === undefined ? "(baseline)" : `${times(r)} (${v.timing})`,
        base?.label ?? "",
      ];
    }),
  };
};

/** The raw figures of variants for results.json. */
export const rawVariants = (
  entries: ReadonlyArray<Entry>,
  samples: ReadonlyMap<string, Samples>,
): Record<string, unknown> =>
  Object.fromEntries(entries.map((e) => [e.variant.id, {
    label: e.variant.label,
    timing: e.variant.timing,
    baseline: e.baseline,
    unavailable: e.variant.unavailable,
    ...samples.get(e.variant.id),
  }]));
