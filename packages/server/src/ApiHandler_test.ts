import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import {
  AdminCredentials,
  resources,
  SignatureCredentials,
  SignatureToken,
} from "@mode-discovery/core";
import { makeApiHandler } from "./ApiHandler.ts";
import { MemoryCredentialStore } from "./MemoryCredentialStore.ts";
import { MemoryListingStore } from "./MemoryListingStore.ts";
import { seedWorld } from "./Seed.ts";
import { seedStores } from "./Seeding.ts";
import {
  ADMIN,
  ADMIN_AUTH,
  bearer,
  DEV,
  DEV_AUTH,
  itemsOf,
  pagePath,
  readPage,
} from "./_testing.ts";

const seed = [{ workspace: "acme", count: 25 }, { workspace: "other", count: 3 }];

const withApi = async (
  f: (api: ReturnType<typeof makeApiHandler>) => Promise<void>,
  options: { readonly lastPageNext?: "past-end" | "self" | "omit" } = {},
) => {
  const listings = MemoryListingStore.make();
  const credentials = MemoryCredentialStore.make();
  await Effect.runPromise(seedStores({ listings, credentials }, {
    seed,
    devCredentials: SignatureCredentials.fromStrings(DEV),
    devAdmin: AdminCredentials.fromStrings(ADMIN),
  }));
  const api = makeApiHandler({ listings, credentials, log: () => {}, ...options });
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

Deno.test("api handler on the memory stores: seeded pages of every resource decode with core's schemas", async () => {
  const world = seedWorld(seed[0]);
  await withApi(async (api) => {
    for (const resource of resources) {
      const path = pagePath(resource, "acme", 2, 10, true);
      const page = await readPage(resource, await get(api, path, DEV_AUTH));
      assert.equal(page.pagination.page, 2);
      assert.equal(page.pagination.per_page, 10);
      assert.deepEqual(
        itemsOf(resource, page),
        (world[resource.name] as Array<unknown>).slice(10, 20),
      );
      // The same request again is answered by the fast path, identically.
      const fastBefore = api.stats().fastPath;
      assert.deepEqual(await readPage(resource, await get(api, path, DEV_AUTH)), page);
      assert.equal(api.stats().fastPath, fastBefore + 1, resource.name);
    }
  });
});

Deno.test("api handler: 401 without or with wrong credentials, 404 for another workspace, on every resource", async () => {
  await withApi(async (api) => {
    for (const resource of resources) {
      const path = `/batch/acme/${resource.segment}`;
      const anonymous = await get(api, path, null);
      assert.equal(anonymous.status, 401);
      assert.equal((await anonymous.json()).id, "unauthorized");
      const wrong = await get(api, path, bearer(DEV.token, DEV.accessKey, "x"));
      assert.equal(wrong.status, 401);
      const other = await get(api, `/batch/other/${resource.segment}`, DEV_AUTH);
      assert.equal(other.status, 404);
      assert.equal((await other.json()).id, "not_found");
      const bad = await get(api, `${path}?per_page=0`, DEV_AUTH);
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).message, /per_page/);
    }
  });
});

Deno.test("api handler: an admin key creates a token that then lists the workspace", async () => {
  await withApi(async (api) => {
    const response = await api.fetch(
      new Request("http://api.test/batch/acme/signature_tokens", {
        method: "POST",
        headers: { authorization: ADMIN_AUTH, "content-type": "application/json" },
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
    const auth = bearer(token.token, token.access_key, Redacted.value(token.access_secret));
    for (const resource of resources) {
      const listed = await get(api, `/batch/acme/${resource.segment}?per_page=1`, auth);
      assert.equal(listed.status, 200);
    }
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
      const response = await get(api, "/batch/acme/spaces?page=3&per_page=10", DEV_AUTH);
      const body = await response.json();
      assert.equal(body._links.next_page?.href, expected && `/batch/acme/spaces?${expected}`);
    }, { lastPageNext: mode });
  }
});
