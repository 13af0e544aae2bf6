/**
 * Finding the npm build (apps/npm/dist) and its main entry file, so Node
 * can load it without installing it.
 *
 * @internal
 * @module
 */

/**
 * The absolute path of the npm package's main (ESM) entry, or why there is
 * none. The package is apps/npm/dist, or the directory in `BENCH_NPM_DIST`
 * (for example an installed copy: `node_modules/mode-discovery`).
 */
export const npmEntry = async (
  root: string,
): Promise<{ readonly entry: string } | { readonly unavailable: string }> => {
  const dist = Deno.env.get("BENCH_NPM_DIST") ?? `${root}/apps/npm/dist`;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await Deno.readTextFile(`${dist}/package.json`));
  } catch {
    return {
      unavailable:
        "the npm package is not built (no apps/npm/dist/package.json; run `deno task build:npm`)",
    };
  }
  const pick = (target: unknown): string | undefined => {
    if (typeof target === "string") return target;
    if (target !== null && typeof target === "object") {
      const t = target as Record<string, unknown>;
      return pick(t["node"] ?? t["import"] ?? t["default"]);
    }
    return undefined;
  };
  const exports = manifest["exports"];
  const main = typeof exports === "string"
    ? exports
    : pick((exports as Record<string, unknown> | undefined)?.["."]) ??
      (manifest["module"] as string | undefined) ?? (manifest["main"] as string | undefined);
  if (main === undefined) {
    return { unavailable: "apps/npm/dist/package.json names no main entry for `.`" };
  }
  const entry = `${dist}/${main.replace(/^\.\//, "")}`;
  try {
    await Deno.stat(entry);
  } catch {
    return { unavailable: `apps/npm/dist/package.json names ${main}, which does not exist` };
  }
  return { entry };
};
