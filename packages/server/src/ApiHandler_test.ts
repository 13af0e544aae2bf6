import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import {
  AdminCredentials,
  CollectionsPage,
  SignatureCredentials,
  SignatureToken,
} from "@mode-discovery/core";
import { makeApiHandler, seedStore } from "./ApiHandler.ts";
import { MemoryCollectionStore } from "./MemoryCollectionStore.ts";
import { seedCollections } from "./Seed.ts";

const DEV = { token: "devtoken", accessKey: "devkey", accessSecret: "dev:secret" };
const ADMIN = { apiKey: "admin", apiSecret: "admin-secret" };
const bearer = (creds: typeof DEV) =>
  Redacted.value(SignatureCredentials.fromStrings(creds).authorization);

const withApi = async (
  f: (api: ReturnType<typeof makeApiHandler>) => Promise<void>,
  options: { readonly lastPageNext?: "past-end" | "self" | "omit" } = {},
) => {
  const store = MemoryCollectionStore.make();
  await Effect.runPromise(seedStore(store, {
    seed: [{ workspace: "acme", count: 25 }, { workspace: "other", count: 3 }],
    devCredentials: SignatureCredentials.fromStrings(DEV),
    devAdmin: AdminCredentials.fromStrings(ADMIN),
    log: () => {},
  }));
  const api = makeApiHandler({ store, log: () => {}, ...options });
  try {
    await f(api);
  } finally {
    await api.dispose();
  }
};

const get = (api: ReturnType<typeof makeApiHandler>, path: string, auth: string | null) =>
  api.fetch(
    new Request(`http://api.test${path}`, {
      headers: auth === null ? {} : { authorization: auth },
    }),
  );

Deno.test("api handler on the memory store: seeded pages decode with core's schema", async () => {
  await withApi(async (api) => {
    const response = await get(api, "/batch/acme/spaces?page=2&per_page=10", bearer(DEV));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const page = Schema.decodeUnknownSync(CollectionsPage)(await response.json());
    assert.deepEqual(page.pagination, {
      page: 2,
      per_page: 10,
      count: 10,
      total_pages: 3,
      total_count: 25,
    });
    assert.deepEqual(page.spaces, seedCollections("acme", 25).slice(10, 20));
    assert.equal(page._links.next_page?.href, "/batch/acme/spaces?page=3&per_page=10");
    // The same request again is answered by the fast path, identically.
    const again = await get(api, "/batch/acme/spaces?page=2&per_page=10", bearer(DEV));
    assert.deepEqual(Schema.decodeUnknownSync(CollectionsPage)(await again.json()), page);
    assert.ok(api.stats().fastPath >= 1);
  });
});

Deno.test("api handler: 401 without or with wrong credentials, 404 for another workspace", async () => {
  await withApi(async (api) => {
    const anonymous = await get(api, "/batch/acme/spaces", null);
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).id, "unauthorized");
    const wrong = await get(api, "/batch/acme/spaces", bearer({ ...DEV, accessSecret: "x" }));
    assert.equal(wrong.status, 401);
    const other = await get(api, "/batch/other/spaces", bearer(DEV));
    assert.equal(other.status, 404);
    assert.equal((await other.json()).id, "not_found");
    const bad = await get(api, "/batch/acme/spaces?per_page=0", bearer(DEV));
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /per_page/);
  });
});

Deno.test("api handler: an admin key creates a token that then lists the workspace", async () => {
  await withApi(async (api) => {
    const response = await api.fetch(
      new Request("http://api.test/batch/acme/signature_tokens", {
        method: "POST",
        headers: {
          authorization: Redacted.value(AdminCredentials.fromStrings(ADMIN).authorization),
          "content-type": "application/json",
        },
        body: JSON.stringify({
          signature_token: {
            name: "nightly export",
            expires_at: new Date(Date.now() + 86_400_000).toISOString(),
            auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
          },
        }),
      }),
    );
    assert.equal(response.status, 200);
    const token = Schema.decodeUnknownSync(SignatureToken)(await response.json());
    const listed = await get(
      api,
      "/batch/acme/spaces?per_page=1",
      bearer({
        token: token.token,
        accessKey: token.access_key,
        accessSecret: Redacted.value(token.access_secret),
      }),
    );
    assert.equal(listed.status, 200);
    assert.equal((await listed.json()).pagination.total_count, 25);
  });
});

Deno.test("api handler: lastPageNext decides the last page's next_page", async () => {
  for (
    const [mode, expected] of [["past-end", "page=4&per_page=10"], ["self", "page=3&per_page=10"], [
      "omit",
      undefined,
    ]] as const
  ) {
    await withApi(async (api) => {
      const response = await get(api, "/batch/acme/spaces?page=3&per_page=10", bearer(DEV));
      const body = await response.json();
      assert.equal(body._links.next_page?.href, expected && `/batch/acme/spaces?${expected}`);
    }, { lastPageNext: mode });
  }
});

Deno.test("seedStore: reseeding is a no-op, and data from elsewhere is never overwritten", async () => {
  const store = MemoryCollectionStore.make();
  const lines: Array<string> = [];
  const seed = { seed: [{ workspace: "acme", count: 5 }], log: (l: string) => lines.push(l) };
  await Effect.runPromise(seedStore(store, seed));
  const first = await Effect.runPromise(store.workspace("acme"));
  await Effect.runPromise(seedStore(store, seed));
  assert.equal((await Effect.runPromise(store.workspace("acme")))?.version, first?.version);
  await Effect.runPromise(store.replaceWorkspace("acme", [], { source: "import" }));
  await Effect.runPromise(seedStore(store, seed));
  assert.equal(await Effect.runPromise(store.count("acme")), 0);
  assert.match(lines.join("\n"), /not seeding acme: the store already holds its data from import/);
});
