/**
 * Signature tokens: what `POST /batch/{workspace}/signature_tokens` takes and
 * what it returns.
 *
 * @module
 */
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import { SignatureCredentials } from "./Credentials.ts";

/** The only `authentication_for` Mode accepts. */
export const AUTHENTICATION_FOR = "batch-api";

/** The only `authorization_type` Mode accepts. */
export const AUTHORIZATION_TYPE = "read-only";

const AUTH_SCOPE_KEYS: ReadonlyArray<string> = ["authentication_for", "authorization_type"];

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 timestamp string, such as `2027-01-01T00:00:00Z`.
 */
export const IsoTimestamp = Schema.String.check(
  Schema.makeFilter((s: string) =>
    ISO_8601.test(s) && !Number.isNaN(Date.parse(s))
      ? undefined
      : `expected an ISO 8601 timestamp such as 2027-01-01T00:00:00Z, got ${
        JSON.stringify(s.slice(0, 40))
      }`
  ),
).annotate({ description: "An ISO 8601 timestamp.", examples: ["2027-01-01T00:00:00Z"] });

/**
 * `auth_scope`: exactly `{ authentication_for: "batch-api",
 * authorization_type: "read-only" }`; any other key or value is refused.
 */
export const AuthScope = Schema.Record(Schema.String, Schema.Unknown).annotate({
  identifier: "AuthScope",
  description: 'Must be {"authentication_for": "batch-api", "authorization_type": "read-only"}.',
}).check(
  Schema.makeFilter((scope: Record<string, unknown>) => {
    const extra = Object.keys(scope).filter((key) => !AUTH_SCOPE_KEYS.includes(key));
    return extra.length === 0
      ? undefined
      : `auth_scope accepts only authentication_for and authorization_type; remove ${
        extra.map((k) => JSON.stringify(k)).join(", ")
      }`;
  }),
).pipe(
  Schema.decodeTo(
    Schema.Struct({
      authentication_for: Schema.Literal(AUTHENTICATION_FOR),
      authorization_type: Schema.Literal(AUTHORIZATION_TYPE),
    }),
  ),
);

/**
 * The body of `POST /batch/{workspace}/signature_tokens`.
 *
 * **Details**
 *
 * `name` is 4 to 64 characters; `expires_at` is ISO 8601 (the server also
 * requires it to be in the future); `auth_scope` takes only its two keys with
 * only their two values.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { SignatureTokenRequest } from "@mode-discovery/core";
 * Schema.decodeUnknownSync(SignatureTokenRequest)({
 *   signature_token: {
 *     name: "nightly export", expires_at: "2027-01-01T00:00:00Z",
 *     auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
 *   },
 * });
 * ```
 */
export const SignatureTokenRequest = Schema.Struct({
  signature_token: Schema.Struct({
    name: Schema.String.check(
      Schema.isMinLength(4, { message: "name must be 4 to 64 characters" }),
      Schema.isMaxLength(64, { message: "name must be 4 to 64 characters" }),
    ),
    expires_at: IsoTimestamp,
    auth_scope: AuthScope,
  }),
}).annotate({
  identifier: "SignatureTokenRequest",
  examples: [{
    signature_token: {
      name: "nightly export",
      expires_at: "2027-01-01T00:00:00Z",
      auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
    },
  }],
});

/** The decoded type of {@link SignatureTokenRequest}. */
export type SignatureTokenRequest = typeof SignatureTokenRequest.Type;

const Id = Schema.Union([Schema.Int, Schema.String]);

/**
 * A signature token as Mode returns it on creation. `access_secret` decodes
 * into a `Redacted` value, so printing or logging the token shows no secret;
 * encoding writes it back in clear (the only time the API reveals it).
 *
 * @example
 * ```ts
 * import { type SignatureToken, signatureTokenCredentials } from "@mode-discovery/core";
 * declare const token: SignatureToken;
 * const creds = signatureTokenCredentials(token);
 * ```
 */
export const SignatureToken = Schema.Struct({
  token: Schema.String,
  name: Schema.String,
  creator_id: Id,
  organization_id: Id,
  access_key: Schema.String,
  access_secret: Schema.RedactedFromValue(Schema.String, { label: "access_secret" }),
  created_at: Schema.String,
  updated_at: Schema.String,
  expires_at: Schema.String,
  authentication_for: Schema.String,
  authorization_type: Schema.String,
}).annotate({
  identifier: "SignatureToken",
  description: "A signature token; its access_secret is shown only once, on creation.",
});

/** The decoded type of {@link SignatureToken}. */
export type SignatureToken = typeof SignatureToken.Type;

/**
 * The credentials a signature token gives: `token`, `access_key`, `access_secret`.
 */
export const signatureTokenCredentials = (token: SignatureToken): SignatureCredentials =>
  SignatureCredentials.fromStrings({
    token: token.token,
    accessKey: token.access_key,
    accessSecret: Redacted.value(token.access_secret),
  });
