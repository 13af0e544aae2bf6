import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import { open } from "./AtomicFile.ts";

const entries = async (dir: string) => {
  const names: Array<string> = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
};

Deno.test("a committed file appears whole; until then only a temporary file exists", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const file = yield* open(`${dir}/out.csv`);
      yield* file.write("a,b\r\n");
      const during = yield* Effect.promise(() => entries(dir));
      assert.equal(during.length, 1);
      assert.match(during[0], /^\.out\.csv\.[0-9a-f]{12}\.tmp$/);
      yield* file.write("1,2\r\n");
      yield* file.commit;
    })));
    assert.deepEqual(await entries(dir), ["out.csv"]);
    assert.equal(await Deno.readTextFile(`${dir}/out.csv`), "a,b\r\n1,2\r\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed or interrupted write removes the temporary file and keeps the old one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/out.csv`, "old\n");
    const failed = await Effect.runPromiseExit(Effect.scoped(Effect.gen(function* () {
      const file = yield* open(`${dir}/out.csv`);
      yield* file.write("partial");
      return yield* Effect.fail("walk failed");
    })));
    assert.ok(Exit.isFailure(failed));
    const interrupted = await Effect.runPromiseExit(Effect.scoped(Effect.gen(function* () {
      const file = yield* open(`${dir}/out.csv`);
      yield* file.write("partial");
      return yield* Effect.interrupt;
    })));
    assert.ok(Exit.isFailure(interrupted));
    assert.deepEqual(await entries(dir), ["out.csv"]);
    assert.equal(await Deno.readTextFile(`${dir}/out.csv`), "old\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing directory or a directory path is a FileError naming the flag", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [path, expected] of [
        [
          `${dir}/missing/out.csv`,
          `cannot create --output ${dir}/missing/out.csv: no such directory.`,
        ],
        [dir, `--output ${dir} is a directory: give a file path.`],
      ]
    ) {
      const exit = await Effect.runPromiseExit(Effect.scoped(open(path)));
      assert.ok(Exit.isFailure(exit) && exit.cause.reasons[0]._tag === "Fail");
      const error = exit.cause.reasons[0].error;
      assert.equal(error._tag, "FileError");
      assert.ok(error.message.startsWith(expected), error.message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file for secrets is created readable by its owner only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const file = yield* open(`${dir}/token.json`, { mode: 0o600 });
      yield* file.write("{}");
      yield* file.commit;
    })));
    assert.equal((await Deno.stat(`${dir}/token.json`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
