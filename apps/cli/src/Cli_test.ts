import assert from "node:assert/strict";
import type { CliIOShape } from "./CliIO.ts";
import { runCli, VERSION } from "./Cli.ts";
import { ExitCode, exitCodeTable } from "./ExitCode.ts";

const bufferIO = (env: Record<string, string> = {}) => {
  const out: Array<string> = [];
  const err: Array<string> = [];
  const io: CliIOShape = {
    stdout: {
      isTerminal: false,
      write: (t) => Promise.resolve(void out.push(t)),
      writeSync: (t) => void out.push(t),
    },
    stderr: {
      isTerminal: false,
      write: (t) => Promise.resolve(void err.push(t)),
      writeSync: (t) => void err.push(t),
    },
    env: (name) => env[name],
    columns: () => undefined,
  };
  return { io, out: () => out.join(""), err: () => err.join("") };
};

Deno.test("runCli writes --version and --help through the given streams", async () => {
  const version = bufferIO();
  assert.equal(await runCli(["--version"], { io: version.io }), ExitCode.Ok);
  assert.equal(version.out(), `mode-discovery v${VERSION}\n`);
  const help = bufferIO();
  assert.equal(await runCli(["collections", "list", "--help"], { io: help.io }), ExitCode.Ok);
  assert.match(help.out(), /--workspace NAME/);
  for (const [code, meaning] of exitCodeTable) {
    assert.ok(help.out().includes(`${code}`.padEnd(7) + meaning), `exit code ${code} documented`);
  }
});

Deno.test("runCli reports usage errors and command failures as one line and a code", async () => {
  const unknown = bufferIO();
  assert.equal(
    await runCli(["collections", "list", "--bogus"], { io: unknown.io }),
    ExitCode.Usage,
  );
  assert.match(
    unknown.err(),
    /^error: Unrecognized flag: --bogus in command mode-discovery collections list\./,
  );
  const noWorkspace = bufferIO();
  assert.equal(await runCli(["collections", "list"], { io: noWorkspace.io }), ExitCode.Usage);
  assert.match(noWorkspace.err(), /^error: no workspace: /);
  const noCredentials = bufferIO({ MODE_WORKSPACE: "acme" });
  assert.equal(await runCli(["collections", "page"], { io: noCredentials.io }), ExitCode.Auth);
  assert.match(noCredentials.err(), /^error: no credentials: /);
  assert.equal(noCredentials.out(), "");
});

Deno.test("runCli with no command shows the help and exits 0", async () => {
  const bare = bufferIO();
  assert.equal(await runCli([], { io: bare.io }), ExitCode.Ok);
  assert.match(bare.out(), /SUBCOMMANDS\n {2}collections/);
});
