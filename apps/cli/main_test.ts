/**
 * `main.ts` as a launcher: the CLI behaves the same whether it runs in the
 * second process `main.ts` starts (the default), in the same process on
 * request (`MODE_CLI_IN_PROCESS=1`), or in the same process because starting
 * programs is not allowed.
 */
import assert from "node:assert/strict";
import { runCli, startCli, until } from "./_testing.ts";

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

Deno.test("main.ts: when the launcher is killed with SIGKILL, the CLI it started stops too", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const cli = startCli(["serve", "--port", String(port)]);
  await until(() => cli.stdout().includes("listening on"), 30_000);
  cli.kill("SIGKILL");
  const refused = async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.body?.cancel();
      return false;
    } catch {
      return true;
    }
  };
  await until(refused, 5_000);
  // The output pipes close only once the CLI's own process has ended.
  const result = await cli.finish();
  assert.match(result.stdout + result.stderr, /SIGTERM: shutting down/);
});
