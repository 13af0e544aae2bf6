import assert from "node:assert/strict";
import { SettingsError } from "./SettingsError.ts";
import { type CorsOrigins, parseCorsOrigins, withCors } from "./Cors.ts";

const origins = (text: string): CorsOrigins => {
  const result = parseCorsOrigins(text);
  if (result instanceof SettingsError) throw new Error(result.message);
  return result;
};

const refused = (text: string, pattern: RegExp) => {
  const result = parseCorsOrigins(text);
  assert.ok(result instanceof SettingsError, `${text} should be refused`);
  assert.equal(result.variable, "MODE_CORS_ORIGINS");
  assert.ok(result.message.startsWith("Invalid MODE_CORS_ORIGINS: "));
  assert.match(result.message, pattern);
};

Deno.test("cors: MODE_CORS_ORIGINS parses origins and *; anything else is refused", () => {
  assert.deepEqual(origins("*"), { _tag: "Any" });
  assert.deepEqual(
    origins(" https://App.Example.com , http://localhost:5173/ , http://a.test:80"),
    {
      _tag: "List",
      origins: new Set(["https://app.example.com", "http://localhost:5173", "http://a.test"]),
    },
  );
  refused("localhost:5173", /"localhost:5173" is not an http\(s\) origin/);
  refused("ftp://files.example.com", /not an http\(s\) origin/);
  refused("https://app.example.com/path", /has a path, query or user name/);
  refused("https://app.example.com?x=1", /has a path, query or user name/);
  refused("https://a.test,,https://b.test", /an entry is empty/);
  refused("https://a.test,*", /\* must stand alone/);
});

const API = "http://edge.test/batch/acme/spaces";
const ALLOWED = "http://page.localhost:5173";
const next = () =>
  Promise.resolve(Response.json({ ok: true }, { headers: { "retry-after": "1" } }));
const preflight = (origin: string, requestHeaders = "authorization,content-type,accept") =>
  new Request(API, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "GET",
      "access-control-request-headers": requestHeaders,
    },
  });

Deno.test("cors: a preflight from an allowed origin may send Authorization with credentials", async () => {
  const fetch = withCors(next, origins(ALLOWED));
  const response = await fetch(preflight(ALLOWED));
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("access-control-allow-origin"), ALLOWED);
  assert.equal(response.headers.get("access-control-allow-credentials"), "true");
  assert.equal(response.headers.get("access-control-allow-methods"), "GET, HEAD, POST");
  const allowed = response.headers.get("access-control-allow-headers")!.toLowerCase().split(", ");
  for (const header of ["authorization", "content-type", "accept"]) {
    assert.ok(allowed.includes(header));
  }
  assert.equal(response.headers.get("vary"), "Origin");
});

Deno.test("cors: a preflight from a disallowed origin gets no allow headers", async () => {
  const fetch = withCors(next, origins(ALLOWED));
  for (const origin of ["http://evil.localhost:5173", "null", "http://page.localhost:5174"]) {
    const response = await fetch(preflight(origin));
    assert.equal(response.status, 403);
    for (const [name] of response.headers) {
      assert.ok(!name.startsWith("access-control-"), `${origin} got ${name}`);
    }
    const body = await response.json();
    assert.equal(body.id, "forbidden");
    assert.match(body.message, /may not call this API from a browser.*MODE_CORS_ORIGINS/);
  }
});

Deno.test("cors: answers to an allowed origin name it and expose Retry-After; others do not", async () => {
  const fetch = withCors(next, origins(ALLOWED));
  const allowed = await fetch(new Request(API, { headers: { origin: ALLOWED } }));
  assert.equal(allowed.headers.get("access-control-allow-origin"), ALLOWED);
  assert.equal(allowed.headers.get("access-control-allow-credentials"), "true");
  assert.match(allowed.headers.get("access-control-expose-headers")!, /Retry-After/);
  assert.equal(allowed.headers.get("vary"), "Origin");
  await allowed.body?.cancel();
  const other = await fetch(new Request(API, { headers: { origin: "http://evil.test" } }));
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  assert.equal(other.headers.get("vary"), "Origin");
  await other.body?.cancel();
  const plain = await fetch(new Request(API, { method: "OPTIONS" }));
  assert.equal(plain.headers.get("access-control-allow-origin"), null, "not a preflight");
  await plain.body?.cancel();
});

Deno.test("cors: * echoes whatever origin asks, never a literal *", async () => {
  const fetch = withCors(next, origins("*"));
  const response = await fetch(preflight("https://anywhere.example"));
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("access-control-allow-origin"), "https://anywhere.example");
});
