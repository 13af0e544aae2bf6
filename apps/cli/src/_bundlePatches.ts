/**
 * Fixes to the bundler's output of a pinned dependency, applied when the
 * CLI's bundle is built (see `_bundle.ts`): each one takes work a `list`
 * run does not need off its start-up (made on first use instead, or a
 * probe's answer under V8 written in), and changes nothing else.
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
 * - `v8-internal-call`: effect 4.1.0's `Utils.js` (`pickInternalCall`)
 *   makes an `Error` when the module loads, to learn whether the engine
 *   keeps a computed method name in stack frames. An `Error` made while a
 *   bundled chunk's top level runs is dear under Deno: V8 gathers the line
 *   and column of its frames, and for the chunk's top level it compiles
 *   the whole chunk again. V8 keeps the name, so the bundle (built for
 *   Deno only) takes the answer the probe gives there;
 *   `_bundlePatches_test.ts` runs the probe to check that it still does.
 * - `v8-stack-probe`: the same for `internal/effect.js`'s
 *   `continuationMarksStack`, whose probe learns whether V8 writes a
 *   method's key beside its name (`[as ...]`) in stack frames.
 */
export const BUNDLE_PATCHES: ReadonlyArray<BundlePatch> = [
  {
    name: "lazy-grapheme-segmenter",
    find:
      /var (graphemeSegmenter\d*) = \/\* @__PURE__ \*\/ new Intl\.Segmenter\(void 0, \{\s*granularity: "grapheme"\s*\}\);/,
    replace:
      'var $1Made;\nvar $1 = { segment: (text) => ($1Made ??= new Intl.Segmenter(void 0, { granularity: "grapheme" })).segment(text) };',
  },
  {
    name: "v8-internal-call",
    find:
      /(if \(limit === 0\) return forced\[InternalTypeId\];)\n\s*setStackTraceLimit\(2\);\n\s*const error = standard\[InternalTypeId\]\(\(\) => new Error\(\)\);\n\s*setStackTraceLimit\(limit\);\n\s*return error\.stack\?\.includes\(InternalTypeId\) === true \? standard\[InternalTypeId\] : forced\[InternalTypeId\];/,
    replace: "$1\n  return standard[InternalTypeId];",
  },
  {
    name: "v8-stack-probe",
    find:
      /(var continuationMarksStack = \/\* @__PURE__ \*\/ \(\(\) => \{\n\s*const limit = \/\* @__PURE__ \*\/ getStackTraceLimit\(\);\n\s*if \(limit === 0\) return false;)\n\s*const marker = "~effect\/Effect\/stackProbe";\n\s*const probe = \{\n\s*\[marker\]: function stackProbe\(\) \{\n\s*return new Error\(\);\n\s*\}\n\s*\};\n\s*setStackTraceLimit\(1\);\n\s*const error = \/\* @__PURE__ \*\/ probe\[marker\]\(\);\n\s*setStackTraceLimit\(limit\);\n\s*return error\.stack\?\.includes\("\[as " \+ marker \+ "\]"\) === true;/,
    replace: "$1\n  return true;",
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
