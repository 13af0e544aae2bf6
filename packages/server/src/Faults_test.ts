import assert from "node:assert/strict";
import { members, reports, reportStats, resources } from "@mode-discovery/core";
import { SettingsError } from "./SettingsError.ts";
import {
  describeFaults,
  FaultInjector,
  type FaultSpec,
  parseFaultHeader,
  parseFaults,
} from "./Faults.ts";
import { DEV_AUTH, devSettings, get, startTestServer } from "./_testing.ts";

const spec = (text: string): FaultSpec => {
  const result = parseFaults(text);
  if (result instanceof SettingsError) throw new Error(result.message);
  return result;
};

const refused = (text: string, pattern: RegExp) => {
  const result = parseFaults(text);
  assert.ok(result instanceof SettingsError, `${JSON.stringify(text)} should be refused`);
  assert.equal(result.variable, "MODE_FAULTS");
  assert.ok(result.message.startsWith("Invalid MODE_FAULTS: "), result.message);
  assert.ok(!result.message.includes("\n"));
  assert.match(result.message, pattern);
};

Deno.test("faults: the issue's example spec parses", () => {
  assert.deepEqual(spec("503:0.1,429:0.05,reset:0.02,truncate:0.02,delay=300ms:0.1,seed=42"), {
    outcomes: [
      { outcome: { _tag: "Status", status: 503 }, probability: 0.1 },
      { outcome: { _tag: "Status", status: 429 }, probability: 0.05 },
      { outcome: { _tag: "Reset" }, probability: 0.02 },
      { outcome: { _tag: "Truncate" }, probability: 0.02 },
    ],
    delays: [{ ms: 300, probability: 0.1 }],
    seed: 42,
  });
  assert.deepEqual(spec(" 500:5% , delay=2s:1 "), {
    outcomes: [{ outcome: { _tag: "Status", status: 500 }, probability: 0.05 }],
    delays: [{ ms: 2000, probability: 1 }],
    seed: undefined,
  });
  assert.deepEqual(spec("header"), { outcomes: [], delays: [], seed: 0 });
});

Deno.test("faults: malformed specs stop start-up naming MODE_FAULTS and the entry", () => {
  refused("", /an entry is empty/);
  refused("503:0.1,,429:0.1", /an entry is empty/);
  refused("503", /"503" has no ":probability"/);
  refused("503:2", /probability of "503" is "2"; it must be from 0 to 1/);
  refused("503:-0.1", /probability of "503" is "-0.1"/);
  refused("503:abc", /probability of "503" is "abc"/);
  refused("503:150%", /probability of "503" is "150%"/);
  refused("200:0.1", /200 is not a fault status/);
  refused("418:0.1", /418 is not a fault status/);
  refused("explode:0.1", /"explode" is not a fault/);
  refused("delay:0.1", /"delay" is not a fault/);
  refused("delay=soon:0.1", /"delay=soon" has no valid duration/);
  refused("delay=5m:0.1", /longer than the 1m a delay may be/);
  refused("503:0.6,500:0.5", /failing faults add up to 1\.1, more than 1/);
  refused("delay=1s:0.7,delay=2s:0.7", /delays add up to 1\.4/);
  refused("503:0.1,503:0.2", /"503:0\.2" is listed twice/);
  refused("seed=x", /seed "x" is not a whole number/);
  refused("seed=1,seed=2", /seed is given twice/);
  refused("503:0.1,header", /header must stand alone/);
});

const ok = () => Promise.resolve(Response.json({ ok: true }));
const api = (headers: Record<string, string> = {}) =>
  new Request("http://edge.test/batch/acme/spaces?page=1", { headers });

/** The fault (or "none") each of `n` requests gets under `text`. */
const sequence = async (text: string, n: number): Promise<Array<string>> => {
  const injector = new FaultInjector(spec(text), { sleep: () => Promise.resolve() });
  const fetch = injector.wrap(ok);
  const out: Array<string> = [];
  for (let i = 0; i < n; i++) {
    const response = await fetch(api());
    await response.body?.cancel();
    out.push(response.headers.get("x-mode-fault") ?? "none");
  }
  return out;
};

Deno.test("faults: the same seed gives the same faults in the same order; another seed does not", async () => {
  const text = "503:0.2,429:0.1,reset:0.05,truncate:0.05,delay=300ms:0.3";
  const a = await sequence(`${text},seed=42`, 300);
  const b = await sequence(`${text},seed=42`, 300);
  const c = await sequence(`${text},seed=43`, 300);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // The proportions follow the probabilities (a fixed sequence, so no flakiness).
  const count = (name: string) => a.filter((f) => f.split(", ").includes(name)).length;
  assert.ok(Math.abs(count("503") - 60) < 25, `503: ${count("503")}`);
  assert.ok(Math.abs(count("429") - 30) < 18, `429: ${count("429")}`);
  assert.ok(count("reset") > 3 && count("truncate") > 3);
  assert.ok(Math.abs(count("delay=300ms") - 90) < 30, `delay: ${count("delay=300ms")}`);
});

Deno.test("faults: each injected status answers {id, message}, 429 and 503 with Retry-After", async () => {
  const injector = new FaultInjector(spec("header"));
  const fetch = injector.wrap(ok);
  for (
    const [status, id] of [
      [503, "server_error"],
      [500, "server_error"],
      [429, "rate_limited"],
      [401, "unauthorized"],
      [404, "not_found"],
    ] as const
  ) {
    const response = await fetch(api({ "x-mode-fault": String(status) }));
    assert.equal(response.status, status);
    assert.equal(response.headers.get("x-mode-fault"), String(status));
    assert.equal(
      response.headers.get("retry-after"),
      status === 429 || status === 503 ? "1" : null,
    );
    const body = await response.json();
    assert.deepEqual(Object.keys(body), ["id", "message"]);
    assert.equal(body.id, id);
    assert.match(body.message, new RegExp(`^Injected fault: HTTP ${status}\\.`));
  }
  assert.deepEqual(injector.stats().byKind, { 503: 1, 500: 1, 429: 1, 401: 1, 404: 1 });
  assert.equal(injector.stats().injected, 5);
});

Deno.test("faults: reset sends no body and truncate half of it, under the full Content-Length", async () => {
  const body = JSON.stringify({ spaces: Array.from({ length: 50 }, (_, i) => ({ id: i })) });
  const injector = new FaultInjector(spec("header"));
  const fetch = injector.wrap(() =>
    Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }))
  );
  const reset = await fetch(api({ "x-mode-fault": "reset" }));
  assert.equal(reset.status, 200);
  assert.equal(reset.headers.get("content-length"), String(body.length));
  assert.equal(await reset.text(), "");
  const cut = await fetch(api({ "x-mode-fault": "truncate" }));
  assert.equal(cut.headers.get("content-length"), String(body.length));
  const text = await cut.text();
  assert.equal(text, body.slice(0, Math.floor(body.length / 2)));
  assert.throws(() => JSON.parse(text));
  assert.deepEqual(injector.stats(), {
    injected: 2,
    delayed: 0,
    byKind: { reset: 1, truncate: 1 },
    seed: 0,
  });
});

Deno.test("faults: a delay waits, then answers normally; it is counted apart from failures", async () => {
  const waited: Array<number> = [];
  const injector = new FaultInjector(spec("header"), {
    sleep: (ms) => {
      waited.push(ms);
      return Promise.resolve();
    },
  });
  const fetch = injector.wrap(ok);
  const response = await fetch(api({ "x-mode-fault": "delay=200ms" }));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-mode-fault"), "delay=200ms");
  assert.deepEqual(await response.json(), { ok: true });
  const both = await fetch(api({ "x-mode-fault": "delay=1s, 503" }));
  assert.equal(both.status, 503);
  assert.equal(both.headers.get("x-mode-fault"), "delay=1s, 503");
  await both.body?.cancel();
  assert.deepEqual(waited, [200, 1000]);
  assert.deepEqual(injector.stats().byKind, { delay: 2, 503: 1 });
  assert.equal(injector.stats().injected, 1);
  assert.equal(injector.stats().delayed, 2);
});

Deno.test("faults: a bad X-Mode-Fault header answers 400 naming it; nothing is injected", async () => {
  const injector = new FaultInjector(spec("header"));
  const fetch = injector.wrap(ok);
  for (const value of ["boom", "200", "delay=1h", "503,429", "delay=1s,delay=2s"]) {
    const response = await fetch(api({ "x-mode-fault": value }));
    assert.equal(response.status, 400, value);
    const body = await response.json();
    assert.equal(body.id, "bad_request");
    assert.match(body.message, /^Invalid header X-Mode-Fault: /);
  }
  assert.equal(injector.stats().injected, 0);
  assert.deepEqual(parseFaultHeader("delay=50ms,reset"), {
    outcome: { _tag: "Reset" },
    delayMs: 50,
  });
});

Deno.test("faults: only GET and POST under /batch/ are touched", async () => {
  const injector = new FaultInjector(spec("503:1,seed=1"));
  const fetch = injector.wrap(ok);
  for (
    const request of [
      new Request("http://edge.test/healthz"),
      new Request("http://edge.test/docs"),
      new Request("http://edge.test/batch/acme/spaces", { method: "HEAD" }),
      new Request("http://edge.test/batch/acme/spaces", { method: "OPTIONS" }),
    ]
  ) {
    const response = await fetch(request);
    assert.equal(response.status, 200, `${request.method} ${request.url}`);
    await response.body?.cancel();
  }
  const hit = await fetch(api());
  assert.equal(hit.status, 503);
  await hit.body?.cancel();
  assert.equal(injector.stats().injected, 1);
});

Deno.test("faults: slow-above=<resource>:<size> parses, by CLI name, name or path segment", () => {
  assert.deepEqual(spec("slow-above=members:250"), {
    outcomes: [],
    delays: [],
    seed: undefined,
    slowAbove: [{ resource: members, size: 250 }],
  });
  const mixed = spec("503:0.1,slow-above=report-stats:100,slow-above=reports:999,seed=4");
  assert.deepEqual(mixed.slowAbove, [
    { resource: reportStats, size: 100 },
    { resource: reports, size: 999 },
  ]);
  assert.equal(mixed.outcomes.length, 1);
  assert.deepEqual(spec("slow-above=report_stats:5").slowAbove, [{
    resource: reportStats,
    size: 5,
  }]);
  assert.match(describeFaults(mixed), /slow-above=report-stats:100,slow-above=reports:999/);
  // Without slow-above the spec is exactly what it was.
  assert.equal("slowAbove" in spec("503:0.1"), false);
});

Deno.test("faults: a malformed slow-above is refused naming it", () => {
  refused(
    "slow-above=widgets:250",
    /"widgets" is not a resource; give slow-above=<resource>:<size>.*members/,
  );
  refused("slow-above=members", /"slow-above=members" has no ":size"/);
  refused(
    "slow-above=members:0",
    /the size of "slow-above=members:0" is not a whole number from 1 to 999/,
  );
  refused("slow-above=members:1000", /from 1 to 999/);
  refused("slow-above=members:many", /from 1 to 999/);
  refused("slow-above=members:5,slow-above=members:9", /slow-above is given twice for members/);
});

Deno.test("faults: slow-above fails every request of that resource above the size with a 503 backend read error", async () => {
  const server = await startTestServer({
    settings: devSettings([{ workspace: "acme", count: 25 }], {
      faults: spec("slow-above=members:2,seed=1"),
    }),
  });
  try {
    for (
      const path of [
        "/batch/acme/members",
        "/batch/acme/members?per_page=3",
        "/BATCH/acme/Members/?page=2&per_page=1000",
      ]
    ) {
      const response = await get(server, path);
      assert.equal(response.status, 503, path);
      assert.equal(response.headers.get("retry-after"), "1");
      assert.equal(response.headers.get("x-mode-fault"), "slow-above=members:2");
      const body = await response.json();
      assert.equal(body.id, "server_error");
      assert.match(body.message, /^Backend read error: reading members \d+ at a time timed out\./);
      assert.match(body.message, /ask for per_page 2 or less\.$/);
    }
    for (
      const path of ["/batch/acme/members?per_page=2", "/batch/acme/members?per_page=1&page=3"]
    ) {
      const response = await get(server, path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get("x-mode-fault"), null);
      await response.body?.cancel();
    }
    // Other resources are untouched; a bad per_page is still the 400 naming it.
    for (const resource of resources.filter((r) => r !== members)) {
      const response = await get(server, `/batch/acme/${resource.segment}?per_page=1000`);
      assert.equal(response.status, 200, resource.name);
      await response.body?.cancel();
    }
    const bad = await get(server, "/batch/acme/members?per_page=abc");
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const stats = server.stats().faults!;
    assert.equal(stats.injected, 3);
    assert.deepEqual(stats.byKind, { "slow-above": 3 });
  } finally {
    await server.close();
  }
});

Deno.test("faults: X-Mode-Fault asks for slow-above on one request", async () => {
  const server = await startTestServer({
    settings: devSettings([{ workspace: "acme", count: 25 }], { faults: spec("header") }),
  });
  try {
    const ask = (path: string, fault: string) =>
      server.fetch(
        new Request(`http://server.test${path}`, {
          headers: {
            authorization: DEV_AUTH,
            "x-mode-fault": fault,
          },
        }),
      );
    const slow = await ask("/batch/acme/reports?per_page=100", "slow-above=reports:50");
    assert.equal(slow.status, 503);
    await slow.body?.cancel();
    const small = await ask("/batch/acme/reports?per_page=50", "slow-above=reports:50");
    assert.equal(small.status, 200);
    await small.body?.cancel();
    const other = await ask("/batch/acme/queries?per_page=100", "slow-above=reports:50");
    assert.equal(other.status, 200);
    await other.body?.cancel();
    const bad = await ask("/batch/acme/reports", "slow-above=nope:5");
    assert.equal(bad.status, 400);
    assert.match(
      (await bad.json()).message,
      /^Invalid header X-Mode-Fault: "nope" is not a resource/,
    );
    assert.deepEqual(parseFaultHeader("slow-above=members:250, delay=10ms"), {
      delayMs: 10,
      slowAbove: { resource: members, size: 250 },
    });
  } finally {
    await server.close();
  }
});
