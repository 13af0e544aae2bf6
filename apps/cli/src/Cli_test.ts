import assert from "node:assert/strict";
import { type CliIOShape, textOf } from "./CliIO.ts";
import { runCli, VERSION } from "./Cli.ts";
import { ExitCode, exitCodeTable } from "./ExitCode.ts";

const bufferIO = (env: Record<string, string> = {}) => {
  const out: Array<string> = [];
  const err: Array<string> = [];
  const io: CliIOShape = {
    stdout: {
      isTerminal: false,
      write: (t) => Promise.resolve(void out.push(textOf(t))),
      writeSync: (t) => void out.push(t),
    },
    stderr: {
      isTerminal: false,
      write: (t) => Promise.resolve(void err.push(textOf(t))),
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

Deno.test("runCli refuses a number flag's bad value, a word as much as a number out of range, with what it takes", async (t) => {
  const refused = async (args: ReadonlyArray<string>, message: string) => {
    const run = bufferIO({ MODE_WORKSPACE: "acme" });
    assert.equal(await runCli(args, { io: run.io }), ExitCode.Usage, args.join(" "));
    assert.ok(run.err().startsWith(`error: ${message}\n`), `${args.join(" ")}: ${run.err()}`);
    assert.equal(run.out(), "");
  };
  await t.step("a word, a fraction and zero for a count", async () => {
    for (const value of ["abc", "1.5", "0", "-3", "1e3", "0x10"]) {
      await refused(
        ["queries", "page", "--page", value],
        `Invalid value for flag --page: ${
          JSON.stringify(value)
        }. Expected: --page must be a whole number of 1 or more, got ${JSON.stringify(value)}.`,
      );
    }
    await refused(
      ["reports", "list", "--concurrency", "four"],
      `Invalid value for flag --concurrency: "four". Expected: --concurrency must be a whole number of 1 or more, got "four".`,
    );
  });
  await t.step("a count too large to be exact", async () => {
    await refused(
      ["charts", "list", "--limit", "99999999999999999999"],
      `Invalid value for flag --limit: "99999999999999999999". Expected: --limit must be a whole number of 1 or more, got "99999999999999999999", which is too large to count exactly (at most 9007199254740991).`,
    );
  });
  await t.step("retries, a port and a rate", async () => {
    await refused(
      ["members", "list", "--max-retries", "-1"],
      `Invalid value for flag --max-retries: "-1". Expected: --max-retries must be a whole number of 0 or more, got "-1".`,
    );
    await refused(
      ["serve", "--port", "http"],
      `Invalid value for flag --port: "http". Expected: --port must be a whole number from 0 to 65535, got "http".`,
    );
    await refused(
      ["snapshot", "--output", "x.db", "--requests-per-second", "Infinity"],
      `Invalid value for flag --requests-per-second: "Infinity". Expected: --requests-per-second must be a finite number above 0, got "Infinity".`,
    );
  });
});

Deno.test("runCli takes a number flag's value with spaces around it or a plus sign", async () => {
  const run = bufferIO({ MODE_WORKSPACE: "acme" });
  // Past flag parsing the run stops at the missing credentials: the values were taken.
  assert.equal(
    await runCli(["reports", "list", "--limit", " 2 ", "--per-page", "+10", "--max-retries", "0"], {
      io: run.io,
    }),
    ExitCode.Auth,
  );
  assert.match(run.err(), /^error: no credentials: /);
});
