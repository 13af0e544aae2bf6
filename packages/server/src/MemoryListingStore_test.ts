import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Redacted from "effect/Redacted";
import { type Collection, spaceUrl } from "@mode-discovery/core";
import { pageSliceJson } from "./CollectionStore.ts";
import { KvCollectionStore, organizationIdOf } from "./KvCollectionStore.ts";
import { MemoryCollectionStore } from "./MemoryCollectionStore.ts";
import { seedCollections } from "./Seed.ts";
import { organizationIdOf as portableOrganizationIdOf } from "./_organizationId.ts";

const run = Effect.runPromise;
const secret = (text: string) => Redacted.make(text);

const rowsOf = async (
  store: ReturnType<typeof MemoryCollectionStore.make>,
  workspace: string,
  page: number,
  perPage: number,
): Promise<Array<Collection>> => {
  const slice = await run(store.page(workspace, page, perPage));
  assert.ok(slice !== undefined);
  return JSON.parse(pageSliceJson(slice));
};

Deno.test("memory store: pages are byte for byte those of the Deno KV store", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const memory = MemoryCollectionStore.make();
    const onKv = KvCollectionStore.make(kv);
    const rows = [...seedCollections("acme", 1234)].reverse();
    await run(memory.replaceWorkspace("acme", rows));
    await run(onKv.replaceWorkspace("acme", rows));
    for (
      const [page, perPage] of [[1, 1000], [2, 1000], [3, 1000], [1, 1], [7, 100], [13, 99], [
        999,
        5,
      ]]
    ) {
      const a = await run(memory.page("acme", page, perPage));
      const b = await run(onKv.page("acme", page, perPage));
      assert.equal(pageSliceJson(a!), pageSliceJson(b!), `page ${page} of ${perPage}`);
      assert.equal(a!.totalCount, 1234);
      assert.deepEqual(memory.cachedPage("acme", page, perPage), a);
    }
    assert.equal(portableOrganizationIdOf("acme"), organizationIdOf("acme"));
    assert.equal((await run(memory.workspace("acme")))?.organizationId, organizationIdOf("acme"));
  } finally {
    kv.close();
  }
});

Deno.test("memory store: rows are ASCII JSON, ordered by id, and a swap is whole", async () => {
  const store = MemoryCollectionStore.make();
  const odd: Collection = {
    id: 5,
    token: "t5",
    name: "Ventas — España 🇪🇸",
    description: 'say "hi"\nthere',
    space_type: "custom",
    space_url: spaceUrl("acme", "t5"),
  };
  const plain: Collection = { ...odd, id: 2, token: "t2", name: null, description: null };
  const first = await run(store.replaceWorkspace("acme", [odd, plain], { source: "test" }));
  assert.equal(first.count, 2);
  assert.equal(first.source, "test");
  const slice = await run(store.page("acme", 1, 10));
  assert.match(pageSliceJson(slice!), /^[\x20-\x7e]*$/);
  assert.deepEqual(await rowsOf(store, "acme", 1, 10), [plain, odd]);
  assert.deepEqual(store.cachedVersion("acme"), first);
  const second = await run(store.replaceWorkspace("acme", [plain]));
  assert.notEqual(second.version, first.version);
  assert.equal(second.organizationId, first.organizationId);
  assert.deepEqual(await rowsOf(store, "acme", 1, 10), [plain]);
  assert.deepEqual(await rowsOf(store, "acme", 2, 10), []);
  assert.equal(await run(store.count("acme")), 1);
  assert.deepEqual((await run(store.workspaces())).map((w) => w.workspace), ["acme"]);
  assert.equal(await run(store.deleteWorkspace("acme")), true);
  assert.equal(await run(store.deleteWorkspace("acme")), false);
  assert.equal(await run(store.page("acme", 1, 10)), undefined);
  assert.equal(store.cachedVersion("acme"), undefined);
});

Deno.test("memory store: bad data is refused with an Invalid StoreError naming it", async () => {
  const store = MemoryCollectionStore.make();
  const row = seedCollections("acme", 1)[0];
  const cases: Array<[string, Iterable<Collection>, RegExp]> = [
    ["acme", [row, row], /duplicate collection id 170/],
    ["acme", [row, { ...row, id: 1.5 } as Collection], /position 1 is not a valid collection/],
    ["no spaces", [row], /is not a workspace username/],
  ];
  for (const [workspace, rows, message] of cases) {
    const exit = await Effect.runPromiseExit(store.replaceWorkspace(workspace, rows));
    assert.ok(Exit.isFailure(exit));
    const error = await run(Effect.flip(store.replaceWorkspace(workspace, rows)));
    assert.equal(error.reason, "Invalid");
    assert.match(error.message, message);
  }
  assert.equal(await run(store.workspace("acme")), undefined);
});

Deno.test("memory store: tokens and admin keys verify by hash, expire, and never leak", async () => {
  let now = Date.parse("2030-01-01T00:00:00Z");
  const store = MemoryCollectionStore.make({ now: () => now });
  await run(store.replaceWorkspace("acme", seedCollections("acme", 3)));
  await run(store.putSignatureToken("acme", {
    token: "dev",
    accessKey: "key",
    accessSecret: secret("s:e:c"),
    name: "dev token",
    creatorId: 1,
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
    expiresAt: new Date(now + 60_000),
  }));
  assert.equal(created.creator_id, 7);
  assert.equal(created.organization_id, organizationIdOf("acme"));
  assert.equal(created.expires_at, new Date(now + 60_000).toISOString());
  assert.ok(!String(created.access_secret).includes(Redacted.value(created.access_secret)));
  const check = () =>
    run(store.verifySignatureToken(created.token, created.access_key, created.access_secret));
  assert.equal((await check())._tag, "Valid");
  now += 60_000;
  assert.equal((await check())._tag, "Expired");
  const missing = await run(Effect.flip(store.createSignatureToken("nope", {
    name: "x".repeat(4),
    creatorId: 1,
    expiresAt: new Date(now + 1),
  })));
  assert.match(missing.message, /workspace nope does not exist/);

  await run(store.putAdminKey("acme", { apiKey: "admin", apiSecret: secret("pw"), userId: 3 }));
  assert.deepEqual(await run(store.verifyAdminKey("admin", secret("pw"))), {
    _tag: "Valid",
    workspace: "acme",
    userId: 3,
  });
  assert.deepEqual(await run(store.verifyAdminKey("admin", secret("no"))), { _tag: "Invalid" });
  assert.deepEqual(await run(store.verifyAdminKey("other", secret("pw"))), { _tag: "Invalid" });
});
