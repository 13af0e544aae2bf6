import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import {
  type Collection,
  CollectionsPage,
  pageHref,
  parsePageHref,
  spaceUrl,
} from "@mode-discovery/core";
import { makeEdgeHandler } from "./EdgeHandler.ts";
import { seedCollections } from "./Seed.ts";
import { asciiJson } from "./_kvLayout.ts";
import { ADMIN_AUTH, DEV_AUTH, devSettings, expectError, get, withEdge } from "./_testing.ts";

const decodePage = Schema.decodeUnknownSync(CollectionsPage);
const encodePage = Schema.encodeSync(CollectionsPage);

/** Reads a 200 page, checking its content type and that it is what the schema encodes. */
const readPage = async (response: Response): Promise<CollectionsPage> => {
  const text = await response.text();
  assert.equal(response.status, 200, text.slice(0, 300));
  assert.equal(response.headers.get("content-type"), "application/json");
  const page = decodePage(JSON.parse(text));
  // Byte for byte what HttpApi's Schema encoding of the same value gives,
  // with non-ASCII characters as JSON escapes (the body is pure ASCII).
  assert.equal(text, asciiJson(JSON.stringify(encodePage(page))));
  assert.ok([...text].every((ch) => ch.charCodeAt(0) < 0x80), "ASCII body");
  return page;
};

const acme4146 = [{ workspace: "acme", count: 4146 }];

Deno.test("the documented example: page 1 of acme:4146 at per_page 1000 matches the reference", async () => {
  await withEdge(async (edge) => {
    for (const path of ["/batch/acme/spaces", "/batch/acme/spaces?page=1&per_page=1000"]) {
      const page = await readPage(await get(edge, path));
      assert.deepEqual(page.pagination, {
        page: 1,
        per_page: 1000,
        count: 1000,
        total_pages: 5,
        total_count: 4146,
      });
      assert.deepEqual(page._links, {
        next_page: { href: "/batch/acme/spaces?page=2&per_page=1000" },
        prev_page: { href: "/batch/acme/spaces?page=1&per_page=1000" },
      });
      assert.equal(page.spaces.length, 1000);
      assert.equal(page.spaces[0].id, 170);
      assert.equal(page.spaces[0].space_url, spaceUrl("acme", page.spaces[0].token));
    }
  }, { seed: acme4146 });
});

Deno.test("walking next_page links from page 1 yields every seeded collection exactly once, in id order", async () => {
  await withEdge(async (edge) => {
    const seen: Array<Collection> = [];
    let href: string | undefined = "/batch/acme/spaces";
    let pages = 0;
    while (href !== undefined && pages < 20) {
      const page = await readPage(await get(edge, href));
      pages++;
      if (page.spaces.length === 0) break;
      seen.push(...page.spaces);
      href = page._links.next_page?.href;
    }
    assert.equal(pages, 6, "5 pages, then the empty page past the end");
    assert.deepEqual(seen, seedCollections("acme", 4146));
    const ids = seen.map((c) => c.id);
    assert.equal(new Set(ids).size, 4146);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  }, { seed: acme4146 });
});

Deno.test("pages of every size tile the listing without gaps or overlaps", async () => {
  await withEdge(async (edge) => {
    const all = seedCollections("acme", 237);
    for (const perPage of [1, 7, 99, 100, 101, 236, 237, 1000]) {
      const seen: Array<Collection> = [];
      const total = Math.ceil(237 / perPage);
      for (let page = 1; page <= total; page++) {
        const body = await readPage(
          await get(edge, `/batch/acme/spaces?page=${page}&per_page=${perPage}`),
        );
        assert.equal(body.pagination.total_pages, total);
        assert.equal(body.pagination.count, body.spaces.length);
        seen.push(...body.spaces);
      }
      assert.deepEqual(seen, all, `per_page ${perPage}`);
    }
  }, { seed: [{ workspace: "acme", count: 237 }] });
});

const lastPage = async (quirk: "past-end" | "self" | "omit") => {
  const edge = await makeEdgeHandler({
    settings: devSettings([{ workspace: "acme", count: 25 }], { lastPageNext: quirk }),
    log: () => {},
  });
  try {
    const last = await readPage(await get(edge, "/batch/acme/spaces?page=3&per_page=10"));
    const past = await readPage(await get(edge, "/batch/acme/spaces?page=4&per_page=10"));
    return { last, past };
  } finally {
    await edge.dispose();
  }
};

Deno.test("quirk past-end (default): the last page's next_page points one page past the end, which is empty", async () => {
  const { last, past } = await lastPage("past-end");
  assert.equal(last.pagination.count, 5);
  assert.equal(last._links.next_page?.href, pageHref("acme", 4, 10));
  assert.equal(last._links.prev_page?.href, pageHref("acme", 2, 10));
  assert.deepEqual(past.spaces, []);
  assert.deepEqual(past.pagination, {
    page: 4,
    per_page: 10,
    count: 0,
    total_pages: 3,
    total_count: 25,
  });
  assert.equal(past._links.next_page?.href, pageHref("acme", 5, 10));
});

Deno.test("quirk self: the last page's next_page points at itself", async () => {
  const { last, past } = await lastPage("self");
  assert.equal(last._links.next_page?.href, pageHref("acme", 3, 10));
  assert.deepEqual(past.spaces, []);
});

Deno.test("quirk omit: the last page has no next_page", async () => {
  const { last, past } = await lastPage("omit");
  assert.equal(last._links.next_page, undefined);
  assert.equal(last._links.prev_page?.href, pageHref("acme", 2, 10));
  assert.deepEqual(past.spaces, []);
});

Deno.test("page 1's prev_page points at page 1; links parse back with core's parsePageHref", async () => {
  await withEdge(async (edge) => {
    const page = await readPage(await get(edge, "/batch/acme/spaces?per_page=10"));
    assert.deepEqual(parsePageHref(page._links.prev_page!.href), {
      workspace: "acme",
      page: 1,
      per_page: 10,
    });
    assert.deepEqual(parsePageHref(page._links.next_page!.href), {
      workspace: "acme",
      page: 2,
      per_page: 10,
    });
  });
});

Deno.test("an empty workspace answers page 1 with no collections", async () => {
  await withEdge(async (edge) => {
    const page = await readPage(await get(edge, "/batch/acme/spaces"));
    assert.deepEqual(page.pagination, {
      page: 1,
      per_page: 1000,
      count: 0,
      total_pages: 0,
      total_count: 0,
    });
  }, { seed: [{ workspace: "acme", count: 0 }] });
});

Deno.test("unknown routes answer 404 with an {id, message} JSON body", async () => {
  await withEdge(async (edge) => {
    for (
      const path of [
        "/",
        "/nope",
        "/batch",
        "/batch/acme",
        "/batch/acme/reports",
        "/api/acme/spaces/x",
      ]
    ) {
      await expectError(
        await get(edge, path),
        404,
        "not_found",
        /^No route GET .*The API has GET \/batch\/\{workspace\}\/spaces/,
      );
    }
  });
});

Deno.test("wrong methods answer 405 with Allow and an {id, message} JSON body", async () => {
  await withEdge(async (edge) => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const response = await edge.fetch(
        new Request("http://edge.test/batch/acme/spaces", {
          method,
          headers: { authorization: DEV_AUTH },
        }),
      );
      assert.equal(response.headers.get("allow"), "GET, HEAD");
      await expectError(
        response,
        405,
        "method_not_allowed",
        `Method ${method} is not allowed on "/batch/acme/spaces": use GET.`,
      );
    }
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await edge.fetch(
        new Request("http://edge.test/batch/acme/signature_tokens", {
          method,
          headers: { authorization: ADMIN_AUTH },
        }),
      );
      assert.equal(response.headers.get("allow"), "POST");
      await expectError(response, 405, "method_not_allowed", /use POST\.$/);
    }
  });
});

Deno.test("HEAD on a page answers 200 with JSON headers and no body", async () => {
  await withEdge(async (edge) => {
    const response = await edge.fetch(
      new Request("http://edge.test/batch/acme/spaces", {
        method: "HEAD",
        headers: { authorization: DEV_AUTH },
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), "");
  });
});

Deno.test("the path is matched like Mode's router: any case, trailing slash", async () => {
  await withEdge(async (edge) => {
    const a = await readPage(await get(edge, "/batch/acme/spaces?per_page=3"));
    const b = await readPage(await get(edge, "/BATCH/acme/Spaces/?per_page=3"));
    assert.deepEqual(a, b);
  });
});

Deno.test("data replaced between page requests is served at once, never mixed with the old", async () => {
  await withEdge(async (edge) => {
    const before = await readPage(await get(edge, "/batch/acme/spaces?page=2&per_page=10"));
    assert.equal(before.pagination.total_count, 25);
    const replacement = seedCollections("replacement", 12).map((c) => ({
      ...c,
      space_url: spaceUrl("acme", c.token),
    }));
    await Effect.runPromise(edge.store.replaceWorkspace("acme", replacement));
    const after = await readPage(await get(edge, "/batch/acme/spaces?page=2&per_page=10"));
    assert.equal(after.pagination.total_count, 12);
    assert.deepEqual(after.spaces, replacement.slice(10, 12));
    const first = await readPage(await get(edge, "/batch/acme/spaces?page=1&per_page=10"));
    assert.deepEqual(first.spaces, replacement.slice(0, 10));
  });
});

Deno.test("the fast path answers exactly what the HttpApi handler answers", async () => {
  const paths = [
    "/batch/acme/spaces",
    "/batch/acme/spaces?page=1&per_page=1000",
    "/batch/acme/spaces?page=3&per_page=7",
    "/batch/acme/spaces?per_page=100&page=2",
    "/batch/acme/spaces?page=4&per_page=10",
    "/batch/acme/spaces?page=999999999999999&per_page=1",
    "/batch/other/spaces?per_page=1",
  ];
  const answers = async (fastPath: boolean) => {
    const edge = await makeEdgeHandler({
      settings: devSettings([{ workspace: "acme", count: 25 }, { workspace: "other", count: 3 }]),
      fastPath,
      log: () => {},
    });
    try {
      const out: Array<string> = [];
      // Twice: the first pass fills the caches, the second can use them.
      for (let pass = 0; pass < 2; pass++) {
        for (const path of paths) {
          const response = await get(edge, path);
          out.push(
            `${pass} ${path} ${response.status} ${
              response.headers.get("content-type")
            } ${await response.text()}`,
          );
        }
      }
      return { out, stats: edge.stats() };
    } finally {
      await edge.dispose();
    }
  };
  const fast = await answers(true);
  const slow = await answers(false);
  assert.deepEqual(fast.out, slow.out);
  assert.equal(slow.stats.fastPath, 0);
  assert.ok(fast.stats.fastPath >= paths.length - 1, `fast path used ${fast.stats.fastPath} times`);
});
