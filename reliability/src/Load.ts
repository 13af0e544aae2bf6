/**
 * Load on loopback with wrk: the edge server process (`apps/edge/serve.ts`,
 * as `deno task serve` runs it) under many concurrent connections, cycling
 * through the pages of every resource route, must answer every request;
 * with a rate limit set, the token over it gets 429s while other tokens
 * keep getting every page.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  base64Encode,
  collections,
  pageHref,
  resources,
  SIGNATURE_TOKENS_PATH,
  workspacePath,
} from "@mode-discovery/core";
import { run, startEdgeProcess } from "./Processes.ts";

/** The wrk script (statuses counted, one JSON line printed at the end). */
export const LOAD_SCRIPT: string = new URL("../load.lua", import.meta.url).pathname;

/** The signature token that drives the load (and, with a rate limit, goes over it). */
export const LOAD_DEV = {
  token: "load-token-0c1f",
  accessKey: "load-key-77d2",
  accessSecret: "load-secret-4be9",
} as const;

/** The admin key used to create the other tokens. */
export const LOAD_ADMIN = { apiKey: "load-admin-a1", apiSecret: "load-admin-secret-b2" } as const;

/** What one wrk run measured. */
export interface WrkResult {
  readonly requests: number;
  readonly durationSec: number;
  readonly requestsPerSec: number;
  /** Socket errors: connect, read, write, timeout. */
  readonly socketErrors: number;
  /** Answers by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Requests sent per route path. */
  readonly sent: Readonly<Record<string, number>>;
}

/** One route wrk cycles through: its path and how many pages it has. */
export interface LoadRoute {
  readonly path: string;
  readonly pages: number;
}

/** The wrk binary, or a clear error when it is not installed. */
export const findWrk = (): string => {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin").split(":")) {
    try {
      const path = `${dir}/wrk`;
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  throw new Error(
    "wrk is not installed, and the load test needs it (an in-process loop cannot load the server " +
      "the same way). Install it: `apt-get install -y wrk` (Debian/Ubuntu; in CI, add it to .ci/setup).",
  );
};

/** Options of one wrk run. */
export interface WrkOptions {
  readonly url: string;
  readonly routes: ReadonlyArray<LoadRoute>;
  readonly perPage: number;
  readonly authorization: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationSec: number;
}

/** `LOAD_ROUTES` of the wrk script: `path:pages` pairs separated by commas. */
const routesSetting = (routes: ReadonlyArray<LoadRoute>): string =>
  routes.map((r) => `${r.path}:${r.pages}`).join(",");

/** The wrk command line of a run (the Authorization header shown as `$AUTH`). */
export const wrkCommand = (o: WrkOptions): string =>
  `LOAD_ROUTES=${routesSetting(o.routes)} LOAD_PER_PAGE=${o.perPage} ` +
  `LOAD_AUTH="$AUTH" wrk -t${o.threads} -c${o.connections} -d${o.durationSec}s --latency ` +
  `-s reliability/load.lua ${o.url}`;

/** Runs wrk once and reads its JSON line. */
export const runWrk = async (o: WrkOptions): Promise<WrkResult> => {
  const wrk = findWrk();
  const done = await run(wrk, {
    args: [
      `-t${o.threads}`,
      `-c${o.connections}`,
      `-d${o.durationSec}s`,
      "--timeout",
      "10s",
      "--latency",
      "-s",
      LOAD_SCRIPT,
      o.url,
    ],
    env: {
      LOAD_ROUTES: routesSetting(o.routes),
      LOAD_PER_PAGE: String(o.perPage),
      LOAD_AUTH: o.authorization,
    },
    limitMs: (o.durationSec + 30) * 1000,
  });
  const line = done.stdout.split("\n").find((l) => l.startsWith('{"requests"'));
  if (done.code !== 0 || line === undefined) {
    throw new Error(`wrk failed (exit ${done.code}): ${(done.stdout + done.stderr).slice(-600)}`);
  }
  const raw = JSON.parse(line) as {
    requests: number;
    duration_us: number;
    errors: Record<string, number>;
    statuses: Record<string, number>;
    sent: Record<string, number>;
    latency_us: { p50: number; p90: number; p99: number; max: number };
  };
  const durationSec = raw.duration_us / 1e6;
  return {
    requests: raw.requests,
    durationSec,
    requestsPerSec: raw.requests / durationSec,
    socketErrors: raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.timeout,
    statuses: raw.statuses,
    p50Ms: raw.latency_us.p50 / 1000,
    p90Ms: raw.latency_us.p90 / 1000,
    p99Ms: raw.latency_us.p99 / 1000,
    maxMs: raw.latency_us.max / 1000,
    sent: raw.sent,
  };
};

/** Sizes of a load run. */
export interface LoadPlan {
  /** Collections in the workspace served (the other resources follow: `MODE_SEED=acme:N`). */
  readonly collections: number;
  readonly perPage: number;
  readonly connections: number;
  readonly threads: number;
  readonly durationSec: number;
  /** `MODE_RATE_LIMIT` of the second part, such as `40/10s`. */
  readonly rateLimit: string;
  readonly rateDurationSec: number;
  /** Other tokens, each sending one request every `otherIntervalMs` (below the limit). */
  readonly otherTokens: number;
  readonly otherIntervalMs: number;
}

/** What a load run found. */
export interface LoadResult {
  /** The routes cycled through, with their pages at `perPage`. */
  readonly routes: ReadonlyArray<LoadRoute>;
  readonly plain: WrkResult;
  readonly plainCommand: string;
  readonly limited: {
    readonly rateLimit: string;
    readonly heavy: WrkResult;
    readonly heavyCommand: string;
    /** 200s the limited token got, and the most the limit allows over the run. */
    readonly heavyOk: number;
    readonly heavyAllowedAtMost: number;
    readonly heavy429: number;
    /** Requests of the other tokens, by status. */
    readonly others: Readonly<Record<string, number>>;
    readonly othersRequests: number;
    readonly othersP99Ms: number;
    /** The 429 answer checked: its Retry-After and id. */
    readonly retryAfter: string;
  };
}

const serverEnv = (plan: LoadPlan, extra: Record<string, string> = {}) => ({
  MODE_SEED: `acme:${plan.collections}`,
  MODE_DEV_CREDENTIALS: `${LOAD_DEV.token}:${LOAD_DEV.accessKey}:${LOAD_DEV.accessSecret}`,
  MODE_DEV_ADMIN: `${LOAD_ADMIN.apiKey}:${LOAD_ADMIN.apiSecret}`,
  ...extra,
});

const DEV_AUTH = `Bearer ${
  base64Encode(`${LOAD_DEV.token}:${LOAD_DEV.accessKey}:${LOAD_DEV.accessSecret}`)
}`;

/** Creates a signature token through the API; returns its `Authorization` value. */
export const createToken = async (url: string, name: string): Promise<string> => {
  const response = await fetch(`${url}${workspacePath(SIGNATURE_TOKENS_PATH, "acme")}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${base64Encode(`${LOAD_ADMIN.apiKey}:${LOAD_ADMIN.apiSecret}`)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      signature_token: {
        name,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
      },
    }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `creating a token: ${response.status} ${text.slice(0, 200)}`);
  const token = JSON.parse(text) as { token: string; access_key: string; access_secret: string };
  return `Bearer ${base64Encode(`${token.token}:${token.access_key}:${token.access_secret}`)}`;
};

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** One token sending a page request every `intervalMs` until `until`. */
const steadyClient = async (
  url: string,
  authorization: string,
  intervalMs: number,
  until: number,
  pages: number,
): Promise<{ statuses: Record<string, number>; latencies: Array<number> }> => {
  const statuses: Record<string, number> = {};
  const latencies: Array<number> = [];
  let n = 0;
  while (Date.now() < until) {
    const started = performance.now();
    const page = 1 + (n++ % pages);
    const response = await fetch(
      `${url}${pageHref({ route: collections, workspace: "acme", page, perPage: 100 })}`,
      {
        headers: { authorization },
        signal: AbortSignal.timeout(15_000),
      },
    );
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    const wait = intervalMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return { statuses, latencies };
};

/** Sends requests with `authorization` until a 429 arrives (at most `max`); returns it. */
const first429 = async (url: string, authorization: string, max: number): Promise<Response> => {
  for (let i = 0; i < max; i++) {
    const response = await fetch(`${url}${workspacePath(collections.path, "acme")}?per_page=1`, {
      headers: { authorization },
    });
    if (response.status === 429) return response;
    await response.arrayBuffer();
  }
  throw new Error(`no 429 after ${max} requests with the limited token`);
};

const windowMsOf = (rateLimit: string): { limit: number; windowMs: number } => {
  const match = /^(\d+)\/(\d*)(ms|s|m)?$/.exec(rateLimit);
  assert.ok(match !== null, `rate limit ${rateLimit} not understood by the load test`);
  const n = match[2] === "" ? 1 : Number(match[2]);
  const unit = match[3] === "ms" ? 1 : match[3] === "m" ? 60_000 : 1000;
  return { limit: Number(match[1]), windowMs: n * unit };
};

/** Every resource route of workspace `acme` with its pages at `perPage`, as the server reports them. */
const routesOf = async (url: string, perPage: number): Promise<Array<LoadRoute>> => {
  const out: Array<LoadRoute> = [];
  for (const resource of resources) {
    const response = await fetch(
      `${url}${pageHref({ route: resource, workspace: "acme", page: 1, perPage })}`,
      { headers: { authorization: DEV_AUTH } },
    );
    const body = await response.json() as { pagination?: { total_pages?: number } };
    assert.equal(response.status, 200, `${resource.plural}: ${JSON.stringify(body)}`);
    const pages = body.pagination?.total_pages ?? 0;
    assert.ok(pages > 0, `${resource.plural}: no page`);
    out.push({ path: workspacePath(resource.path, "acme"), pages });
  }
  return out;
};

/** The whole load run: plain load, then the same under a rate limit. */
export const runLoad = async (plan: LoadPlan): Promise<LoadResult> => {
  findWrk();

  // Part 1: no rate limit: every request must succeed.
  const server = await startEdgeProcess(serverEnv(plan));
  let plain: WrkResult;
  let routes: Array<LoadRoute>;
  try {
    routes = await routesOf(server.url, plan.perPage);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const pages = routes[0].pages;
  const plainOptions: WrkOptions = {
    url: server.url,
    routes,
    perPage: plan.perPage,
    authorization: DEV_AUTH,
    connections: plan.connections,
    threads: plan.threads,
    durationSec: plan.durationSec,
  };
  try {
    plain = await runWrk(plainOptions);
  } finally {
    await server.stop();
  }
  assert.equal(plain.socketErrors, 0, `socket errors under load: ${JSON.stringify(plain)}`);
  assert.deepEqual(
    Object.keys(plain.statuses),
    ["200"],
    `statuses under load: ${JSON.stringify(plain.statuses)}`,
  );
  assert.ok(plain.requests > 0, "wrk made no request");
  for (const route of routes) {
    assert.ok((plain.sent[route.path] ?? 0) > 0, `no request sent to ${route.path}`);
  }

  // Part 2: a rate limit: the heavy token is limited, the others are not.
  const { limit, windowMs } = windowMsOf(plan.rateLimit);
  const limited = await startEdgeProcess(serverEnv(plan, { MODE_RATE_LIMIT: plan.rateLimit }));
  try {
    const others = await Promise.all(
      Array.from(
        { length: plan.otherTokens },
        (_, i) => createToken(limited.url, `steady token ${i + 1}`),
      ),
    );
    const heavyOptions: WrkOptions = {
      ...plainOptions,
      url: limited.url,
      durationSec: plan.rateDurationSec,
    };
    const started = Date.now();
    const until = started + plan.rateDurationSec * 1000;
    const [heavy, ...steady] = await Promise.all([
      runWrk(heavyOptions),
      ...others.map((auth) => steadyClient(limited.url, auth, plan.otherIntervalMs, until, pages)),
    ]);
    const elapsedMs = Date.now() - started;
    const heavyOk = heavy.statuses["200"] ?? 0;
    const heavy429 = heavy.statuses["429"] ?? 0;
    const allowedAtMost = limit * (Math.ceil(elapsedMs / windowMs) + 1);
    assert.equal(
      heavy.socketErrors,
      0,
      `socket errors with the limit on: ${JSON.stringify(heavy)}`,
    );
    assert.deepEqual(
      Object.keys(heavy.statuses).filter((s) => s !== "200" && s !== "429"),
      [],
      `the limited token got other statuses: ${JSON.stringify(heavy.statuses)}`,
    );
    assert.ok(heavy429 > 0, "the limited token never got a 429");
    assert.ok(
      heavyOk <= allowedAtMost,
      `the limited token got ${heavyOk} pages, more than ${limit} per ${windowMs} ms allows (${allowedAtMost})`,
    );
    const othersStatuses: Record<string, number> = {};
    const latencies: Array<number> = [];
    for (const s of steady) {
      for (const [status, n] of Object.entries(s.statuses)) {
        othersStatuses[status] = (othersStatuses[status] ?? 0) + n;
      }
      latencies.push(...s.latencies);
    }
    assert.deepEqual(
      Object.keys(othersStatuses),
      ["200"],
      `other tokens got ${JSON.stringify(othersStatuses)}`,
    );

    const tooMany = await first429(limited.url, DEV_AUTH, limit * 3);
    const retryAfter = tooMany.headers.get("retry-after") ?? "";
    const body = await tooMany.json() as Record<string, unknown>;
    assert.match(retryAfter, /^[1-9][0-9]*$/, "Retry-After of a 429 is whole seconds");
    assert.ok(
      Number(retryAfter) <= Math.ceil(windowMs / 1000),
      `Retry-After ${retryAfter} longer than the window`,
    );
    assert.deepEqual(Object.keys(body).sort(), ["id", "message"]);
    assert.equal(body.id, "rate_limited");

    return {
      routes,
      plain,
      plainCommand: wrkCommand(plainOptions),
      limited: {
        rateLimit: plan.rateLimit,
        heavy,
        heavyCommand: wrkCommand(heavyOptions),
        heavyOk,
        heavyAllowedAtMost: allowedAtMost,
        heavy429,
        others: othersStatuses,
        othersRequests: latencies.length,
        othersP99Ms: percentile(latencies, 99),
        retryAfter,
      },
    };
  } finally {
    await limited.stop();
  }
};
