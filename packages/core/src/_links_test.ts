import assert from "node:assert/strict";
import { PaginationError } from "./DiscoveryError.ts";
import { linkKey, resolveLink } from "./_links.ts";

const base = new URL("http://127.0.0.1:8787");

Deno.test("resolveLink: relative hrefs resolve against the base URL", () => {
  const url = resolveLink("/batch/acme/spaces?page=2&per_page=10", base);
  assert.ok(url instanceof URL);
  assert.equal(url.href, "http://127.0.0.1:8787/batch/acme/spaces?page=2&per_page=10");
  const absolute = resolveLink("http://127.0.0.1:8787/batch/acme/spaces?page=3#frag", base);
  assert.ok(absolute instanceof URL);
  assert.equal(absolute.hash, "", "fragments are dropped");
});

Deno.test("resolveLink: another scheme, host or port is refused as cross-origin", () => {
  for (
    const href of [
      "https://127.0.0.1:8787/batch/acme/spaces?page=2",
      "http://localhost:8787/batch/acme/spaces?page=2",
      "http://127.0.0.1:8788/batch/acme/spaces?page=2",
      "http://127.0.0.1/batch/acme/spaces?page=2",
      "//evil.example/batch/acme/spaces?page=2",
      "javascript:alert(1)",
      "data:text/plain,hi",
      "file:///etc/passwd",
    ]
  ) {
    const result = resolveLink(href, base);
    assert.ok(result instanceof PaginationError, href);
    assert.equal(result.reason, "cross-origin", href);
    assert.equal(result.href, href);
    assert.match(result.message, /Nothing was sent there/);
  }
});

Deno.test("resolveLink: unparsable hrefs and hrefs with credentials are refused", () => {
  const bad = resolveLink("http://[::1", base);
  assert.ok(bad instanceof PaginationError);
  assert.equal(bad.reason, "invalid-href");
  const creds = resolveLink("http://user:pw@127.0.0.1:8787/batch/acme/spaces", base);
  assert.ok(creds instanceof PaginationError);
  assert.equal(creds.reason, "invalid-href");
  assert.ok(!creds.message.includes("pw"));
  assert.ok(!(creds.href ?? "").includes("pw"));
});

Deno.test("resolveLink: redirects resolve against the request URL", () => {
  const url = resolveLink("?page=2", base, {
    against: new URL("http://127.0.0.1:8787/batch/acme/spaces?page=1"),
    via: "redirect",
  });
  assert.ok(url instanceof URL);
  assert.equal(url.href, "http://127.0.0.1:8787/batch/acme/spaces?page=2");
  const away = resolveLink("https://elsewhere.example/", base, { via: "redirect" });
  assert.ok(away instanceof PaginationError);
  assert.match(away.message, /redirect \(Location\)/);
  assert.match(away.message, /MODE_BASE_URL/);
});

Deno.test("linkKey: the same page however its query is written", () => {
  const key = (href: string) => linkKey(new URL(href, base));
  assert.equal(
    key("/batch/acme/spaces?page=2&per_page=10"),
    key("/batch/acme/spaces?per_page=10&page=2"),
  );
  assert.equal(
    key("/batch/acme/spaces?page=02&per_page=10"),
    key("/batch/acme/spaces?page=2&per_page=10"),
  );
  assert.equal(key("/batch/acme/spaces"), key("/batch/acme/spaces?page=1&per_page=1000"));
  assert.notEqual(
    key("/batch/acme/spaces?page=2&per_page=10"),
    key("/batch/acme/spaces?page=3&per_page=10"),
  );
  assert.notEqual(
    key("/batch/acme/spaces?page=2&per_page=10"),
    key("/batch/acme/spaces?page=2&per_page=20"),
  );
  assert.notEqual(key("/other?page=2"), key("/other?page=3"));
});

Deno.test("parsePageHref (core) applies the defaults of absent parameters", async () => {
  const { parsePageHref } = await import("./Pagination.ts");
  assert.deepEqual(parsePageHref("/batch/acme/spaces"), {
    segment: "spaces",
    workspace: "acme",
    page: 1,
    per_page: 1000,
  });
  assert.deepEqual(parsePageHref("/batch/acme/spaces?page=2"), {
    segment: "spaces",
    workspace: "acme",
    page: 2,
    per_page: 1000,
  });
});
