/**
 * Small text helpers shared by the diagnostics (errors, warnings, verbose
 * lines): one-line sanitising and number formatting.
 *
 * @internal
 * @module
 */

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Makes untrusted text (a server's error message) safe for one diagnostic
 * line: control characters and line breaks become a space, runs of
 * whitespace collapse, and the result is cut at `max` characters.
 */
export const oneLine = (text: string, max = 300): string => {
  const flat = text.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/** Ends a sentence with a full stop unless it already ends with punctuation. */
export const sentence = (text: string): string =>
  text === "" ? text : /[.!?…]$/.test(text) ? text : `${text}.`;

/** The decimal digits of a whole number `n` >= 0, shortest round-trip form, no exponent. */
const wholeDigits = (n: number): string => {
  const text = String(n);
  const e = text.indexOf("e+");
  if (e < 0) return text;
  const mantissa = text.slice(0, e).replace(".", "");
  return mantissa.padEnd(Number(text.slice(e + 2)) + 1, "0");
};

/**
 * `4146` -> `"4,146"`: rounded to a whole number (halves away from zero),
 * thousands grouped with commas, as `Intl.NumberFormat("en-US")` with no
 * fraction digits writes it. Plain string work: the first `Intl` object of
 * a process loads ICU's data, which a `list` run would pay for one summary
 * line.
 */
export const formatCount = (n: number): string => {
  if (Number.isNaN(n)) return "NaN";
  const sign = n < 0 ? "-" : "";
  if (!Number.isFinite(n)) return `${sign}∞`;
  const digits = wholeDigits(Math.round(Math.abs(n)));
  let out = digits.slice(0, (digits.length - 1) % 3 + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return sign + out;
};

/** Milliseconds as a short duration: `"850 ms"`, `"1.2 s"`, `"2 min 5 s"`. */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
};

/** `1` -> `"1 page"`, `5` -> `"5 pages"`. */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${formatCount(n)} ${n === 1 ? one : many}`;
