/**
 * Fuzzing the client's response decoding: core's `DiscoveryClient` fed
 * random, mutated, cut-short, huge and deeply nested answers, in memory (an
 * `HttpClient` that answers from a list) and over real sockets (a
 * `Deno.serve` test server, and a raw TCP server that breaks HTTP itself).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import * as HttpClient from "effect/http/HttpClient";
import * as HttpClientResponse from "effect/http/HttpClientResponse";
import {
  AdminCredentials,
  type AnyResource,
  DiscoveryClient,
  type DiscoveryError,
  type ListOptions,
  type ListSummary,
  resources,
  SignatureCredentials,
  SignatureToken,
} from "@mode-discovery/core";
import { type FuzzResponse, responseArbitrary, validPageOf, validToken } from "./_fuzzBodies.ts";
import { type CaseCounts, newCounts, record } from "./_counts.ts";

/** The tags of every error a `DiscoveryClient` call may fail with (core's `DiscoveryError`). */
export const DISCOVERY_ERROR_TAGS: ReadonlySet<string> = new Set([
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "MethodNotAllowed",
  "RateLimited",
  "ServerError",
  "TransportError",
  "TimeoutError",
  "ResponseDecodeError",
  "PaginationError",
]);

/** The credentials the fuzzed client sends; none may show in an error. */
export const FUZZ_CREDENTIALS = {
  token: "fuzz-token-5d1e",
  accessKey: "fuzz-key-a3c9",
  accessSecret: "fuzz-secret-77b0f2",
} as const;

/** One fuzz case: an operation (on a resource) and the answers served to it, in order. */
export type ClientCase =
  | {
    readonly op: "page";
    readonly resource: AnyResource;
    readonly responses: ReadonlyArray<FuzzResponse>;
  }
  | {
    readonly op: "list";
    readonly resource: AnyResource;
    readonly strategy: "totals" | "links";
    readonly concurrency: number;
    readonly responses: ReadonlyArray<FuzzResponse>;
  }
  | { readonly op: "token"; readonly responses: ReadonlyArray<FuzzResponse> };

/** The answers of a page or a listing of one resource, made from that resource's schema. */
const resourceCase = <A>(
  f: (resource: AnyResource) => fc.Arbitrary<A>,
): fc.Arbitrary<A> => fc.constantFrom(...resources).chain(f);

/**
 * The cases: pages of every resource (with huge and deep bodies when
 * `heavy`), listings of every resource, token creation.
 */
export const clientCaseArbitrary = (heavy: boolean): fc.Arbitrary<ClientCase> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: resourceCase((resource) =>
        fc.record({
          op: fc.constant("page" as const),
          resource: fc.constant(resource),
          responses: fc.array(responseArbitrary(validPageOf(resource), { heavy, resource }), {
            minLength: 1,
            maxLength: 3,
          }),
        })
      ),
    },
    {
      weight: 3,
      arbitrary: resourceCase((resource) =>
        fc.record({
          op: fc.constant("list" as const),
          resource: fc.constant(resource),
          strategy: fc.constantFrom("totals" as const, "links" as const),
          concurrency: fc.integer({ min: 1, max: 4 }),
          responses: fc.array(
            responseArbitrary(validPageOf(resource), { heavy: false, resource }),
            { minLength: 1, maxLength: 6 },
          ),
        })
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("token" as const),
        responses: fc.array(responseArbitrary(validToken, { heavy: false }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
    },
  );

/** How one case ended, when it ended acceptably. */
export interface CaseOutcome {
  /** `success`, or the error's `_tag`. */
  readonly outcome: string;
  /** Length of the error message (0 on success). */
  readonly messageLength: number;
  /** Requests the client made. */
  readonly requests: number;
}

const NULL_BODY = new Set([204, 205, 304]);

/**
 * The body a fuzz answer really carries, as text: none for statuses that
 * allow no body, and through UTF-8 (a lone surrogate becomes U+FFFD on the wire).
 */
const servedBody = (r: FuzzResponse): string =>
  NULL_BODY.has(r.status) ? "" : new TextDecoder().decode(new TextEncoder().encode(r.body));

/** A Web `Response` for a fuzz answer (statuses that allow no body get none). */
export const webResponse = (r: FuzzResponse): Response =>
  new Response(NULL_BODY.has(r.status) ? null : r.body, { status: r.status, headers: r.headers });

/** An in-memory `HttpClient` answering with `responses` in turn (the last one repeats). */
export const scriptedHttpClient = (
  responses: ReadonlyArray<FuzzResponse>,
  sent: Array<string>,
): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.sync(() => {
      const r = responses[Math.min(sent.length, responses.length - 1)];
      sent.push(`${request.method} ${url.href}`);
      return HttpClientResponse.fromWeb(request, webResponse(r));
    })
  );

const pageDecoders = new Map(
  resources.map((
    r,
  ) => [r.name, Schema.decodeUnknownExit(r.page as Schema.Codec<unknown, unknown>)]),
);
const decodePageSync = (resource: AnyResource, value: unknown) =>
  pageDecoders.get(resource.name)!(value);
const decodeTokenExit = Schema.decodeUnknownExit(SignatureToken);

/** JSON.parse of a body as the client reads it (a UTF-8 byte order mark is dropped). */
const parse = (body: string): { readonly ok: true; readonly value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(body.replace(/^\ufeff/, "")) };
  } catch {
    return { ok: false };
  }
};

/**
 * Values that must never be echoed in an error: the secrets of tokens served
 * with a 2xx status (a non-2xx body holding a secret is checked apart, in
 * `Findings_test.ts`).
 */
const secretsServed = (responses: ReadonlyArray<FuzzResponse>): Array<string> => {
  const found: Array<string> = [];
  for (const r of responses) {
    if (r.status < 200 || r.status >= 300) continue;
    for (const m of r.body.matchAll(/"access_secret":"(secret-[^"\\]{4,})"/g)) found.push(m[1]);
  }
  return found;
};

const CLIENT_SECRETS = [FUZZ_CREDENTIALS.accessSecret, FUZZ_CREDENTIALS.accessKey];

/**
 * Runs one case against `client` and checks the invariants: it ends (no
 * hang), with success or one typed core error (never a defect), a short
 * readable message without a stack trace or a secret; a page that the
 * reference Schema decoder accepts is returned as that decoder returns it,
 * and a listing never emits an id twice.
 */
export const runClientCase = async (
  c: ClientCase,
  client: HttpClient.HttpClient,
  options: {
    readonly baseUrl: string;
    readonly timeoutMs: number;
    readonly hangMs: number;
    readonly sent: () => number;
    /** Whether the answers reach the client exactly as scripted (in memory). */
    readonly exact: boolean;
  },
): Promise<CaseOutcome> => {
  let summaries = 0;
  let summary: ListSummary | undefined;
  const program = Effect.gen(function* () {
    const api = yield* DiscoveryClient.make({
      baseUrl: options.baseUrl,
      credentials: SignatureCredentials.fromStrings(FUZZ_CREDENTIALS),
      maxRetries: 2,
      backoffBaseMs: 0,
      backoffMaxMs: 0,
      maxRetryAfterSeconds: 0,
      timeoutMs: options.timeoutMs,
    });
    switch (c.op) {
      case "page":
        return yield* api.page(c.resource, { workspace: "acme", page: 1, perPage: 10 });
      case "token":
        return yield* api.signatureTokens.create({
          workspace: "acme",
          admin: AdminCredentials.fromStrings({
            apiKey: FUZZ_CREDENTIALS.accessKey,
            apiSecret: FUZZ_CREDENTIALS.accessSecret,
          }),
          name: "fuzz token",
          expiresAt: "2099-01-01T00:00:00Z",
        });
      case "list":
        return yield* Stream.runCollect(
          (api.list as (r: AnyResource, o: ListOptions) => Stream.Stream<unknown, DiscoveryError>)(
            c.resource,
            {
              workspace: "acme",
              perPage: 10,
              strategy: c.strategy,
              concurrency: c.concurrency,
              maxPages: 50,
              onSummary: (s) => {
                summaries++;
                summary = s;
              },
            },
          ),
        );
    }
  }).pipe(Effect.provideService(HttpClient.HttpClient, client));

  const exit = await Effect.runPromise(
    Effect.exit(program).pipe(Effect.timeoutOption(options.hangMs)),
  );
  const label = `${c.op}${
    c.op === "token" ? "" : ` ${c.resource.name}`
  } after ${options.sent()} request(s)`;
  assert.ok(Option.isSome(exit), `${label}: no answer within ${options.hangMs} ms (a hang)`);
  const result = exit.value as Exit.Exit<unknown, unknown>;
  if (c.op === "list") assert.equal(summaries, 1, `${label}: onSummary called ${summaries} times`);

  if (Exit.isSuccess(result)) {
    if (c.op === "list") {
      const items = result.value as ReadonlyArray<Record<string, unknown>>;
      const ids = new Set(items.map((item) => item[c.resource.key]));
      assert.equal(ids.size, items.length, `${label}: an id was emitted twice`);
      assert.equal(summary?.itemsEmitted, items.length, `${label}: summary count`);
    }
    if (c.op === "page" && options.exact && options.sent() === 1) {
      // Differential check: the client's fast decoder agrees with core's Schema.
      const body = parse(servedBody(c.responses[0]));
      assert.ok(body.ok, `${label}: the client accepted a body that is not JSON`);
      const reference = decodePageSync(c.resource, body.value);
      assert.ok(Exit.isSuccess(reference), `${label}: the client accepted a page Schema refuses`);
      assert.deepEqual(result.value, reference.value, `${label}: decoded page differs`);
    }
    return { outcome: "success", messageLength: 0, requests: options.sent() };
  }

  const cause = result.cause;
  assert.ok(!Cause.hasDies(cause), `${label}: a defect: ${Cause.pretty(cause).slice(0, 600)}`);
  const error = Cause.findErrorOption(cause);
  assert.ok(Option.isSome(error), `${label}: no typed error: ${Cause.pretty(cause).slice(0, 400)}`);
  const e = error.value as { readonly _tag?: unknown; readonly message?: unknown };
  assert.ok(
    typeof e._tag === "string" && DISCOVERY_ERROR_TAGS.has(e._tag),
    `${label}: error ${String(e._tag)} is not a core DiscoveryError`,
  );
  assert.ok(typeof e.message === "string" && e.message.length > 0, `${label}: empty message`);
  const message = e.message as string;
  assert.doesNotMatch(message, /\n\s+at /, `${label}: a stack trace in the message`);
  for (const secret of [...CLIENT_SECRETS, ...secretsServed(c.responses)]) {
    assert.ok(!message.includes(secret), `${label}: the message holds a secret`);
  }

  if (options.exact) checkOracle(c, e._tag as string, label);
  return { outcome: e._tag as string, messageLength: message.length, requests: options.sent() };
};

/** What the first answer alone decides, when it decides anything. */
const checkOracle = (c: ClientCase, tag: string, label: string) => {
  const first = c.responses[0];
  const expectedFor: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
  };
  if (expectedFor[first.status] !== undefined) {
    assert.equal(tag, expectedFor[first.status], `${label}: a ${first.status} answer`);
    return;
  }
  if (c.op === "page" && first.status >= 200 && first.status < 300) {
    const parsed = parse(servedBody(first));
    if (parsed.ok) {
      const reference = decodePageSync(c.resource, parsed.value);
      assert.ok(
        Exit.isFailure(reference),
        `${label}: refused (${tag}) a 2xx page that core's Schema accepts: ${
          servedBody(first).slice(0, 200)
        }`,
      );
      assert.equal(tag, "ResponseDecodeError", `${label}: a 2xx body of the wrong shape`);
    }
  }
  if (c.op === "token" && first.status >= 200 && first.status < 300) {
    const parsed = parse(servedBody(first));
    if (parsed.ok && Exit.isSuccess(decodeTokenExit(parsed.value))) {
      assert.fail(`${label}: refused (${tag}) a token that core's Schema accepts`);
    }
  }
};

/** Counts of a client fuzz run. */
export interface ClientFuzzResult {
  /** Cases run in memory. */
  readonly inMemory: CaseCounts;
  /** Cases run over a `Deno.serve` socket. */
  readonly overHttp: CaseCounts;
  /** Cases run over a raw TCP socket that breaks HTTP. */
  readonly overRawTcp: CaseCounts;
  /** The fast-check seed used. */
  readonly seed: number;
}

/** Sizes of a client fuzz run. */
export interface ClientFuzzPlan {
  readonly inMemoryRuns: number;
  readonly httpRuns: number;
  readonly rawTcpRuns: number;
  /** Include huge arrays (10,000 to 60,000 rows) and deep nesting (to 1,000,000 levels). */
  readonly heavy: boolean;
  readonly seed: number;
}

/** In memory: every answer reaches the decoder exactly as scripted. */
export const fuzzClientInMemory = async (plan: ClientFuzzPlan): Promise<CaseCounts> => {
  const counts = newCounts();
  await fc.assert(
    fc.asyncProperty(clientCaseArbitrary(plan.heavy), async (c) => {
      const sent: Array<string> = [];
      const outcome = await runClientCase(c, scriptedHttpClient(c.responses, sent), {
        baseUrl: "http://fuzz.test",
        timeoutMs: 10_000,
        hangMs: 20_000,
        sent: () => sent.length,
        exact: true,
      });
      record(counts, outcome, c.responses[0].kind, caseResource(c));
    }),
    { numRuns: plan.inMemoryRuns, seed: plan.seed, endOnFailure: true },
  );
  return counts;
};

/** Over a real socket: a `Deno.serve` test server on 127.0.0.1 answers with the script. */
export const fuzzClientOverHttp = async (plan: ClientFuzzPlan): Promise<CaseCounts> => {
  const counts = newCounts();
  let script: ReadonlyArray<FuzzResponse> = [];
  let served = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.body?.cancel();
    const r = script[Math.min(served, script.length - 1)];
    served++;
    return webResponse(r);
  });
  const baseUrl = `http://127.0.0.1:${server.addr.port}`;
  try {
    await fc.assert(
      fc.asyncProperty(clientCaseArbitrary(false), async (c) => {
        script = c.responses.map((r) => ({
          ...r,
          headers: {
            ...r.headers,
            // Same-origin redirects only stay on this server.
            ...(r.headers.location?.startsWith("http://fuzz.test")
              ? { location: r.headers.location.replace("http://fuzz.test", baseUrl) }
              : {}),
          },
        }));
        served = 0;
        const outcome = await runClientCase(c, HttpClient.HttpClient.of(fetchClient), {
          baseUrl,
          timeoutMs: 10_000,
          hangMs: 30_000,
          sent: () => served,
          exact: false,
        });
        record(counts, outcome, c.responses[0].kind, caseResource(c));
      }),
      { numRuns: plan.httpRuns, seed: plan.seed, endOnFailure: true },
    );
  } finally {
    await server.shutdown();
  }
  return counts;
};

const fetchClient: HttpClient.HttpClient = Effect.runSync(
  Effect.service(HttpClient.HttpClient).pipe(Effect.provide(FetchHttpClient.layer)),
);

/** The resource a case asks for (`signatureTokens` for token creation), for counts. */
const caseResource = (c: ClientCase): string =>
  c.op === "token" ? "signatureTokens" : c.resource.name;

/** Raw answers to a request for `resource` that break HTTP itself. */
const rawAnswerOf = (
  resource: AnyResource,
): fc.Arbitrary<{ readonly bytes: string; readonly kind: string }> => {
  const validPage = validPageOf(resource);
  return fc.oneof(
    fc.constant({ bytes: "", kind: "closed at once" }),
    fc.string({ unit: "binary-ascii", maxLength: 80 }).map((s) => ({
      bytes: s,
      kind: "garbage",
    })),
    fc.tuple(validPage, fc.nat()).map(([page, cut]) => {
      const body = JSON.stringify(page);
      const short = body.slice(0, cut % Math.max(1, body.length));
      return {
        bytes: `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${
          new TextEncoder().encode(body).length
        }\r\nconnection: close\r\n\r\n${short}`,
        kind: "content-length longer than the body",
      };
    }),
    fc.tuple(validPage, fc.nat()).map(([page, cut]) => {
      const body = JSON.stringify(page);
      const part = body.slice(0, cut % Math.max(1, body.length));
      return {
        bytes: `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${
          part.length.toString(16)
        }\r\n${part}\r\n`,
        kind: "chunked body without its last chunk",
      };
    }),
    fc.constantFrom(
      {
        bytes: "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n",
        kind: "bad chunk",
      },
      {
        bytes: "HTTP/1.1 999 Odd\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
        kind: "999",
      },
      { bytes: "HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\n{}", kind: "negative length" },
      {
        bytes: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}",
        kind: "2 lengths",
      },
      { bytes: "HTTP/1.1 100 Continue\r\n\r\n", kind: "100 then close" },
      { bytes: 'HTTP/1.0 200 OK\r\n\r\n{"pagination":', kind: "HTTP/1.0 cut" },
      { bytes: "HTTP/1.1 200 OK\r\nx: \u0001\r\n\r\n", kind: "control char header" },
      { bytes: `HTTP/1.1 200 OK\r\nx: ${"a".repeat(200_000)}\r\n\r\n`, kind: "huge header" },
      {
        bytes: "HTTP/1.1 301 Moved\r\nlocation: http://[::1\r\ncontent-length: 0\r\n\r\n",
        kind: "bad location",
      },
    ),
    fc.tuple(validPage, fc.constantFrom("gzip", "br", "deflate")).map(([page, enc]) => {
      const body = JSON.stringify(page);
      return {
        bytes:
          `HTTP/1.1 200 OK\r\ncontent-encoding: ${enc}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
        kind: "claims compression, is not",
      };
    }),
  );
};

/** Reads one request's head (and declared body) from a raw connection. */
const readRequest = async (conn: Deno.Conn): Promise<void> => {
  const buffer = new Uint8Array(65_536);
  let seen = "";
  while (!seen.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) return;
    seen += new TextDecoder().decode(buffer.subarray(0, n));
    if (seen.length > 1_000_000) return;
  }
  const length = Number(/content-length:\s*(\d+)/i.exec(seen)?.[1] ?? 0);
  let body = seen.length - seen.indexOf("\r\n\r\n") - 4;
  while (body < length) {
    const n = await conn.read(buffer);
    if (n === null) return;
    body += n;
  }
};

/** Over a raw TCP socket: answers that are not well-formed HTTP, or stop halfway. */
export const fuzzClientOverRawTcp = async (plan: ClientFuzzPlan): Promise<CaseCounts> => {
  const counts = newCounts();
  let answer = { bytes: "", kind: "" };
  let served = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        open.add(conn);
        (async () => {
          try {
            await readRequest(conn);
            served++;
            if (answer.bytes !== "") await writeAll(conn, new TextEncoder().encode(answer.bytes));
          } catch {
            // the client went away: fine
          } finally {
            open.delete(conn);
            try {
              conn.close();
            } catch {
              // already closed
            }
          }
        })();
      }
    } catch {
      // listener closed
    }
  })();
  const baseUrl = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...resources).chain((resource) =>
          fc.tuple(fc.constant(resource), rawAnswerOf(resource))
        ),
        fc.constantFrom("page" as const, "list" as const),
        async ([resource, a], op) => {
          answer = a;
          served = 0;
          const c: ClientCase = op === "page"
            ? { op, resource, responses: [] as FuzzResponse[] }
            : {
              op,
              resource,
              strategy: "totals",
              concurrency: 2,
              responses: [] as FuzzResponse[],
            };
          const outcome = await runClientCase(c, fetchClient, {
            baseUrl,
            timeoutMs: 5_000,
            hangMs: 30_000,
            sent: () => served,
            exact: false,
          });
          record(counts, outcome, a.kind, resource.name);
        },
      ),
      { numRuns: plan.rawTcpRuns, seed: plan.seed, endOnFailure: true },
    );
  } finally {
    listener.close();
    for (const conn of open) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await accepting;
  }
  return counts;
};

const writeAll = async (conn: Deno.Conn, bytes: Uint8Array) => {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
};

/** All three client fuzz runs. */
export const fuzzClient = async (plan: ClientFuzzPlan): Promise<ClientFuzzResult> => ({
  inMemory: await fuzzClientInMemory(plan),
  overHttp: await fuzzClientOverHttp(plan),
  overRawTcp: await fuzzClientOverRawTcp(plan),
  seed: plan.seed,
});
