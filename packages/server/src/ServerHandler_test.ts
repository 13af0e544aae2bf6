/**
 * The server handler end to end, in process, for every resource: the
 * documented example, walks, page tiling, the last-page quirks, links,
 * routes, methods, HEAD, path matching, data swaps and the fast path.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import {
  type AnyResource,
  collections,
  members,
  parsePageHref,
  reports,
  reportStats,
  resources,
  spaceUrl,
} from "@mode-discovery/core";
import { seedWorld } from "./Seed.ts";
import {
  ADMIN_AUTH,
  DEV_AUTH,
  devSettings,
  expectError,
  get,
  itemsOf,
  pagePath,
  readPage,
  startTestServer,
  withServer,
} from "./_testing.ts";
import { personalFlags } from "./_listings.ts";

const acme4146 = [{ workspace: "acme", count: 4146 }];

/** The seeded items of `resource` a request sees: everything, or no personal ones. */
const expected = (
  world: ReturnType<typeof seedWorld>,
  resource: AnyResource,
  all: boolean,
): ReadonlyArray<Record<string, unknown>> => {
  const decoded = new Map(
    resources.map((r) => [r.name, (world[r.name] ?? []) as ReadonlyArray<Record<string, unknown>>]),
  );
  const rows = decoded.get(resource.name)!;
  if (all || !resource.includeSpaces) return rows;
  const flags = personalFlags(decoded).get(resource.name)!;
  return rows.filter((_, i) => !flags[i]);
};

/** The views a resource has: with and without `include_spaces=all` where it takes it. */
const views = (resource: AnyResource): ReadonlyArray<boolean> =>
  resource.includeSpaces ? [false, true] : [false];

Deno.test("the documented example: page 1 of acme:4146 at per_page 1000 matches the reference", async () => {
  await withServer(async (server) => {
    for (const path of ["/batch/acme/spaces", "/batch/acme/spaces?page=1&per_page=1000"]) {
      const page = await readPage(collections, await get(server, path));
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
  }, { seed: acme4146, stores: "memory" });
});

Deno.test("walking next_page links yields every seeded item of every resource exactly once, in key order", async () => {
  const seed = { workspace: "acme", count: 240 };
  const world = seedWorld(seed);
  await withServer(async (server) => {
    for (const resource of resources) {
      for (const all of views(resource)) {
        const seen: Array<Record<string, unknown>> = [];
        let href: string | undefined = pagePath(resource, "acme", 1, 100, all);
        let pages = 0;
        while (href !== undefined && pages < 50) {
          const response: Response = await get(server, href);
          const page = await readPage(resource, response);
          pages++;
          const items = itemsOf(resource, page);
          if (items.length === 0) break;
          seen.push(...items);
          href = page._links.next_page?.href;
          if (href !== undefined) {
            assert.equal(parsePageHref(href)?.include_spaces, all ? "all" : undefined, href);
          }
        }
        const want = expected(world, resource, all);
        assert.deepEqual(seen, want, `${resource.name} all=${all}`);
        assert.equal(pages, Math.ceil(want.length / 100) + 1, "the pages, then one past the end");
        const keys = seen.map((item) => item[resource.key] as number);
        assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
      }
    }
  }, { seed: [seed] });
});

Deno.test("pages of every size tile every listing without gaps or overlaps", async () => {
  const seed = { workspace: "acme", count: 57 };
  const world = seedWorld(seed);
  await withServer(async (server) => {
    for (const resource of resources) {
      for (const all of views(resource)) {
        const want = expected(world, resource, all);
        for (const perPage of [1, 7, 99, 100, 101, want.length, 1000]) {
          const seen: Array<Record<string, unknown>> = [];
          const total = Math.ceil(want.length / Math.max(perPage, 1));
          for (let page = 1; page <= total; page++) {
            const body = await readPage(
              resource,
              await get(server, pagePath(resource, "acme", page, Math.max(perPage, 1), all)),
            );
            assert.equal(body.pagination.total_pages, total);
            assert.equal(body.pagination.total_count, want.length);
            assert.equal(body.pagination.count, itemsOf(resource, body).length);
            seen.push(...itemsOf(resource, body));
          }
          assert.deepEqual(seen, want, `${resource.name} all=${all} per_page ${perPage}`);
        }
      }
    }
  }, { seed: [seed], stores: "memory" });
});

Deno.test("the three last-page quirks on every resource and view, links keeping include_spaces", async (t) => {
  for (const quirk of ["past-end", "self", "omit"] as const) {
    await t.step(quirk, async () => {
      const rows = await withServer(async (quirky) => {
        const out = [];
        for (const resource of resources) {
          for (const all of views(resource)) {
            const first = await readPage(
              resource,
              await get(quirky, pagePath(resource, "acme", 1, 10, all)),
            );
            const pages = first.pagination.total_pages;
            assert.ok(pages >= 1, `${resource.name} has items`);
            const last = await readPage(
              resource,
              await get(quirky, pagePath(resource, "acme", pages, 10, all)),
            );
            const past = await readPage(
              resource,
              await get(quirky, pagePath(resource, "acme", pages + 1, 10, all)),
            );
            out.push({ resource, all, pages, last, past });
          }
        }
        return out;
      }, {
        seed: [{ workspace: "acme", count: 25 }],
        settings: devSettings([{ workspace: "acme", count: 25 }], { lastPageNext: quirk }),
      });
      for (const { resource, all, pages, last, past } of rows) {
        const href = (page: number) => pagePath(resource, "acme", page, 10, all);
        assert.equal(last._links.prev_page?.href, href(Math.max(1, pages - 1)));
        assert.equal(
          last._links.next_page?.href,
          quirk === "past-end" ? href(pages + 1) : quirk === "self" ? href(pages) : undefined,
          `${resource.name} all=${all}`,
        );
        assert.deepEqual(itemsOf(resource, past), []);
        assert.equal(past.pagination.count, 0);
        assert.equal(past.pagination.page, pages + 1);
        assert.equal(past.pagination.total_pages, pages);
        if (quirk === "past-end") assert.equal(past._links.next_page?.href, href(pages + 2));
      }
    });
  }
});

Deno.test("page 1's prev_page points at page 1; links parse back with core's parsePageHref", async () => {
  await withServer(async (server) => {
    for (const resource of resources) {
      for (const all of views(resource)) {
        const page = await readPage(
          resource,
          await get(server, pagePath(resource, "acme", 1, 10, all)),
        );
        const spaces = all ? { include_spaces: "all" } : {};
        assert.deepEqual(parsePageHref(page._links.prev_page!.href), {
          segment: resource.segment,
          workspace: "acme",
          page: 1,
          per_page: 10,
          ...spaces,
        });
        assert.deepEqual(parsePageHref(page._links.next_page!.href), {
          segment: resource.segment,
          workspace: "acme",
          page: 2,
          per_page: 10,
          ...spaces,
        });
      }
    }
  }, { seed: [{ workspace: "acme", count: 40 }] });
});

Deno.test("include_spaces is ignored by collections and members: same page, links without it", async () => {
  await withServer(async (server) => {
    for (const resource of [collections, members]) {
      const plain = await (await get(server, pagePath(resource, "acme", 1, 5))).text();
      for (const value of ["all", "ALL", "none", ""]) {
        const response = await get(
          server,
          `${pagePath(resource, "acme", 1, 5)}&include_spaces=${value}`,
        );
        assert.equal(await response.text(), plain, `${resource.name} include_spaces=${value}`);
      }
      assert.doesNotMatch(plain, /include_spaces/);
    }
  });
});

Deno.test("total_count counts what the request can see; report stats follow the visible reports", async () => {
  await withServer(async (server) => {
    const count = async (resource: AnyResource, all: boolean) =>
      (await readPage(resource, await get(server, pagePath(resource, "acme", 1, 1, all))))
        .pagination.total_count;
    const tokens = async (resource: AnyResource, field: string, all: boolean) => {
      const page = await readPage(
        resource,
        await get(server, pagePath(resource, "acme", 1, 1000, all)),
      );
      return new Set(itemsOf(resource, page).map((item) => item[field]));
    };
    for (const resource of resources.filter((r) => r.includeSpaces)) {
      assert.ok(await count(resource, false) < await count(resource, true), resource.name);
    }
    for (const all of [false, true]) {
      assert.deepEqual(
        await tokens(reportStats, "report_token", all),
        await tokens(reports, "token", all),
      );
    }
  }, { seed: [{ workspace: "acme", count: 64 }] });
});

Deno.test("an empty workspace answers page 1 of every resource with no items", async () => {
  await withServer(async (server) => {
    for (const resource of resources) {
      const page = await readPage(resource, await get(server, pagePath(resource, "acme", 1, 1000)));
      assert.deepEqual(page.pagination, {
        page: 1,
        per_page: 1000,
        count: 0,
        total_pages: 0,
        total_count: 0,
      });
    }
  }, { seed: [{ workspace: "acme", count: 0 }] });
});

Deno.test("unknown routes answer 404 with an {id, message} JSON body naming every route", async () => {
  await withServer(async (server) => {
    for (
      const path of [
        "/",
        "/nope",
        "/batch",
        "/batch/acme",
        "/batch/acme/widgets",
        "/api/acme/spaces/x",
      ]
    ) {
      const message = await expectError(
        await get(server, path),
        404,
        "not_found",
        /^No route GET /,
      );
      for (const resource of resources) {
        assert.ok(message.includes(`GET /batch/{workspace}/${resource.segment}`), message);
      }
      assert.ok(message.includes("POST /batch/{workspace}/signature_tokens"), message);
    }
  });
});

Deno.test("wrong methods answer 405 with Allow and an {id, message} JSON body, on every resource", async () => {
  await withServer(async (server) => {
    for (const resource of resources) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        const path = `/batch/acme/${resource.segment}`;
        const response = await server.fetch(
          new Request(`http://server.test${path}`, {
            method,
            headers: { authorization: DEV_AUTH },
          }),
        );
        assert.equal(response.headers.get("allow"), "GET, HEAD");
        await expectError(
          response,
          405,
          "method_not_allowed",
          `Method ${method} is not allowed on "${path}": use GET.`,
        );
      }
    }
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await server.fetch(
        new Request("http://server.test/batch/acme/signature_tokens", {
          method,
          headers: { authorization: ADMIN_AUTH },
        }),
      );
      assert.equal(response.headers.get("allow"), "POST");
      await expectError(response, 405, "method_not_allowed", /use POST\.$/);
    }
  });
});

Deno.test("HEAD on a page of every resource answers 200 with JSON headers and no body", async () => {
  await withServer(async (server) => {
    for (const resource of resources) {
      const response = await server.fetch(
        new Request(`http://server.test/batch/acme/${resource.segment}`, {
          method: "HEAD",
          headers: { authorization: DEV_AUTH },
        }),
      );
      assert.equal(response.status, 200, resource.name);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.equal(await response.text(), "");
    }
  });
});

Deno.test("the path is matched like Mode's router on every resource: any case, trailing slash", async () => {
  await withServer(async (server) => {
    for (const resource of resources) {
      const a = await readPage(
        resource,
        await get(server, `/batch/acme/${resource.segment}?per_page=3`),
      );
      const odd = resource.segment.replace(/^./, (c) => c.toUpperCase());
      const b = await readPage(resource, await get(server, `/BATCH/acme/${odd}/?per_page=3`));
      const c = await readPage(
        resource,
        await get(server, `/batch/acme/${resource.segment.toUpperCase()}//?per_page=3`),
      );
      assert.deepEqual(a, b, resource.name);
      assert.deepEqual(a, c, resource.name);
    }
  });
});

Deno.test("data replaced between page requests is served at once, never mixed with the old", async () => {
  await withServer(async (server) => {
    const before = await readPage(
      reports,
      await get(server, "/batch/acme/reports?page=2&per_page=10&include_spaces=all"),
    );
    assert.equal(before.pagination.total_count, 25);
    const replacement = seedWorld({ workspace: "acme", count: 12 });
    await Effect.runPromise(server.listings.replaceWorkspace("acme", replacement));
    const after = await readPage(
      reports,
      await get(server, "/batch/acme/reports?page=2&per_page=10&include_spaces=all"),
    );
    assert.equal(after.pagination.total_count, 12);
    assert.deepEqual(after.reports, (replacement.reports as ReadonlyArray<unknown>).slice(10, 12));
    const first = await readPage(
      collections,
      await get(server, "/batch/acme/spaces?page=1&per_page=10"),
    );
    assert.deepEqual(
      first.spaces,
      (replacement.collections as ReadonlyArray<unknown>).slice(0, 10),
    );
  });
});

Deno.test("the fast path answers exactly what the HttpApi handler answers, on every resource and view", async () => {
  const paths = resources.flatMap((resource) =>
    views(resource).flatMap((all) => [
      `/batch/acme/${resource.segment}${all ? "?include_spaces=all" : ""}`,
      pagePath(resource, "acme", 1, 1000, all),
      pagePath(resource, "acme", 3, 7, all),
      `/batch/acme/${resource.segment}?per_page=10&page=2${all ? "&include_spaces=all" : ""}`,
      pagePath(resource, "acme", 4, 10, all),
      pagePath(resource, "acme", 999999999999999, 1, all),
      pagePath(resource, "other", 1, 1, all),
    ])
  );
  const answers = async (fastPath: boolean) => {
    const server = await startTestServer({ fastPath });
    try {
      const out: Array<string> = [];
      // Twice: the first pass fills the caches, the second can use them.
      for (let pass = 0; pass < 2; pass++) {
        for (const path of paths) {
          const response = await get(server, path);
          out.push(
            `${pass} ${path} ${response.status} ${
              response.headers.get("content-type")
            } ${await response.text()}`,
          );
        }
      }
      return { out, stats: server.stats() };
    } finally {
      await server.close();
    }
  };
  const fast = await answers(true);
  const slow = await answers(false);
  assert.deepEqual(fast.out, slow.out);
  assert.equal(slow.stats.fastPath, 0);
  assert.ok(fast.stats.fastPath >= paths.length, `fast path used ${fast.stats.fastPath} times`);
});
