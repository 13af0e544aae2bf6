import assert from "node:assert/strict";
import { bundlerOptions } from "./_bundle.ts";
import { applyPatches, BUNDLE_PATCHES } from "./_bundlePatches.ts";

/** effect 4.1.0's `cli/CliOutput.js` as the bundler writes it (the part the fix rewrites). */
const CLI_OUTPUT = `var graphemeSegmenter = /* @__PURE__ */ new Intl.Segmenter(void 0, {
  granularity: "grapheme"
});
var displayWidth = (text) => {
  let length = 0;
  for (const { segment } of graphemeSegmenter.segment(text)) length += segment.length > 0 ? 1 : 0;
  return length;
};
return displayWidth;`;

/** The CLI's bundle as the bundler writes it, before any fix. */
const rawCliBundle = async (): Promise<Array<string>> => {
  const root = new URL("../../../", import.meta.url);
  const out = new URL(`file://${await Deno.makeTempDir({ prefix: "mode-discovery-patches-" })}/`);
  try {
    const result = await Deno.bundle(bundlerOptions(new URL("apps/cli/src/Cli.ts", root), out));
    assert.ok(result.success, "the CLI bundles");
    return (result.outputFiles ?? []).map((f) => f.text());
  } finally {
    await Deno.remove(out, { recursive: true });
  }
};

Deno.test("every bundle fix matches the pinned effect in the CLI's bundle, once", async () => {
  const { texts, applied } = applyPatches(await rawCliBundle());
  assert.deepEqual(applied.toSorted(), BUNDLE_PATCHES.map((p) => p.name).toSorted());
  for (const patch of BUNDLE_PATCHES) {
    assert.ok(!texts.some((text) => patch.find.test(text)), `${patch.name} left unapplied`);
  }
});

Deno.test("the grapheme segmenter of effect's help output is made on first use", async (t) => {
  await t.step("the bundler's text is rewritten, and measures text as before", () => {
    const { texts, applied } = applyPatches([CLI_OUTPUT]);
    assert.deepEqual(applied, ["lazy-grapheme-segmenter"]);
    assert.doesNotMatch(texts[0], /^var graphemeSegmenter = \/\* @__PURE__ \*\/ new Intl/m);
    const before = new Function(CLI_OUTPUT)() as (text: string) => number;
    const after = new Function(texts[0])() as (text: string) => number;
    for (const text of ["", "collections", "naïve 👩‍👩‍👧 列表", "e\u0301"]) {
      assert.equal(after(text), before(text), text);
    }
  });
  await t.step("a text the fix does not match is left as it is", () => {
    const other = "var graphemeSegmenter = new Intl.Segmenter('en');";
    assert.deepEqual(applyPatches([other]), { texts: [other], applied: [] });
  });
});

Deno.test("the answers the fixes give effect's stack probes are the ones V8 gives here", async (t) => {
  const probe = <A>(limit: number, run: () => A): A => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = limit;
    try {
      return run();
    } finally {
      Error.stackTraceLimit = before;
    }
  };
  await t.step("pickInternalCall: a computed method name shows in stack frames", () => {
    const InternalTypeId = "~effect/Utils/internal";
    const standard = { [InternalTypeId]: <A>(body: () => A): A => body() };
    const error = probe(2, () => standard[InternalTypeId](() => new Error()));
    assert.ok(error.stack?.includes(InternalTypeId) === true, error.stack);
  });
  await t.step("continuationMarksStack: a method's key shows beside its name", () => {
    const marker = "~effect/Effect/stackProbe";
    const methods = {
      [marker]: function stackProbe() {
        return new Error();
      },
    };
    const error = probe(1, () => methods[marker]());
    assert.ok(error.stack?.includes(`[as ${marker}]`) === true, error.stack);
  });
});
