import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import { DiscoveryClient, type ListSummary, type RequestEvent } from "./DiscoveryClient.ts";
import { TimeoutError } from "./DiscoveryError.ts";
import { type Collection, collections } from "./Resources.ts";
import { bodiesWaiting } from "./_transport.ts";
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

/** Lists collections with a consumer that takes `consumerMs` per page, sampling the bodies waiting. */
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
  const waiting: Array<number> = [];
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
          waiting.push(bodiesWaiting());
          seen = seen.concat(batch);
        }),
        Effect.sleep(options.consumerMs),
      ));
    return seen;
  }));
  return { exit, waiting, requests, summary };
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

/** Waits (up to 2 s) until no body waits for its turn: an aborted listing settles asynchronously. */
const settled = async (): Promise<number> => {
  for (let i = 0; i < 200 && bodiesWaiting() > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return bodiesWaiting();
};

Deno.test("a page fetched ahead is read as it arrives and decoded in its turn; a consumer slower than timeoutMs causes no timeout", async () => {
  await withServer({ collections: seedCollections(60) }, async (server) => {
    const { exit, waiting, requests, summary } = await slowListing(server.url, {
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
    // While the consumer took page 1, pages 2 to 5 were in and waited, read.
    assert.ok(waiting.some((n) => n >= 3), `bodies waiting: ${waiting}`);
    assert.ok(waiting.every((n) => n <= 4), `bodies waiting: ${waiting}`);
    assert.equal(await settled(), 0);
  });
});

Deno.test("a body that stalls times out while its page waits for its turn", async () => {
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
    const { exit, summary } = await slowListing(server.url, {
      perPage: 10,
      concurrency: 4,
      consumerMs: 400,
      timeoutMs: 300,
      maxRetries: 0,
    });
    const error = failureOf(exit);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /page=3/);
    // The consumer was still on page 1 or 2 when page 3 timed out: its items came first.
    assert.equal(summary?.itemsEmitted, 20);
    assert.equal(await settled(), 0);
  });
});

Deno.test("pages of any size are read whole ahead of their turn", async (t) => {
  const wide = (width: number) =>
    seedCollections(40).map((c) => ({ ...c, description: `${c.id}`.padEnd(width, "d") }));
  // About 600 KB, 1.2 MB and 6 MB a page of 10: past the first buffer and past the kept ones.
  for (const width of [60_000, 120_000, 600_000]) {
    await t.step(
      `pages of about ${width * 10} bytes`,
      () =>
        withServer({ collections: wide(width) }, async (server) => {
          const { exit, waiting } = await slowListing(server.url, {
            perPage: 10,
            concurrency: 4,
            consumerMs: 40,
            timeoutMs: 10_000,
          });
          assert.deepEqual(valueOf(exit), wide(width));
          assert.ok(waiting.every((n) => n <= 4), `bodies waiting: ${waiting}`);
          assert.equal(await settled(), 0);
        }),
    );
  }
});

Deno.test("a listing stopped early lets go of the bodies waiting for their turn", async () => {
  await withServer({ collections: seedCollections(100) }, async (server) => {
    const { exit, waiting } = await slowListing(server.url, {
      perPage: 10,
      concurrency: 4,
      consumerMs: 60,
      timeoutMs: 5_000,
      take: 25,
    });
    assert.equal(valueOf(exit).length, 25);
    assert.ok(waiting.some((n) => n > 0), `bodies waiting: ${waiting}`);
    assert.equal(await settled(), 0);
  });
});
