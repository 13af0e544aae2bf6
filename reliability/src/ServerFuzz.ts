/**
 * Fuzzing the edge server's whole input surface: method, path, query,
 * headers and body, in process (`handler.fetch`) and over real sockets to a
 * server process (`fetch`, and raw HTTP/1.1 bytes that `fetch` would
 * normalise or refuse). Every answer must be JSON: a page, a token, or an
 * `{id, message}` error with a 4xx status; never a 5xx, a stack trace, a
 * hang or a crash.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import * as Schema from "effect/Schema";
import {
  AdminCredentials,
  type AnyResource,
  base64Encode,
  findResource,
  resources,
  SignatureCredentials,
  SignatureToken,
} from "@mode-discovery/core";
import { EdgeSettings, makeEdgeHandler } from "@mode-discovery/edge";
import { type Json, mutate } from "./_fuzzBodies.ts";
import { type CaseCounts, newCounts, record } from "./_counts.ts";
import { rawExchange, rawRequest } from "./_rawHttp.ts";
import { type EdgeProcess, startEdgeProcess } from "./Processes.ts";

/** The signature token the fuzzed server knows. */
export const SERVER_DEV = {
  token: "srvfuzz-token-31c4",
  accessKey: "srvfuzz-key-8e20",
  accessSecret: "srvfuzz:secret:9d7a",
} as const;

/** The admin API key the fuzzed server knows. */
export const SERVER_ADMIN = {
  apiKey: "srvfuzz-admin-62bd",
  apiSecret: "srvfuzz-admin-secret-f04e",
};

const DEV_BEARER = `Bearer ${
  base64Encode(`${SERVER_DEV.token}:${SERVER_DEV.accessKey}:${SERVER_DEV.accessSecret}`)
}`;
const ADMIN_BASIC = `Basic ${base64Encode(`${SERVER_ADMIN.apiKey}:${SERVER_ADMIN.apiSecret}`)}`;

/** Secrets the server was given: no answer may repeat them. */
const SERVER_SECRETS = [
  SERVER_DEV.accessSecret,
  SERVER_ADMIN.apiSecret,
  DEV_BEARER.slice(7),
  ADMIN_BASIC.slice(6),
];

/** The `{id}` values of the API's errors (429 when a rate limit is on). */
export const ERROR_IDS: ReadonlySet<string> = new Set([
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "rate_limited",
]);

/** One fuzzed request. */
export interface FuzzRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array<ArrayBuffer> | undefined;
  /** What made it, for counts. */
  readonly kind: string;
  /** The route it is for (a resource's name, `tokens`, or another kind of path), for counts. */
  readonly route: string;
}

const pctAny = fc.integer({ min: 0, max: 255 }).map((b) =>
  `%${b.toString(16).padStart(2, "0").toUpperCase()}`
);

/** Text allowed raw in a request target (RFC 3986 pchar minus `%`, plus `/?`). */
const targetChar = fc.constantFrom(
  ..."abcxyzABCZ0189-._~!$&'()*+,;=:@".split(""),
);

const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("acme", "other", "ACME", "nope", "a", "acme.", "-") },
  {
    weight: 3,
    arbitrary: fc.array(fc.oneof(targetChar, pctAny), { maxLength: 16 }).map((cs) => cs.join("")),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "binary", maxLength: 12 }).map((s) => encodeURIComponent(s)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", ".", "..", "%", "%zz", "%00", "%FF", "%2F", "%2e%2e", "%C0%AF"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => "w".repeat(n)) },
);

/** The last segments of every route, with odd forms of each (case, slashes). */
const routeEnds: ReadonlyArray<string> = [
  ...resources.flatMap((r) => [`/${r.segment}`, `/${r.segment}/`, `//${r.segment}`]),
  "/SPACES",
  "/Reports",
  "/report-stats",
  "/reportStats",
  "/signature_tokens",
  "/signature_tokens/",
];

/** The route a path ends with, for counts: a resource's name, `tokens`, or `other`. */
const routeKind = (end: string): string => {
  if (end.includes("signature_tokens")) return "tokens";
  const resource = resources.find((r) => end.replace(/\//g, "") === r.segment);
  return resource?.name ?? "other";
};

const path: fc.Arbitrary<{ readonly path: string; readonly kind: string }> = fc.oneof(
  {
    // Each resource's route as a client calls it, so that every one is also answered 200.
    weight: 3,
    arbitrary: fc.constantFrom(...resources).map((r) => ({
      path: `/batch/acme/${r.segment}`,
      kind: r.name,
    })),
  },
  {
    weight: 5,
    arbitrary: fc.tuple(
      fc.constantFrom("/batch/", "/BATCH/", "//batch//", "/batch/"),
      segment,
      fc.constantFrom(...routeEnds),
    ).map(([a, ws, b]) => ({ path: `${a}${ws}${b}`, kind: routeKind(b) })),
  },
  {
    weight: 2,
    arbitrary: fc.array(segment, { maxLength: 6 }).map((segs) => ({
      path: `/${segs.join("/")}`,
      kind: "random path",
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "/",
      "/batch",
      "/batch/acme",
      "/batch/acme/spaces/extra",
      "/batch/acme/reports/1",
      "/batch/acme/spaces/../signature_tokens",
      "/batch/acme/members/../reports",
      "/batch/%61cme/spaces",
      "/batch/acme/%72eports",
      "/api/acme/spaces/t",
      "/api/acme/reports/t",
      "/favicon.ico",
      "/.env",
    ).map((p) => ({ path: p, kind: "odd path" })),
  },
);

const numberLike = fc.oneof(
  fc.integer({ min: -3, max: 1_100 }).map(String),
  fc.constantFrom(
    "",
    "1.0",
    "1e2",
    "0x1",
    "01",
    "%202",
    "+3",
    "-0",
    "NaN",
    "Infinity",
    "9".repeat(40),
  ),
  fc.array(fc.oneof(targetChar, pctAny), { maxLength: 8 }).map((cs) => cs.join("")),
);

const queryPair = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom("page", "per_page"), numberLike).map(([k, v]) =>
      `${k}=${v}`
    ),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom("all", "ALL", "", "none", "all,all", "%61ll", "all%00", "true", "1"),
      segment,
    ).map((v) => `include_spaces=${v}`),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(segment, segment).map(([k, v]) => `${k}=${v}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "&",
      "=",
      "page",
      "page=",
      "=1",
      "per_page[]=5",
      "page=1&page=2",
      "%",
      "a=%zz",
    ),
  },
);

const query = fc.oneof(
  { weight: 6, arbitrary: fc.array(queryPair, { maxLength: 5 }).map((ps) => ps.join("&")) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 2_000 }).map((n) =>
      Array.from({ length: n }, (_, i) => `k${i}=${i}`).join("&")
    ),
  },
);

/** Latin-1 header value text: visible ASCII, spaces, tabs and obs-text bytes. */
const headerValue = (maxLength: number) =>
  fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.constantFrom(0x09) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    ).map((c) => String.fromCharCode(c)),
    { maxLength },
  ).map((cs) => cs.join("").trim());

const credentialTriple = fc.tuple(
  fc.constantFrom(SERVER_DEV.token, "", "x", "other-token"),
  fc.constantFrom(SERVER_DEV.accessKey, "", "k"),
  fc.oneof(fc.constantFrom(SERVER_DEV.accessSecret, "", "wrong"), fc.string({ maxLength: 12 })),
).map(([t, k, s]) => `${t}:${k}:${s}`);

const authorization: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constant(DEV_BEARER) },
  { weight: 2, arbitrary: fc.constant(ADMIN_BASIC) },
  { weight: 2, arbitrary: credentialTriple.map((t) => `Bearer ${base64Encode(t)}`) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom("Bearer", "bearer", "Basic", "Digest", "", "Bearer\t"),
      headerValue(40),
    )
      .map(([scheme, rest]) => `${scheme} ${rest}`),
  },
  { weight: 1, arbitrary: headerValue(80) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 16_000 }).map((n) => `Bearer ${"A".repeat(n)}`),
  },
);

const headerName = fc.oneof(
  fc.constantFrom(
    "content-type",
    "accept",
    "x-forwarded-for",
    "cookie",
    "x-mode-fault",
    "if-none-match",
    "origin",
    "range",
    "expect",
  ),
  fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-0123456789".split("")), {
    minLength: 1,
    maxLength: 12,
  })
    .map((cs) => `x-${cs.join("")}`),
);

const tokenRequest: Json = {
  signature_token: {
    name: "fuzzed token",
    expires_at: "2099-01-01T00:00:00Z",
    auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
  },
};

const mutationOps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
    fc.record({
      op: fc.constant("replace" as const),
      at: fc.nat(),
      value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    }),
    fc.record({ op: fc.constant("wrap" as const), at: fc.nat() }),
    fc.record({
      op: fc.constant("extra" as const),
      at: fc.nat(),
      key: fc.constantFrom("__proto__", "constructor", "x", "name"),
      value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    }),
  ),
  { maxLength: 3 },
);

const utf8 = (text: string) => new TextEncoder().encode(text);

const body: fc.Arbitrary<
  { readonly bytes: Uint8Array<ArrayBuffer> | undefined; readonly kind: string }
> = fc
  .oneof(
    { weight: 4, arbitrary: fc.constant({ bytes: undefined, kind: "no body" }) },
    {
      weight: 4,
      arbitrary: mutationOps.map((ms) => ({
        bytes: utf8(JSON.stringify(mutate(tokenRequest, ms))),
        kind: "token body",
      })),
    },
    {
      weight: 2,
      arbitrary: fc.json({ maxDepth: 4 }).map((j) => ({
        bytes: utf8(j),
        kind: "random JSON body",
      })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({
        bytes: b,
        kind: "random bytes body",
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { bytes: utf8("[".repeat(100_000) + "]".repeat(100_000)), kind: "deep body" },
        { bytes: new Uint8Array(70_000).fill(0x41), kind: "body over 64 KiB" },
        {
          bytes: utf8(`{"signature_token":{"name":"${"n".repeat(60_000)}"}}`),
          kind: "long field body",
        },
        { bytes: Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), kind: "invalid UTF-8 body" },
      ),
    },
  );

const METHODS = ["GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...METHODS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("get", "post", "Post", "PROPFIND", "M-SEARCH", "X", "QUERY"),
  },
);

/** A request over the whole input surface. */
export const requestArbitrary: fc.Arbitrary<FuzzRequest> = fc.record({
  method,
  path,
  query: fc.option(query, { nil: undefined }),
  authorization,
  extra: fc.array(fc.tuple(headerName, headerValue(60)), { maxLength: 4 }),
  body,
}).map((r) => {
  const headers: Array<readonly [string, string]> = [];
  if (r.authorization !== undefined) headers.push(["authorization", r.authorization]);
  for (const h of r.extra) headers.push(h);
  const sendsBody = r.body.bytes !== undefined && r.method.toUpperCase() !== "GET" &&
    r.method.toUpperCase() !== "HEAD";
  if (sendsBody) headers.push(["content-type", "application/json"]);
  return {
    method: r.method,
    target: r.query === undefined ? r.path.path : `${r.path.path}?${r.query}`,
    headers,
    body: sendsBody ? r.body.bytes : undefined,
    kind: `${r.path.kind}, ${sendsBody ? r.body.kind : "no body"}`,
    route: r.path.kind,
  };
});

const pageDecoders = new Map(
  resources.map((r) => [
    r.name,
    Schema.decodeUnknownSync(r.page as Schema.Codec<unknown, unknown>),
  ]),
);
const decodeToken = Schema.decodeUnknownSync(SignatureToken);

/** The resource whose page a 2xx answer to `target` must be: from the path's last segment. */
const resourceOfTarget = (target: string): AnyResource | undefined => {
  const path = target.split("?")[0];
  const last = path.split("/").filter((s) => s !== "").at(-1) ?? "";
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // not percent-encoded text: as it is
  }
  return findResource(name) ?? findResource(name.toLowerCase());
};

/** An answer in a form every transport gives. */
export interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

/** Checks one answer against the server's promises; returns a label for counts. */
export const checkAnswer = (request: FuzzRequest, answer: Answer): string => {
  const label = `${request.method} ${request.target.slice(0, 160)} (${request.kind})`;
  const text = new TextDecoder().decode(answer.body);
  assert.ok(answer.status < 500, `${label} answered ${answer.status}: ${text.slice(0, 300)}`);
  assert.equal(
    answer.contentType,
    "application/json",
    `${label}: content type, body ${text.slice(0, 200)}`,
  );
  for (const secret of SERVER_SECRETS) {
    assert.ok(!text.includes(secret), `${label}: the answer repeats a secret`);
  }
  if (request.method.toUpperCase() === "HEAD") {
    assert.equal(text, "", `${label}: HEAD with a body`);
    return `${answer.status} (HEAD)`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    assert.fail(
      `${label} answered ${answer.status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  if (answer.status >= 200 && answer.status < 300) {
    if (request.method.toUpperCase() === "POST") {
      decodeToken(json);
      return `${answer.status} token`;
    }
    const resource = resourceOfTarget(request.target);
    assert.ok(resource !== undefined, `${label}: a 2xx page on a path of no resource`);
    pageDecoders.get(resource.name)!(json);
    return `${answer.status} ${resource.cliName}`;
  }
  assert.ok(answer.status >= 400, `${label}: status ${answer.status}`);
  const error = json as Record<string, unknown>;
  assert.deepEqual(
    Object.keys(error).sort(),
    ["id", "message"],
    `${label}: error keys of ${text.slice(0, 200)}`,
  );
  assert.ok(
    typeof error.id === "string" && ERROR_IDS.has(error.id),
    `${label}: error id ${String(error.id)}`,
  );
  assert.ok(
    typeof error.message === "string" && error.message.length > 0,
    `${label}: empty message`,
  );
  assert.doesNotMatch(error.message as string, /\n\s+at |\.ts:\d+/, `${label}: a stack trace`);
  return `${answer.status} ${error.id}`;
};

/** Settings of the fuzzed server (a seeded workspace and the known credentials). */
export const fuzzServerSettings = (): EdgeSettings =>
  EdgeSettings.make({
    seed: [{ workspace: "acme", count: 2_500 }, { workspace: "other", count: 3 }],
    devCredentials: SignatureCredentials.fromStrings(SERVER_DEV),
    devAdmin: AdminCredentials.fromStrings(SERVER_ADMIN),
  });

/** The environment of a fuzzed server process (same data as {@link fuzzServerSettings}). */
export const fuzzServerEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  MODE_SEED: "acme:2500,other:3",
  MODE_DEV_CREDENTIALS: `${SERVER_DEV.token}:${SERVER_DEV.accessKey}:${SERVER_DEV.accessSecret}`,
  MODE_DEV_ADMIN: `${SERVER_ADMIN.apiKey}:${SERVER_ADMIN.apiSecret}`,
  ...extra,
});

/** Sizes of a server fuzz run. */
export interface ServerFuzzPlan {
  readonly inProcessRuns: number;
  readonly fetchRuns: number;
  readonly rawRuns: number;
  readonly seed: number;
}

/** Counts of a server fuzz run. */
export interface ServerFuzzResult {
  readonly inProcess: CaseCounts;
  readonly overFetch: CaseCounts;
  readonly overRawTcp: CaseCounts;
  /** Lines the server process logged as unexpected failures (must be none). */
  readonly unexpectedLogLines: ReadonlyArray<string>;
  readonly seed: number;
}

/**
 * The request as `fetch` can send it: header bytes above 0x7E (which the
 * raw transport sends as they are) become `?`, and methods `fetch` forbids
 * become GET.
 */
const forFetch = (r: FuzzRequest): FuzzRequest => {
  const forbidden = ["CONNECT", "TRACE", "TRACK"].includes(r.method.toUpperCase());
  return {
    ...r,
    method: forbidden ? "GET" : r.method,
    headers: r.headers.map(([k, v]) => [k, v.replace(/[^\t\x20-\x7e]/g, "?")] as const),
    body: forbidden ? undefined : r.body,
  };
};

/** In process: `handler.fetch` with a `Request` built from the fuzzed parts. */
export const fuzzServerInProcess = async (plan: ServerFuzzPlan): Promise<CaseCounts> => {
  const counts = newCounts();
  const logged: Array<string> = [];
  const edge = await makeEdgeHandler({
    settings: fuzzServerSettings(),
    log: (l) => logged.push(l),
  });
  try {
    await fc.assert(
      fc.asyncProperty(requestArbitrary, async (r) => {
        let request: Request;
        try {
          request = new Request(`http://edge.test${r.target}`, {
            method: r.method,
            headers: r.headers.map(([k, v]) => [k, v]),
            body: r.body,
          });
        } catch {
          record(
            counts,
            { outcome: "not a valid Request", messageLength: 0, requests: 0 },
            r.kind,
            r.route,
          );
          return;
        }
        const response = await withDeadline(edge.fetch(request), 10_000, r);
        const outcome = checkAnswer(r, {
          status: response.status,
          contentType: response.headers.get("content-type") ?? undefined,
          body: new Uint8Array(await response.arrayBuffer()),
        });
        record(counts, { outcome, messageLength: 0, requests: 1 }, r.kind, r.route);
      }),
      { numRuns: plan.inProcessRuns, seed: plan.seed, endOnFailure: true },
    );
  } finally {
    await edge.dispose();
  }
  assert.deepEqual(logged.filter((l) => /unexpected/i.test(l)), [], "unexpected failures logged");
  return counts;
};

const withDeadline = <A>(promise: Promise<A>, ms: number, r: FuzzRequest): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`${r.method} ${r.target.slice(0, 120)}: no answer within ${ms} ms (a hang)`),
        ),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};

/** Over sockets to a server process: `fetch` where it can send the request, raw bytes always. */
export const fuzzServerOverSocket = async (
  plan: ServerFuzzPlan,
  server: EdgeProcess,
): Promise<{ readonly overFetch: CaseCounts; readonly overRawTcp: CaseCounts }> => {
  const overFetch = newCounts();
  const overRawTcp = newCounts();
  const port = Number(new URL(server.url).port);
  await fc.assert(
    fc.asyncProperty(requestArbitrary, async (generated) => {
      assert.ok(!server.child.exited(), "the server process has exited (a crash)");
      const r = forFetch(generated);
      const response = await fetch(`${server.url}${r.target}`, {
        method: r.method,
        headers: r.headers.map(([k, v]) => [k, v]),
        body: r.body,
        signal: AbortSignal.timeout(10_000),
      });
      const outcome = checkAnswer(r, {
        status: response.status,
        contentType: response.headers.get("content-type") ?? undefined,
        body: new Uint8Array(await response.arrayBuffer()),
      });
      record(overFetch, { outcome, messageLength: 0, requests: 1 }, r.kind, r.route);
    }),
    { numRuns: plan.fetchRuns, seed: plan.seed, endOnFailure: true },
  );
  await fc.assert(
    fc.asyncProperty(requestArbitrary, async (r) => {
      assert.ok(!server.child.exited(), "the server process has exited (a crash)");
      const answer = await rawExchange(
        port,
        rawRequest({ method: r.method, target: r.target, headers: r.headers, body: r.body }),
        10_000,
      );
      const outcome = checkAnswer(r, {
        status: answer.status,
        contentType: answer.headers["content-type"],
        body: answer.body,
      });
      record(overRawTcp, { outcome, messageLength: 0, requests: 1 }, r.kind, r.route);
    }),
    { numRuns: plan.rawRuns, seed: plan.seed + 1, endOnFailure: true },
  );
  assert.ok(!server.child.exited(), "the server process has exited (a crash)");
  return { overFetch, overRawTcp };
};

/** Lines of a server's log that report a failure nobody expected. */
export const unexpectedLines = (log: string): Array<string> =>
  log.split("\n").filter((line) => /unexpected|panic|uncaught|stack/i.test(line));

/** The whole server fuzz: in process, then over sockets to `deno task serve`'s server. */
export const fuzzServer = async (plan: ServerFuzzPlan): Promise<ServerFuzzResult> => {
  const inProcess = await fuzzServerInProcess(plan);
  const server = await startEdgeProcess(fuzzServerEnv());
  let sockets;
  try {
    sockets = await fuzzServerOverSocket(plan, server);
  } finally {
    await server.stop();
  }
  const unexpected = unexpectedLines(server.child.stderr() + server.child.stdout());
  assert.deepEqual(unexpected, [], "the server logged unexpected failures");
  return { inProcess, ...sockets, unexpectedLogLines: unexpected, seed: plan.seed };
};
