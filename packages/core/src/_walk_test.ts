import assert from "node:assert/strict";
import * as Deferred from "effect/Deferred";
import * as Effect from "effect/Effect";
import * as Semaphore from "effect/Semaphore";
import * as Stream from "effect/Stream";
import { DiscoveryClient, type ListSummary } from "./DiscoveryClient.ts";
import { PaginationError, ServerError } from "./DiscoveryError.ts";
import { pageLinks, pageSlice, paginationInfo } from "./Pagination.ts";
import { type Collection, collections as collectionsResource, members } from "./Resources.ts";
import type { WalkPage } from "./_walk.ts";
import { walk, type WalkTarget } from "./_walk.ts";
import {
  failureOf,
  listAll,
  runExit,
  seedCollections,
  startTestServer,
  testCredentials,
  valueOf,
} from "./_testServer_test.ts";

const ids = (items: ReadonlyArray<{ readonly id: number }>) => items.map((c) => c.id);

const assertUnique = (items: ReadonlyArray<{ readonly id: number }>) =>
  assert.equal(new Set(ids(items)).size, items.length, "an id was emitted twice");

Deno.test("links: a next_page at the page itself or at page 1 again stops the walk", async (t) => {
  const collections = seedCollections(30);
  for (const target of ["itself", "page 1"] as const) {
    await t.step(target, async () => {
      const server = await startTestServer({
        collections,
        hook: ({ page, perPage, normal }) => {
          if (page !== 2) return;
          const body = normal();
          const to = target === "itself" ? 2 : 1;
          body._links = {
            next_page: { href: `/batch/acme/spaces?per_page=${perPage}&page=${to}` },
          };
          return Response.json(body);
        },
      });
      try {
        const { exit, summary } = await listAll(server, { perPage: 10, strategy: "links" });
        assert.deepEqual(ids(valueOf(exit)), ids(collections.slice(0, 20)));
        assert.equal(summary?.stoppedBecause, "repeated-link");
        assert.equal(server.requests.length, 2, "the repeated link was not requested");
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("links: other schemes and unparsable hrefs are refused", async (t) => {
  for (
    const href of [
      "javascript:alert(1)",
      "file:///etc/passwd",
      "//evil.example/batch/acme/spaces",
      "http://[::1",
    ]
  ) {
    await t.step(href, async () => {
      const server = await startTestServer({
        collections: seedCollections(30),
        hook: ({ page, normal }) => {
          if (page !== 1) return;
          const body = normal();
          body._links = { next_page: { href } };
          return Response.json(body);
        },
      });
      try {
        const { exit } = await listAll(server, { perPage: 10, strategy: "links" });
        const error = failureOf(exit);
        assert.ok(error instanceof PaginationError);
        assert.ok(["cross-origin", "invalid-href"].includes(error.reason));
        assert.equal(server.requests.length, 1);
      } finally {
        await server.close();
      }
    });
  }
});

Deno.test("a server that always claims more pages ends at an empty page, or at the page cap", async (t) => {
  await t.step("empty pages with ever-growing totals: stops at the first empty page", async () => {
    const collections = seedCollections(12);
    const server = await startTestServer({
      collections,
      hook: ({ page, perPage, normal }) => {
        const body = normal();
        body.pagination = { ...(body.pagination as object), total_pages: (page ?? 1) + 5 };
        body._links = {
          next_page: { href: `/batch/acme/spaces?page=${(page ?? 1) + 1}&per_page=${perPage}` },
        };
        return Response.json(body);
      },
    });
    try {
      for (const strategy of ["totals", "links"] as const) {
        server.requests.length = 0;
        const { exit, summary } = await listAll(server, { perPage: 5, strategy, concurrency: 2 });
        assert.deepEqual(ids(valueOf(exit)), ids(collections));
        assert.equal(summary?.stoppedBecause, "empty-page");
        assert.ok(server.requests.length <= 6, `${server.requests.length} requests`);
      }
    } finally {
      await server.close();
    }
  });
  await t.step("never-empty pages of the same collections: the page cap stops it", async () => {
    const collections = seedCollections(5);
    const server = await startTestServer({
      collections,
      hook: ({ page, normal }) => {
        const body = normal();
        body.spaces = collections;
        body.pagination = { ...(body.pagination as object), page, total_pages: 1_000_000 };
        body._links = {
          next_page: { href: `/batch/acme/spaces?page=${(page ?? 1) + 1}&per_page=5` },
        };
        return Response.json(body);
      },
    });
    try {
      for (const strategy of ["totals", "links"] as const) {
        server.requests.length = 0;
        const { exit, summary } = await listAll(server, { perPage: 5, strategy, maxPages: 20 });
        const error = failureOf(exit);
        assert.ok(error instanceof PaginationError);
        assert.equal(error.reason, "page-cap");
        assert.match(error.message, /Stopped after 20 pages/);
        assert.equal(summary?.stoppedBecause, "limit");
        assert.equal(summary?.itemsEmitted, 5);
        assert.equal(summary?.duplicatesDropped, 19 * 5);
        assert.ok(server.requests.length <= 20);
      }
    } finally {
      await server.close();
    }
  });
});

Deno.test("drift: the listing ends, emits each id once, and says the totals drifted", async (t) => {
  const initial = () => seedCollections(50, 100);
  const cases: Array<{
    name: string;
    change: (all: ReturnType<typeof seedCollections>) => ReturnType<typeof seedCollections>;
    check: (items: ReadonlyArray<{ id: number }>, summary: ListSummary) => void;
  }> = [
    {
      name: "collections added at the end: the new pages are read too",
      change: (all) => [...all, ...seedCollections(25, 500)],
      check: (items, summary) => {
        assert.deepEqual(ids(items), [...ids(initial()), ...ids(seedCollections(25, 500))]);
        assert.equal(summary.initialTotalCount, 50);
        assert.equal(summary.finalTotalCount, 75);
      },
    },
    {
      name: "collections added at the front: the shifted ones are dropped as duplicates",
      change: (all) => [...seedCollections(5, 1), ...all],
      check: (items, summary) => {
        assert.deepEqual(ids(items), ids(initial()));
        assert.equal(summary.duplicatesDropped, 5);
      },
    },
    {
      name: "collections removed from the front: the walk still ends",
      change: (all) => all.slice(5),
      check: (items) => {
        assert.ok(items.length >= 40 && items.length <= 50);
      },
    },
    {
      name: "almost everything removed: stops at the new end",
      change: (all) => all.slice(0, 3),
      check: (items, summary) => {
        assert.deepEqual(ids(items), ids(initial().slice(0, 10)));
        assert.equal(summary.finalTotalCount, 3);
      },
    },
  ];
  for (const c of cases) {
    for (const strategy of ["totals", "links"] as const) {
      await t.step(`${c.name} (${strategy})`, async () => {
        let changed = false;
        const server = await startTestServer({
          collections: initial(),
          hook: ({ page, server }) => {
            if (page !== 1 && !changed) {
              changed = true;
              server.collections = c.change(server.collections);
            }
            return undefined;
          },
        });
        try {
          const { exit, summary } = await listAll(server, {
            perPage: 10,
            strategy,
            concurrency: 3,
          });
          const items = valueOf(exit);
          assertUnique(items);
          assert.ok(summary !== undefined);
          assert.equal(summary.totalsDrifted, true);
          assert.ok(["last-page", "empty-page"].includes(summary.stoppedBecause));
          c.check(items, summary);
        } finally {
          await server.close();
        }
      });
    }
  }
});

/** A fake listing of `total` collections served from memory, with controllable answers. */
const fakeListing = (total: number, perPage: number) => {
  const all = seedCollections(total);
  const page = (n: number): WalkPage<Collection> => {
    const info = paginationInfo({ page: n, perPage, totalCount: total });
    const { start, end } = pageSlice(n, perPage, total);
    return {
      pagination: info,
      items: all.slice(start, end),
      _links: pageLinks(
        { route: collectionsResource, workspace: "acme", page: n, perPage },
        info.total_pages,
      ),
    };
  };
  return { all, page };
};

Deno.test("totals: at most `concurrency` pages in flight and one waiting, whatever the consumer's pace", async () => {
  const { all, page } = fakeListing(200, 10);
  for (const concurrency of [1, 3, 5]) {
    let inFlight = 0;
    let highest = 0;
    let launched = 0;
    let consumed = 0;
    let mostAhead = 0;
    const program = Effect.gen(function* () {
      const stream = walk<Collection>({
        keyOf: (c) => c.id,
        plural: "collections",
        perPage: 10,
        minPerPage: 10,
        strategy: "totals",
        concurrency,
        maxPages: 1000,
        pageUrl: (n) => new URL(`http://x.test/batch/acme/spaces?page=${n}&per_page=10`),
        resolveNext: () => new URL("http://x.test/"),
        fetchPage: (target: WalkTarget) =>
          Effect.gen(function* () {
            inFlight++;
            highest = Math.max(highest, inFlight);
            launched++;
            mostAhead = Math.max(mostAhead, launched - Math.floor(consumed / 10));
            // Pages answer out of order: the output order must still hold.
            yield* Effect.sleep(`${(3 - (target.page % 3)) % 3} millis`);
            return page(target.page);
          }).pipe(Effect.ensuring(Effect.sync(() => inFlight--))),
      });
      // A slow consumer: pages wait to be emitted; held pages count as in flight.
      return yield* Stream.runCollect(
        stream.pipe(
          Stream.tap(() => Effect.andThen(Effect.yieldNow, Effect.sync(() => consumed++))),
        ),
      );
    });
    const items = await Effect.runPromise(program);
    assert.deepEqual(ids(items), ids(all));
    assert.ok(highest <= concurrency, `concurrency ${concurrency}: ${highest} pages at once`);
    // The page being emitted is held beside the ones in flight.
    assert.ok(
      mostAhead <= concurrency + 1,
      `concurrency ${concurrency}: ${mostAhead} pages fetched ahead of the consumer`,
    );
    if (concurrency > 1) assert.ok(highest > 1, "pages were fetched concurrently");
  }
});

Deno.test("totals: a failed page fails the stream and interrupts the other pages in flight", async () => {
  const { page } = fakeListing(100, 10);
  let interrupted = 0;
  let started = 0;
  const othersStarted = Deferred.makeUnsafe<void>();
  const program = walk<Collection>({
    keyOf: (c) => c.id,
    plural: "collections",
    perPage: 10,
    minPerPage: 10,
    strategy: "totals",
    concurrency: 4,
    maxPages: 1000,
    pageUrl: (n) => new URL(`http://x.test/batch/acme/spaces?page=${n}&per_page=10`),
    resolveNext: () => new URL("http://x.test/"),
    fetchPage: (target) =>
      target.page === 1
        ? Effect.succeed(page(1))
        : target.page === 2
        ? Deferred.await(othersStarted).pipe(
          Effect.andThen(
            Effect.fail(new PaginationError({ reason: "loop", message: "page 2 failed" })),
          ),
        )
        : Effect.suspend(() => {
          if (++started === 3) Deferred.doneUnsafe(othersStarted, Effect.void);
          return Effect.never;
        }).pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++))),
  });
  const exit = await Effect.runPromiseExit(Stream.runCollect(program));
  const error = failureOf(exit);
  assert.ok(error instanceof PaginationError);
  assert.equal(interrupted, 3);
});

Deno.test("links: a server with no real totals (all zeros) is walked by its links", async () => {
  const collections = seedCollections(23);
  const server = await startTestServer({
    collections,
    hook: ({ normal }) => {
      const body = normal();
      body.pagination = { page: 0, per_page: 0, count: 0, total_pages: 0, total_count: 0 };
      return Response.json(body);
    },
  });
  try {
    const { exit, summary } = await listAll(server, { perPage: 5, strategy: "links" });
    assert.deepEqual(ids(valueOf(exit)), ids(collections));
    // past-end by default: the page after the last is empty, and says it is the last.
    assert.equal(summary?.stoppedBecause, "last-page");
    assert.equal(server.requests.length, 6);
  } finally {
    await server.close();
  }
});

Deno.test("adaptive page size: members at 1000 fail every time, the listing still ends with exactly every member", async (t) => {
  const memberRows = Array.from({ length: 2345 }, (_, i) => ({
    id: 10 + i,
    token: `m${i}`,
    member_email: `m${i}@example.com`,
  }));
  for (const strategy of ["totals", "links"] as const) {
    for (const failure of ["503", "truncate"] as const) {
      await t.step(`${strategy}, ${failure} above 250`, async () => {
        const server = await startTestServer({
          rows: { members: memberRows },
          hook: ({ perPage, normal }) => {
            if ((perPage ?? 1000) <= 250) return undefined;
            return failure === "503"
              ? Response.json({ id: "server_error", message: "backend read error" }, {
                status: 503,
              })
              : new Response(JSON.stringify(normal()).slice(0, 50), {
                headers: { "content-type": "application/json" },
              });
          },
        });
        try {
          const { exit, summary } = await listAll(
            server,
            { strategy, concurrency: 3 },
            { maxRetries: 1 },
            members,
          );
          const items = valueOf(exit);
          assert.deepEqual(ids(items), memberRows.map((m) => m.id), "every member once, in order");
          assert.equal(
            summary?.pageSizeShrinks !== undefined && summary.pageSizeShrinks >= 2,
            true,
          );
          assert.equal(summary?.finalPerPage, 250);
          assert.equal(summary?.itemsEmitted, 2345);
          assert.equal(summary?.totalsDrifted, false, "reading smaller pages is not drift");
        } finally {
          await server.close();
        }
      });
    }
  }
  await t.step("never below minPerPage: then the failure is the listing's", async () => {
    const server = await startTestServer({
      rows: { members: memberRows },
      hook: () => Response.json({ id: "server_error", message: "down" }, { status: 503 }),
    });
    try {
      const { exit, summary } = await listAll(
        server,
        { minPerPage: 500 },
        { maxRetries: 0 },
        members,
      );
      const error = failureOf(exit);
      assert.equal((error as { status?: number }).status, 503);
      assert.equal(summary?.pageSizeShrinks, 1, "1000 -> 500, then no further");
      assert.deepEqual(server.requests.map((r) => r.url.searchParams.get("per_page")), [
        "1000",
        "500",
      ]);
    } finally {
      await server.close();
    }
  });
  await t.step("a 404 is not a reason to shrink", async () => {
    const server = await startTestServer({
      hook: () => Response.json({ id: "not_found", message: "no" }, { status: 404 }),
    });
    try {
      const { summary } = await listAll(server, {}, {}, members);
      assert.equal(summary?.pageSizeShrinks, 0);
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });
});

Deno.test("per_page answered smaller than asked (the server ignores it): the walk still ends exactly", async () => {
  const seeded = seedCollections(1234);
  const server = await startTestServer({
    collections: seeded,
    hook: ({ url, server }) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      const info = paginationInfo({ page, perPage: 100, totalCount: server.collections.length });
      const { start, end } = pageSlice(page, 100, server.collections.length);
      return Response.json({
        pagination: info,
        spaces: server.collections.slice(start, end),
        _links: pageLinks(
          { route: collectionsResource, workspace: "acme", page, perPage: 100 },
          info.total_pages,
        ),
      });
    },
  });
  try {
    for (const strategy of ["totals", "links"] as const) {
      const { exit } = await listAll(server, { perPage: 1000, strategy });
      assert.deepEqual(ids(valueOf(exit)), ids(seeded), strategy);
    }
  } finally {
    await server.close();
  }
});

Deno.test("a total_count that shrinks to 0 mid-walk ends the walk without an error", async () => {
  const server = await startTestServer({
    collections: seedCollections(100),
    hook: ({ page, normal }) => {
      if ((page ?? 1) < 3) return undefined;
      const body = normal();
      return Response.json({
        ...body,
        pagination: { page, per_page: 10, count: 0, total_pages: 0, total_count: 0 },
        spaces: [],
      });
    },
  });
  try {
    const { exit, summary } = await listAll(server, { perPage: 10, concurrency: 1 });
    assert.equal(valueOf(exit).length, 20);
    assert.equal(summary?.totalsDrifted, true);
    assert.equal(summary?.stoppedBecause, "last-page");
  } finally {
    await server.close();
  }
});

Deno.test("duplicated keys across pages: each emitted once, counted as dropped", async () => {
  const seeded = seedCollections(30);
  const server = await startTestServer({
    collections: seeded,
    hook: ({ page, normal }) => {
      if (page !== 2) return undefined;
      const body = normal();
      return Response.json({ ...body, spaces: [seeded[0], ...(body.spaces as unknown[])] });
    },
  });
  try {
    const { exit, summary } = await listAll(server, { perPage: 10 });
    assert.deepEqual(ids(valueOf(exit)), ids(seeded));
    assert.equal(summary?.duplicatesDropped, 1);
  } finally {
    await server.close();
  }
});

/** Members with an id, a token and a user name. */
const memberRows = (n: number) =>
  seedCollections(n).map((c) => ({ id: c.id, token: c.token, member_username: c.name }));

Deno.test("permits: listings sharing one budget never have more requests in flight than it holds", async () => {
  let inFlight = 0;
  let most = 0;
  const server = await startTestServer({
    collections: seedCollections(200),
    rows: { members: memberRows(200) },
    hook: async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return undefined;
    },
  });
  try {
    const exit = await runExit(Effect.gen(function* () {
      const permits = yield* Semaphore.make(3);
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
      });
      const list = (resource: "collections" | "members") =>
        Stream.runCount(client.list(resource, {
          workspace: "acme",
          perPage: 10,
          concurrency: 4,
          permits,
        }));
      return yield* Effect.all([list("collections"), list("members")], { concurrency: 2 });
    }));
    assert.deepEqual(valueOf(exit), [200, 200]);
    assert.ok(most <= 3, `${most} requests in flight`);
    assert.ok(most >= 2, "the two listings ran side by side");
  } finally {
    await server.close();
  }
});

Deno.test("permits: a request waiting to be retried holds no permit, so the other listings go on", async () => {
  const order: Array<string> = [];
  let membersFailed = false;
  const server = await startTestServer({
    collections: seedCollections(30),
    rows: { members: memberRows(10) },
    hook: ({ segment, normal }) => {
      order.push(segment ?? "?");
      if (segment === "members" && !membersFailed) {
        membersFailed = true;
        return Response.json({ id: "server_error", message: "busy" }, {
          status: 503,
          headers: { "retry-after": "1" },
        });
      }
      return Response.json(normal());
    },
  });
  try {
    const exit = await runExit(Effect.gen(function* () {
      const permits = yield* Semaphore.make(1);
      const client = yield* DiscoveryClient.make({
        baseUrl: server.url,
        credentials: testCredentials,
      });
      const list = (resource: "collections" | "members") =>
        Stream.runCount(client.list(resource, { workspace: "acme", perPage: 10, permits }));
      return yield* Effect.all([list("members"), list("collections")], { concurrency: 2 });
    }));
    assert.deepEqual(valueOf(exit), [10, 30]);
    // The one permit went to the collections while members waited a second for its retry.
    assert.deepEqual(order, ["members", "spaces", "spaces", "spaces", "members"]);
  } finally {
    await server.close();
  }
});

Deno.test("totals, first attempts started outside a fiber: retried, split into smaller pages, in order, the rest aborted", async (t) => {
  const big = fakeListing(200, 20);
  const small = fakeListing(200, 10);
  const run = async (options: { readonly stopAfter?: number }) => {
    const started: Array<number> = [];
    const aborted: Array<number> = [];
    const turns: Array<number> = [];
    const fetched: Array<string> = [];
    const events: Array<string> = [];
    let summary: ListSummary | undefined;
    const stream = walk<Collection>({
      keyOf: (c) => c.id,
      plural: "collections",
      perPage: 20,
      minPerPage: 10,
      strategy: "totals",
      concurrency: 3,
      maxPages: 1000,
      pageUrl: (n, size) => new URL(`http://x.test/batch/acme/spaces?page=${n}&per_page=${size}`),
      resolveNext: () => new URL("http://x.test/"),
      // The fiber's way: page 1, the retries' fallbacks, and the smaller pages.
      fetchPage: (target) =>
        Effect.sync(() => {
          fetched.push(`${target.page}@${target.perPage}`);
          return target.perPage === 20 ? big.page(target.page) : small.page(target.page);
        }),
      startPage: (target, onRetry) => {
        const p = target.page;
        started.push(p);
        events.push(`start ${p}`);
        // Answers arrive out of order; the walk takes them in order.
        const later = new Promise<void>((resolve) => setTimeout(resolve, (p * 7) % 5));
        return {
          abort: () => aborted.push(p),
          turn: () => turns.push(p),
          result: later.then(() => ({
            ok: p !== 3 && p !== 5,
            read: () => {
              events.push(`read ${p}`);
              return p === 3
                // Failed once, then read on retry.
                ? { rest: Effect.sync(() => (onRetry(), big.page(3))) }
                : p === 5
                // Still failing after its retries at 20: read as pages 9 and 10 at 10.
                ? {
                  rest: Effect.fail(
                    ServerError.withStatus(503, "unavailable", "still failing at per_page 20"),
                  ),
                }
                : { value: big.page(p) };
            },
          })),
        };
      },
      onSummary: (s) => (summary = s),
    });
    // How many events there were when the consumer got its first item.
    let beforeFirstItem: number | undefined;
    const consumed = Stream.tap(
      stream,
      () => Effect.sync(() => (beforeFirstItem ??= events.length)),
    );
    const items = await Effect.runPromise(
      Stream.runCollect(
        options.stopAfter === undefined ? consumed : Stream.take(consumed, options.stopAfter),
      ),
    );
    return { items, started, aborted, turns, fetched, events, summary, beforeFirstItem };
  };
  await t.step("every item once, in order, through retries and a split", async () => {
    const { items, started, turns, fetched, events, summary, beforeFirstItem } = await run({});
    assert.deepEqual(ids(items), ids(big.all));
    // Page 1, then 3 in flight: 2, 3, 4 first, then one more as each is taken, until the split of 5.
    assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7]);
    // Each started page is told its turn has come (its body may be read) once, in page order.
    assert.deepEqual(turns, [1, 2, 3, 4, 5, 6, 7]);
    // A page that came in whole is read after the next request has gone out;
    // a failed one (3) first, as its failure decides what comes next.
    assert.deepEqual(events.slice(0, 9), [
      "start 1",
      "read 1",
      "start 2",
      "start 3",
      "start 4",
      "start 5",
      "read 2",
      "read 3",
      "start 6",
    ]);
    // Page 1's items reach the consumer before the window opens.
    assert.deepEqual(events.slice(0, beforeFirstItem), ["start 1", "read 1"]);
    // Unit 5 as pages 9 and 10 at 10 in the fiber; units 8 to 10, after the split, too.
    assert.deepEqual(fetched.slice(0, 2), ["9@10", "10@10"]);
    assert.deepEqual(fetched.slice(2).sort(), [
      "15@10",
      "16@10",
      "17@10",
      "18@10",
      "19@10",
      "20@10",
    ]);
    assert.equal(summary?.retries, 1);
    assert.equal(summary?.pageSizeShrinks, 1);
    assert.equal(summary?.finalPerPage, 10);
  });
  await t.step("a consumer that needs no more than page 1 sends no other request", async () => {
    const { items, started, aborted, turns } = await run({ stopAfter: 5 });
    assert.deepEqual(ids(items), ids(big.all.slice(0, 5)));
    assert.deepEqual(started, [1]);
    assert.deepEqual(aborted, []);
    assert.deepEqual(turns, [1]);
  });
  await t.step(
    "a consumer that stops early aborts the first attempts still in the window",
    async () => {
      const { items, started, aborted } = await run({ stopAfter: 25 });
      assert.deepEqual(ids(items), ids(big.all.slice(0, 25)));
      // Pages 3 to 5 were in flight when page 2 ended the consumer's take.
      assert.deepEqual(started, [1, 2, 3, 4, 5]);
      assert.deepEqual([...aborted].sort(), [3, 4, 5]);
    },
  );
});
