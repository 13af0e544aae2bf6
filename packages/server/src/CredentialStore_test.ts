/**
 * What every credential store does, on the KV store and the memory store
 * alike: tokens and admin keys verify by salted hash only, expire, and
 * never keep a secret.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import type { CredentialStoreService } from "./CredentialStore.ts";
import { KvCredentialStore } from "./KvCredentialStore.ts";
import { MemoryCredentialStore } from "./MemoryCredentialStore.ts";

const run = Effect.runPromise;
const secret = (text: string) => Redacted.make(text);

const onEveryStore = (
  name: string,
  f: (make: (now: () => number) => CredentialStoreService, kv?: Deno.Kv) => Promise<void>,
) => {
  Deno.test(`credential store (KV): ${name}`, async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      await f((now) => KvCredentialStore.make(kv, { now }), kv);
    } finally {
      kv.close();
    }
  });
  Deno.test(`credential store (memory): ${name}`, () =>
    f((now) => MemoryCredentialStore.make({ now })));
};

onEveryStore("signature tokens verify only with all three parts, and expire", async (make) => {
  let now = Date.parse("2030-01-01T00:00:00Z");
  const store = make(() => now);
  await run(store.putSignatureToken("acme", {
    token: "dev",
    accessKey: "key",
    accessSecret: secret("s:e:c"),
    name: "dev token",
    creatorId: 1,
    organizationId: 4242,
    expiresAt: null,
  }));
  assert.deepEqual(await run(store.verifySignatureToken("dev", "key", secret("s:e:c"))), {
    _tag: "Valid",
    workspace: "acme",
    token: "dev",
    expiresAtMs: null,
  });
  for (
    const [token, key, value] of [["dev", "key", "wrong"], ["dev", "nope", "s:e:c"], [
      "x",
      "key",
      "s:e:c",
    ]]
  ) {
    assert.deepEqual(await run(store.verifySignatureToken(token, key, secret(value))), {
      _tag: "Invalid",
    });
  }
  const created = await run(store.createSignatureToken("acme", {
    name: "nightly export",
    creatorId: 7,
    organizationId: 4242,
    expiresAt: new Date(now + 60_000),
  }));
  assert.equal(created.creator_id, 7);
  assert.equal(created.organization_id, 4242);
  assert.equal(created.expires_at, new Date(now + 60_000).toISOString());
  assert.equal(created.created_at, "2030-01-01T00:00:00.000Z");
  assert.ok(!String(created.access_secret).includes(Redacted.value(created.access_secret)));
  const check = () =>
    run(store.verifySignatureToken(created.token, created.access_key, created.access_secret));
  assert.deepEqual(await check(), {
    _tag: "Valid",
    workspace: "acme",
    token: created.token,
    expiresAtMs: now + 60_000,
  });
  now += 60_000;
  assert.deepEqual(await check(), { _tag: "Expired" });
  const other = await run(store.createSignatureToken("acme", {
    name: "second",
    creatorId: 7,
    organizationId: 4242,
    expiresAt: new Date(now + 60_000),
  }));
  assert.notEqual(other.token, created.token);
  assert.notEqual(other.access_key, created.access_key);
});

onEveryStore("admin keys verify with the right secret only", async (make) => {
  const store = make(Date.now);
  await run(store.putAdminKey("acme", { apiKey: "admin", apiSecret: secret("pw"), userId: 3 }));
  assert.deepEqual(await run(store.verifyAdminKey("admin", secret("pw"))), {
    _tag: "Valid",
    workspace: "acme",
    userId: 3,
  });
  assert.deepEqual(await run(store.verifyAdminKey("admin", secret("no"))), { _tag: "Invalid" });
  assert.deepEqual(await run(store.verifyAdminKey("other", secret("pw"))), { _tag: "Invalid" });
});

onEveryStore("no secret is kept in clear", async (make, kv) => {
  const store = make(Date.now);
  await run(store.putSignatureToken("acme", {
    token: "tok",
    accessKey: "key",
    accessSecret: secret("the-access-secret-123"),
    name: "dev",
    creatorId: 1,
    organizationId: 1,
    expiresAt: null,
  }));
  await run(
    store.putAdminKey("acme", {
      apiKey: "admin",
      apiSecret: secret("the-api-secret-456"),
      userId: 1,
    }),
  );
  if (kv === undefined) return;
  for await (const entry of kv.list({ prefix: [] })) {
    const text = JSON.stringify(entry.value);
    assert.ok(!text.includes("the-access-secret-123") && !text.includes("the-api-secret-456"));
  }
});
