import assert from "node:assert/strict";
import * as Clock from "effect/Clock";
import * as Effect from "effect/Effect";
import * as Fiber from "effect/Fiber";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import * as HttpClient from "effect/http/HttpClient";
import * as HttpClientResponse from "effect/http/HttpClientResponse";
import * as TestClock from "effect/testing/TestClock";
import * as Tracer from "effect/Tracer";
import { DiscoveryClient, type RequestEvent } from "./DiscoveryClient.ts";
import { pageLinks, paginationInfo } from "./Pagination.ts";
import { collections } from "./Resources.ts";
import {
  BadRequest,
  PaginationError,
  RateLimited,
  ResponseDecodeError,
  ServerError,
  TimeoutError,
  TransportError,
} from "./DiscoveryError.ts";
import {
  failureOf,
  FAST,
  listAll,
  runExit,
  seedCollections,
  startTestServer,
  TEST_CREDENTIALS,
  testCredentials,
  type TestTransport,
  TRANSPORTS,
  valueOf,
} from "./_testServer_test.ts";

const ids = (items: ReadonlyArray<{ readonly id: number }>) => items.map((c) => c.id);

/** A deterministic pseudo-random sequence (mulberry32). */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** A 200 whose body stream fails after some bytes: the connection drops mid-body. */
const droppedMidBody = (text: string) =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text.slice(0, 40)));
        controller.close();
      },
    }),
    // More bytes promised than sent: the server closes the connection mid-body.
    { status: 200, headers: { "content-type": "application/json", "content-length": "100000" } },
  );

/** A complete HTTP answer whose JSON is cut short. */
const truncated = (text: string) =>
  new Response(text.slice(0, Math.floor(text.length / 2)), {
    status: 200,
    headers: { "content-type": "application/json" },
  });

const onePage = (
  server: { readonly url: string },
  page = 1,
  perPage = 10,
  extra = {},
  transport: TestTransport = "fetch",
) =>
  runExit(
    Effect.gen(function* () {
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
        ...FAST,
        ...extra,
      });
      return yield* client.collections.page({ workspace: "acme", page, perPage });
    }),
    transport,
  );

Deno.test("faults: 429s with Retry-After, 5xx, 408, dropped connections and truncated bodies still list everything exactly once", async (t) => {
  const collections = seedCollections(240);
  for (const transport of TRANSPORTS) {
    for (const concurrency of [1, 4]) {
      await t.step(`${transport}, concurrency ${concurrency}`, async () => {
        const random = seeded(concurrency);
        const faults: string[] = [];
        const server = await startTestServer({
          collections,
          hook: ({ normal, n }) => {
            // Fail about half of all requests, never more than 3 in a row per page
            // on average, with every kind of fault.
            if (n > 400 || random() < 0.5) return;
            const text = JSON.stringify(normal());
            const kind = Math.floor(random() * 9);
            faults.push(String(kind));
            switch (kind) {
              case 0:
                return Response.json({ id: "rate_limited", message: "Slow down." }, {
                  status: 429,
                  headers: { "retry-after": "0" },
                });
              case 1:
                return Response.json({ id: "rate_limited", message: "Slow down." }, {
                  status: 429,
                  headers: { "retry-after": new Date(Date.now() - 1000).toUTCString() },
                });
              case 2:
                return new Response("<html>Service Unavailable</html>", { status: 503 });
              case 3:
                return Response.json({ id: "server_error", message: "boom" }, { status: 500 });
              case 4:
                return new Response("Bad gateway", { status: 502 });
              case 5:
                return new Response(null, { status: 504 });
              case 6:
                return droppedMidBody(text);
              case 7:
                return Response.json({ id: "timeout", message: "Request Timeout" }, {
                  status: 408,
                });
              default:
                return truncated(text);
            }
          },
        });
        try {
          const { exit, summary } = await listAll(
            server,
            { perPage: 10, concurrency },
            { maxRetries: 20 },
            undefined,
            transport,
          );
          assert.deepEqual(ids(valueOf(exit)), ids(collections));
          assert.ok(faults.length > 10, "faults were injected");
          assert.equal(summary?.retries, faults.length, "each fault cost one retry");
          assert.equal(summary?.pagesFetched, 24);
          assert.equal(summary?.duplicatesDropped, 0);
          assert.equal(server.requests.length, 24 + faults.length, "a retry repeats only its page");
        } finally {
          await server.close();
        }
      });
    }
  }
});

Deno.test("429: Retry-After is honoured up to the cap; the last error keeps retryAfterSeconds", async () => {
  const server = await startTestServer({
    hook: () =>
      Response.json({ id: "rate_limited", message: "Too many requests for this token." }, {
        status: 429,
        headers: { "retry-after": "3600" },
      }),
  });
  try {
    const events: RequestEvent[] = [];
    const exit = await onePage(server, 1, 10, {
      maxRetries: 2,
      onRequest: (e: RequestEvent) => events.push(e),
    });
    const error = failureOf(exit);
    assert.ok(error instanceof RateLimited);
    assert.equal(error.retryAfterSeconds, 3600);
    assert.match(
      error.message,
      /answered 429 for page 1 of workspace "acme" \(still failing after 2 retries\)/,
    );
    assert.match(error.message, /Too many requests for this token/);
    assert.match(error.message, /lower concurrency, or set a requests-per-second budget/);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(events.map((e) => [e.attempt, e.status]), [[1, 429], [2, 429], [3, 429]]);
  } finally {
    await server.close();
  }
});

Deno.test("5xx after every retry: ServerError with the status; a non-JSON body still gives a useful message", async () => {
  const server = await startTestServer({
    hook: () => new Response("<html><body>upstream unavailable</body></html>", { status: 503 }),
  });
  try {
    const error = failureOf(await onePage(server, 1, 10, { maxRetries: 1 }));
    assert.ok(error instanceof ServerError);
    assert.equal(error.status, 503);
    assert.match(error.message, /answered 503/);
    assert.match(error.message, /upstream unavailable/);
    assert.match(error.message, /try again later/);
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

Deno.test("statuses that are never retried: 400, 403, 404, 405, 501, 507", async (t) => {
  for (
    const [status, id] of [
      [400, "bad_request"],
      [403, "forbidden"],
      [404, "not_found"],
      [405, "method_not_allowed"],
      [501, "not_implemented"],
      [507, "insufficient_storage"],
    ] as const
  ) {
    await t.step(String(status), async () => {
      const server = await startTestServer({
        hook: () => Response.json({ id, message: `answered ${id}` }, { status }),
      });
      try {
        const error = failureOf(await onePage(server));
        assert.equal(server.requests.length, 1);
        assert.match((error as Error).message, new RegExp(`answered ${status}`));
        if (status >= 500) {
          assert.ok(error instanceof ServerError);
          assert.equal(error.status, status);
          assert.equal(error.id, id);
        }
        if (status === 400) assert.ok(error instanceof BadRequest);
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("transport failures: a refused connection is retried, then a TransportError", async (t) => {
  const server = await startTestServer();
  const url = server.url;
  await server.close();
  for (const transport of TRANSPORTS) {
    await t.step(transport, async () => {
      const events: RequestEvent[] = [];
      const error = failureOf(
        await onePage({ url }, 1, 10, {
          maxRetries: 2,
          onRequest: (e: RequestEvent) => events.push(e),
        }, transport),
      );
      assert.ok(error instanceof TransportError);
      assert.match(
        error.message,
        /failed before a complete answer arrived \(still failing after 2 retries\)/,
      );
      assert.match(error.message, /Check the base URL \(MODE_BASE_URL\) and your network/);
      assert.deepEqual(events.map((e) => e.attempt), [1, 2, 3]);
      assert.ok(
        events.every((e) => e.status === undefined && e.error?.startsWith("TransportError")),
      );
    });
  }
});

Deno.test("timeouts: each attempt is timed out and retried, then a TimeoutError", async (t) => {
  for (const transport of TRANSPORTS) {
    await t.step(transport, async () => {
      const aborted: Promise<void>[] = [];
      const server = await startTestServer({
        hook: ({ request }) => {
          const done = Promise.withResolvers<void>();
          aborted.push(done.promise);
          return new Promise<Response>((resolve) => {
            request.signal.addEventListener("abort", () => {
              done.resolve();
              resolve(new Response(null, { status: 499 }));
            });
          });
        },
      });
      try {
        const error = failureOf(
          await onePage(server, 1, 10, { maxRetries: 1, timeoutMs: 30 }, transport),
        );
        assert.ok(error instanceof TimeoutError);
        assert.equal(error.timeoutMs, 30);
        assert.match(
          error.message,
          /did not answer within 30 ms \(still timing out after 1 retry\)/,
        );
        assert.equal(server.requests.length, 2);
        await Promise.all(aborted);
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("bodies that are not the contract: ResponseDecodeError naming URL, page, status and field path", async (t) => {
  const cases: Array<{
    name: string;
    answer: (normal: Record<string, unknown>) => Response;
    path: ReadonlyArray<string | number>;
    pattern: RegExp;
    requests: number;
  }> = [
    {
      name: "HTML on a 200 (not retried)",
      answer: () =>
        new Response("<!DOCTYPE html><html><title>Mode</title></html>", { status: 200 }),
      path: [],
      pattern: /not JSON: "<!DOCTYPE html>.*MODE_BASE_URL/,
      requests: 1,
    },
    {
      name: "a wrong type deep inside",
      answer: (normal) => {
        (normal.spaces as Array<Record<string, unknown>>)[3].id = "four";
        return Response.json(normal);
      },
      path: ["spaces", 3, "id"],
      pattern: /at spaces\[3\]\.id: expected an integer or a string of digits, got "four"/,
      requests: 1,
    },
    {
      name: "a missing pagination field",
      answer: (normal) => {
        delete (normal.pagination as Record<string, unknown>).total_pages;
        return Response.json(normal);
      },
      path: ["pagination", "total_pages"],
      pattern: /at pagination\.total_pages: Missing key/,
      requests: 1,
    },
    {
      name: "a body cut short on every attempt (retried, then reported)",
      answer: (normal) => truncated(JSON.stringify(normal)),
      path: [],
      pattern: /\(still failing after 2 retries\), but the body is cut short/,
      requests: 3,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const server = await startTestServer({
        collections: seedCollections(30),
        hook: ({ normal }) => c.answer(normal()),
      });
      try {
        const error = failureOf(await onePage(server, 2, 10, { maxRetries: 2 }));
        assert.ok(error instanceof ResponseDecodeError, String(error));
        assert.equal(error.url, `${server.url}/batch/acme/spaces?page=2&per_page=10`);
        assert.equal(error.page, 2);
        assert.equal(error.status, 200);
        assert.deepEqual(error.path, c.path);
        assert.match(error.message, c.pattern);
        assert.match(error.message, /page 2 of workspace "acme"/);
        assert.equal(server.requests.length, c.requests);
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("extra fields are fine and are not passed on", async () => {
  const server = await startTestServer({
    collections: seedCollections(3),
    hook: ({ normal }) => {
      const body = normal();
      (body.spaces as Array<Record<string, unknown>>)[1].owner = "someone";
      body.extra = { anything: true };
      return Response.json(body);
    },
  });
  try {
    const page = valueOf(await onePage(server));
    assert.deepEqual(Object.keys(page.spaces[1]).sort(), [
      "description",
      "id",
      "name",
      "space_type",
      "space_url",
      "token",
    ]);
    assert.ok(!("extra" in page));
  } finally {
    await server.close();
  }
});

Deno.test("redirects: same-origin followed with the credentials; another origin refused and never contacted", async (t) => {
  const elsewhere = await startTestServer({ auth: false });
  const server = await startTestServer({
    collections: seedCollections(15),
    hook: ({ url }) => {
      if (url.searchParams.has("moved")) return; // the redirect target: normal, auth checked
      if (url.searchParams.get("page") === "1") {
        return new Response(null, {
          status: 302,
          headers: { location: `/batch/acme/spaces?page=1&per_page=10&moved=1` },
        });
      }
      if (url.searchParams.get("page") === "2") {
        return new Response(null, {
          status: 307,
          headers: { location: `${elsewhere.url}/batch/acme/spaces?page=2&per_page=10` },
        });
      }
    },
  });
  try {
    for (const transport of TRANSPORTS) {
      await t.step(`${transport}, same origin: followed, Authorization still sent`, async () => {
        const page = valueOf(await onePage(server, 1, 10, {}, transport));
        assert.equal(page.spaces.length, 10);
        const [first, second] = server.requests.slice(-2);
        assert.equal(first.url.searchParams.has("moved"), false);
        assert.equal(second.url.searchParams.get("moved"), "1");
        assert.equal(
          second.authorization,
          `Bearer ${
            btoa(
              `${TEST_CREDENTIALS.token}:${TEST_CREDENTIALS.accessKey}:${TEST_CREDENTIALS.accessSecret}`,
            )
          }`,
        );
      });
      for (const init of [undefined, { redirect: "follow" as const }]) {
        await t.step(
          `${transport}, another origin: refused (RequestInit ${JSON.stringify(init)})`,
          async () => {
            const exit = await runExit(
              Effect.gen(function* () {
                const client = yield* DiscoveryClient.make({
                  baseUrl: server.url,
                  credentials: testCredentials,
                  ...FAST,
                });
                const read = client.collections.page({ workspace: "acme", page: 2, perPage: 10 });
                return yield* init === undefined
                  ? read
                  : Effect.provideService(read, FetchHttpClient.RequestInit, init);
              }),
              transport,
            );
            const error = failureOf(exit);
            assert.ok(error instanceof PaginationError);
            assert.equal(error.reason, "cross-origin");
            assert.match(error.message, /redirect \(Location\)/);
            assert.match(error.message, /Nothing was sent there/);
            assert.equal(elsewhere.requests.length, 0, "the other origin received nothing");
          },
        );
      }
    }
  } finally {
    await server.close();
    await elsewhere.close();
  }
});

Deno.test("redirects: a loop ends after a few hops with a clear error", async (t) => {
  for (const transport of TRANSPORTS) {
    await t.step(transport, async () => {
      const server = await startTestServer({
        hook: ({ url }) =>
          new Response(null, {
            status: 301,
            headers: { location: `${url.pathname}${url.search}&again=1` },
          }),
      });
      try {
        const error = failureOf(await onePage(server, 1, 10, {}, transport));
        assert.ok(error instanceof ServerError);
        assert.equal(error.id, "too_many_redirects");
        assert.equal(server.requests.length, 6);
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("request events: one per attempt, with status or error, never a secret", async (t) => {
  for (const transport of TRANSPORTS) {
    await t.step(transport, async () => {
      let first = true;
      const server = await startTestServer({
        collections: seedCollections(4),
        hook: () => {
          if (!first) return;
          first = false;
          return new Response("busy", { status: 503, headers: { "retry-after": "0" } });
        },
      });
      try {
        const events: RequestEvent[] = [];
        const items = valueOf(
          await runExit(
            Effect.gen(function* () {
              const client = yield* DiscoveryClient.make({
                baseUrl: server.url,
                credentials: testCredentials,
                onRequest: (e) => events.push(e),
                ...FAST,
              });
              return yield* Stream.runCollect(
                client.collections.list({ workspace: "acme", perPage: 2 }),
              );
            }),
            transport,
          ),
        );
        assert.equal(items.length, 4);
        assert.deepEqual(
          events.map((e) => [e.method, new URL(e.url).search, e.attempt, e.status]),
          [
            ["GET", "?page=1&per_page=2", 1, 503],
            ["GET", "?page=1&per_page=2", 2, 200],
            ["GET", "?page=2&per_page=2", 1, 200],
          ],
        );
        assert.ok(events.every((e) => e.durationMs >= 0));
        const text = JSON.stringify(events);
        for (
          const secret of [TEST_CREDENTIALS.accessSecret, TEST_CREDENTIALS.accessKey, "Bearer"]
        ) {
          assert.ok(!text.includes(secret), `events mention ${secret}`);
        }
      } finally {
        await server.close();
      }
    });
  }
});

/** An in-memory HttpClient: each request gets `answer(n)` at the current (test) time. */
const fakeClient = (answer: (n: number) => Response, sentAt: number[]) => {
  let n = 0;
  return HttpClient.make((request) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      sentAt.push(now);
      return HttpClientResponse.fromWeb(request, answer(++n));
    })
  );
};

const emptyPage = () =>
  Response.json({
    pagination: paginationInfo({ page: 1, perPage: 10, totalCount: 0 }),
    spaces: [],
    _links: pageLinks({ route: collections, workspace: "acme", page: 1, perPage: 10 }, 0),
  });

Deno.test("requestsPerSecond: requests are spaced to the budget (test clock)", async () => {
  const sentAt: number[] = [];
  const program = Effect.gen(function* () {
    const client = yield* DiscoveryClient.make({
      baseUrl: "http://x.test",
      credentials: testCredentials,
      requestsPerSecond: 2,
    });
    const fibers = yield* Effect.forEach(
      [1, 2, 3, 4, 5],
      (page) => Effect.forkChild(client.collections.page({ workspace: "acme", page })),
    );
    yield* TestClock.adjust("1 millis");
    const early = sentAt.length;
    yield* TestClock.adjust("3 seconds");
    yield* Fiber.joinAll(fibers);
    return early;
  }).pipe(
    Effect.provideService(HttpClient.HttpClient, fakeClient(emptyPage, sentAt)),
    Effect.provide(TestClock.layer()),
  );
  const early = await Effect.runPromise(program);
  assert.equal(early, 1, "only one request in the first 525 ms");
  const start = sentAt[0];
  // A twentieth over 1/rps apart (the margin for servers counting fixed windows).
  assert.deepEqual(sentAt.map((t) => t - start), [0, 525, 1050, 1575, 2100]);
});

Deno.test("Retry-After in seconds is waited out before the retry (test clock)", async () => {
  const sentAt: number[] = [];
  const answer = (n: number) =>
    n === 1
      ? Response.json({ id: "rate_limited", message: "wait" }, {
        status: 429,
        headers: { "retry-after": "7" },
      })
      : emptyPage();
  const program = Effect.gen(function* () {
    const client = yield* DiscoveryClient.make({
      baseUrl: "http://x.test",
      credentials: testCredentials,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
    });
    const fiber = yield* Effect.forkChild(client.collections.page({ workspace: "acme" }));
    yield* TestClock.adjust("6900 millis");
    const before = sentAt.length;
    yield* TestClock.adjust("200 millis");
    yield* Fiber.join(fiber);
    return before;
  }).pipe(
    Effect.provideService(HttpClient.HttpClient, fakeClient(answer, sentAt)),
    Effect.provide(TestClock.layer()),
  );
  assert.equal(await Effect.runPromise(program), 1, "no retry before 7 s");
  assert.equal(sentAt.length, 2);
  assert.equal(sentAt[1] - sentAt[0], 7000);
});

Deno.test("traceRequests: a client span per request with its method and status, on both transports; none by default", async (t) => {
  const server = await startTestServer({ collections: seedCollections(3) });
  try {
    for (const transport of TRANSPORTS) {
      for (const traceRequests of [true, false]) {
        await t.step(`${transport}, traceRequests ${traceRequests}`, async () => {
          const spans: Array<Tracer.NativeSpan> = [];
          const tracer = Tracer.make({
            span(options) {
              const span = new Tracer.NativeSpan(options);
              spans.push(span);
              return span;
            },
          });
          const exit = await runExit(
            Effect.provideService(
              Effect.gen(function* () {
                const client = yield* DiscoveryClient.make({
                  baseUrl: server.url,
                  credentials: testCredentials,
                  traceRequests,
                  ...FAST,
                });
                return yield* client.collections.page({ workspace: "acme", perPage: 10 });
              }),
              Tracer.Tracer,
              tracer,
            ),
            transport,
          );
          assert.equal(valueOf(exit).spaces.length, 3);
          const client = spans.filter((span) => span.kind === "client");
          if (!traceRequests) return assert.equal(client.length, 0);
          assert.equal(client.length, 1);
          assert.equal(client[0].attributes.get("http.request.method"), "GET");
          assert.equal(client[0].attributes.get("http.response.status_code"), 200);
          const text = JSON.stringify([...client[0].attributes]);
          assert.ok(!text.includes(TEST_CREDENTIALS.accessSecret), "a span holds no secret");
        });
      }
    }
  } finally {
    await server.close();
  }
});
