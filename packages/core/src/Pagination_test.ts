import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import fc from "fast-check";
import { collections, members, reports, reportStats, resources } from "./Resources.ts";
import {
  MAX_PER_PAGE,
  pageHref,
  pageLinks,
  PageRequest,
  PageRequestFromQuery,
  PageRequestWithSpacesFromQuery,
  pageSlice,
  paginationInfo,
  parsePageHref,
  totalPages,
} from "./Pagination.ts";

Deno.test("the documented example: 4,146 collections at 1,000 a page", () => {
  assert.deepEqual(paginationInfo({ page: 1, perPage: 1000, totalCount: 4146 }), {
    page: 1,
    per_page: 1000,
    count: 1000,
    total_pages: 5,
    total_count: 4146,
  });
  assert.deepEqual(
    pageLinks({ route: collections, workspace: "{workspace}", page: 1, perPage: 1000 }, 5),
    {
      next_page: { href: "/batch/%7Bworkspace%7D/spaces?page=2&per_page=1000" },
      prev_page: { href: "/batch/%7Bworkspace%7D/spaces?page=1&per_page=1000" },
    },
  );
  assert.deepEqual(
    pageLinks({ route: collections, workspace: "acme", page: 1, perPage: 1000 }, 5),
    {
      next_page: { href: "/batch/acme/spaces?page=2&per_page=1000" },
      prev_page: { href: "/batch/acme/spaces?page=1&per_page=1000" },
    },
  );
  assert.deepEqual(paginationInfo({ page: 5, perPage: 1000, totalCount: 4146 }).count, 146);
});

Deno.test("last-page next_page follows each quirk", async (t) => {
  const base = { route: collections, workspace: "acme", page: 5, perPage: 1000 } as const;
  const prev = { href: "/batch/acme/spaces?page=4&per_page=1000" };
  await t.step("past-end (default) points one page past the end", () => {
    assert.deepEqual(pageLinks(base, 5), {
      next_page: { href: "/batch/acme/spaces?page=6&per_page=1000" },
      prev_page: prev,
    });
  });
  await t.step("past-end keeps pointing further from a page past the end", () => {
    assert.deepEqual(pageLinks({ ...base, page: 6 }, 5).next_page, {
      href: "/batch/acme/spaces?page=7&per_page=1000",
    });
  });
  await t.step("self points at the last page itself", () => {
    assert.deepEqual(pageLinks(base, 5, "self"), {
      next_page: { href: "/batch/acme/spaces?page=5&per_page=1000" },
      prev_page: prev,
    });
  });
  await t.step("omit leaves next_page out", () => {
    assert.deepEqual(pageLinks(base, 5, "omit"), { prev_page: prev });
  });
});

Deno.test("an empty workspace has 0 pages and page 1 holds nothing", () => {
  assert.equal(totalPages(0, 1000), 0);
  assert.deepEqual(paginationInfo({ page: 1, perPage: 10, totalCount: 0 }), {
    page: 1,
    per_page: 10,
    count: 0,
    total_pages: 0,
    total_count: 0,
  });
});

const countAndPerPage = fc.tuple(
  fc.integer({ min: 0, max: 20_000 }),
  fc.integer({ min: 1, max: MAX_PER_PAGE }),
);

Deno.test("property: every collection lands on exactly one page", () => {
  fc.assert(
    fc.property(countAndPerPage, ([count, perPage]) => {
      const pages = totalPages(count, perPage);
      const seen = new Uint8Array(count);
      for (let page = 1; page <= pages + 1; page++) {
        const { start, end } = pageSlice(page, perPage, count);
        assert.ok(end - start <= perPage);
        for (let i = start; i < end; i++) seen[i]++;
        if (page === pages + 1) assert.equal(end - start, 0, "a page past the end is empty");
      }
      assert.ok(seen.every((n) => n === 1));
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: total_pages is 0 only for an empty workspace, and pages are full but the last", () => {
  fc.assert(
    fc.property(countAndPerPage, ([count, perPage]) => {
      const pages = totalPages(count, perPage);
      assert.equal(pages === 0, count === 0);
      for (let page = 1; page < pages; page++) {
        assert.equal(paginationInfo({ page, perPage, totalCount: count }).count, perPage);
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: links of every resource round-trip through the query schemas", () => {
  const workspace = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,29}$/);
  fc.assert(
    fc.property(
      fc.constantFrom(...resources),
      workspace,
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: MAX_PER_PAGE }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.constantFrom("past-end", "self", "omit" as const),
      fc.boolean(),
      (route, ws, page, perPage, pages, quirk, all) => {
        const includeSpaces = all ? "all" as const : undefined;
        const links = pageLinks(
          { route, workspace: ws, page, perPage, includeSpaces },
          pages,
          quirk,
        );
        for (const link of [links.next_page, links.prev_page]) {
          if (link === undefined) continue;
          const parsed = parsePageHref(link.href);
          assert.ok(parsed, link.href);
          assert.equal(parsed.segment, route.segment);
          assert.equal(parsed.workspace, ws);
          assert.equal(parsed.per_page, perPage);
          const kept = route.includeSpaces ? includeSpaces : undefined;
          assert.equal(parsed.include_spaces, kept, link.href);
          const url = new URL(link.href, "http://x");
          const request = Schema.decodeUnknownSync(PageRequestWithSpacesFromQuery)(
            Object.fromEntries(url.searchParams),
          );
          assert.deepEqual(request, {
            page: parsed.page,
            per_page: perPage,
            ...(kept === undefined ? {} : { include_spaces: kept }),
          });
          assert.equal(
            pageHref({
              route,
              workspace: ws,
              page: request.page,
              perPage: request.per_page,
              includeSpaces: request.include_spaces,
            }),
            link.href,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("hrefs keep page, per_page and include_spaces in that order, where the resource takes it", () => {
  assert.equal(
    pageHref({ route: reports, workspace: "acme", page: 2, perPage: 1000, includeSpaces: "all" }),
    "/batch/acme/reports?page=2&per_page=1000&include_spaces=all",
  );
  assert.equal(
    pageHref({ route: reportStats, workspace: "acme", page: 1, perPage: 5 }),
    "/batch/acme/report_stats?page=1&per_page=5",
  );
  for (const route of [collections, members]) {
    assert.equal(
      pageHref({ route, workspace: "acme", page: 3, perPage: 10, includeSpaces: "all" }),
      `/batch/acme/${route.segment}?page=3&per_page=10`,
      "collections and members ignore include_spaces",
    );
  }
});

Deno.test("include_spaces takes exactly all", () => {
  assert.deepEqual(
    Schema.decodeUnknownSync(PageRequestWithSpacesFromQuery)({ include_spaces: "all" }),
    { page: 1, per_page: 1000, include_spaces: "all" },
  );
  for (const bad of ["ALL", "none", "", "true"]) {
    assert.equal(
      Schema.decodeUnknownExit(PageRequestWithSpacesFromQuery)({ include_spaces: bad })._tag,
      "Failure",
      `include_spaces=${bad}`,
    );
  }
  assert.equal(
    Schema.decodeUnknownExit(PageRequestWithSpacesFromQuery)({ include_spaces: ["all", "all"] })
      ._tag,
    "Failure",
    "given twice",
  );
});

Deno.test("PageRequest applies defaults and bounds", () => {
  assert.deepEqual(Schema.decodeUnknownSync(PageRequest)({}), { page: 1, per_page: 1000 });
  assert.deepEqual(Schema.decodeUnknownSync(PageRequestFromQuery)({ per_page: "1000" }), {
    page: 1,
    per_page: 1000,
  });
  for (const bad of ["0", "-1", "1001", "abc", "1.5", ""]) {
    assert.equal(
      Schema.decodeUnknownExit(PageRequestFromQuery)({ per_page: bad })._tag,
      "Failure",
      `per_page=${bad}`,
    );
  }
  for (const bad of ["0", "-1", "abc"]) {
    assert.equal(
      Schema.decodeUnknownExit(PageRequestFromQuery)({ page: bad })._tag,
      "Failure",
      `page=${bad}`,
    );
  }
});

Deno.test("parsePageHref refuses hrefs that are not page links", () => {
  assert.equal(parsePageHref("/batch/acme/reports/x?page=2"), undefined);
  assert.equal(parsePageHref("/api/acme/reports?page=2"), undefined);
  assert.equal(parsePageHref("/batch/acme/spaces?page=0&per_page=10"), undefined);
  assert.equal(parsePageHref("/batch/acme/spaces?page=1&per_page=5000"), undefined);
  assert.equal(parsePageHref("/batch/acme/reports?include_spaces=none"), undefined);
  assert.deepEqual(parsePageHref("https://app.mode.com/batch/acme/spaces?page=3&per_page=7"), {
    segment: "spaces",
    workspace: "acme",
    page: 3,
    per_page: 7,
  });
});

Deno.test("every page schema decodes a page without _links as having none", () => {
  for (const resource of resources) {
    const page = Schema.decodeUnknownSync(resource.page)({
      pagination: { page: 1, per_page: 1000, count: 0, total_pages: 0, total_count: 0 },
      [resource.segment]: [],
    });
    assert.deepEqual(page._links, {}, resource.name);
  }
});
