// node:test suite run by npm_test.ts inside a fresh Node project where only the packed
// mode-discovery tarball is installed (no effect). It imports nothing but the package.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import {
  AbortError,
  BadRequestError,
  createClient,
  ForbiddenError,
  LimitExceededError,
  ModeDiscoveryError,
  NotFoundError,
  RateLimitedError,
  ResponseDecodeError,
  ServerError,
  TransportError,
  UnauthorizedError,
} from "mode-discovery";
import { createHandler, ServerStartError, startServer } from "mode-discovery/server";

/** A raw node:http server whose answers the test decides; records every request. */
const rawServer = async (answer) => {
  const requests = [];
  const server = createServer((req, res) => {
    const closed = new Promise((resolve) => {
      res.on("close", () => resolve(res.writableFinished ? "answered" : "aborted"));
    });
    const entry = { url: req.url, headers: req.headers, closed, res };
    requests.push(entry);
    answer(entry, requests);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

/** A valid page of `total` collections (ids from 1), `perPage` per page. */
const pageBody = (page, perPage, total) => {
  const start = Math.min((page - 1) * perPage, total);
  const end = Math.min(start + perPage, total);
  const spaces = [];
  for (let i = start; i < end; i++) {
    spaces.push({
      id: i + 1,
      token: `t${i + 1}`,
      name: `Collection ${i + 1}`,
      description: null,
      space_type: "custom",
      space_url: `/api/raw/spaces/t${i + 1}`,
    });
  }
  return {
    pagination: {
      page,
      per_page: perPage,
      count: spaces.length,
      total_pages: Math.ceil(total / perPage),
      total_count: total,
    },
    spaces,
    _links: {},
  };
};

const CREDS = { token: "tok", accessKey: "key", accessSecret: "s3cret-value" };
const pageOf = (url) => Number(new URL(url, "http://x").searchParams.get("page") ?? "1");

describe("against startServer({ seed })", () => {
  let server;
  let tiny;
  before(async () => {
    server = await startServer({ seed: "acme:4146,other:5" });
    tiny = await startServer({ seed: "tiny:3", credentials: CREDS });
  });
  after(async () => {
    await server.close();
    await tiny.close();
  });

  test("for await lists every collection once, in ascending id order", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    const ids = [];
    for await (const collection of client.collections.list({ perPage: 500 })) {
      ids.push(collection.id);
    }
    assert.equal(ids.length, 4146);
    assert.equal(ids[0], 170);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `ids ascend at ${i}`);
  });

  test("every resource lists completely, once each, with and without includeSpaces", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    const keys = { reportStats: "report_id" };
    const counts = {};
    for (const name of ["collections", "reports", "queries", "charts", "reportStats", "members"]) {
      const key = keys[name] ?? "id";
      const page = await client[name].page({ perPage: 1 });
      const total = page.pagination.total_count;
      const seen = new Set();
      for await (const item of client[name].list({ perPage: 700, concurrency: 3 })) {
        assert.ok(!seen.has(item[key]), `${name} ${item[key]} twice`);
        seen.add(item[key]);
      }
      assert.equal(seen.size, total, name);
      counts[name] = total;
    }
    assert.equal(counts.collections, 4146);
    assert.equal(counts.members, 415);
    assert.equal(counts.reportStats, counts.reports, "one report stat per report");
    const all = await client.reports.list({ includeSpaces: "all" }).toArray({ limit: 10_000 });
    assert.equal(all.length, 4146, "personal collections' reports with includeSpaces");
    assert.ok(counts.reports < 4146, "and without them by default");
    const byName = await client.list("report-stats", { perPage: 1000 }).toArray({ limit: 10_000 });
    assert.equal(byName.length, counts.reportStats);
    const refused = await client.collections.list({ includeSpaces: "all" }).toArray({ limit: 10 })
      .catch((e) => e);
    assert.ok(refused instanceof BadRequestError);
    assert.match(refused.message, /collections do not take includeSpaces/);
    const query = (await client.queries.page({ perPage: 1 })).queries[0];
    assert.equal(typeof query.raw_query, "string");
    assert.equal(typeof query.report_id, "number");
  });

  test("snapshot gives six iterables read side by side and a summary", async () => {
    const client = createClient({ ...tiny.clientOptions, env: {} });
    const snapshot = client.snapshot({ includeSpaces: "all" });
    const names = ["collections", "reports", "queries", "charts", "reportStats", "members"];
    const counts = await Promise.all(names.map(async (name) => {
      let n = 0;
      for await (const _ of snapshot[name]) n++;
      return n;
    }));
    assert.deepEqual(counts, [3, 3, 6, 6, 3, 1]);
    const summary = await snapshot.summary;
    assert.deepEqual(summary.resources.map((r) => r.rows), counts);
  });

  test("toArray and page agree with each other", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    let summary;
    const all = await client.collections
      .list({ concurrency: 3, onSummary: (s) => (summary = s) })
      .toArray({ limit: 4146 });
    assert.equal(all.length, 4146);
    assert.equal(summary.stoppedBecause, "last-page");
    assert.equal(summary.itemsEmitted, 4146);
    const page5 = await client.collections.page({ page: 5 });
    assert.deepEqual(page5.pagination, {
      page: 5,
      per_page: 1000,
      count: 146,
      total_pages: 5,
      total_count: 4146,
    });
    assert.equal(page5._links.next_page.href, "/batch/acme/spaces?page=6&per_page=1000");
    assert.deepEqual(page5.spaces, all.slice(4000));
    const keys = Object.keys(all[0]).sort();
    assert.deepEqual(keys, ["description", "id", "name", "space_type", "space_url", "token"]);
  });

  test("toArray refuses to collect past its limit", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    const error = await client.collections.list({ perPage: 1000 }).toArray({ limit: 4145 })
      .then(() => assert.fail("toArray collected past its limit"), (e) => e);
    assert.ok(error instanceof LimitExceededError);
    assert.ok(error instanceof ModeDiscoveryError);
    assert.ok(error instanceof Error);
    assert.equal(error.limit, 4145);
    assert.equal(error.id, "limit_exceeded");
    assert.equal(error.status, undefined);
    assert.match(error.message, /more than 4145 collections \(the server reports 4146\)/);
    assert.match(error.message, /for await/);
    const small = createClient({ ...tiny.clientOptions, env: {} });
    const three = await small.collections.list().toArray({ limit: 3 });
    assert.equal(three.length, 3);
    const none = await small.collections.list().toArray({ limit: 0 }).catch((e) => e);
    assert.ok(none instanceof LimitExceededError);
  });

  test("toArray without a limit is a BadRequestError that says what to pass", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    const error = await client.collections.list().toArray().catch((e) => e);
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.status, 400);
    assert.match(error.message, /limit/);
  });

  test("wrong credentials: UnauthorizedError, 401, no secret in the message", async () => {
    const client = createClient({ ...server.clientOptions, accessSecret: "wrong-secret", env: {} });
    const error = await client.collections.page().catch((e) => e);
    assert.ok(error instanceof UnauthorizedError);
    assert.equal(error.name, "UnauthorizedError");
    assert.equal(error.status, 401);
    assert.equal(error.id, "unauthorized");
    assert.match(error.message, /access secret is wrong/);
    assert.ok(!error.message.includes("wrong-secret"));
    assert.ok(!error.message.includes(server.credentials.accessSecret));
  });

  test("unknown workspace, or another workspace's: NotFoundError, 404, naming it", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    for (const workspace of ["nope", "other"]) {
      const error = await client.collections.list({ workspace }).toArray({ limit: 10 })
        .catch((e) => e);
      assert.ok(error instanceof NotFoundError, `${workspace}: ${error?.name}`);
      assert.equal(error.status, 404);
      assert.equal(error.id, "not_found");
      assert.match(error.message, new RegExp(`"${workspace}"`));
    }
  });

  test("a bad option is a BadRequestError naming it, and nothing is sent", async () => {
    const client = createClient({ ...server.clientOptions, env: {} });
    const perPage = await client.collections.page({ perPage: 0 }).catch((e) => e);
    assert.ok(perPage instanceof BadRequestError);
    assert.match(perPage.message, /perPage/);
    const typo = await createClient({ ...server.clientOptions, accesKey: "x", env: {} })
      .collections.page().catch((e) => e);
    assert.ok(typo instanceof BadRequestError);
    assert.match(typo.message, /Unknown option "accesKey" of createClient/);
  });

  test("credentials, workspace and base URL come from MODE_* environment variables", async () => {
    const saved = { ...process.env };
    try {
      process.env.MODE_BASE_URL = tiny.url;
      process.env.MODE_WORKSPACE = "tiny";
      process.env.MODE_TOKEN = CREDS.token;
      process.env.MODE_ACCESS_KEY = CREDS.accessKey;
      process.env.MODE_ACCESS_SECRET = CREDS.accessSecret;
      const page = await createClient().collections.page();
      assert.equal(page.pagination.total_count, 3);
      delete process.env.MODE_ACCESS_SECRET;
      const error = await createClient().collections.page().catch((e) => e);
      assert.ok(error instanceof UnauthorizedError);
      assert.match(error.message, /MODE_ACCESS_SECRET is not set/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  test("server options are checked, with the main entry's error classes", async () => {
    const error = await startServer({ seed: "acme:lots" }).catch((e) => e);
    assert.ok(error instanceof BadRequestError);
    assert.ok(error instanceof ModeDiscoveryError);
    assert.match(error.message, /seed/);
    const taken = await startServer({ port: server.port }).catch((e) => e);
    assert.ok(taken instanceof ServerStartError);
    assert.ok(taken instanceof ModeDiscoveryError);
    assert.match(taken.message, /already in use/);
  });

  test("createHandler answers in-process like the server", async () => {
    const handler = await createHandler({
      seed: [{ workspace: "acme", count: 3 }],
      credentials: CREDS,
    });
    try {
      const anonymous = await handler.fetch(new Request("http://localhost/batch/acme/spaces"));
      assert.equal(anonymous.status, 401);
      assert.equal((await anonymous.json()).id, "unauthorized");
      const client = createClient({
        ...CREDS,
        baseUrl: "http://handler.test",
        workspace: "acme",
        env: {},
        fetch: (input, init) => handler.fetch(new Request(input, init)),
      });
      const all = await client.collections.list().toArray({ limit: 3 });
      assert.equal(all.length, 3);
      assert.equal(all[0].id, 170);
      assert.ok(all[0].id < all[1].id && all[1].id < all[2].id);
    } finally {
      await handler.close();
    }
  });
});

describe("errors from a raw server", () => {
  const cases = [
    [400, "bad_request", BadRequestError],
    [401, "unauthorized", UnauthorizedError],
    [403, "forbidden", ForbiddenError],
    [404, "not_found", NotFoundError],
    [429, "rate_limited", RateLimitedError],
    [503, "server_error", ServerError],
  ];
  for (const [status, id, ErrorClass] of cases) {
    test(`HTTP ${status} is a ${ErrorClass.name} with status, id and the server's message`, async () => {
      const raw = await rawServer(({ res }) =>
        json(res, status, { id, message: `the server says ${id}` }, { "retry-after": "0" })
      );
      try {
        const client = createClient({
          ...CREDS,
          baseUrl: raw.url,
          workspace: "raw",
          maxRetries: 0,
          env: {},
        });
        const error = await client.collections.page().catch((e) => e);
        assert.ok(error instanceof ErrorClass, `${error?.name}: ${error?.message}`);
        assert.ok(error instanceof ModeDiscoveryError);
        assert.equal(error.status, status);
        assert.equal(error.id, id);
        assert.match(error.message, new RegExp(`the server says ${id}`));
        if (status === 429) assert.equal(error.retryAfterSeconds, 0);
      } finally {
        await raw.close();
      }
    });
  }

  test("an HTML answer is a ResponseDecodeError with the status and URL", async () => {
    const raw = await rawServer(({ res }) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>maintenance</html>");
    });
    try {
      const client = createClient({
        ...CREDS,
        baseUrl: raw.url,
        workspace: "raw",
        maxRetries: 0,
        env: {},
      });
      const error = await client.collections.page({ page: 2 }).catch((e) => e);
      assert.ok(error instanceof ResponseDecodeError, `${error?.name}: ${error?.message}`);
      assert.equal(error.status, 200);
      assert.equal(error.page, 2);
      assert.match(error.url, /\/batch\/raw\/spaces\?page=2/);
    } finally {
      await raw.close();
    }
  });

  test("a refused connection is a TransportError without a status", async () => {
    const raw = await rawServer(() => {});
    const url = raw.url;
    await raw.close();
    const client = createClient({
      ...CREDS,
      baseUrl: url,
      workspace: "raw",
      maxRetries: 0,
      env: {},
    });
    const error = await client.collections.page().catch((e) => e);
    assert.ok(error instanceof TransportError, `${error?.name}: ${error?.message}`);
    assert.equal(error.status, undefined);
    assert.equal(error.id, "transport_error");
    assert.ok(error.url.startsWith(url));
  });

  test("no credentials anywhere: UnauthorizedError naming the variables, nothing sent", async () => {
    const raw = await rawServer(({ res }) => json(res, 200, pageBody(1, 10, 0)));
    try {
      const error = await createClient({ baseUrl: raw.url, workspace: "raw", env: {} })
        .collections.page().catch((e) => e);
      assert.ok(error instanceof UnauthorizedError);
      assert.match(error.message, /MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET/);
      assert.equal(raw.requests.length, 0);
    } finally {
      await raw.close();
    }
  });
});

describe("AbortSignal and early exit", () => {
  test(
    "aborting page() rejects with AbortError and cancels the request",
    { timeout: 20_000 },
    async () => {
      let arrived;
      const first = new Promise((resolve) => (arrived = resolve));
      const raw = await rawServer((entry) => arrived(entry));
      try {
        const client = createClient({ ...CREDS, baseUrl: raw.url, workspace: "raw", env: {} });
        const controller = new AbortController();
        const pending = client.collections.page({ signal: controller.signal });
        const entry = await first;
        controller.abort();
        const error = await pending.catch((e) => e);
        assert.ok(error instanceof AbortError, `${error?.name}: ${error?.message}`);
        assert.equal(error.name, "AbortError");
        assert.equal(error.id, "aborted");
        assert.equal(await entry.closed, "aborted");
      } finally {
        await raw.close();
      }
    },
  );

  test("an already aborted signal rejects at once and sends nothing", async () => {
    const raw = await rawServer(({ res }) => json(res, 200, pageBody(1, 10, 5)));
    try {
      const client = createClient({ ...CREDS, baseUrl: raw.url, workspace: "raw", env: {} });
      const signal = AbortSignal.abort(new Error("shutting down"));
      const error = await client.collections.page({ signal }).catch((e) => e);
      assert.ok(error instanceof AbortError);
      assert.match(error.message, /shutting down/);
      const listed = await client.collections.list({ signal }).toArray({ limit: 10 })
        .catch((e) => e);
      assert.ok(listed instanceof AbortError);
      assert.equal(raw.requests.length, 0);
    } finally {
      await raw.close();
    }
  });

  /**
   * 10 collections, 2 a page: page 1 at once; page 2 only once pages 3, 4 and 5 have
   * arrived too (so they are in flight when the consumer sees page 2); pages 3..5 never.
   */
  const heldServer = () =>
    rawServer((entry, requests) => {
      const page = pageOf(entry.url);
      const answer = (e) => json(e.res, 200, pageBody(pageOf(e.url), 2, 10));
      if (page === 1) answer(entry);
      const held = requests.filter((r) => pageOf(r.url) >= 2);
      if (held.length === 4) answer(held.find((r) => pageOf(r.url) === 2));
    });

  test("break in for await cancels the requests in flight", { timeout: 20_000 }, async () => {
    const raw = await heldServer();
    try {
      const client = createClient({ ...CREDS, baseUrl: raw.url, workspace: "raw", env: {} });
      let summary;
      const seen = [];
      for await (
        const c of client.collections.list({ perPage: 2, onSummary: (s) => (summary = s) })
      ) {
        seen.push(c.id);
        if (c.id === 3) break;
      }
      assert.deepEqual(seen, [1, 2, 3]);
      // Pages 3..5, and page 6 once page 2's answer freed its place: every one cancelled.
      const inFlight = raw.requests.filter((r) => pageOf(r.url) >= 3);
      assert.ok(inFlight.length >= 3 && inFlight.length <= 4, `${inFlight.length} in flight`);
      const closed = await Promise.all(inFlight.map((r) => r.closed));
      assert.ok(closed.every((how) => how === "aborted"), closed.join(", "));
      assert.equal(summary.stoppedBecause, "interrupted");
    } finally {
      await raw.close();
    }
  });

  test(
    "aborting a listing mid-way throws AbortError and cancels the rest",
    { timeout: 20_000 },
    async () => {
      const raw = await heldServer();
      try {
        const client = createClient({ ...CREDS, baseUrl: raw.url, workspace: "raw", env: {} });
        const controller = new AbortController();
        const seen = [];
        const error = await (async () => {
          for await (
            const c of client.collections.list({ perPage: 2, signal: controller.signal })
          ) {
            seen.push(c.id);
            if (c.id === 3) controller.abort("user pressed stop");
          }
        })().then(() => assert.fail("the listing ended without an error"), (e) => e);
        assert.ok(error instanceof AbortError, `${error?.name}: ${error?.message}`);
        assert.match(error.message, /user pressed stop/);
        assert.deepEqual(seen, [1, 2, 3]);
        const inFlight = raw.requests.filter((r) => pageOf(r.url) >= 3);
        assert.deepEqual(await Promise.all(inFlight.map((r) => r.closed)), [
          "aborted",
          "aborted",
          "aborted",
        ]);
      } finally {
        await raw.close();
      }
    },
  );
});

test("the Promise API needs no effect package", async () => {
  await assert.rejects(import("effect"), /Cannot find package 'effect'/);
});
