import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import { INCLUDE_SPACES_ALL, resources } from "@mode-discovery/core";
import { KvListingStore } from "./KvListingStore.ts";
import { type ListingAddress, pageSliceJson } from "./ListingStore.ts";
import { MemoryListingStore } from "./MemoryListingStore.ts";
import { seedWorld } from "./Seed.ts";
import { organizationIdOf } from "./_organizationId.ts";

const run = Effect.runPromise;

Deno.test("memory store: every page of every resource and view is byte for byte the KV store's", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const memory = MemoryListingStore.make();
    const onKv = KvListingStore.make(kv);
    const world = seedWorld({ workspace: "acme", count: 617 });
    const reversed = Object.fromEntries(
      Object.entries(world).map(([name, rows]) => [name, [...(rows as Array<unknown>)].reverse()]),
    );
    await run(memory.replaceWorkspace("acme", reversed));
    await run(onKv.replaceWorkspace("acme", world));
    let compared = 0;
    for (const resource of resources) {
      for (
        const includeSpaces of resource.includeSpaces
          ? [undefined, INCLUDE_SPACES_ALL] as const
          : [undefined]
      ) {
        for (
          const [page, perPage] of [[1, 1000], [2, 1000], [1, 1], [7, 100], [13, 99], [999, 5]]
        ) {
          const address: ListingAddress = {
            resource,
            workspace: "acme",
            page,
            perPage,
            includeSpaces,
          };
          const a = await run(memory.page(address));
          const b = await run(onKv.page(address));
          assert.equal(pageSliceJson(a!), pageSliceJson(b!), `${resource.name} ${page}/${perPage}`);
          assert.equal(a!.totalCount, b!.totalCount);
          assert.deepEqual(memory.cachedPage(address), a);
          compared++;
        }
      }
    }
    assert.equal(compared, 60);
    assert.equal((await run(memory.workspace("acme")))?.organizationId, organizationIdOf("acme"));
    assert.deepEqual(
      (await run(memory.workspace("acme")))?.counts,
      (await run(onKv.workspace("acme")))?.counts,
    );
  } finally {
    kv.close();
  }
});
