import assert from "node:assert/strict";
import * as ConfigProvider from "effect/ConfigProvider";
import * as Effect from "effect/Effect";
import * as Fiber from "effect/Fiber";
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import { AdminCredentials, Credentials, SignatureCredentials } from "./Credentials.ts";
import { DiscoveryClient, type ListProgress, type RequestEvent } from "./DiscoveryClient.ts";
import {
  ClientOptionError,
  Forbidden,
  NotFound,
  PaginationError,
  ResponseDecodeError,
  ServerError,
  Unauthorized,
} from "./DiscoveryError.ts";
import { type LastPageNext, totalPages } from "./Pagination.ts";
import { SignatureTokenRequest } from "./SignatureToken.ts";
import type * as Resource from "./Resource.ts";
import { queries, type Query, reports, resources } from "./Resources.ts";
import {
  failureOf,
  FAST,
  listAll,
  runExit,
  seedCollections,
  startTestServer,
  TEST_CREDENTIALS,
  testCredentials,
  TRANSPORTS,
  valueOf,
} from "./_testServer_test.ts";

const ids = (items: ReadonlyArray<{ readonly id: number }>) => items.map((c) => c.id);

Deno.test("list: a seeded workspace, complete and in order, at several per_page and concurrency values", async (t) => {
  const seeded = seedCollections(137, 1000);
  const server = await startTestServer({ collections: seeded });
  try {
    for (const perPage of [1, 10, 50, 137, 1000]) {
      for (const concurrency of [1, 2, 4, 8]) {
        await t.step(`per_page ${perPage}, concurrency ${concurrency}`, async () => {
          server.requests.length = 0;
          const { exit, summary } = await listAll(server, { perPage, concurrency });
          assert.deepEqual(ids(valueOf(exit)), ids(seeded));
          assert.equal(summary?.stoppedBecause, "last-page");
          assert.equal(summary?.itemsEmitted, 137);
          assert.equal(summary?.duplicatesDropped, 0);
          assert.equal(summary?.totalsDrifted, false);
          // No request past the last page, none repeated.
          const pages = totalPages(137, perPage);
          assert.equal(server.requests.length, pages);
          assert.deepEqual(
            server.requests.map((r) => r.page).sort((a, b) => a! - b!),
            Array.from({ length: pages }, (_, i) => i + 1),
          );
        });
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("list: every last-page quirk, both strategies, ends without an extra request", async (t) => {
  const seeded = seedCollections(23);
  for (const quirk of ["past-end", "self", "omit"] as const satisfies readonly LastPageNext[]) {
    const server = await startTestServer({ collections: seeded, lastPageNext: quirk });
    try {
      for (const strategy of ["totals", "links"] as const) {
        await t.step(`${quirk}, ${strategy}`, async () => {
          server.requests.length = 0;
          const { exit, summary } = await listAll(server, { perPage: 5, strategy });
          assert.deepEqual(ids(valueOf(exit)), ids(seeded));
          assert.equal(summary?.stoppedBecause, "last-page");
          assert.equal(summary?.pagesFetched, 5);
          assert.equal(server.requests.length, 5);
        });
      }
    } finally {
      await server.close();
    }
  }
});

Deno.test("list: one listing stream run again, and twice at once, is each time complete and once", async () => {
  const seeded = seedCollections(137, 1000);
  const server = await startTestServer({ collections: seeded });
  try {
    const summaries: Array<number> = [];
    const runs = await Effect.runPromise(Effect.gen(function* () {
      const discovery = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
        ...FAST,
      });
      const listing = discovery.collections.list({
        workspace: "acme",
        perPage: 10,
        concurrency: 3,
        onSummary: (summary) => summaries.push(summary.itemsEmitted),
      });
      const first = yield* Stream.runCollect(listing);
      const again = yield* Stream.runCollect(listing);
      const together = yield* Effect.all([Stream.runCollect(listing), Stream.runCollect(listing)], {
        concurrency: 2,
      });
      return [first, again, ...together];
    }));
    for (const items of runs) assert.deepEqual(ids(items), ids(seeded));
    assert.deepEqual(summaries, [137, 137, 137, 137]);
    assert.equal(server.requests.length, 4 * 14);
  } finally {
    await server.close();
  }
});

Deno.test("list: an empty workspace gives nothing after one request", async () => {
  const server = await startTestServer({ collections: [] });
  try {
    for (const strategy of ["totals", "links"] as const) {
      server.requests.length = 0;
      const { exit, summary } = await listAll(server, { strategy });
      assert.deepEqual(valueOf(exit), []);
      assert.equal(summary?.stoppedBecause, "last-page");
      assert.equal(summary?.initialTotalCount, 0);
      assert.equal(server.requests.length, 1);
    }
  } finally {
    await server.close();
  }
});

Deno.test("list: progress after every page, summary once", async () => {
  const server = await startTestServer({ collections: seedCollections(30) });
  try {
    const progress: ListProgress[] = [];
    const { exit, summary } = await listAll(server, {
      perPage: 7,
      concurrency: 3,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(valueOf(exit).length, 30);
    assert.deepEqual(progress.map((p) => p.pagesFetched), [1, 2, 3, 4, 5]);
    assert.deepEqual(progress.map((p) => p.itemsEmitted), [7, 14, 21, 28, 30]);
    assert.ok(progress.every((p) => p.totalPages === 5 && p.totalCount === 30));
    assert.equal(summary?.pagesFetched, 5);
    assert.equal(summary?.initialTotalCount, 30);
    assert.equal(summary?.finalTotalCount, 30);
    assert.equal(summary?.retries, 0);
  } finally {
    await server.close();
  }
});

Deno.test("page: one decoded page; a page past the end is empty", async () => {
  const server = await startTestServer({ collections: seedCollections(12) });
  try {
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
      });
      const second = yield* client.collections.page({ workspace: "acme", page: 2, perPage: 5 });
      const past = yield* client.collections.page({ workspace: "acme", page: 9, perPage: 5 });
      return { second, past };
    }));
    const { second, past } = valueOf(exit);
    assert.deepEqual(ids(second.spaces), [6, 7, 8, 9, 10]);
    assert.deepEqual(second.pagination, {
      page: 2,
      per_page: 5,
      count: 5,
      total_pages: 3,
      total_count: 12,
    });
    assert.equal(second._links.next_page?.href, "/batch/acme/spaces?page=3&per_page=5");
    assert.deepEqual(past.spaces, []);
    assert.equal(server.requests[0].url.search, "?page=2&per_page=5");
  } finally {
    await server.close();
  }
});

Deno.test("401: Unauthorized, not retried, says which settings to check, leaks no secret", async () => {
  const server = await startTestServer();
  try {
    const wrong = {
      token: "tok-public-id",
      accessKey: "key-0001",
      accessSecret: "wrong-secret-xyz",
    };
    const events: RequestEvent[] = [];
    const failed = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: SignatureCredentials.fromStrings(wrong),
        onRequest: (e) => events.push(e),
        ...FAST,
      });
      return yield* Stream.runCollect(client.collections.list({ workspace: "acme" }));
    }));
    const error = failureOf(failed);
    assert.ok(error instanceof Unauthorized, String(error));
    assert.equal(server.requests.length, 1);
    assert.match(error.message, /401/);
    assert.match(error.message, /MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET/);
    assert.match(error.message, /Invalid signature token/);
    const everything = JSON.stringify([error.message, String(error), events]);
    assert.ok(!everything.includes(wrong.accessSecret));
    assert.ok(
      !everything.includes(btoa(`${wrong.token}:${wrong.accessKey}:${wrong.accessSecret}`)),
    );
    assert.deepEqual(events.map((e) => [e.method, e.status, e.attempt]), [["GET", 401, 1]]);
  } finally {
    await server.close();
  }
});

Deno.test("404: NotFound naming the workspace, not retried", async () => {
  const server = await startTestServer({ workspace: "acme" });
  try {
    const { exit, summary } = await listAll(server, { workspace: "other-ws" });
    const error = failureOf(exit);
    assert.ok(error instanceof NotFound);
    assert.match(error.message, /workspace "other-ws"/);
    assert.match(error.message, /Check the workspace name/);
    assert.match(error.message, /Workspace not found/);
    assert.equal(server.requests.length, 1);
    assert.equal(summary?.stoppedBecause, "failed");
  } finally {
    await server.close();
  }
});

Deno.test("no credentials: Unauthorized naming the environment variables; nothing sent", async () => {
  const server = await startTestServer();
  try {
    let summary: unknown;
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({ baseUrl: server.url });
      const page = yield* Effect.flip(client.collections.page({ workspace: "acme" }));
      const list = yield* Effect.flip(
        Stream.runCollect(
          client.collections.list({ workspace: "acme", onSummary: (s) => (summary = s) }),
        ),
      );
      return [page, list];
    }));
    for (const error of valueOf(exit)) {
      assert.ok(error instanceof Unauthorized);
      assert.match(error.message, /MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET/);
    }
    assert.equal((summary as { stoppedBecause: string }).stoppedBecause, "failed");
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("bad options: ClientOptionError naming the option; nothing sent", async (t) => {
  const server = await startTestServer();
  try {
    const cases: Array<
      [string, Parameters<typeof listAll>[1], Parameters<typeof listAll>[2], RegExp]
    > = [
      [
        "perPage 0",
        { perPage: 0 },
        {},
        /Invalid perPage: got 0; per_page must be a whole number from 1 to 1000/,
      ],
      ["perPage 1001", { perPage: 1001 }, {}, /perPage/],
      ["perPage 2.5", { perPage: 2.5 }, {}, /perPage/],
      ["workspace with a slash", { workspace: "a/b" }, {}, /Invalid workspace: got "a\/b"/],
      ["empty workspace", { workspace: "" }, {}, /Invalid workspace/],
      ["concurrency 0", { concurrency: 0 }, {}, /Invalid client option concurrency: got 0/],
      ["maxPages 0", { maxPages: 0 }, {}, /maxPages/],
      ["strategy", { strategy: "fast" as "links" }, {}, /strategy/],
      ["timeoutMs", {}, { timeoutMs: 0 }, /Invalid client option timeoutMs: got 0/],
      ["maxRetries", {}, { maxRetries: -1 }, /maxRetries/],
      ["requestsPerSecond", {}, { requestsPerSecond: 0 }, /requestsPerSecond/],
      ["baseUrl", {}, { baseUrl: "ftp://x" }, /baseUrl.*only http and https/],
      [
        "baseUrl with a password",
        {},
        { baseUrl: "https://me:pw@app.mode.com" },
        /user name or password/,
      ],
    ];
    for (const [name, list, client, pattern] of cases) {
      await t.step(name, async () => {
        const { exit } = await listAll(server, list, client);
        const error = failureOf(exit);
        assert.ok(error instanceof ClientOptionError, String(error));
        assert.match(error.message, pattern);
        assert.match(error.message, new RegExp(error.option));
        assert.ok(!error.message.includes("pw@"), "no password in the message");
      });
    }
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("interrupting the stream aborts every request in flight", async (t) => {
  for (const transport of TRANSPORTS) {
    await t.step(transport, async () => {
      const started: Array<Promise<void>> = [];
      const aborted: Array<Promise<void>> = [];
      let seen = 0;
      const fourInFlight = Promise.withResolvers<void>();
      const server = await startTestServer({
        collections: seedCollections(100),
        hook: ({ request, page, normal }) => {
          if (page === 1) return Response.json(normal());
          const abort = Promise.withResolvers<void>();
          aborted.push(abort.promise);
          started.push(Promise.resolve());
          if (++seen === 4) fourInFlight.resolve();
          return new Promise<Response>((resolve) => {
            request.signal.addEventListener("abort", () => {
              abort.resolve();
              resolve(new Response(null, { status: 499 }));
            });
          });
        },
      });
      try {
        let summary: { stoppedBecause: string } | undefined;
        const fiber = Effect.runFork(
          Effect.gen(function* () {
            const client = yield* DiscoveryClient.make({
              baseUrl: server.url,
              credentials: testCredentials,
            });
            return yield* Stream.runDrain(client.collections.list({
              workspace: "acme",
              perPage: 10,
              concurrency: 4,
              onSummary: (s) => (summary = s),
            }));
          }).pipe((effect) =>
            transport === "fetch" ? effect : Effect.provide(effect, FetchHttpClient.layer)
          ),
        );
        await fourInFlight.promise;
        await Effect.runPromise(Fiber.interrupt(fiber));
        const safety = new Promise<string>((resolve) => {
          const id = setTimeout(() => resolve("the server never saw the requests abort"), 5000);
          Promise.all(aborted).then(() => clearTimeout(id));
        });
        const outcome = await Promise.race([Promise.all(aborted).then(() => "aborted"), safety]);
        assert.equal(outcome, "aborted");
        assert.equal(aborted.length, 4);
        assert.equal(summary?.stoppedBecause, "interrupted");
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("signatureTokens.create: Basic auth, the request body of the contract, a decoded token", async () => {
  const admin = AdminCredentials.fromStrings({ apiKey: "admin-key", apiSecret: "admin-secret" });
  const server = await startTestServer({
    auth: false,
    hook: ({ request, url }) => {
      if (request.method !== "POST" || url.pathname !== "/batch/acme/signature_tokens") return;
      if (request.headers.get("authorization") !== `Basic ${btoa("admin-key:admin-secret")}`) {
        return Response.json({ id: "unauthorized", message: "Bad API key." }, { status: 401 });
      }
      return Response.json({
        token: "new-token",
        name: "nightly export",
        creator_id: 7,
        organization_id: "9",
        access_key: "new-key",
        access_secret: "new-secret",
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
        expires_at: "2027-01-01T00:00:00Z",
        authentication_for: "batch-api",
        authorization_type: "read-only",
      });
    },
  });
  try {
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({ baseUrl: server.url });
      return yield* client.signatureTokens.create({
        workspace: "acme",
        admin,
        name: "nightly export",
        expiresAt: "2027-01-01T00:00:00Z",
      });
    }));
    const token = valueOf(exit);
    assert.equal(token.token, "new-token");
    assert.equal(Redacted.value(token.access_secret), "new-secret");
    assert.ok(!String(token.access_secret).includes("new-secret"));
    const sent = server.requests[0];
    assert.equal(sent.method, "POST");
    const body = Schema.decodeUnknownSync(SignatureTokenRequest)(JSON.parse(sent.body));
    assert.equal(body.signature_token.name, "nightly export");
    assert.equal(body.signature_token.expires_at, "2027-01-01T00:00:00Z");

    const wrong = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({ baseUrl: server.url });
      return yield* client.signatureTokens.create({
        workspace: "acme",
        admin: AdminCredentials.fromStrings({ apiKey: "admin-key", apiSecret: "nope-secret" }),
        name: "nightly export",
        expiresAt: "2027-01-01T00:00:00Z",
      });
    }));
    const error = failureOf(wrong);
    assert.ok(error instanceof Unauthorized);
    assert.match(error.message, /admin API key and secret/);
    assert.ok(!error.message.includes("nope-secret"));
  } finally {
    await server.close();
  }
});

Deno.test("signatureTokens.create: a bad name or expiry fails before sending; a 503 is not retried", async () => {
  const admin = AdminCredentials.fromStrings({ apiKey: "k", apiSecret: "s" });
  const server = await startTestServer({
    auth: false,
    hook: () => Response.json({ id: "server_error", message: "down" }, { status: 503 }),
  });
  try {
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({ baseUrl: server.url, ...FAST });
      const create = (name: string, expiresAt: string) =>
        Effect.flip(client.signatureTokens.create({ workspace: "acme", admin, name, expiresAt }));
      return [
        yield* create("abc", "2027-01-01T00:00:00Z"),
        yield* create("nightly", "tomorrow"),
        yield* create("nightly", "2027-01-01T00:00:00Z"),
      ];
    }));
    const [shortName, badDate, unavailable] = valueOf(exit);
    assert.ok(shortName instanceof ClientOptionError);
    assert.match(
      shortName.message,
      /Invalid name of the signature token: got "abc"; name must be 4 to 64 characters/,
    );
    assert.ok(badDate instanceof ClientOptionError);
    assert.match(badDate.message, /Invalid expiresAt/);
    assert.ok(unavailable instanceof ServerError);
    assert.equal(unavailable.status, 503);
    assert.equal(server.requests.length, 1, "only the valid request was sent, once");
  } finally {
    await server.close();
  }
});

Deno.test("layer: Credentials from context; layerConfig reads MODE_BASE_URL", async (t) => {
  const server = await startTestServer({ collections: seedCollections(3) });
  const count = Effect.gen(function* () {
    const client = yield* DiscoveryClient;
    return yield* Stream.runCount(client.collections.list({ workspace: "acme" }));
  });
  const creds = Credentials.layer(TEST_CREDENTIALS);
  try {
    await t.step("layer", async () => {
      const live = DiscoveryClient.layer({ baseUrl: server.url }).pipe(
        Layer.provide(creds),
        Layer.provide(FetchHttpClient.layer),
      );
      assert.equal(await Effect.runPromise(Effect.provide(count, live)), 3);
    });
    await t.step("layerConfig with MODE_BASE_URL", async () => {
      const live = DiscoveryClient.layerConfig().pipe(
        Layer.provide(creds),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(
          ConfigProvider.layer(ConfigProvider.fromUnknown({ MODE_BASE_URL: server.url })),
        ),
      );
      assert.equal(await Effect.runPromise(Effect.provide(count, live)), 3);
    });
    await t.step("an explicit baseUrl wins over MODE_BASE_URL", async () => {
      const live = DiscoveryClient.layerConfig({ baseUrl: server.url }).pipe(
        Layer.provide(creds),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(
          ConfigProvider.layer(ConfigProvider.fromUnknown({ MODE_BASE_URL: "http://127.0.0.1:1" })),
        ),
      );
      assert.equal(await Effect.runPromise(Effect.provide(count, live)), 3);
    });
    await t.step("a bad MODE_BASE_URL is a ConfigError saying why", async () => {
      const read = Effect.provide(
        DiscoveryClient.baseUrlConfig,
        ConfigProvider.layer(ConfigProvider.fromUnknown({ MODE_BASE_URL: "app.mode.com" })),
      );
      const exit = await Effect.runPromiseExit(read);
      const error = failureOf(exit);
      assert.match(
        String(error.message),
        /MODE_BASE_URL "app.mode.com" is refused: it is not an absolute URL/,
      );
    });
    await t.step("an empty or missing MODE_BASE_URL means the default", async () => {
      for (const env of [{ MODE_BASE_URL: "" }, {}]) {
        const value = await Effect.runPromise(Effect.provide(
          DiscoveryClient.baseUrlConfig,
          ConfigProvider.layer(ConfigProvider.fromUnknown(env)),
        ));
        assert.equal(value, undefined);
      }
    });
  } finally {
    await server.close();
  }
});

Deno.test("a cross-origin next_page is refused before anything is sent there", async () => {
  const elsewhere = await startTestServer({ auth: false });
  const server = await startTestServer({
    collections: seedCollections(30),
    hook: ({ page, normal }) => {
      if (page !== 1) return;
      const body = normal();
      body._links = {
        next_page: { href: `${elsewhere.url}/batch/acme/spaces?page=2&per_page=10` },
      };
      return Response.json(body);
    },
  });
  try {
    const { exit, summary } = await listAll(server, { perPage: 10, strategy: "links" });
    const error = failureOf(exit);
    assert.ok(error instanceof PaginationError);
    assert.equal(error.reason, "cross-origin");
    assert.match(error.message, /Nothing was sent there/);
    assert.equal(elsewhere.requests.length, 0);
    assert.equal(summary?.itemsEmitted, 10, "page 1 was still emitted");
    assert.equal(summary?.stoppedBecause, "failed");
  } finally {
    await server.close();
    await elsewhere.close();
  }
});

Deno.test("a consumer that stops early ends the walk and aborts the pages in flight", async () => {
  const aborted: Array<Promise<void>> = [];
  const server = await startTestServer({
    collections: seedCollections(100),
    hook: ({ page, request, normal }) => {
      if (page === 1 || page === 2) return Response.json(normal());
      const abort = Promise.withResolvers<void>();
      aborted.push(abort.promise);
      return new Promise<Response>((resolve) => {
        request.signal.addEventListener("abort", () => {
          abort.resolve();
          resolve(new Response(null, { status: 499 }));
        });
      });
    },
  });
  try {
    let summary: { stoppedBecause: string; pagesFetched: number } | undefined;
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
      });
      const list = client.collections.list({
        workspace: "acme",
        perPage: 10,
        concurrency: 4,
        onSummary: (s) => (summary = s),
      });
      return yield* Stream.runCollect(Stream.take(list, 15));
    }));
    assert.deepEqual(ids(valueOf(exit)), ids(seedCollections(15)));
    assert.equal(summary?.stoppedBecause, "interrupted");
    assert.equal(summary?.pagesFetched, 2);
    assert.ok(aborted.length >= 3, `${aborted.length} pages were in flight`);
    await Promise.all(aborted);
  } finally {
    await server.close();
  }
});

/** `count` rows of `resource` with ascending keys from 1, every other field plain. */
const rowsOf = (resource: Resource.Any, count: number): Array<Record<string, unknown>> =>
  Array.from({ length: count }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const column of resource.columns) {
      row[column.name] = column.name === resource.key
        ? i + 1
        : column.name === resource.token
        ? `tok${i + 1}`
        : column.kind === "int"
        ? i % 7
        : column.kind === "strings"
        ? [`user${i % 3}@example.com`]
        : i % 5 === 0
        ? null
        : `${column.name} ${i + 1}, "quoted"\nline`;
    }
    return row;
  });

const keysOf = (resource: Resource.Any, items: ReadonlyArray<unknown>) =>
  (items as ReadonlyArray<Record<string, unknown>>).map((row) => row[resource.key]);

Deno.test("every resource: listed completely and once, by descriptor and by name, with and without includeSpaces", async (t) => {
  const rows = Object.fromEntries(resources.map((r) => [r.segment, rowsOf(r, 53)]));
  const personal = Object.fromEntries(
    resources.filter((r) => r.includeSpaces).map((r) => [r.segment, new Set([2, 3, 30, 53])]),
  );
  const server = await startTestServer({ rows, personal });
  try {
    for (const resource of resources) {
      await t.step(resource.name, async () => {
        const all = rows[resource.segment];
        const wanted = all.filter((row) =>
          !(personal[resource.segment]?.has(row[resource.key] as number) ?? false)
        );
        for (
          const [perPage, concurrency, strategy] of [[7, 1, "totals"], [10, 4, "totals"], [
            25,
            1,
            "links",
          ]] as const
        ) {
          const { exit, summary } = await listAll(
            server,
            { perPage, concurrency, strategy },
            {},
            resource,
          );
          assert.deepEqual(keysOf(resource, valueOf(exit)), keysOf(resource, wanted));
          assert.equal(summary?.itemsEmitted, wanted.length);
          if (resource.includeSpaces) {
            const everything = await listAll(
              server,
              { perPage, concurrency, strategy, includeSpaces: "all" },
              {},
              resource,
            );
            assert.deepEqual(keysOf(resource, valueOf(everything.exit)), keysOf(resource, all));
          }
        }
        const byName = await runExit(Effect.gen(function* () {
          const client = yield* DiscoveryClient.make({
            baseUrl: server.url,
            credentials: testCredentials,
            ...FAST,
          });
          return yield* Stream.runCollect(
            client.list(resource.cliName, { workspace: "acme", perPage: 20 }),
          );
        }));
        assert.deepEqual(keysOf(resource, valueOf(byName)), keysOf(resource, wanted));
      });
    }
    await t.step("includeSpaces=all goes in every page URL of a resource that takes it", () => {
      const urls = server.requests.filter((r) => r.url.pathname.endsWith("/queries"))
        .filter((r) => r.url.searchParams.has("include_spaces"));
      assert.ok(urls.length > 0);
      assert.ok(urls.every((r) => r.url.searchParams.get("include_spaces") === "all"));
    });
  } finally {
    await server.close();
  }
});

Deno.test("includeSpaces on collections or members, an unknown resource: ClientOptionError, nothing sent", async () => {
  const server = await startTestServer();
  try {
    const exit = await runExit(Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
      });
      return [
        yield* Effect.flip(
          Stream.runCollect(client.collections.list({ workspace: "acme", includeSpaces: "all" })),
        ),
        yield* Effect.flip(client.members.page({ workspace: "acme", includeSpaces: "all" })),
        yield* Effect.flip(
          Stream.runCollect(
            client.reports.list({ workspace: "acme", includeSpaces: "ALL" as "all" }),
          ),
        ),
        yield* Effect.flip(Stream.runCollect(client.list("dashboards", { workspace: "acme" }))),
      ];
    }));
    const [collectionsError, membersError, badValue, unknown] = valueOf(exit);
    assert.ok(collectionsError instanceof ClientOptionError);
    assert.equal(collectionsError.option, "includeSpaces");
    assert.match(collectionsError.message, /collections do not take includeSpaces/);
    assert.ok(membersError instanceof ClientOptionError);
    assert.match(membersError.message, /members do not take includeSpaces/);
    assert.ok(badValue instanceof ClientOptionError);
    assert.match(badValue.message, /Use "all"/);
    assert.ok(unknown instanceof ClientOptionError);
    assert.match(unknown.message, /Use one of collections, reports, queries/);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("a client option mistake fails DiscoveryClient.make itself, before any call", async () => {
  const exit = await runExit(DiscoveryClient.make({ timeoutMs: 0 }));
  const error = failureOf(exit);
  assert.ok(error instanceof ClientOptionError);
  assert.equal(error.option, "timeoutMs");
});

Deno.test("a server answering one resource with another's array key: ResponseDecodeError naming it", async () => {
  const server = await startTestServer({
    rows: { reports: rowsOf(reports, 5) },
    hook: ({ segment, normal }) => {
      if (segment !== "reports") return undefined;
      const body = normal();
      return Response.json({ pagination: body.pagination, queries: body.reports, _links: {} });
    },
  });
  try {
    const { exit } = await listAll(server, {}, {}, reports);
    const error = failureOf(exit);
    assert.ok(error instanceof ResponseDecodeError, String(error));
    assert.deepEqual(error.path, ["reports"]);
    assert.match(error.message, /is not a reports page/);
  } finally {
    await server.close();
  }
});

Deno.test("ids as digit strings are numbers; as other strings, a decode error naming the field", async () => {
  const digits = rowsOf(queries, 3).map((row) => ({ ...row, id: String(row.id), report_id: "77" }));
  const server = await startTestServer({ rows: { queries: digits } });
  try {
    const { exit } = await listAll(server, {}, {}, queries);
    const items = valueOf(exit) as unknown as ReadonlyArray<Query>;
    assert.deepEqual(items.map((q) => q.id), [1, 2, 3]);
    assert.equal(items[0].report_id, 77);
  } finally {
    await server.close();
  }
  const words = await startTestServer({
    rows: { queries: rowsOf(queries, 3).map((row) => ({ ...row, report_id: "seventy" })) },
  });
  try {
    const error = failureOf((await listAll(words, {}, {}, queries)).exit);
    assert.ok(error instanceof ResponseDecodeError);
    assert.deepEqual(error.path, ["queries", 0, "report_id"]);
    assert.match(error.message, /got "seventy"/);
  } finally {
    await words.close();
  }
});

Deno.test("403: Forbidden says what it means for the Discovery API and what to do", async () => {
  const server = await startTestServer({
    hook: () => Response.json({ id: "forbidden", message: "Forbidden" }, { status: 403 }),
  });
  try {
    const error = failureOf((await listAll(server)).exit);
    assert.ok(error instanceof Forbidden);
    assert.match(error.message, /plan does not include the Discovery API/);
    assert.match(error.message, /signature token/);
    assert.equal(server.requests.length, 1, "not retried");
  } finally {
    await server.close();
  }
});
