/**
 * `main.ts` as a launcher: the CLI behaves the same whether it runs in the
 * second process `main.ts` starts (the default), in the same process on
 * request (`MODE_CLI_IN_PROCESS=1`), or in the same process because starting
 * programs is not allowed.
 */
import assert from "node:assert/strict";
import { runCli } from "./_testing.ts";

const ways: ReadonlyArray<{
  readonly name: string;
  readonly permissions: ReadonlyArray<string>;
  readonly env: Record<string, string>;
}> = [
  { name: "in a second process (default)", permissions: ["-A"], env: {} },
  {
    name: "in process (MODE_CLI_IN_PROCESS=1)",
    permissions: ["-A"],
    env: { MODE_CLI_IN_PROCESS: "1" },
  },
  {
    name: "in process (no --allow-run)",
    permissions: ["--allow-read", "--allow-write", "--allow-env", "--allow-net", "--allow-sys"],
    env: {},
  },
];

const run = (
  permissions: ReadonlyArray<string>,
  args: ReadonlyArray<string>,
  env: Record<string, string>,
) => runCli(args, env, permissions);

Deno.test("main.ts: the CLI answers the same however it is started", async (t) => {
  for (const way of ways) {
    await t.step(way.name, async () => {
      const version = await run(way.permissions, ["--version"], way.env);
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout, /^mode-discovery v\d+\.\d+\.\d+\n$/);

      const noCredentials = await run(
        way.permissions,
        ["collections", "list", "--workspace", "acme"],
        { ...way.env, MODE_TOKEN: "", MODE_ACCESS_KEY: "", MODE_ACCESS_SECRET: "" },
      );
      assert.equal(noCredentials.code, 3, noCredentials.stderr);
      assert.equal(noCredentials.stdout, "");
      assert.match(noCredentials.stderr, /no credentials: set MODE_TOKEN/);

      const badFlag = await run(
        way.permissions,
        ["collections", "list", "--per-page", "x"],
        way.env,
      );
      assert.equal(badFlag.code, 2, badFlag.stderr);
      assert.match(badFlag.stderr, /per-page/);
    });
  }
});
