/**
 * Property tests: whatever the resource path, query string, Authorization
 * header, method or path, the server answers JSON and never a 5xx.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import * as Schema from "effect/Schema";
import { base64Encode, findResource, resources } from "@mode-discovery/core";
import { DEV, DEV_AUTH, startTestServer } from "./_testing.ts";

const edge = await startTestServer({
  seed: [{ workspace: "acme", count: 250 }, { workspace: "other", count: 3 }],
});
const decoders = new Map<string, (body: unknown) => unknown>(
  resources.map((r) => [
    r.segment,
    Schema.decodeUnknownSync(r.page as unknown as Schema.Codec<unknown, unknown>),
  ]),
);
const ERROR_IDS = new Set([
  "bad_request",
  "unauthorized",
  "not_found",
  "method_not_allowed",
]);

/** Checks one answer: JSON, no 5xx, a page on 200, an `{id, message}` otherwise. */
const checkAnswer = async (response: Response, label: string, segment?: string) => {
  const text = await response.text();
  assert.ok(response.status < 500, `${label} -> ${response.status} ${text.slice(0, 200)}`);
  assert.equal(response.headers.get("content-type"), "application/json", label);
  if (text === "") return; // HEAD
  const body = JSON.parse(text);
  if (response.status === 200) {
    if (segment !== undefined) decoders.get(segment)!(body);
  } else {
    assert.deepEqual(Object.keys(body).sort(), ["id", "message"], label);
    assert.ok(ERROR_IDS.has(body.id), `${label} -> id ${body.id}`);
    assert.ok(!/\n\s+at /.test(body.message), `${label}: a stack trace leaked`);
  }
};

const numberLike = fc.oneof(
  fc.integer({ min: -5, max: 1200 }).map(String),
  fc.constantFrom("", "1.5", "1e3", "0x10", "007", " 1", "+1", "NaN", "999999999999999999999"),
  fc.string({ maxLength: 6 }),
);
const queryPair = fc.oneof(
  fc.tuple(fc.constantFrom("page", "per_page", "PAGE", "page[]", "per%5Fpage"), numberLike).map((
    [k, v],
  ) => `${k}=${encodeURIComponent(v)}`),
  fc.tuple(
    fc.constantFrom("include_spaces", "INCLUDE_SPACES", "include%5Fspaces"),
    fc.oneof(
      fc.constantFrom("all", "ALL", "none", "", "all,all", " all"),
      fc.string({ maxLength: 6 }),
    ),
  ).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
  fc.string({ unit: "binary", maxLength: 12 }).map((s) => `${encodeURIComponent(s)}=x`),
  fc.constantFrom("&", "=", "==", "page", "per_page=", "%", "%zz", "page=1&page=1"),
);
const query = fc.array(queryPair, { maxLength: 5 }).map((pairs) => pairs.join("&"));

const credentialText = fc.oneof(
  fc.constant(`${DEV.token}:${DEV.accessKey}:${DEV.accessSecret}`),
  fc.tuple(
    fc.constantFrom(DEV.token, "", "othertoken", "x"),
    fc.constantFrom(DEV.accessKey, "", "k"),
    fc.oneof(fc.constantFrom(DEV.accessSecret, "", "wrong"), fc.string({ maxLength: 10 })),
  ).map(([t, k, s]) => `${t}:${k}:${s}`),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const authorization = fc.oneof(
  fc.constant<string | null>(null),
  fc.constant(DEV_AUTH),
  credentialText.map((t) => `Bearer ${base64Encode(t)}`),
  fc.tuple(
    fc.constantFrom("Bearer", "bearer", "Basic", "Token", "", "Bearer  "),
    fc.string({ maxLength: 30 }),
  )
    .map(([scheme, rest]) => `${scheme} ${rest}`),
  fc.string({ unit: "grapheme-ascii", maxLength: 60 }),
);

/** Header values must be ByteStrings without CR/LF; anything else cannot be sent. */
const sendable = (value: string) => !/[^\t\x20-\x7e\x80-\xff]/.test(value);

Deno.test("property: random query strings and Authorization headers on every resource path never give a 5xx", async () => {
  await fc.assert(
    fc.asyncProperty(
      query,
      authorization,
      fc.constantFrom("acme", "other", "nope"),
      fc.constantFrom(...resources.map((r) => r.segment)),
      fc.constantFrom("", "/", "//"),
      fc.boolean(),
      async (q, auth, workspace, segment, slash, upper) => {
        const headers: Record<string, string> = auth === null || !sendable(auth)
          ? {}
          : { authorization: auth };
        const path = `${upper ? segment.toUpperCase() : segment}${slash}`;
        const response = await edge.fetch(
          new Request(`http://edge.test/batch/${workspace}/${path}?${q}`, { headers }),
        );
        assert.ok(findResource(segment) !== undefined);
        await checkAnswer(response, `GET ${path}?${q} auth=${JSON.stringify(auth)}`, segment);
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("property: random methods, paths and bodies never give a 5xx", async () => {
  const segment = fc.oneof(
    fc.constantFrom(
      "batch",
      "acme",
      ...resources.map((r) => r.segment),
      "signature_tokens",
      "",
      ".",
      "..",
      "%2F",
      "%00",
    ),
    fc.string({ maxLength: 8 }).map(encodeURIComponent),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
      fc.array(segment, { maxLength: 5 }),
      authorization,
      fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 30 })), { nil: undefined }),
      async (method, segments, auth, body) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (auth !== null && sendable(auth)) headers.authorization = auth;
        const response = await edge.fetch(
          new Request(`http://edge.test/${segments.join("/")}`, {
            method,
            headers,
            body: method === "GET" || method === "HEAD" ? undefined : body,
          }),
        );
        const segment = segments.length === 3 && segments[0] === "batch" &&
            segments[1] !== "" && findResource(segments[2]) !== undefined
          ? segments[2]
          : undefined;
        await checkAnswer(response, `${method} /${segments.join("/")}`, segment);
      },
    ),
    { numRuns: 1500 },
  );
});

Deno.test({ name: "property: (dispose)", fn: () => edge.close() });
