import assert from "node:assert/strict";

const repoRoot = new URL("../../", import.meta.url);

Deno.test("deno install -g -A -n mode-discovery apps/cli/main.ts gives a working command", async () => {
  const root = await Deno.makeTempDir({ prefix: "mode-discovery-install-" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["install", "-g", "-A", "-n", "mode-discovery", "apps/cli/main.ts"],
      cwd: repoRoot,
      env: { DENO_INSTALL_ROOT: root },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    const run = await new Deno.Command(`${root}/bin/mode-discovery`, {
      args: ["collections", "list", "--workspace", "acme"],
      cwd: root,
      env: { NO_COLOR: "1", MODE_TOKEN: "", MODE_ACCESS_KEY: "", MODE_ACCESS_SECRET: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 3, stderr);
    assert.match(stderr, /no credentials: set MODE_TOKEN/);
    const version = await new Deno.Command(`${root}/bin/mode-discovery`, {
      args: ["--version"],
      cwd: root,
      stdout: "piped",
    }).output();
    assert.equal(version.code, 0);
    assert.match(new TextDecoder().decode(version.stdout), /^mode-discovery v\d+\.\d+\.\d+/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
