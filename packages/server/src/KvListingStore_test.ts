/**
 * What only the KV listing store does: the page cost of every listing, the
 * chunking, the version swap and its garbage collection, crashes, readers
 * racing writers, and layout 1 (collections only) still served.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import {
  type AnyResource,
  collections,
  INCLUDE_SPACES_ALL,
  reports,
  resources,
  spaceUrl,
} from "@mode-discovery/core";
import { KvListingStore } from "./KvListingStore.ts";
import { pageSliceJson } from "./ListingStore.ts";
import { seedCollections, seedWorld } from "./Seed.ts";
import { CHUNK_SIZE, LAYOUT, ROOT } from "./_kvLayout.ts";
import { listingIds } from "./_listings.ts";

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
  store: ReturnType<typeof KvListingStore.make>,
  workspace: string,
  page: number,
  perPage: number,
  resource: AnyResource = collections,
  all = false,
): Promise<Array<Record<string, unknown>>> => {
  const slice = await run(store.page({
    resource,
    workspace,
    page,
    perPage,
    includeSpaces: all ? INCLUDE_SPACES_ALL : undefined,
  }));
  assert.ok(slice !== undefined);
  return JSON.parse(pageSliceJson(slice));
};

const chunkKeys = async (kv: Deno.Kv, workspace: string) => {
  const versions = new Set<string>();
  const listings = new Set<string>();
  let count = 0;
  for await (const entry of kv.list({ prefix: [ROOT, "chunk", workspace] })) {
    versions.add(String(entry.key[3]));
    listings.add(String(entry.key[4]));
    count++;
  }
  return { versions, listings, count };
};

const collectionsOnly = (workspace: string, count: number) => ({
  collections: seedCollections(workspace, count),
});

Deno.test("kv store: page N of every listing costs the same as page 1, never walking earlier pages", async () => {
  await withKv(async (raw) => {
    const counts = { reports: 24_000, queries: 24_000, charts: 24_000, members: 21_000 };
    await run(
      KvListingStore.make(raw).replaceWorkspace(
        "big",
        seedWorld({ workspace: "big", count: 21_000, counts }),
      ),
    );
    const cost = async (resource: AnyResource, all: boolean, page: number, perPage: number) => {
      // A fresh store each time: nothing cached, every chunk read from KV.
      const { kv, counts } = countingKv(raw);
      const rows = await rowsOf(KvListingStore.make(kv), "big", page, perPage, resource, all);
      assert.equal(rows.length, perPage, `${resource.name} page ${page}`);
      return counts.entries;
    };
    for (const resource of resources) {
      for (const all of resource.includeSpaces ? [false, true] : [false]) {
        const first = await cost(resource, all, 1, 100);
        const deep = await cost(resource, all, 200, 100);
        assert.equal(
          deep,
          first,
          `${resource.name} all=${all}: page 200 read ${deep}, page 1 ${first}`,
        );
        assert.ok(first <= 3, `a page of 100 read ${first} entries`);
        const deep1000 = await cost(resource, all, 18, 1000);
        assert.equal(deep1000, await cost(resource, all, 1, 1000), resource.name);
        // The record, then 10 or 11 chunks of one or two parts each (a chunk of reports is
        // over one KV value).
        assert.ok(
          deep1000 <= 1 + 2 * (1000 / CHUNK_SIZE + 1),
          `a page of 1000 read ${deep1000} entries`,
        );
      }
    }
  });
});

Deno.test("kv store: chunks larger than one KV value are split into parts and read back whole", async () => {
  await withKv(async (kv) => {
    const store = KvListingStore.make(kv);
    const rows = seedCollections("wide", 250).map((c, i) => ({
      ...c,
      description: `${'Ünïcødé, "quoted" and\nnew lines. '.repeat(40)}#${i}`,
    }));
    await run(store.replaceWorkspace("wide", { collections: rows }));
    let parts = 0;
    for await (const entry of kv.list<Uint8Array>({ prefix: [ROOT, "chunk", "wide"] })) {
      assert.ok(entry.value.length <= 60_000);
      parts++;
    }
    assert.ok(parts > 3, `expected split chunks, got ${parts} parts`);
    const fresh = KvListingStore.make(kv);
    assert.deepEqual(await rowsOf(fresh, "wide", 1, 1000), rows);
    assert.deepEqual(await rowsOf(fresh, "wide", 7, 33), rows.slice(198, 231));
  });
});

Deno.test("kv store: a view with no personal item shares the chunks of the whole listing", async () => {
  await withKv(async (kv) => {
    const store = KvListingStore.make(kv);
    // Fewer than eight collections: none is personal, so every default view is the whole listing.
    await run(store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 7 })));
    const { listings } = await chunkKeys(kv, "acme");
    assert.deepEqual([...listings].sort(), [
      "charts",
      "collections",
      "members",
      "queries",
      "reportStats",
      "reports",
    ]);
    assert.deepEqual(
      await rowsOf(store, "acme", 1, 100, reports),
      await rowsOf(store, "acme", 1, 100, reports, true),
    );
    // With personal collections, each default view has chunks of its own.
    await run(store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 80 })));
    assert.deepEqual([...(await chunkKeys(kv, "acme")).listings].sort(), [...listingIds].sort());
  });
});

Deno.test("kv store: replacing a workspace swaps versions and deletes the old chunks", async () => {
  await withKv(async (kv) => {
    const store = KvListingStore.make(kv);
    const first = await run(
      store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 450 })),
    );
    const second = await run(store.replaceWorkspace("acme", collectionsOnly("acme", 120)));
    assert.notEqual(first.version, second.version);
    const keys = await chunkKeys(kv, "acme");
    assert.deepEqual([...keys.versions], [second.version]);
    assert.equal(keys.count, 2);
    assert.deepEqual(await rowsOf(store, "acme", 1, 1000), seedCollections("acme", 120));
    const pending = [];
    for await (const entry of kv.list({ prefix: [ROOT, "pending"] })) pending.push(entry.key);
    assert.deepEqual(pending, []);
    const record = await kv.get<{ layout: number }>([ROOT, "workspace", "acme"]);
    assert.equal(record.value?.layout, LAYOUT);
  });
});

Deno.test("kv store: readers see the old world or the new one, never a mix of resources", async () => {
  await withKv(async (kv) => {
    const writer = KvListingStore.make(kv);
    const reader = KvListingStore.make(kv, { metaTtlMs: 0 });
    const small = await run(
      writer.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 30 })),
    );
    const countsByVersion = new Map([[small.version, small.counts]]);
    let writing = true;
    const reading = (async () => {
      const seen: Array<[string, string, number]> = [];
      while (writing) {
        for (const resource of resources) {
          const slice = await run(
            reader.page({ resource, workspace: "acme", page: 1, perPage: 1, includeSpaces: "all" }),
          );
          seen.push([slice!.version, resource.name, slice!.totalCount]);
        }
      }
      return seen;
    })();
    for (const count of [900, 40, 700]) {
      const info = await run(
        writer.replaceWorkspace("acme", seedWorld({ workspace: "acme", count })),
      );
      countsByVersion.set(info.version, info.counts);
    }
    writing = false;
    const seen = await reading;
    assert.ok(seen.length > 6);
    for (const [version, name, total] of seen) {
      assert.equal(
        total,
        countsByVersion.get(version)?.[name as "reports"],
        `${name} of ${version}`,
      );
    }
  });
});

Deno.test("kv store: a crash while writing a new version leaves the old world whole", async () => {
  await withKv(async (kv) => {
    const store = KvListingStore.make(kv);
    const old = seedWorld({ workspace: "acme", count: 300 });
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
    const crashing = KvListingStore.make(failing);
    const result = await Effect.runPromiseExit(
      crashing.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 5000 })),
    );
    assert.equal(result._tag, "Failure");
    assert.match(String(result), /disk full/);
    // Readers (fresh or not) still get the whole old world.
    for (const resource of resources) {
      assert.deepEqual(
        await rowsOf(KvListingStore.make(kv), "acme", 1, 1000, resource, true),
        old[resource.name],
      );
    }
    const before = await chunkKeys(kv, "acme");
    assert.equal(before.versions.size, 2, "the half-written version is still there");
    // Not yet abandoned: a writer might still be busy, so it is kept.
    assert.equal(await run(store.collectGarbage()), 0);
    // An hour later it is taken as abandoned and removed.
    const later = KvListingStore.make(kv, { now: () => Date.now() + 2 * 3600 * 1000 });
    assert.equal(await run(later.collectGarbage()), 1);
    assert.equal((await chunkKeys(kv, "acme")).versions.size, 1);
    assert.deepEqual(await rowsOf(KvListingStore.make(kv), "acme", 1, 1000), old.collections);
  });
});

Deno.test("kv store: a reader whose version is deleted under it retries and answers from the new version", async () => {
  await withKv(async (kv) => {
    const reader = KvListingStore.make(kv, { metaTtlMs: 60_000 });
    const writer = KvListingStore.make(kv);
    await run(writer.replaceWorkspace("acme", collectionsOnly("acme", 300)));
    await rowsOf(reader, "acme", 1, 100); // caches the old version's record
    const replacement = seedCollections("acme", 300).map((c) => ({
      ...c,
      name: `renamed ${c.id}`,
    }));
    await run(writer.replaceWorkspace("acme", { collections: replacement })); // old chunks deleted
    assert.deepEqual(await rowsOf(reader, "acme", 3, 100), replacement.slice(200, 300));
  });
});

Deno.test("kv store: another process's swap is seen once the workspace record expires", async () => {
  await withKv(async (kv) => {
    const reader = KvListingStore.make(kv, { metaTtlMs: 0 });
    const writer = KvListingStore.make(kv);
    await run(writer.replaceWorkspace("acme", collectionsOnly("acme", 30)));
    assert.equal((await rowsOf(reader, "acme", 1, 100)).length, 30);
    await run(writer.replaceWorkspace("acme", collectionsOnly("acme", 10)));
    assert.equal((await rowsOf(reader, "acme", 1, 100)).length, 10);
  });
});

Deno.test("kv store: a record read that raced this store's own write never replaces the newer one", async () => {
  await withKv(async (kv) => {
    await run(KvListingStore.make(kv).replaceWorkspace("acme", collectionsOnly("acme", 30)));
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
    const store = KvListingStore.make(slow, { metaTtlMs: 60_000 });
    const reading = run(store.workspace("acme")); // reads the 30-row record, held
    const written = await run(store.replaceWorkspace("acme", collectionsOnly("acme", 12)));
    release();
    assert.equal((await reading)?.counts.collections, 12);
    assert.equal(store.cachedVersion("acme")?.version, written.version);
    assert.equal((await rowsOf(store, "acme", 1, 100)).length, 12);
  });
});

Deno.test("kv store: deleting a workspace removes its record and every listing's chunks", async () => {
  await withKv(async (kv) => {
    const store = KvListingStore.make(kv);
    await run(store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 250 })));
    await run(store.replaceWorkspace("other", collectionsOnly("other", 5)));
    assert.equal(await run(store.deleteWorkspace("acme")), true);
    assert.equal((await chunkKeys(kv, "acme")).count, 0);
    assert.equal((await run(store.workspace("other")))?.counts.collections, 5);
  });
});

Deno.test("kv store: a workspace written by layout 1 (collections only) is still served", async () => {
  await withKv(async (kv) => {
    // Layout 1 as the previous server wrote it: the record, and chunks right under the version.
    const rows = seedCollections("legacy", 150).map((c) => JSON.stringify(c));
    const encoder = new TextEncoder();
    await kv.set([ROOT, "workspace", "legacy"], {
      layout: 1,
      version: "old-v1",
      count: 150,
      chunkSize: 100,
      organizationId: 123456,
      source: "import:legacy.ndjson",
      updatedAt: "2024-01-01T00:00:00.000Z",
    });
    await kv.set(
      [ROOT, "chunk", "legacy", "old-v1", 0, 0, 1],
      encoder.encode(rows.slice(0, 100).join("\n")),
    );
    await kv.set(
      [ROOT, "chunk", "legacy", "old-v1", 1, 0, 1],
      encoder.encode(rows.slice(100).join("\n")),
    );
    const store = KvListingStore.make(kv);
    const info = await run(store.workspace("legacy"));
    assert.equal(info?.counts.collections, 150);
    assert.equal(info?.counts.reports, 0);
    assert.equal(info?.organizationId, 123456);
    assert.deepEqual(
      await rowsOf(store, "legacy", 2, 100),
      seedCollections("legacy", 150).slice(100),
    );
    assert.deepEqual(await rowsOf(store, "legacy", 1, 10, reports, true), []);
    assert.equal(
      (await run(store.page({ resource: reports, workspace: "legacy", page: 1, perPage: 10 })))
        ?.totalCount,
      0,
    );
    // Replacing it writes layout 2, keeps the organization id and deletes the old chunks.
    const next = await run(
      store.replaceWorkspace("legacy", seedWorld({ workspace: "legacy", count: 20 })),
    );
    assert.equal(next.organizationId, 123456);
    const keys = await chunkKeys(kv, "legacy");
    assert.deepEqual([...keys.versions], [next.version]);
    assert.equal(
      (await rowsOf(KvListingStore.make(kv), "legacy", 1, 100, reports, true)).length,
      20,
    );
    assert.equal(
      (await rowsOf(store, "legacy", 1, 10))[0].space_url,
      spaceUrl("legacy", String((await rowsOf(store, "legacy", 1, 10))[0].token)),
    );
  });
});
