import assert from "node:assert/strict";
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from "./_retry.ts";

Deno.test("isRetryableStatus: 408, 429, 500, 502, 503, 504 for GET; only 408 and 429 for POST", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    assert.equal(isRetryableStatus(status, "GET"), true, String(status));
  }
  for (const status of [200, 301, 400, 401, 403, 404, 405, 409, 501, 505, 507]) {
    assert.equal(isRetryableStatus(status, "GET"), false, String(status));
  }
  assert.equal(isRetryableStatus(429, "POST"), true);
  assert.equal(isRetryableStatus(408, "POST"), true);
  assert.equal(isRetryableStatus(503, "POST"), false);
  assert.equal(isRetryableStatus(500, "POST"), false);
});

Deno.test("parseRetryAfter: seconds, HTTP dates, junk", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  assert.equal(parseRetryAfter("7", now), 7);
  assert.equal(parseRetryAfter(" 120 ", now), 120);
  assert.equal(parseRetryAfter("0", now), 0);
  assert.equal(parseRetryAfter("1.5", now), 1);
  assert.equal(parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", now), 30);
  assert.equal(parseRetryAfter("Sun, 01 Mar 2026 12:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("Sat, 28 Feb 2026 12:00:00 GMT", now), 0, "a date in the past");
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("", now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter("-5", now), undefined);
  assert.equal(parseRetryAfter("12abc", now), undefined);
});

Deno.test("retryDelayMs: Retry-After honoured and capped; otherwise exponential backoff with full jitter", () => {
  const settings = { backoffBaseMs: 100, backoffMaxMs: 1000, maxRetryAfterSeconds: 60 };
  assert.equal(retryDelayMs(1, 5, settings, 0.9), 5000);
  assert.equal(retryDelayMs(1, 0, settings, 0.9), 0);
  assert.equal(retryDelayMs(3, 3600, settings, 0.5), 60_000, "capped");
  // Full jitter: anywhere from 0 to the exponential ceiling.
  assert.equal(retryDelayMs(1, undefined, settings, 0), 0);
  assert.equal(retryDelayMs(1, undefined, settings, 0.999), 99);
  assert.equal(retryDelayMs(2, undefined, settings, 0.5), 100);
  assert.equal(retryDelayMs(3, undefined, settings, 0.5), 200);
  assert.equal(retryDelayMs(4, undefined, settings, 0.999), 799);
  assert.equal(retryDelayMs(5, undefined, settings, 0.999), 999, "ceiling capped at backoffMaxMs");
  assert.equal(retryDelayMs(80, undefined, settings, 0.5), 500, "no overflow on huge retry counts");
});
