import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { type Collection, spaceUrl } from "@mode-discovery/core";
import { pageSliceJson, type StoreError } from "./CollectionStore.ts";
import { KvCollectionStore } from "./KvCollectionStore.ts";
import { seedCollections } from "./Seed.ts";
import { CHUNK_SIZE, ROOT } from "./_kvLayout.ts";

const run = Effect.runPromise;

/** A KV wrapper that counts the entries each read returns, to check page costs. */
const countingKv = (kv: Deno.Kv) => {
  const counts = { entries: 0, lists: 0, gets: 0 };
  const proxy = new Proxy(kv, {
    get(target, property) {
      if (property === "list") {
        return (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
          counts.lists++;
          const iterator = target.list(selector, options);
          return (async function* () {
            for await (const entry of iterator) {
              counts.entries++;
              yield entry;
            }
          })();
        };
      }
      if (property === "get") {
        return (key: Deno.KvKey) => {
          counts.gets++;
          counts.entries++;
          return target.get(key);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv: proxy as Deno.Kv, counts };
};

const withKv = async (f: (kv: Deno.Kv) => Promise<void>) => {
  const kv = await Deno.openKv(":memory:");
  try {
    await f(kv);
  } finally {
    kv.close();
  }
};

const rowsOf = async (
  store: ReturnType<typeof KvCollectionStore.make>,
  workspace: string,
  page: number,
  perPage: number,
): Promise<Array<Collection>> => {
  const slice = await run(store.page(workspace, page, perPage));
  assert.ok(slice !== undefined);
  return JSON.parse(pageSliceJson(slice));
};

const chunkKeys = async (kv: Deno.Kv, workspace: string) => {
  const versions = new Set<string>();
  let count = 0;
  for await (const entry of kv.list({ prefix: [ROOT, "chunk", workspace] })) {
    versions.add(String(entry.key[3]));
    count++;
  }
  return { versions, count };
};

Deno.test("store: pages come back in ascending id order whatever the input order", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    const rows = seedCollections("acme", 333);
    const shuffled = [...rows].reverse();
    const info = await run(store.replaceWorkspace("acme", shuffled, { source: "test" }));
    assert.equal(info.count, 333);
    assert.equal(info.source, "test");
    assert.deepEqual(await rowsOf(store, "acme", 1, 1000), rows);
    assert.deepEqual(await rowsOf(store, "acme", 3, 100), rows.slice(200, 300));
    assert.deepEqual(await rowsOf(store, "acme", 2, 150), rows.slice(150, 300));
    assert.deepEqual(await rowsOf(store, "acme", 9, 40), rows.slice(320, 333));
    assert.deepEqual(await rowsOf(store, "acme", 10, 40), []);
    assert.equal(await run(store.count("acme")), 333);
    assert.equal(await run(store.page("nobody", 1, 10)), undefined);
    assert.equal(await run(store.count("nobody")), undefined);
  });
});

Deno.test("store: reading page N costs the same as page 1, never walking earlier pages", async () => {
  await withKv(async (raw) => {
    await run(KvCollectionStore.make(raw).replaceWorkspace("big", seedCollections("big", 20_000)));
    const cost = async (page: number, perPage: number) => {
      // A fresh store each time: nothing cached, every chunk read from KV.
      const { kv, counts } = countingKv(raw);
      const store = KvCollectionStore.make(kv);
      const rows = await rowsOf(store, "big", page, perPage);
      assert.equal(rows.length, perPage);
      return counts.entries;
    };
    const first = await cost(1, 100);
    const last = await cost(200, 100);
    assert.equal(last, first);
    assert.ok(first <= 3, `page of 100 read ${first} entries`);
    const deep = await cost(20, 1000);
    assert.equal(deep, await cost(1, 1000));
    assert.ok(deep <= 1 + 1000 / CHUNK_SIZE + 1, `page of 1000 read ${deep} entries`);
  });
});

Deno.test("store: chunks larger than one KV value are split into parts and read back whole", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    const rows = seedCollections("wide", 250).map((c, i) => ({
      ...c,
      description: `${'Ünïcødé, "quoted" and\nnew lines. '.repeat(40)}#${i}`,
    }));
    await run(store.replaceWorkspace("wide", rows));
    let parts = 0;
    for await (const entry of kv.list<Uint8Array>({ prefix: [ROOT, "chunk", "wide"] })) {
      assert.ok(entry.value.length <= 60_000);
      parts++;
    }
    assert.ok(parts > 3, `expected split chunks, got ${parts} parts`);
    const fresh = KvCollectionStore.make(kv);
    assert.deepEqual(await rowsOf(fresh, "wide", 1, 1000), rows);
    assert.deepEqual(await rowsOf(fresh, "wide", 7, 33), rows.slice(198, 231));
  });
});

Deno.test("store: replacing a workspace swaps versions and deletes the old chunks", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    const first = await run(store.replaceWorkspace("acme", seedCollections("acme", 450)));
    const second = await run(store.replaceWorkspace("acme", seedCollections("acme", 120)));
    assert.notEqual(first.version, second.version);
    const keys = await chunkKeys(kv, "acme");
    assert.deepEqual([...keys.versions], [second.version]);
    assert.equal(keys.count, 2);
    assert.deepEqual(await rowsOf(store, "acme", 1, 1000), seedCollections("acme", 120));
    const pending = [];
    for await (const entry of kv.list({ prefix: [ROOT, "pending"] })) pending.push(entry.key);
    assert.deepEqual(pending, []);
  });
});

Deno.test("store: a crash while writing a new version leaves the old listing whole", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    const old = seedCollections("acme", 1000);
    await run(store.replaceWorkspace("acme", old));
    // A KV that fails on the third atomic commit: part of the new version is written.
    let commits = 0;
    const failing = new Proxy(kv, {
      get(target, property) {
        if (property === "atomic") {
          return () => {
            const op = target.atomic();
            const commit = op.commit.bind(op);
            op.commit = () => {
              if (++commits === 3) return Promise.reject(new Error("disk full"));
              return commit();
            };
            return op;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Deno.Kv;
    const crashing = KvCollectionStore.make(failing);
    const big = seedCollections("acme", 20_000);
    const result = await Effect.runPromiseExit(crashing.replaceWorkspace("acme", big));
    assert.equal(result._tag, "Failure");
    assert.match(String(result), /disk full/);
    // Readers (fresh or not) still get the whole old listing.
    assert.deepEqual(await rowsOf(KvCollectionStore.make(kv), "acme", 1, 1000), old);
    assert.equal(await run(store.count("acme")), 1000);
    const before = await chunkKeys(kv, "acme");
    assert.equal(before.versions.size, 2, "the half-written version is still there");
    // Not yet abandoned: a writer might still be busy, so it is kept.
    assert.equal(await run(store.collectGarbage()), 0);
    // An hour later it is taken as abandoned and removed.
    const later = KvCollectionStore.make(kv, { now: () => Date.now() + 2 * 3600 * 1000 });
    assert.equal(await run(later.collectGarbage()), 1);
    const after = await chunkKeys(kv, "acme");
    assert.equal(after.versions.size, 1);
    assert.deepEqual(await rowsOf(KvCollectionStore.make(kv), "acme", 1, 1000), old);
  });
});

Deno.test("store: a reader whose version is deleted under it retries and answers from the new version", async () => {
  await withKv(async (kv) => {
    const reader = KvCollectionStore.make(kv, { metaTtlMs: 60_000 });
    const writer = KvCollectionStore.make(kv);
    await run(writer.replaceWorkspace("acme", seedCollections("acme", 300)));
    await rowsOf(reader, "acme", 1, 100); // caches the old version's record
    const replacement = seedCollections("acme", 300).map((c) => ({
      ...c,
      name: `renamed ${c.id}`,
    }));
    await run(writer.replaceWorkspace("acme", replacement)); // old chunks deleted
    const slice = await run(reader.page("acme", 3, 100));
    assert.ok(slice !== undefined);
    assert.deepEqual(JSON.parse(pageSliceJson(slice)), replacement.slice(200, 300));
  });
});

Deno.test("store: another process's swap is seen once the workspace record expires", async () => {
  await withKv(async (kv) => {
    const reader = KvCollectionStore.make(kv, { metaTtlMs: 0 });
    const writer = KvCollectionStore.make(kv);
    await run(writer.replaceWorkspace("acme", seedCollections("acme", 30)));
    assert.equal((await rowsOf(reader, "acme", 1, 100)).length, 30);
    await run(writer.replaceWorkspace("acme", seedCollections("acme", 10)));
    assert.equal((await rowsOf(reader, "acme", 1, 100)).length, 10);
  });
});

Deno.test("store: a record read that raced this store's own write never replaces the newer one", async () => {
  await withKv(async (kv) => {
    await run(KvCollectionStore.make(kv).replaceWorkspace("acme", seedCollections("acme", 30)));
    // The next get returns what KV held, but only once `release` is called.
    let release!: () => void;
    const latch = new Promise<void>((resolve) => (release = resolve));
    let armed = true;
    const slow = new Proxy(kv, {
      get(target, property) {
        if (property === "get" && armed) {
          armed = false;
          return async (key: Deno.KvKey) => {
            const entry = await target.get(key);
            await latch;
            return entry;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Deno.Kv;
    const store = KvCollectionStore.make(slow, { metaTtlMs: 60_000 });
    const reading = run(store.workspace("acme")); // reads the 30-row record, held
    await run(store.replaceWorkspace("acme", seedCollections("acme", 12))); // writes through
    release();
    assert.equal((await reading)?.count, 12);
    assert.equal(store.cachedVersion("acme")?.count, 12);
    assert.equal((await rowsOf(store, "acme", 1, 100)).length, 12);
  });
});

Deno.test("store: bad data is refused with a message naming the problem", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    const row = seedCollections("acme", 1)[0];
    const failure = async (effect: Effect.Effect<unknown, StoreError>) => {
      const exit = await Effect.runPromiseExit(effect);
      assert.equal(exit._tag, "Failure");
      const error = (exit as { cause: unknown }).cause;
      const text = String(error);
      return text;
    };
    assert.match(
      await failure(store.replaceWorkspace("acme", [row, { ...row, token: "abcdefabcdef" }])),
      /duplicate collection id 170/,
    );
    assert.match(
      await failure(store.replaceWorkspace("acme", [{ ...row, id: 1.5 }])),
      /collection at position 0 is not a valid collection/,
    );
    assert.match(
      await failure(store.replaceWorkspace("no spaces allowed", [row])),
      /is not a workspace username/,
    );
    assert.equal(await run(store.workspace("acme")), undefined, "nothing was written");
  });
});

Deno.test("store: deleting a workspace removes its record and chunks", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    await run(store.replaceWorkspace("acme", seedCollections("acme", 250)));
    await run(store.replaceWorkspace("other", seedCollections("other", 5)));
    assert.deepEqual((await run(store.workspaces())).map((w) => w.workspace), ["acme", "other"]);
    assert.equal(await run(store.deleteWorkspace("acme")), true);
    assert.equal(await run(store.deleteWorkspace("acme")), false);
    assert.equal(await run(store.page("acme", 1, 10)), undefined);
    assert.equal((await chunkKeys(kv, "acme")).count, 0);
    assert.equal(await run(store.count("other")), 5);
  });
});

Deno.test("store: signature tokens verify only with all three parts, and expire", async () => {
  await withKv(async (kv) => {
    let now = Date.parse("2030-01-01T00:00:00Z");
    const store = KvCollectionStore.make(kv, { now: () => now });
    await run(store.replaceWorkspace("acme", []));
    const created = await run(store.createSignatureToken("acme", {
      name: "export",
      creatorId: 7,
      expiresAt: new Date(now + 1000),
    }));
    const secret = created.access_secret;
    assert.equal(created.creator_id, 7);
    assert.equal(created.expires_at, "2030-01-01T00:00:01.000Z");
    assert.equal(created.created_at, "2030-01-01T00:00:00.000Z");
    const verify = (token: string, key: string, s: Redacted.Redacted<string>) =>
      run(store.verifySignatureToken(token, key, s));
    assert.deepEqual(await verify(created.token, created.access_key, secret), {
      _tag: "Valid",
      workspace: "acme",
      token: created.token,
      expiresAtMs: now + 1000,
    });
    assert.deepEqual(await verify(created.token, created.access_key, Redacted.make("x")), {
      _tag: "Invalid",
    });
    assert.deepEqual(await verify(created.token, "other", secret), { _tag: "Invalid" });
    assert.deepEqual(await verify("000000000000", created.access_key, secret), { _tag: "Invalid" });
    now += 1000;
    assert.deepEqual(await verify(created.token, created.access_key, secret), { _tag: "Expired" });
  });
});

Deno.test("store: admin keys verify with the right secret only", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    await run(store.putAdminKey("acme", { apiKey: "k", apiSecret: Redacted.make("s"), userId: 3 }));
    assert.deepEqual(await run(store.verifyAdminKey("k", Redacted.make("s"))), {
      _tag: "Valid",
      workspace: "acme",
      userId: 3,
    });
    assert.deepEqual(await run(store.verifyAdminKey("k", Redacted.make("S"))), { _tag: "Invalid" });
    assert.deepEqual(await run(store.verifyAdminKey("x", Redacted.make("s"))), { _tag: "Invalid" });
  });
});

Deno.test("store: space_url of seeded rows survives the round trip", async () => {
  await withKv(async (kv) => {
    const store = KvCollectionStore.make(kv);
    await run(store.replaceWorkspace("acme", seedCollections("acme", 3)));
    for (const row of await rowsOf(store, "acme", 1, 10)) {
      assert.equal(row.space_url, spaceUrl("acme", row.token));
    }
  });
});
