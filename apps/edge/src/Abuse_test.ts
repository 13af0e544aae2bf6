/**
 * Bad input and abuse over a real socket: oversized headers and bodies, a
 * disallowed-origin preflight, a token hammering in parallel, dropped and
 * truncated answers as a client sees them.
 */
import assert from "node:assert/strict";
import * as Redacted from "effect/Redacted";
import * as Effect from "effect/Effect";
import { MAX_HEADER_BYTES, parseCorsOrigins, parseFaults } from "@mode-discovery/server";
import {
  ADMIN_AUTH,
  bearer,
  DEV_AUTH,
  devSettings,
  expectError,
} from "@mode-discovery/server/testing";
import { EdgeSettings } from "./EdgeSettings.ts";
import { startEdgeServer } from "./EdgeServer.ts";

const cors = parseCorsOrigins("http://page.localhost:8000");
const faults = parseFaults("header");
if (cors instanceof Error || faults instanceof Error) throw new Error("bad test settings");

const server = await startEdgeServer({
  port: 0,
  settings: EdgeSettings.make(devSettings([{ workspace: "acme", count: 40 }], {
    corsOrigins: cors,
    faults,
    rateLimit: { limit: 20, windowMs: 60_000 },
  })),
  log: () => {},
});
await Effect.runPromise(server.handler.credentials.putSignatureToken("acme", {
  token: "calmtoken002",
  accessKey: "calmkey",
  accessSecret: Redacted.make("calm-secret"),
  name: "calm",
  creatorId: 1,
  organizationId: 1,
  expiresAt: null,
}));
const CALM = bearer("calmtoken002", "calmkey", "calm-secret");
const url = (path: string) => `${server.url}${path}`;

Deno.test("abuse: a request with oversized headers answers 431 naming the limit", async () => {
  const response = await fetch(url("/batch/acme/spaces"), {
    headers: { authorization: CALM, "x-padding": "a".repeat(MAX_HEADER_BYTES + 100) },
  });
  await expectError(
    response,
    431,
    "bad_request",
    /^The request headers are \d+ bytes, more than the 16384 allowed/,
  );
});

Deno.test("abuse: headers too big for the HTTP server itself are refused, never a 5xx", async () => {
  const response = await fetch(url("/batch/acme/spaces"), {
    headers: { authorization: CALM, "x-padding": "a".repeat(200_000) },
  });
  await response.body?.cancel();
  assert.ok(response.status === 400 || response.status === 431, `got ${response.status}`);
});

Deno.test("abuse: an oversized body is refused, declared or streamed", async () => {
  const big = JSON.stringify({ signature_token: { name: "x".repeat(100_000) } });
  const declared = await fetch(url("/batch/acme/signature_tokens"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: big,
  });
  await expectError(declared, 400, "bad_request", /larger than 65536 bytes/);
  const streamed = await fetch(url("/batch/acme/signature_tokens"), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: ADMIN_AUTH },
    body: ReadableStream.from([new TextEncoder().encode(big)]),
  });
  await expectError(streamed, 400, "bad_request", /larger than 65536 bytes/);
  const small = await fetch(url("/batch/acme/signature_tokens"), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: ADMIN_AUTH },
    body: ReadableStream.from([new TextEncoder().encode("{}")]),
  });
  await expectError(small, 400, "bad_request", /signature_token/);
});

Deno.test("abuse: a preflight from a disallowed origin gets no CORS allow headers", async () => {
  const response = await fetch(url("/batch/acme/spaces"), {
    method: "OPTIONS",
    headers: {
      origin: "http://evil.localhost:8000",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
    },
  });
  await expectError(response, 403, "forbidden", /may not call this API from a browser/);
  assert.equal(response.headers.get("access-control-allow-origin"), null);
  assert.equal(response.headers.get("access-control-allow-credentials"), null);
});

Deno.test("abuse: a token hammering in parallel over the socket gets its limit; another token is unaffected", async () => {
  const hammer = await Promise.all(
    Array.from(
      { length: 80 },
      () => fetch(url("/batch/acme/spaces?per_page=5"), { headers: { authorization: DEV_AUTH } }),
    ),
  );
  const statuses = await Promise.all(hammer.map(async (r) => {
    await r.text();
    return r.status;
  }));
  assert.equal(statuses.filter((s) => s === 200).length, 20);
  assert.equal(statuses.filter((s) => s === 429).length, 60);
  const limited = hammer.find((r) => r.status === 429)!;
  const wait = Number(limited.headers.get("retry-after"));
  assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  const calm = await fetch(url("/batch/acme/spaces?per_page=5"), {
    headers: { authorization: CALM },
  });
  assert.equal(calm.status, 200);
  assert.equal((await calm.json()).spaces.length, 5);
});

Deno.test("abuse: a dropped connection and a truncated body are network errors to a client", async () => {
  for (const fault of ["reset", "truncate"]) {
    const response = await fetch(url("/batch/acme/spaces?per_page=40"), {
      headers: { authorization: CALM, "x-mode-fault": fault },
    });
    assert.equal(response.headers.get("x-mode-fault"), fault);
    await assert.rejects(() => response.text(), /error reading a body from connection/);
  }
  const stats = server.handler.stats().faults!;
  assert.equal(stats.byKind.reset, 1);
  assert.equal(stats.byKind.truncate, 1);
  // The connection was closed, not left half-used: the next request works.
  const next = await fetch(url("/batch/acme/spaces?per_page=1"), {
    headers: { authorization: CALM },
  });
  assert.equal(next.status, 200);
  await next.text();
});

Deno.test({ name: "abuse: (close the server)", fn: () => server.close() });
