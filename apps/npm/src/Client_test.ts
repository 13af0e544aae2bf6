import assert from "node:assert/strict";
import { createClient } from "./Client.ts";
import {
  AbortError,
  BadRequestError,
  LimitExceededError,
  NotFoundError,
  UnauthorizedError,
} from "./Errors.ts";
import { createHandler, type DiscoveryHandler } from "./Server.ts";

const CREDS = { token: "tok", accessKey: "key", accessSecret: "se:cret" };

/** An in-process API seeded with acme:2500, and a `fetch` that reaches it and records requests. */
const withApi = async (
  f: (api: {
    readonly handler: DiscoveryHandler;
    readonly fetch: typeof globalThis.fetch;
    readonly requests: Array<Request>;
  }) => Promise<void>,
) => {
  const handler = await createHandler({ seed: "acme:2500", credentials: CREDS, log: () => {} });
  const requests: Array<Request> = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return handler.fetch(request);
  };
  try {
    await f({ handler, fetch, requests });
  } finally {
    await handler.close();
  }
};

const options = (fetch: typeof globalThis.fetch) => ({
  ...CREDS,
  baseUrl: "http://api.test",
  workspace: "acme",
  env: {},
  fetch,
});

Deno.test("createClient lists a workspace with for await, toArray and page", async () => {
  await withApi(async ({ fetch }) => {
    const client = createClient(options(fetch));
    const ids: Array<number> = [];
    for await (const c of client.collections.list({ perPage: 1000 })) ids.push(c.id);
    assert.equal(ids.length, 2500);
    assert.equal(new Set(ids).size, 2500);
    const all = await client.collections.list({ concurrency: 2 }).toArray({ limit: 2500 });
    assert.deepEqual(all.map((c) => c.id), ids);
    const page = await client.collections.page({ page: 3, perPage: 1000 });
    assert.equal(page.pagination.count, 500);
    assert.deepEqual(page.spaces, all.slice(2000));
  });
});

Deno.test("toArray refuses a listing over its limit, and cancels the rest", async () => {
  await withApi(async ({ fetch, requests }) => {
    const client = createClient({ ...options(fetch), concurrency: 1 });
    const error = await client.collections.list({ perPage: 100 }).toArray({ limit: 150 }).then(
      () => assert.fail("collected past the limit"),
      (e) => e,
    );
    assert.ok(error instanceof LimitExceededError);
    assert.equal(error.limit, 150);
    assert.match(error.message, /workspace "acme" has more than 150 collections/);
    assert.ok(requests.length <= 3, `stopped early, after ${requests.length} requests`);
    for (
      const bad of [undefined, {}, { limit: -1 }, { limit: 1.5 }, { limit: "9" }, {
        limit: 1,
        x: 1,
      }]
    ) {
      const refused = await client.collections.list()
        .toArray(bad as unknown as { limit: number })
        .catch((e) => e);
      assert.ok(refused instanceof BadRequestError, JSON.stringify(bad));
    }
  });
});

Deno.test("every request of a listing goes through the fetch it was given, page after page", async () => {
  await withApi(async ({ fetch, requests }) => {
    const global = globalThis.fetch;
    const strays: Array<string> = [];
    globalThis.fetch = (input) => {
      strays.push(String(input instanceof Request ? input.url : input));
      return Promise.reject(new TypeError("the global fetch was not given"));
    };
    try {
      const client = createClient({ ...options(fetch), concurrency: 4 });
      let retries = -1;
      let count = 0;
      for await (
        const _ of client.collections.list({
          perPage: 100,
          onSummary: (summary) => retries = summary.retries,
        })
      ) {
        count++;
      }
      assert.equal(count, 2500);
      assert.deepEqual(strays, []);
      assert.equal(requests.length, 25);
      assert.equal(retries, 0);
    } finally {
      globalThis.fetch = global;
    }
  });
});

Deno.test("breaking out of for await aborts the requests still in flight", async () => {
  await withApi(async ({ fetch }) => {
    // Pages 1 and 2 are answered; pages 3 and later never are, until aborted.
    const held: Array<Request> = [];
    const holding: typeof globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (Number(new URL(request.url).searchParams.get("page")) < 3) return fetch(request);
      held.push(request);
      return new Promise((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    };
    const client = createClient({ ...options(holding), concurrency: 4 });
    let count = 0;
    for await (const _ of client.collections.list({ perPage: 100 })) {
      if (++count === 150) break;
    }
    // Pages 2..5 were launched together after page 1; page 2 was read, 3..5 were in flight
    // (and page 6 once page 2's answer freed its place).
    assert.ok(held.length >= 3 && held.length <= 4, `${held.length} held`);
    assert.ok(held.every((r) => r.signal.aborted), "every request in flight was aborted");
  });
});

Deno.test("an AbortSignal stops a listing at once, even with collections buffered", async () => {
  await withApi(async ({ fetch }) => {
    const client = createClient(options(fetch));
    const controller = new AbortController();
    let count = 0;
    const error = await (async () => {
      for await (const _ of client.collections.list({ perPage: 100, signal: controller.signal })) {
        if (++count === 10) controller.abort("enough");
      }
    })().catch((e) => e);
    assert.ok(error instanceof AbortError);
    assert.match(error.message, /aborted by its AbortSignal: enough/);
    assert.equal(count, 10);
  });
});

Deno.test("credentials and workspace come from options or MODE_* variables, never mixed", async () => {
  await withApi(async ({ fetch }) => {
    const env = {
      MODE_TOKEN: CREDS.token,
      MODE_ACCESS_KEY: CREDS.accessKey,
      MODE_ACCESS_SECRET: CREDS.accessSecret,
      MODE_WORKSPACE: "acme",
      MODE_BASE_URL: "http://api.test",
    };
    const fromEnv = await createClient({ env, fetch }).collections.page({ perPage: 1 });
    assert.equal(fromEnv.pagination.total_count, 2500);
    const partial = await createClient({ env, fetch, token: "other" }).collections.page()
      .catch((e) => e);
    assert.ok(partial instanceof UnauthorizedError);
    assert.match(partial.message, /given token but not accessKey and accessSecret/);
    const { MODE_ACCESS_KEY: _, ...missing } = env;
    const incomplete = await createClient({ env: missing, fetch }).collections.page()
      .catch((e) => e);
    assert.ok(incomplete instanceof UnauthorizedError);
    assert.match(incomplete.message, /MODE_ACCESS_KEY is not set/);
    const none = await createClient({ env: {}, fetch, workspace: "acme" }).collections.page()
      .catch((e) => e);
    assert.ok(none instanceof UnauthorizedError);
    assert.match(none.message, /nothing was sent/);
    const colon = await createClient({ ...options(fetch), token: "a:b" }).collections.page()
      .catch((e) => e);
    assert.ok(colon instanceof UnauthorizedError);
    assert.match(colon.message, /token contains ':'/);
    assert.ok(!colon.message.includes(CREDS.accessSecret));
    const noWorkspace = await createClient({ ...options(fetch), workspace: undefined })
      .collections.list().toArray({ limit: 1 }).catch((e) => e);
    assert.ok(noWorkspace instanceof BadRequestError);
    assert.match(noWorkspace.message, /MODE_WORKSPACE/);
  });
});

Deno.test("bad options are BadRequestErrors naming them; server errors keep their class", async () => {
  await withApi(async ({ fetch, requests }) => {
    const client = createClient(options(fetch));
    const cases: Array<[() => Promise<unknown>, RegExp]> = [
      [() => createClient({ ...options(fetch), timeoutMs: 0 }).collections.page(), /timeoutMs/],
      [() => createClient({ ...options(fetch), baseUrl: "ftp://x" }).collections.page(), /baseUrl/],
      [() => client.collections.page({ perPage: 1001 }), /perPage/],
      [() => client.collections.page({ page: 0 }), /page/],
      [() => client.collections.list({ concurrency: 0 }).toArray({ limit: 9 }), /concurrency/],
      [() => client.collections.page({ signal: "x" as unknown as AbortSignal }), /AbortSignal/],
      [() => client.collections.page({ pgae: 2 } as never), /Unknown option "pgae"/],
      [
        () => client.collections.list({ onSummary: "log" as never }).toArray({ limit: 1 }),
        /onSummary of collections.list: expected a function/,
      ],
      [
        () => createClient({ ...options(fetch), onRequest: 1 as never }).collections.page(),
        /onRequest of createClient: expected a function/,
      ],
    ];
    for (const [call, message] of cases) {
      const error = await call().catch((e) => e);
      assert.ok(error instanceof BadRequestError, String(error));
      assert.match(error.message, message);
    }
    assert.equal(requests.length, 0, "nothing was sent");
    const missing = await client.collections.page({ workspace: "nope" }).catch((e) => e);
    assert.ok(missing instanceof NotFoundError);
  });
});
