/**
 * Durations in settings: `300ms`, `10s`, `1.5s`, `2m`, `1h`.
 *
 * @internal
 * @module
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a duration such as `300ms`, `10s`, `2m` or `1h` (a
 * number and a unit, no space), or `undefined` when the text is not one.
 * With `unitOnly`, a bare unit (`s`) means one of it.
 */
export const parseDuration = (text: string, unitOnly = false): number | undefined => {
  const match = /^([0-9]{1,9}(?:\.[0-9]{1,3})?)?(ms|s|m|h)$/.exec(text.trim());
  if (match === null) return undefined;
  if (match[1] === undefined && !unitOnly) return undefined;
  const amount = match[1] === undefined ? 1 : Number(match[1]);
  return Math.round(amount * UNITS[match[2]]);
};

/** A duration for messages: `300ms`, `10s`, `2m`. */
export const showDuration = (ms: number): string =>
  ms % 3_600_000 === 0
    ? `${ms / 3_600_000}h`
    : ms % 60_000 === 0
    ? `${ms / 60_000}m`
    : ms % 1000 === 0
    ? `${ms / 1000}s`
    : `${ms}ms`;
