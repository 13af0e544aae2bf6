/**
 * Summary statistics of repeated measurements: median, min, max, spread and
 * the ratio of two medians. Small machines are noisy, so the benchmarks
 * report medians of several runs and how far the runs were apart.
 *
 * @module
 */

/**
 * The summary of a set of samples.
 *
 * - `median`: the middle sample (mean of the two middle ones for an even count).
 * - `spread`: `(max - min) / median`, how far apart the runs were relative to
 *   the median (0.1 means the runs span 10% of the median).
 */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly spread: number;
}

const finite = (samples: ReadonlyArray<number>): Array<number> =>
  samples.filter((x) => Number.isFinite(x));

/**
 * The median of the finite samples; `NaN` when there are none.
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * median([3, 1, 2]); // => 2
 * median([4, 1, 3, 2]); // => 2.5
 * ```
 */
export const median = (samples: ReadonlyArray<number>): number => {
  const xs = finite(samples).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
};

/**
 * `(max - min) / median` of the finite samples: 0 for one sample, `NaN` for
 * none or a zero median.
 *
 * @example
 * ```ts
 * import { spread } from "./stats.ts";
 * spread([90, 100, 110]); // => 0.2
 * ```
 */
export const spread = (samples: ReadonlyArray<number>): number => {
  const xs = finite(samples);
  if (xs.length === 0) return NaN;
  const m = median(xs);
  if (m === 0) return NaN;
  return (Math.max(...xs) - Math.min(...xs)) / Math.abs(m);
};

/**
 * Median, min, max and spread of the finite samples (non-finite ones, such as
 * failed runs recorded as `NaN`, are left out and not counted in `n`).
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * summarize([120, 100, 110]); // => { n: 3, median: 110, min: 100, max: 120, spread: 0.1818... }
 * ```
 */
export const summarize = (samples: ReadonlyArray<number>): Summary => {
  const xs = finite(samples);
  return {
    n: xs.length,
    median: median(xs),
    min: xs.length === 0 ? NaN : Math.min(...xs),
    max: xs.length === 0 ? NaN : Math.max(...xs),
    spread: spread(xs),
  };
};

/**
 * `value / baseline`, or `NaN` when either is not a finite number or the
 * baseline is 0. For times, a ratio above 1 means slower than the baseline;
 * for throughput, above 1 means faster.
 *
 * @example
 * ```ts
 * import { ratio } from "./stats.ts";
 * ratio(150, 100); // => 1.5
 * ```
 */
export const ratio = (value: number, baseline: number): number =>
  Number.isFinite(value) && Number.isFinite(baseline) && baseline !== 0 ? value / baseline : NaN;
