import assert from "node:assert/strict";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import {
  SignatureToken,
  signatureTokenCredentials,
  SignatureTokenRequest,
} from "./SignatureToken.ts";

const valid = {
  signature_token: {
    name: "nightly export",
    expires_at: "2030-01-01T00:00:00Z",
    auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
  },
};

const failure = (input: unknown): string => {
  const exit = Schema.decodeUnknownExit(SignatureTokenRequest)(input);
  assert.equal(exit._tag, "Failure", JSON.stringify(input));
  return String(exit);
};

Deno.test("SignatureTokenRequest accepts the documented body", () => {
  assert.deepEqual(Schema.decodeUnknownSync(SignatureTokenRequest)(valid), valid);
});

Deno.test("SignatureTokenRequest names the field that is wrong", async (t) => {
  const token = valid.signature_token;
  await t.step("name too short", () => {
    assert.match(failure({ signature_token: { ...token, name: "abc" } }), /4 to 64[\s\S]*name/);
  });
  await t.step("name too long", () => {
    assert.match(failure({ signature_token: { ...token, name: "x".repeat(65) } }), /name/);
  });
  await t.step("expires_at not ISO 8601", () => {
    assert.match(
      failure({ signature_token: { ...token, expires_at: "next tuesday" } }),
      /ISO 8601[\s\S]*expires_at/,
    );
  });
  await t.step("expires_at an impossible date", () => {
    assert.match(
      failure({ signature_token: { ...token, expires_at: "2030-13-45" } }),
      /expires_at/,
    );
  });
  await t.step("auth_scope with another value", () => {
    assert.match(
      failure({
        signature_token: {
          ...token,
          auth_scope: { authentication_for: "batch-api", authorization_type: "read-write" },
        },
      }),
      /authorization_type/,
    );
  });
  await t.step("auth_scope missing a key", () => {
    assert.match(
      failure({ signature_token: { ...token, auth_scope: { authentication_for: "batch-api" } } }),
      /authorization_type/,
    );
  });
  await t.step("auth_scope with an extra key", () => {
    assert.match(
      failure({
        signature_token: { ...token, auth_scope: { ...token.auth_scope, admin: true } },
      }),
      /accepts only[\s\S]*"admin"/,
    );
  });
  await t.step("missing signature_token", () => {
    assert.match(failure({}), /signature_token/);
  });
});

Deno.test("SignatureToken hides access_secret until asked and gives credentials", () => {
  const wire = {
    token: "abc123def456",
    name: "nightly export",
    creator_id: 7,
    organization_id: 3,
    access_key: "AK",
    access_secret: "TOPSECRET",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    expires_at: "2030-01-01T00:00:00Z",
    authentication_for: "batch-api",
    authorization_type: "read-only",
    extra: "ignored",
  };
  const token = Schema.decodeUnknownSync(SignatureToken)(wire);
  assert.ok(!Deno.inspect(token).includes("TOPSECRET"));
  assert.ok(!JSON.stringify(token).includes("TOPSECRET"));
  const { extra: _extra, ...expected } = wire;
  assert.deepEqual(Schema.encodeSync(SignatureToken)(token), expected);
  const creds = signatureTokenCredentials(token);
  assert.equal(Redacted.value(creds.accessSecret), "TOPSECRET");
  assert.equal(Redacted.value(creds.token), "abc123def456");
});
