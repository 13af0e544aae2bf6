import assert from "node:assert/strict";
import { SettingsError } from "./SettingsError.ts";
import { KvRateLimitStore } from "./KvRateLimitStore.ts";
import {
  parseRateLimit,
  type RateDecision,
  rateLimitedResponse,
  RateLimiter,
  RateLimitStore,
} from "./RateLimit.ts";

const refused = (text: string, pattern: RegExp) => {
  const result = parseRateLimit(text);
  assert.ok(result instanceof SettingsError, `${text} should be refused`);
  assert.equal(result.variable, "MODE_RATE_LIMIT");
  assert.ok(result.message.startsWith("Invalid MODE_RATE_LIMIT: "), result.message);
  assert.match(result.message, pattern);
};

Deno.test("rate limit: MODE_RATE_LIMIT specs parse", () => {
  assert.deepEqual(parseRateLimit("40/10s"), { limit: 40, windowMs: 10_000 });
  assert.deepEqual(parseRateLimit(" 100 / s "), { limit: 100, windowMs: 1000 });
  assert.deepEqual(parseRateLimit("1000/1m"), { limit: 1000, windowMs: 60_000 });
  assert.deepEqual(parseRateLimit("5/1500ms"), { limit: 5, windowMs: 1500 });
  assert.equal(parseRateLimit("off"), undefined);
});

Deno.test("rate limit: malformed specs are refused naming MODE_RATE_LIMIT and the problem", () => {
  refused("40", /has no "\/"/);
  refused("forty/10s", /request count "forty" is not a whole number/);
  refused("0/10s", /request count "0"/);
  refused("2000000/10s", /more than 1000000/);
  refused("40/10", /window "10" is not a duration/);
  refused("40/10 seconds", /not a duration/);
  refused("40/500ms", /window 500ms is out of range/);
  refused("40/2d", /not a duration/);
});

const clock = (start = 1_000_000) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const decide = async (limiter: RateLimiter, token: string, times: number) => {
  const decisions = await Promise.all(
    Array.from({ length: times }, () => Promise.resolve(limiter.check(token))),
  );
  return {
    allowed: decisions.filter((d) => d.allowed).length,
    refused: decisions.filter((d): d is Extract<RateDecision, { allowed: false }> => !d.allowed),
  };
};

Deno.test("rate limit: a token hammering in parallel gets exactly the limit; others are unaffected", async () => {
  const time = clock(1_000_000);
  const limiter = new RateLimiter({ limit: 40, windowMs: 10_000 }, RateLimitStore.memory(), {
    now: time.now,
  });
  const hammer = await decide(limiter, "hammer", 500);
  assert.equal(hammer.allowed, 40);
  assert.equal(hammer.refused.length, 460);
  // 1_000_000 is 0 ms into its window: 10 s to wait.
  assert.ok(hammer.refused.every((d) => d.retryAfterSeconds === 10));
  const calm = await decide(limiter, "calm", 40);
  assert.equal(calm.allowed, 40, "another token has its own budget");
  assert.equal(limiter.refused, 460);
  time.advance(7_500);
  const later = await decide(limiter, "hammer", 5);
  assert.equal(later.allowed, 0);
  assert.equal(later.refused[0].retryAfterSeconds, 3, "Retry-After counts to the window's end");
  time.advance(2_500);
  assert.equal((await decide(limiter, "hammer", 60)).allowed, 40, "the next window starts afresh");
});

Deno.test("rate limit: instances sharing one KV never allow more than the limit together", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const time = clock(5_000_000);
    const spec = { limit: 37, windowMs: 10_000 };
    // Three "isolates": separate limiters, one KV.
    const limiters = [0, 1, 2].map((i) =>
      new RateLimiter(spec, KvRateLimitStore.make(kv), { now: time.now, lease: 2 + i })
    );
    const results = await Promise.all(
      limiters.flatMap((limiter) => [decide(limiter, "shared", 60), decide(limiter, "other", 5)]),
    );
    const shared = results.filter((_, i) => i % 2 === 0).reduce((n, r) => n + r.allowed, 0);
    const other = results.filter((_, i) => i % 2 === 1).reduce((n, r) => n + r.allowed, 0);
    assert.ok(shared <= 37, `allowed ${shared} of a limit of 37`);
    // Each instance holds back at most lease - 1 unused (here 1 + 2 + 3).
    assert.ok(shared >= 37 - 6, `allowed only ${shared}`);
    assert.equal(other, 15, "a token under its limit is never refused");
    const stored = await kv.get<number>(["mode-discovery", "rate", "shared", 500]);
    assert.ok(stored.value !== null && stored.value <= 37);
  } finally {
    kv.close();
  }
});

Deno.test("rate limit: a failing store lets requests through and says so once per window", async () => {
  const lines: Array<string> = [];
  const failing: RateLimitStore = {
    reserve: () => Promise.reject(new Error("KV is down")),
  };
  const limiter = new RateLimiter({ limit: 10, windowMs: 10_000 }, failing, {
    now: () => 0,
    onStoreError: (line) => lines.push(line),
  });
  assert.equal((await decide(limiter, "t", 30)).allowed, 30);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /MODE_RATE_LIMIT: the rate-limit store failed.*KV is down/);
});

Deno.test("rate limit: odd tokens are keyed by their hash, never used raw as KV keys", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10_000 }, KvRateLimitStore.make(kv), {
      now: () => 0,
    });
    const long = "x".repeat(5000);
    assert.equal((await limiter.check(long)).allowed, true);
    assert.equal((await limiter.check(long)).allowed, false);
    const keys: Array<Deno.KvKey> = [];
    for await (const entry of kv.list({ prefix: ["mode-discovery", "rate"] })) keys.push(entry.key);
    assert.equal(keys.length, 1);
    assert.match(String(keys[0][2]), /^sha256:[0-9a-f]{64}$/);
  } finally {
    kv.close();
  }
});

Deno.test("rate limit: the 429 answer is core's rate_limited body with Retry-After", async () => {
  const response = rateLimitedResponse({ limit: 40, windowMs: 10_000 }, 7);
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "7");
  assert.equal(response.headers.get("content-type"), "application/json");
  const body = await response.json();
  assert.deepEqual(Object.keys(body), ["id", "message"]);
  assert.equal(body.id, "rate_limited");
  assert.match(body.message, /40 requests per 10s\. Retry after 7 seconds/);
});
