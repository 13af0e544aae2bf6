/**
 * What every listing store does, run on the KV store and on the memory
 * store alike: key order, both views, personal items derived from the
 * resource model, ASCII rows, refusals, swaps and deletes.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import {
  type AnyResource,
  collections,
  INCLUDE_SPACES_ALL,
  members,
  queries,
  reports,
  reportStats,
  resources,
  spaceUrl,
} from "@mode-discovery/core";
import { KvListingStore } from "./KvListingStore.ts";
import { type ListingStoreService, pageSliceJson, type WorkspaceData } from "./ListingStore.ts";
import { MemoryListingStore } from "./MemoryListingStore.ts";
import { seedWorld } from "./Seed.ts";

const run = Effect.runPromise;

/** Runs `f` on a fresh KV store and on a fresh memory store. */
const onEveryStore = (name: string, f: (store: ListingStoreService) => Promise<void>) => {
  Deno.test(`listing store (KV): ${name}`, async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      await f(KvListingStore.make(kv));
    } finally {
      kv.close();
    }
  });
  Deno.test(`listing store (memory): ${name}`, () => f(MemoryListingStore.make()));
};

const rowsOf = async (
  store: ListingStoreService,
  resource: AnyResource,
  page: number,
  perPage: number,
  all = false,
): Promise<Array<Record<string, unknown>>> => {
  const slice = await run(store.page({
    resource,
    workspace: "acme",
    page,
    perPage,
    includeSpaces: all ? INCLUDE_SPACES_ALL : undefined,
  }));
  assert.ok(slice !== undefined);
  return JSON.parse(pageSliceJson(slice));
};

const failure = async (store: ListingStoreService, workspace: string, data: WorkspaceData) => {
  const error = await run(Effect.flip(store.replaceWorkspace(workspace, data)));
  assert.equal(error.reason, "Invalid");
  return error.message;
};

onEveryStore(
  "every resource comes back in ascending key order whatever the input order",
  async (store) => {
    const world = seedWorld({ workspace: "acme", count: 333 });
    const shuffled = Object.fromEntries(
      Object.entries(world).map(([name, rows]) => [name, [...(rows as Array<unknown>)].reverse()]),
    );
    const info = await run(store.replaceWorkspace("acme", shuffled, { source: "test" }));
    assert.equal(info.source, "test");
    for (const resource of resources) {
      const rows = world[resource.name] as Array<unknown>;
      assert.equal(info.counts[resource.name], rows.length);
      assert.deepEqual(await rowsOf(store, resource, 1, 1000, true), rows.slice(0, 1000));
      assert.deepEqual(await rowsOf(store, resource, 3, 100, true), rows.slice(200, 300));
      assert.deepEqual(await rowsOf(store, resource, 2, 150, true), rows.slice(150, 300));
      const last = Math.ceil(rows.length / 40);
      assert.deepEqual(await rowsOf(store, resource, last, 40, true), rows.slice((last - 1) * 40));
      assert.deepEqual(await rowsOf(store, resource, last + 1, 40, true), []);
    }
    assert.equal(
      await run(store.page({ resource: reports, workspace: "nobody", page: 1, perPage: 10 })),
      undefined,
    );
    assert.equal(await run(store.workspace("nobody")), undefined);
  },
);

/** A tiny world with one personal collection, to follow the derivation by hand. */
const tinyWorld = (): WorkspaceData => {
  const collection = (id: number, token: string, spaceType: string) => ({
    id,
    token,
    name: token,
    description: null,
    space_type: spaceType,
    space_url: spaceUrl("acme", token),
  });
  const report = (id: number, token: string, space: { id: number; token: string }) => ({
    id,
    token,
    creator_email: "ana@example.com",
    space_id: space.id,
    space_token: space.token,
  });
  const shared = { id: 1, token: "shared" };
  const mine = { id: 2, token: "mine" };
  return {
    collections: [collection(1, "shared", "custom"), collection(2, "mine", "private")],
    members: [{ id: 9, token: "m", member_email: "ana@example.com" }],
    reports: [report(10, "r10", shared), report(11, "r11", mine)],
    queries: [
      {
        id: 20,
        token: "q20",
        report_id: 10,
        report_token: "r10",
        space_id: 1,
        space_token: "shared",
      },
      {
        id: 21,
        token: "q21",
        report_id: 11,
        report_token: "r11",
        space_id: 2,
        space_token: "mine",
      },
    ],
    charts: [{ id: 30, token: "c30", query_id: 21, report_id: 11, space_id: 2 }],
    reportStats: [{ report_id: 10, report_token: "r10" }, { report_id: 11, report_token: "r11" }],
  };
};

onEveryStore(
  "items in personal collections are left out unless include_spaces=all",
  async (store) => {
    await run(store.replaceWorkspace("acme", tinyWorld()));
    const keys = async (resource: AnyResource, all: boolean) =>
      (await rowsOf(store, resource, 1, 100, all)).map((row) => row[resource.key]);
    // Collections and members have one listing: personal collections are listed.
    assert.deepEqual(await keys(collections, false), [1, 2]);
    assert.deepEqual(await keys(collections, true), [1, 2]);
    assert.deepEqual(await keys(members, false), [9]);
    // The others: through space_id (reports), report_id (queries, report stats), space_id (charts).
    assert.deepEqual(await keys(reports, false), [10]);
    assert.deepEqual(await keys(reports, true), [10, 11]);
    assert.deepEqual(await keys(queries, false), [20]);
    assert.deepEqual(await keys(queries, true), [20, 21]);
    assert.deepEqual(await keys(resources.find((r) => r.name === "charts")!, false), []);
    assert.deepEqual(await keys(resources.find((r) => r.name === "charts")!, true), [30]);
    assert.deepEqual(await keys(reportStats, false), [10]);
    assert.deepEqual(await keys(reportStats, true), [10, 11]);
    const slice = await run(
      store.page({ resource: reports, workspace: "acme", page: 1, perPage: 10 }),
    );
    assert.equal(slice?.totalCount, 1, "total_count counts what the request can see");
  },
);

onEveryStore(
  "rows are ASCII JSON with every field, null where the input had none",
  async (store) => {
    await run(store.replaceWorkspace("acme", {
      collections: [{
        id: 5,
        token: "t5",
        name: "Ventas — España 🇪🇸",
        description: 'say "hi"\nthere',
        space_type: "custom",
      }],
      reports: [{ id: "7", token: "r7", space_id: 5, space_token: "t5" }],
    }));
    const slice = await run(
      store.page({ resource: reports, workspace: "acme", page: 1, perPage: 10 }),
    );
    const text = pageSliceJson(slice!);
    assert.match(text, /^[\x20-\x7e]*$/);
    const [report] = JSON.parse(text);
    assert.equal(report.id, 7, "a digit string id is stored as a number");
    assert.deepEqual(Object.keys(report), reports.columns.map((c) => c.name));
    assert.equal(report.last_run_at, null);
    const [collection] = await rowsOf(store, collections, 1, 10);
    assert.equal(collection.name, "Ventas — España 🇪🇸");
    assert.equal(collection.space_url, null);
  },
);

onEveryStore(
  "bad data is refused with an Invalid error naming the resource, and nothing is written",
  async (store) => {
    const world = seedWorld({ workspace: "acme", count: 3 });
    const row = (world.collections as Array<Record<string, unknown>>)[0];
    const report = (world.reports as Array<Record<string, unknown>>)[0];
    assert.match(
      await failure(store, "acme", { collections: [row, row] }),
      /^collections: duplicate id 170$/,
    );
    assert.match(
      await failure(store, "acme", { ...world, reports: [report, { ...report, id: 1.5 }] }),
      /^reports: the item at position 1 is not a valid report: /,
    );
    assert.match(
      await failure(store, "acme", { reportStats: [{ report_id: 1 }] }),
      /^report stats: the item at position 0 is not a valid report stat: /,
    );
    assert.match(
      await failure(store, "acme", { widgets: [] } as unknown as WorkspaceData),
      /^"widgets" is not a resource \(use collections, reports, /,
    );
    assert.match(await failure(store, "no spaces allowed", world), /is not a workspace username/);
    assert.equal(await run(store.workspace("acme")), undefined, "nothing was written");
  },
);

onEveryStore(
  "a swap replaces every resource at once; delete removes the workspace",
  async (store) => {
    const first = await run(
      store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 30 })),
    );
    assert.deepEqual(store.cachedVersion("acme")?.version, first.version);
    const second = await run(
      store.replaceWorkspace("acme", seedWorld({ workspace: "acme", count: 12 })),
    );
    assert.notEqual(second.version, first.version);
    assert.equal(second.organizationId, first.organizationId);
    assert.deepEqual(second.counts, {
      collections: 12,
      reports: 12,
      queries: 24,
      charts: 24,
      reportStats: 12,
      members: 2,
    });
    for (const resource of resources) {
      const slice = await run(store.page({ resource, workspace: "acme", page: 1, perPage: 1000 }));
      assert.equal(slice?.version, second.version, resource.name);
    }
    await run(store.replaceWorkspace("other", {}));
    assert.deepEqual((await run(store.workspaces())).map((w) => w.workspace), ["acme", "other"]);
    assert.equal(await run(store.deleteWorkspace("acme")), true);
    assert.equal(await run(store.deleteWorkspace("acme")), false);
    assert.equal(
      await run(store.page({ resource: collections, workspace: "acme", page: 1, perPage: 10 })),
      undefined,
    );
    assert.equal(store.cachedVersion("acme"), undefined);
    assert.equal((await run(store.workspace("other")))?.counts.collections, 0);
  },
);
