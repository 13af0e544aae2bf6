/**
 * The server's implementations of core's `SignatureAuth` (Bearer signature
 * tokens) and `AdminAuth` (Basic admin API keys) middleware, on a
 * {@link CredentialStore}.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import * as HttpServerRequest from "effect/http/HttpServerRequest";
import {
  AdminAuth,
  AdminPrincipal,
  bearerRejectionMessage,
  openApiPath,
  parseBearer,
  SIGNATURE_TOKENS_PATH,
  SignatureAuth,
  SignaturePrincipal,
  Unauthorized,
} from "@mode-discovery/core";
import { CredentialStore } from "./CredentialStore.ts";
import { basicRejectionMessage, parseBasic } from "./_basicAuth.ts";
import { CredentialCache } from "./CredentialCache.ts";
import { storeFailureResponse } from "./_responses.ts";

const unauthorized = (message: string) => new Unauthorized({ id: Unauthorized.id, message });

/** The 401 message for signature credentials that do not match a token. */
export const WRONG_SIGNATURE_MESSAGE =
  "The signature token, access key or access secret is wrong: check the three parts of token:access_key:access_secret.";

/** The 401 message for an expired signature token. */
export const EXPIRED_SIGNATURE_MESSAGE =
  `The signature token has expired: create a new one with POST ${
    openApiPath(SIGNATURE_TOKENS_PATH)
  }.`;

/** The 401 message for admin API credentials that do not match a key. */
export const WRONG_ADMIN_MESSAGE =
  "The API key or API secret is wrong: use a workspace admin's API key and secret.";

/**
 * `SignatureAuth` on a {@link CredentialStore}: parses the Bearer value with
 * core's `parseBearer`, checks it against the store (salted hash, constant
 * time) and provides the `SignaturePrincipal`.
 *
 * **Details**
 *
 * Missing or malformed credentials answer 401 with core's
 * `bearerRejectionMessage`; wrong ones 401 {@link WRONG_SIGNATURE_MESSAGE};
 * an expired token 401 {@link EXPIRED_SIGNATURE_MESSAGE}. Verified headers
 * are remembered in `cache` for a few seconds.
 */
export const signatureAuthLayer = (
  cache: CredentialCache = new CredentialCache(),
): Layer.Layer<SignatureAuth, never, CredentialStore> =>
  Layer.effect(
    SignatureAuth,
    Effect.gen(function* () {
      const store = yield* CredentialStore;
      return {
        bearer: (effect) =>
          Effect.gen(function* () {
            const request = yield* HttpServerRequest.HttpServerRequest;
            const header = request.headers["authorization"];
            const cached = header === undefined ? undefined : cache.get(header);
            if (cached !== undefined) {
              return yield* Effect.provideService(effect, SignaturePrincipal, {
                workspace: cached.workspace,
                token: cached.token,
              });
            }
            const parsed = parseBearer(header);
            if (parsed._tag === "Rejected") {
              return yield* unauthorized(bearerRejectionMessage[parsed.reason]);
            }
            const verified = yield* Effect.result(store.verifySignatureToken(
              parsed.token,
              parsed.accessKey,
              Redacted.make(parsed.accessSecret, { label: "access_secret" }),
            ));
            if (verified._tag === "Failure") return storeFailureResponse(verified.failure);
            const result = verified.success;
            if (result._tag === "Invalid") return yield* unauthorized(WRONG_SIGNATURE_MESSAGE);
            if (result._tag === "Expired") return yield* unauthorized(EXPIRED_SIGNATURE_MESSAGE);
            cache.set(header!, result);
            return yield* Effect.provideService(effect, SignaturePrincipal, {
              workspace: result.workspace,
              token: result.token,
            });
          }),
      };
    }),
  );

/**
 * `AdminAuth` on a {@link CredentialStore}: parses the Basic value, checks
 * the API key and secret against the store and provides the
 * `AdminPrincipal`. Every failure is a 401 whose message says what was wrong.
 */
export const adminAuthLayer: Layer.Layer<AdminAuth, never, CredentialStore> = Layer.effect(
  AdminAuth,
  Effect.gen(function* () {
    const store = yield* CredentialStore;
    return {
      basic: (effect) =>
        Effect.gen(function* () {
          const request = yield* HttpServerRequest.HttpServerRequest;
          const parsed = parseBasic(request.headers["authorization"]);
          if (parsed._tag === "Rejected") {
            return yield* unauthorized(basicRejectionMessage[parsed.reason]);
          }
          const verified = yield* Effect.result(store.verifyAdminKey(
            parsed.apiKey,
            Redacted.make(parsed.apiSecret, { label: "api_secret" }),
          ));
          if (verified._tag === "Failure") return storeFailureResponse(verified.failure);
          const result = verified.success;
          if (result._tag === "Invalid") return yield* unauthorized(WRONG_ADMIN_MESSAGE);
          return yield* Effect.provideService(effect, AdminPrincipal, {
            workspace: result.workspace,
            userId: result.userId,
          });
        }),
    };
  }),
);
