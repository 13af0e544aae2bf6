import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import { DiscoveryClient, type ListSummary, type RequestEvent } from "./DiscoveryClient.ts";
import { TimeoutError } from "./DiscoveryError.ts";
import { type Collection, collections } from "./Resources.ts";
import { bodiesUnread } from "./_transport.ts";
import {
  failureOf,
  FAST,
  runExit,
  seedCollections,
  startTestServer,
  testCredentials,
  type TestServer,
  type TestServerOptions,
  valueOf,
} from "./_testServer_test.ts";

/** Lists collections with a consumer that takes `consumerMs` per page, sampling the unread bytes. */
const slowListing = async (
  url: string,
  options: {
    readonly perPage: number;
    readonly concurrency: number;
    readonly consumerMs: number;
    readonly timeoutMs: number;
    readonly maxRetries?: number;
    readonly take?: number;
  },
) => {
  const unread: Array<number> = [];
  const requests: Array<RequestEvent> = [];
  let summary: ListSummary | undefined;
  const exit = await runExit(Effect.gen(function* () {
    const client = yield* DiscoveryClient.make({
      baseUrl: url,
      credentials: testCredentials,
      ...FAST,
      maxRetries: options.maxRetries ?? FAST.maxRetries,
      timeoutMs: options.timeoutMs,
      onRequest: (event) => requests.push(event),
    });
    const items = client.list(collections, {
      workspace: "acme",
      perPage: options.perPage,
      concurrency: options.concurrency,
      onSummary: (s) => (summary = s),
    });
    const taken = options.take === undefined ? items : Stream.take(items, options.take);
    let seen: Array<Collection> = [];
    yield* Stream.runForEachArray(taken, (batch) =>
      Effect.andThen(
        Effect.sync(() => {
          unread.push(bodiesUnread());
          seen = seen.concat(batch);
        }),
        Effect.sleep(options.consumerMs),
      ));
    return seen;
  }));
  return { exit, unread, requests, summary };
};

/** Runs `run` against a test server started with `options`, closed after. */
const withServer = async (
  options: TestServerOptions,
  run: (server: TestServer) => Promise<void>,
): Promise<void> => {
  const server = await startTestServer(options);
  try {
    await run(server);
  } finally {
    await server.close();
  }
};

/** Waits (up to 2 s) until no body is left unread: an aborted read settles asynchronously. */
const settled = async (): Promise<number> => {
  for (let i = 0; i < 200 && bodiesUnread() > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return bodiesUnread();
};

Deno.test("a page fetched ahead waits unread for its turn, and a consumer slower than timeoutMs causes no timeout", async () => {
  await withServer({ collections: seedCollections(60) }, async (server) => {
    const { exit, unread, requests, summary } = await slowListing(server.url, {
      perPage: 10,
      concurrency: 4,
      consumerMs: 120,
      timeoutMs: 200,
    });
    const items = valueOf(exit);
    assert.deepEqual(items.map((c) => c.id), seedCollections(60).map((c) => c.id));
    // Pages 3 to 6 waited longer than timeoutMs for their turn: no timeout, no retry.
    assert.equal(summary?.retries, 0);
    assert.equal(server.requests.length, 6);
    // Pages 4 to 6 waited 240 ms or more for their turn; that is not the requests' time.
    assert.equal(requests.length, 6);
    for (const event of requests) {
      assert.ok(event.durationMs < 200, `${event.url} reported ${event.durationMs} ms`);
    }
    assert.ok(unread.some((bytes) => bytes > 0), `bodies waited unread: ${unread}`);
    assert.equal(await settled(), 0);
  });
});

Deno.test("a body that stalls in its turn still times out", async () => {
  const encoder = new TextEncoder();
  const options: TestServerOptions = {
    collections: seedCollections(40),
    hook: ({ page, normal }) => {
      if (page !== 3) return undefined;
      const text = JSON.stringify(normal());
      const bytes = encoder.encode(text);
      // Half the body, then nothing: Content-Length promises the rest.
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(bytes.subarray(0, bytes.length >> 1)),
      });
      return new Response(body, {
        headers: { "content-type": "application/json", "content-length": String(bytes.length) },
      });
    },
  };
  await withServer(options, async (server) => {
    const { exit } = await slowListing(server.url, {
      perPage: 10,
      concurrency: 4,
      consumerMs: 50,
      timeoutMs: 300,
      maxRetries: 0,
    });
    const error = failureOf(exit);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /page=3/);
    assert.equal(await settled(), 0);
  });
});

Deno.test("bodies left unread stay within 2 MiB; a body over 1 MiB is read at once", async (t) => {
  // About 600 KB a page of 10: a few may wait, never more than 2 MiB of them.
  const wide = seedCollections(80).map((c) => ({ ...c, description: "d".repeat(60_000) }));
  const cases = [
    { name: "pages of about 600 KB", perPage: 10, concurrency: 6, waits: true },
    { name: "pages of about 1.2 MB", perPage: 20, concurrency: 4, waits: false },
  ];
  for (const { name, perPage, concurrency, waits } of cases) {
    await t.step(name, () =>
      withServer({ collections: wide }, async (server) => {
        const { exit, unread } = await slowListing(server.url, {
          perPage,
          concurrency,
          consumerMs: 40,
          timeoutMs: 5_000,
        });
        assert.equal(valueOf(exit).length, 80);
        assert.equal(unread.some((bytes) => bytes > 0), waits, `unread: ${unread}`);
        assert.ok(unread.every((bytes) => bytes <= 2 * 1024 * 1024), `unread: ${unread}`);
        assert.equal(await settled(), 0);
      }));
  }
});

Deno.test("a listing stopped early lets go of the bodies left unread", async () => {
  await withServer({ collections: seedCollections(100) }, async (server) => {
    const { exit, unread } = await slowListing(server.url, {
      perPage: 10,
      concurrency: 4,
      consumerMs: 60,
      timeoutMs: 5_000,
      take: 25,
    });
    assert.equal(valueOf(exit).length, 25);
    assert.ok(unread.some((bytes) => bytes > 0), `bodies waited unread: ${unread}`);
    assert.equal(await settled(), 0);
  });
});
