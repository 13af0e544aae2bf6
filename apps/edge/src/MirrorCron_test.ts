import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import { SignatureCredentials } from "@mode-discovery/core";
import { MemoryListingStore } from "@mode-discovery/server";
import { DEV, devSettings } from "@mode-discovery/server/testing";
import { EdgeSettings } from "./EdgeSettings.ts";
import { startEdgeServer } from "./EdgeServer.ts";
import { MIRROR_CRON_NAME, mirrorJob, registerMirrorCron } from "./MirrorCron.ts";
import type { MirrorSettings } from "./MirrorSettings.ts";

const settingsFor = (from: string, schedule = "*/15 * * * *"): MirrorSettings => ({
  from,
  workspace: "acme",
  credentials: SignatureCredentials.fromStrings(DEV),
  schedule,
});

Deno.test("mirror cron: the registered job mirrors the workspace into the store and logs one line", async () => {
  const source = await startEdgeServer({
    port: 0,
    settings: EdgeSettings.make(devSettings([{ workspace: "acme", count: 1234 }])),
    log: () => {},
  });
  try {
    const store = MemoryListingStore.make();
    const registered: Array<{ name: string; schedule: string; run: () => Promise<void> }> = [];
    const log: Array<string> = [];
    const ok = registerMirrorCron(
      (name, schedule, _options, run) => registered.push({ name, schedule, run }),
      {
        settings: settingsFor(source.url),
        store: () => Promise.resolve(store),
        log: (l) => log.push(l),
      },
    );
    assert.equal(ok, true);
    assert.equal(registered.length, 1);
    assert.equal(registered[0].name, MIRROR_CRON_NAME);
    assert.equal(registered[0].schedule, "*/15 * * * *");
    await registered[0].run();
    const info = await Effect.runPromise(store.workspace("acme"));
    assert.deepEqual(info?.counts, {
      collections: 1234,
      reports: 1234,
      queries: 2468,
      charts: 2468,
      reportStats: 1234,
      members: 124,
    });
    assert.equal(info?.source, `mirror:${source.url}`);
    assert.equal(log.length, 1);
    assert.match(
      log[0],
      /^edge: mirror: 1234 collections, 1234 reports, 2468 queries, 2468 charts, 1234 report stats, 124 members of acme from http:\/\/127\.0\.0\.1:\d+ in 13 pages, 0 retries, \d+ ms$/,
    );
    for (const secret of [DEV.accessKey, DEV.accessSecret]) assert.ok(!log[0].includes(secret));
  } finally {
    await source.close();
  }
});

Deno.test("mirror cron: a failed run logs why, keeps the old copy and never rejects", async () => {
  const store = MemoryListingStore.make();
  await Effect.runPromise(store.replaceWorkspace("acme", {}, { source: "before" }));
  const log: Array<string> = [];
  // Nothing listens on port 9 of loopback: the listing fails.
  const job = mirrorJob({
    settings: settingsFor("http://127.0.0.1:9"),
    store: () => Promise.resolve(store),
    log: (l) => log.push(l),
    client: { maxRetries: 0 },
  });
  await job();
  assert.equal((await Effect.runPromise(store.workspace("acme")))?.source, "before");
  assert.equal(log.length, 1);
  assert.match(
    log[0],
    /^edge: mirror of acme from http:\/\/127\.0\.0\.1:9 failed, the previous copy stays: /,
  );
});

Deno.test("mirror cron: nothing is registered without Deno.cron; a refused schedule is logged", () => {
  const store = () => Promise.resolve(MemoryListingStore.make());
  assert.equal(
    registerMirrorCron(undefined, { settings: settingsFor("http://x.test"), store }),
    false,
  );
  const log: Array<string> = [];
  const ok = registerMirrorCron(() => {
    throw new TypeError("Invalid cron schedule");
  }, { settings: settingsFor("http://x.test", "99 * * * *"), store, log: (l) => log.push(l) });
  assert.equal(ok, false);
  assert.match(log[0], /^edge: Invalid MODE_MIRROR_SCHEDULE: Deno\.cron refused "99 \* \* \* \*"/);
});
