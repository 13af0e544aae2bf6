import assert from "node:assert/strict";
import { bundledEntry } from "./_bundle.ts";
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

Deno.test("the grapheme segmenter of effect's help output is made on first use, not at load", async (t) => {
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

  await t.step("every fix matches the pinned dependency in the CLI's real bundle", async () => {
    const cacheDir = new URL(
      `file://${await Deno.makeTempDir({ prefix: "mode-discovery-patches-" })}/`,
    );
    try {
      const root = new URL("../../../", import.meta.url);
      const entry = await bundledEntry({
        root,
        entry: new URL("apps/cli/src/Cli.ts", root),
        cacheDir,
      });
      assert.ok(entry !== undefined, "the CLI bundled");
      const dir = new URL("./", entry);
      const texts = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".js"))
        .map((e) => Deno.readTextFileSync(new URL(e.name, dir)));
      for (const patch of BUNDLE_PATCHES) {
        assert.ok(!texts.some((text) => patch.find.test(text)), `${patch.name} left unapplied`);
      }
      assert.ok(
        texts.some((text) => text.includes("graphemeSegmenterMade ??= new Intl.Segmenter")),
      );
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  });
});
