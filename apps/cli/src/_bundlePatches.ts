/**
 * Fixes to the bundler's output of a pinned dependency, applied when the
 * CLI's bundle is built (see `_bundle.ts`): each one moves start-up work a
 * `list` run never needs to where it is first needed, and changes nothing
 * else.
 *
 * **Details**
 *
 * - A fix that no longer matches (the dependency changed) is skipped: the
 *   bundle is then as the bundler made it. `_bundlePatches_test.ts` checks
 *   that every fix still matches the pinned dependency.
 * - The fixes are part of the bundle's digest, so editing one builds the
 *   bundle again.
 * - Imports nothing, as `_bundle.ts`.
 *
 * @internal
 * @module
 */

/** One textual fix of the bundler's output. */
export interface BundlePatch {
  /** What it fixes, for the digest and the tests. */
  readonly name: string;
  /** The text to replace (its first match in each chunk). */
  readonly find: RegExp;
  /** Its replacement (`$1` and so on are the groups of `find`). */
  readonly replace: string;
}

/**
 * The fixes, in order.
 *
 * - `lazy-grapheme-segmenter`: effect 4.1.0's `cli/CliOutput.js` makes an
 *   `Intl.Segmenter` when the module loads, which loads ICU's grapheme
 *   data; it only measures the width of help text. It is made on first use
 *   instead, as apps/cli's own `Table.ts` does.
 */
export const BUNDLE_PATCHES: ReadonlyArray<BundlePatch> = [
  {
    name: "lazy-grapheme-segmenter",
    find:
      /var (graphemeSegmenter\d*) = \/\* @__PURE__ \*\/ new Intl\.Segmenter\(void 0, \{\s*granularity: "grapheme"\s*\}\);/,
    replace:
      'var $1Made;\nvar $1 = { segment: (text) => ($1Made ??= new Intl.Segmenter(void 0, { granularity: "grapheme" })).segment(text) };',
  },
];

/** A fingerprint of {@link BUNDLE_PATCHES}, for the bundle's digest. */
export const patchesFingerprint = (): string =>
  BUNDLE_PATCHES.map((p) => `${p.name}\0${p.find.source}\0${p.replace}`).join("\0");

/** `texts` with every fix applied where it matches; the names of the fixes that matched. */
export const applyPatches = (
  texts: ReadonlyArray<string>,
): { readonly texts: Array<string>; readonly applied: Array<string> } => {
  const applied: Array<string> = [];
  const out = texts.map((text) => {
    let patched = text;
    for (const patch of BUNDLE_PATCHES) {
      const next = patched.replace(patch.find, patch.replace);
      if (next !== patched) applied.push(patch.name);
      patched = next;
    }
    return patched;
  });
  return { texts: out, applied };
};
