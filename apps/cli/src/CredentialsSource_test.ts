import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import * as Redacted from "effect/Redacted";
import {
  loadAdminCredentials,
  loadSignatureCredentials,
  readCredentialsFile,
} from "./CredentialsSource.ts";

const SECRET = "very-secret-value-42";

const failure = <A, E extends { readonly _tag: string; readonly message: string }>(
  effect: Effect.Effect<A, E>,
): E => {
  const exit = Effect.runSyncExit(effect);
  assert.ok(Exit.isFailure(exit), "expected a failure");
  const error = exit.cause.reasons.find((r) => r._tag === "Fail");
  assert.ok(error !== undefined && error._tag === "Fail");
  assert.ok(!(error.error as E).message.includes(SECRET), "no secret in the message");
  return error.error as E;
};

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("credentials from MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET", () => {
  const loaded = Effect.runSync(
    loadSignatureCredentials(
      Option.none(),
      env({ MODE_TOKEN: "tok", MODE_ACCESS_KEY: "key", MODE_ACCESS_SECRET: SECRET }),
    ),
  );
  assert.equal(Redacted.value(loaded.credentials.accessSecret), SECRET);
  assert.equal(loaded.source, "MODE_TOKEN, MODE_ACCESS_KEY, MODE_ACCESS_SECRET");
  assert.ok(!String(loaded.credentials).includes(SECRET));

  const none = failure(loadSignatureCredentials(Option.none(), env({})));
  assert.equal(none._tag, "CredentialsError");
  assert.ok(
    none.message.startsWith(
      "no credentials: set MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET",
    ),
  );
  const partial = failure(
    loadSignatureCredentials(Option.none(), env({ MODE_TOKEN: "tok", MODE_ACCESS_SECRET: SECRET })),
  );
  assert.ok(partial.message.startsWith("MODE_ACCESS_KEY is not set"));
  const colon = failure(
    loadSignatureCredentials(
      Option.none(),
      env({ MODE_TOKEN: "to:k", MODE_ACCESS_KEY: "key", MODE_ACCESS_SECRET: SECRET }),
    ),
  );
  assert.ok(colon.message.includes("MODE_TOKEN contains ':'"));
});

Deno.test("--credentials-file takes the token JSON or a minimal file, and says what is wrong", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    };
    const full = await write(
      "full.json",
      JSON.stringify({
        token: "tok",
        name: "nightly",
        access_key: "key",
        access_secret: SECRET,
        creator_id: 1,
        expires_at: "2099-01-01T00:00:00Z",
      }),
    );
    const minimal = await write(
      "min.json",
      JSON.stringify({ token: "t", access_key: "k", access_secret: SECRET }),
    );
    for (const path of [full, minimal]) {
      const loaded = await Effect.runPromise(readCredentialsFile(path));
      assert.equal(Redacted.value(loaded.credentials.accessSecret), SECRET);
      assert.equal(loaded.source, `--credentials-file ${path}`);
    }
    // The file wins over the environment.
    const fromFile = await Effect.runPromise(
      loadSignatureCredentials(Option.some(minimal), env({ MODE_TOKEN: "other" })),
    );
    assert.equal(Redacted.value(fromFile.credentials.token), "t");

    const problems: ReadonlyArray<readonly [string, string, string]> = [
      ["bad.json", `{"token": "t", ${SECRET}`, "is not valid JSON"],
      ["array.json", "[]", "must be a JSON object"],
      [
        "missing.json",
        JSON.stringify({ token: "t", access_secret: SECRET }),
        "has no usable access_key",
      ],
      [
        "empty.json",
        JSON.stringify({ token: "", access_key: 1, access_secret: SECRET }),
        "has no usable token, access_key",
      ],
    ];
    for (const [name, text, expected] of problems) {
      const path = await write(name, text);
      const exit = await Effect.runPromiseExit(readCredentialsFile(path));
      assert.ok(Exit.isFailure(exit));
      const message = String(
        Exit.isFailure(exit) && exit.cause.reasons[0]._tag === "Fail"
          ? exit.cause.reasons[0].error.message
          : "",
      );
      assert.ok(message.includes(expected), `${name}: ${message}`);
      assert.ok(!message.includes(SECRET));
    }
    const exit = await Effect.runPromiseExit(readCredentialsFile(`${dir}/nope.json`));
    assert.ok(Exit.isFailure(exit) && exit.cause.reasons[0]._tag === "Fail");
    assert.equal(exit.cause.reasons[0].error._tag, "FileError");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the admin key comes from MODE_API_KEY and MODE_API_SECRET", () => {
  const admin = Effect.runSync(
    loadAdminCredentials(env({ MODE_API_KEY: "k", MODE_API_SECRET: SECRET })),
  );
  assert.equal(Redacted.value(admin.apiSecret), SECRET);
  const missing = failure(loadAdminCredentials(env({ MODE_API_SECRET: SECRET })));
  assert.ok(missing.message.startsWith("MODE_API_KEY is not set"));
  const both = failure(loadAdminCredentials(env({})));
  assert.ok(both.message.startsWith("MODE_API_KEY and MODE_API_SECRET are not set"));
});
