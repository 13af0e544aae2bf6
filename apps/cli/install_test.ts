import assert from "node:assert/strict";

const repoRoot = new URL("../../", import.meta.url);

/** Installs the command into a fresh root with `args` (after `deno install -g -A -n mode-discovery`). */
const install = async (extra: ReadonlyArray<string>) => {
  const root = await Deno.makeTempDir({ prefix: "mode-discovery-install-" });
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["install", "-g", "-A", "-n", "mode-discovery", ...extra, "apps/cli/main.ts"],
    cwd: repoRoot,
    env: { DENO_INSTALL_ROOT: root },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const run = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
    const result = await new Deno.Command(`${root}/bin/mode-discovery`, {
      args: [...args],
      cwd: root,
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: result.code,
      stdout: new TextDecoder().decode(result.stdout),
      stderr: new TextDecoder().decode(result.stderr),
    };
  };
  return { root, run };
};

Deno.test("deno install -g -A -n mode-discovery --config deno.json apps/cli/main.ts gives a working command", async () => {
  const { root, run } = await install(["--config", "deno.json"]);
  try {
    const list = await run(["reports", "list", "--workspace", "acme"], {
      MODE_TOKEN: "",
      MODE_ACCESS_KEY: "",
      MODE_ACCESS_SECRET: "",
    });
    assert.equal(list.code, 3, list.stderr);
    assert.match(list.stderr, /no credentials: set MODE_TOKEN/);
    const version = await run(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^mode-discovery v\d+\.\d+\.\d+/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("installed without --config deno.json, the command says how to install it and does nothing", async () => {
  const { root, run } = await install([]);
  try {
    const result = await run(["--version"]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /--config deno\.json apps\/cli\/main\.ts/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
