import assert from "node:assert/strict";
import * as ConfigProvider from "effect/ConfigProvider";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Logger from "effect/Logger";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import {
  AdminCredentials,
  BearerCredentials,
  bearerRejectionMessage,
  Credentials,
  parseBearer,
  SignatureCredentials,
} from "./Credentials.ts";

const SECRET = "s3cr3t-Value:with:colons";
const creds = SignatureCredentials.fromStrings({
  token: "tok123",
  accessKey: "key456",
  accessSecret: SECRET,
});

const bearer = (text: string) => `Bearer ${btoa(text)}`;

Deno.test("BearerCredentials encodes Mode's header and decodes it back", () => {
  const header = Schema.encodeSync(BearerCredentials)(creds);
  assert.equal(header, bearer(`tok123:key456:${SECRET}`));
  const back = Schema.decodeUnknownSync(BearerCredentials)(header);
  assert.equal(Redacted.value(back.token), "tok123");
  assert.equal(Redacted.value(back.accessKey), "key456");
  assert.equal(
    Redacted.value(back.accessSecret),
    SECRET,
    "the secret is all after the second colon",
  );
});

Deno.test("BearerCredentials matches the reference's Base64.strict_encode64 of UTF-8", () => {
  const unicode = SignatureCredentials.fromStrings({
    token: "t",
    accessKey: "k",
    accessSecret: "pä$$",
  });
  const header = Schema.encodeSync(BearerCredentials)(unicode);
  const bytes = new TextEncoder().encode("t:k:pä$$");
  assert.equal(header, `Bearer ${btoa(String.fromCharCode(...bytes))}`);
  assert.equal(
    Redacted.value(Schema.decodeUnknownSync(BearerCredentials)(header).accessSecret),
    "pä$$",
  );
});

Deno.test("each bearer rejection has its own message", async (t) => {
  const cases: Array<[string, string, keyof typeof bearerRejectionMessage]> = [
    ["an empty header", "", "missing"],
    ["no Bearer scheme", `Basic ${btoa("a:b:c")}`, "scheme"],
    ["a bare value without scheme", btoa("a:b:c"), "scheme"],
    ["invalid base64", "Bearer not*base64!", "base64"],
    ["an empty bearer value", "Bearer ", "base64"],
    ["fewer than three parts", bearer("token:key"), "parts"],
    ["one part", bearer("token"), "parts"],
    ["an empty token", bearer(":key:secret"), "empty-part"],
    ["an empty access key", bearer("token::secret"), "empty-part"],
    ["an empty secret", bearer("token:key:"), "empty-part"],
  ];
  for (const [label, header, reason] of cases) {
    await t.step(label, () => {
      assert.deepEqual(parseBearer(header), { _tag: "Rejected", reason });
      const exit = Schema.decodeUnknownExit(BearerCredentials)(header);
      assert.equal(exit._tag, "Failure");
      assert.ok(String(exit).includes(bearerRejectionMessage[reason]), String(exit));
    });
  }
  const messages = new Set(Object.values(bearerRejectionMessage));
  assert.equal(messages.size, Object.keys(bearerRejectionMessage).length);
});

Deno.test("credentials printed, logged and JSON-encoded show no secret", async () => {
  const outputs: Array<string> = [
    String(creds),
    `${creds}`,
    JSON.stringify(creds),
    JSON.stringify({ nested: creds }),
    Deno.inspect(creds, { depth: 10 }),
    String(creds.authorization),
    String(AdminCredentials.fromStrings({ apiKey: "k", apiSecret: SECRET })),
    JSON.stringify(AdminCredentials.fromStrings({ apiKey: "k", apiSecret: SECRET })),
  ];
  const logged: Array<string> = [];
  const logger = Logger.make(({ message }) => {
    logged.push(Deno.inspect(message, { depth: 10 }));
  });
  await Effect.runPromise(
    Effect.gen(function* () {
      const c = yield* Credentials;
      yield* Effect.log("credentials", c);
      yield* Effect.logError(c);
    }).pipe(
      Effect.provide(Credentials.layer(creds)),
      Effect.provide(Logger.layer([logger])),
    ),
  );
  assert.equal(logged.length, 2);
  for (const text of [...outputs, ...logged]) {
    assert.ok(!text.includes(SECRET), `secret leaked in: ${text}`);
    assert.ok(!text.includes("key456"), `access key leaked in: ${text}`);
    assert.ok(!text.includes(btoa(`tok123:key456:${SECRET}`)), `bearer leaked in: ${text}`);
  }
});

Deno.test("Credentials.layerConfig reads MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET", async () => {
  const read = (env: Record<string, string>) =>
    Effect.runPromiseExit(
      Effect.gen(function* () {
        return yield* Credentials;
      }).pipe(
        Effect.provide(
          Credentials.layerConfig.pipe(
            Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env))),
          ),
        ),
      ),
    );
  const ok = await read({ MODE_TOKEN: "t", MODE_ACCESS_KEY: "k", MODE_ACCESS_SECRET: "s" });
  assert.equal(ok._tag, "Success");
  if (ok._tag === "Success") assert.equal(Redacted.value(ok.value.accessSecret), "s");
  const missing = await read({ MODE_TOKEN: "t", MODE_ACCESS_KEY: "k" });
  assert.equal(missing._tag, "Failure");
  assert.match(String(missing), /MODE_ACCESS_SECRET/);
});

Deno.test("AdminCredentials builds the Basic header from API key and secret", () => {
  const admin = AdminCredentials.fromStrings({ apiKey: "key", apiSecret: "secret" });
  assert.equal(Redacted.value(admin.authorization), `Basic ${btoa("key:secret")}`);
});
