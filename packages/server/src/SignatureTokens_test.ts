/**
 * `POST /batch/{workspace}/signature_tokens`: creation, validation (each
 * field missing or wrong is its own test) and secrets at rest.
 */
import assert from "node:assert/strict";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import { AdminCredentials, SignatureToken, signatureTokenCredentials } from "@mode-discovery/core";
import { WRONG_ADMIN_MESSAGE } from "./Auth.ts";
import { DEV_ADMIN_USER_ID } from "./Seeding.ts";
import { organizationIdOf } from "./_organizationId.ts";
import { basicRejectionMessage } from "./_basicAuth.ts";
import { ADMIN, ADMIN_AUTH, DEV, expectError, get, startTestServer } from "./_testing.ts";

const kv = await Deno.openKv(":memory:");
const edge = await startTestServer({ kv });

const future = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
const valid = () => ({
  name: "nightly export",
  expires_at: future(),
  auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
});

const post = (
  body: unknown,
  options: { authorization?: string | null; workspace?: string; contentType?: string } = {},
) => {
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
  };
  const authorization = options.authorization === undefined ? ADMIN_AUTH : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  return edge.fetch(
    new Request(`http://edge.test/batch/${options.workspace ?? "acme"}/signature_tokens`, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
};

const decodeToken = Schema.decodeUnknownSync(SignatureToken);

Deno.test("signature tokens: a valid request creates a token with every field Mode returns", async () => {
  const request = valid();
  const response = await post({ signature_token: request });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  const body = await response.json();
  assert.deepEqual(Object.keys(body).sort(), [
    "access_key",
    "access_secret",
    "authentication_for",
    "authorization_type",
    "created_at",
    "creator_id",
    "expires_at",
    "name",
    "organization_id",
    "token",
    "updated_at",
  ]);
  const token = decodeToken(body);
  assert.equal(token.name, "nightly export");
  assert.equal(token.creator_id, DEV_ADMIN_USER_ID);
  assert.equal(token.organization_id, organizationIdOf("acme"));
  assert.equal(token.authentication_for, "batch-api");
  assert.equal(token.authorization_type, "read-only");
  assert.equal(Date.parse(token.expires_at), Date.parse(request.expires_at));
  assert.match(token.token, /^[0-9a-f]{12}$/);
  // The new token works at once, for its own workspace only.
  const authorization = Redacted.value(signatureTokenCredentials(token).authorization);
  const page = await get(edge, "/batch/acme/reports?per_page=2&include_spaces=all", authorization);
  assert.equal(page.status, 200);
  assert.equal((await page.json()).pagination.total_count, 25);
  await expectError(
    await get(edge, "/batch/other/spaces", authorization),
    404,
    "not_found",
    /was not found/,
  );
});

Deno.test("signature tokens: two tokens get different tokens, keys and secrets", async () => {
  const a = decodeToken(await (await post({ signature_token: valid() })).json());
  const b = decodeToken(await (await post({ signature_token: valid() })).json());
  assert.notEqual(a.token, b.token);
  assert.notEqual(a.access_key, b.access_key);
  assert.notEqual(Redacted.value(a.access_secret), Redacted.value(b.access_secret));
});

Deno.test("signature tokens: no secret is stored in clear anywhere in the KV", async () => {
  const created = decodeToken(await (await post({ signature_token: valid() })).json());
  const secrets = [Redacted.value(created.access_secret), DEV.accessSecret, ADMIN.apiSecret];
  const decoder = new TextDecoder();
  let entries = 0;
  for await (const entry of kv.list({ prefix: [] })) {
    entries++;
    const text = entry.value instanceof Uint8Array
      ? decoder.decode(entry.value)
      : JSON.stringify(entry.value);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `a secret appears in ${JSON.stringify(entry.key)}`);
      assert.ok(!JSON.stringify(entry.key).includes(secret));
    }
  }
  assert.ok(entries > 3);
});

const badBody = (name: string, body: unknown, message: RegExp | string) =>
  Deno.test(`signature tokens: ${name} answers 400`, async () => {
    await expectError(await post(body), 400, "bad_request", message);
  });

const field = (overrides: Record<string, unknown>) => ({
  signature_token: { ...valid(), ...overrides },
});
const scope = (overrides: Record<string, unknown>) =>
  field({
    auth_scope: { authentication_for: "batch-api", authorization_type: "read-only", ...overrides },
  });

badBody(
  "name missing",
  field({ name: undefined }),
  "Invalid body field signature_token.name: Missing key.",
);
badBody(
  "name of 3 characters",
  field({ name: "abc" }),
  "Invalid body field signature_token.name: name must be 4 to 64 characters.",
);
badBody(
  "name of 65 characters",
  field({ name: "n".repeat(65) }),
  "Invalid body field signature_token.name: name must be 4 to 64 characters.",
);
badBody(
  "name not a string",
  field({ name: 1234 }),
  /^Invalid body field signature_token\.name: Expected string/,
);
badBody(
  "expires_at missing",
  field({ expires_at: undefined }),
  "Invalid body field signature_token.expires_at: Missing key.",
);
badBody(
  "expires_at not ISO 8601",
  field({ expires_at: "next tuesday" }),
  /^Invalid body field signature_token\.expires_at: expected an ISO 8601 timestamp/,
);
badBody(
  "expires_at in the past",
  field({ expires_at: "2001-01-01T00:00:00Z" }),
  /^Invalid body field signature_token\.expires_at: "2001-01-01T00:00:00Z" is not in the future\./,
);
badBody(
  "auth_scope missing",
  field({ auth_scope: undefined }),
  "Invalid body field signature_token.auth_scope: Missing key.",
);
badBody(
  "auth_scope with an extra key",
  scope({ admin: true }),
  /^Invalid body field signature_token\.auth_scope: auth_scope accepts only authentication_for and authorization_type; remove "admin"/,
);
badBody(
  "auth_scope.authentication_for wrong",
  scope({ authentication_for: "reports" }),
  'Invalid body field signature_token.auth_scope.authentication_for: Expected "batch-api".',
);
badBody(
  "auth_scope.authorization_type wrong",
  scope({ authorization_type: "read-write" }),
  'Invalid body field signature_token.auth_scope.authorization_type: Expected "read-only".',
);
badBody(
  "auth_scope.authentication_for missing",
  scope({ authentication_for: undefined }),
  "Invalid body field signature_token.auth_scope.authentication_for: Missing key.",
);
badBody(
  "signature_token missing",
  {},
  "Invalid body field signature_token: Missing key.",
);
badBody(
  "a body that is not JSON",
  "{not json",
  /^Invalid request body: Expected a valid JSON body/,
);
badBody("a JSON array body", "[]", /^Invalid request body: /);

Deno.test("signature tokens: a body that is not declared as JSON answers 400 naming Content-Type", async () => {
  await expectError(
    await post({ signature_token: valid() }, { contentType: "text/plain" }),
    400,
    "bad_request",
    /Content-Type: application\/json/,
  );
});

Deno.test("signature tokens: no credentials answer 401", async () => {
  await expectError(
    await post({ signature_token: valid() }, { authorization: null }),
    401,
    "unauthorized",
    basicRejectionMessage.missing,
  );
});

Deno.test("signature tokens: a Bearer header answers 401 asking for Basic", async () => {
  await expectError(
    await post({ signature_token: valid() }, { authorization: "Bearer abc" }),
    401,
    "unauthorized",
    basicRejectionMessage.scheme,
  );
});

Deno.test("signature tokens: a wrong admin secret answers 401", async () => {
  const authorization = Redacted.value(
    AdminCredentials.fromStrings({ apiKey: ADMIN.apiKey, apiSecret: "nope" }).authorization,
  );
  await expectError(
    await post({ signature_token: valid() }, { authorization }),
    401,
    "unauthorized",
    WRONG_ADMIN_MESSAGE,
  );
});

Deno.test("signature tokens: admin credentials of another workspace answer 404", async () => {
  await expectError(
    await post({ signature_token: valid() }, { workspace: "other" }),
    404,
    "not_found",
    'Workspace "other" was not found, or these credentials do not give access to it.',
  );
});

Deno.test({
  name: "signature tokens: (dispose)",
  fn: async () => {
    await edge.close();
    kv.close();
  },
});
