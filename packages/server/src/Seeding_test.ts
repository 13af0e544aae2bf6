import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { SignatureCredentials } from "@mode-discovery/core";
import { MemoryCredentialStore } from "./MemoryCredentialStore.ts";
import { MemoryListingStore } from "./MemoryListingStore.ts";
import { seedSource } from "./Seed.ts";
import { seedStores } from "./Seeding.ts";

const run = Effect.runPromise;

Deno.test("seedStores: reseeding is a no-op, a changed seed reseeds, data from elsewhere is kept", async () => {
  const listings = MemoryListingStore.make();
  const credentials = MemoryCredentialStore.make();
  const skipped: Array<string> = [];
  const options = (counts?: { reports: number }) => ({
    seed: [{ workspace: "acme", count: 5, counts }],
    skipped: (workspace: string, source: string) => skipped.push(`${workspace} ${source}`),
  });
  await run(seedStores({ listings, credentials }, options()));
  const first = await run(listings.workspace("acme"));
  assert.equal(first?.source, seedSource({ workspace: "acme", count: 5 }));
  await run(seedStores({ listings, credentials }, options()));
  assert.equal((await run(listings.workspace("acme")))?.version, first?.version);
  await run(seedStores({ listings, credentials }, options({ reports: 2 })));
  const reseeded = await run(listings.workspace("acme"));
  assert.notEqual(reseeded?.version, first?.version);
  assert.equal(reseeded?.counts.reports, 2);
  await run(listings.replaceWorkspace("acme", {}, { source: "import" }));
  await run(seedStores({ listings, credentials }, options()));
  assert.equal((await run(listings.workspace("acme")))?.counts.collections, 0);
  assert.deepEqual(skipped, ["acme import"]);
});

Deno.test("seedStores: the development token belongs to the first workspace, with its organization id", async () => {
  const listings = MemoryListingStore.make();
  const credentials = MemoryCredentialStore.make();
  const dev = SignatureCredentials.fromStrings({ token: "t", accessKey: "k", accessSecret: "s" });
  await run(seedStores({ listings, credentials }, {
    seed: [{ workspace: "first", count: 1 }, { workspace: "second", count: 1 }],
    devCredentials: dev,
  }));
  const verified = await run(credentials.verifySignatureToken("t", "k", Redacted.make("s")));
  assert.equal(verified._tag === "Valid" && verified.workspace, "first");
});
