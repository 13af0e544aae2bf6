/**
 * What the KV and the in-memory credential stores share: the signature
 * token and admin key logic (salted hashes, constant-time checks, the
 * `SignatureToken` answer) and the wrapping of each operation as an Effect.
 *
 * @internal
 * @module
 */
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { AUTHENTICATION_FOR, AUTHORIZATION_TYPE, type SignatureToken } from "@mode-discovery/core";
import type {
  AdminKeyInput,
  AdminVerification,
  CredentialStoreService,
  NewSignatureToken,
  SignatureTokenInput,
  SignatureVerification,
} from "./CredentialStore.ts";
import { StoreError } from "./ListingStore.ts";
import {
  constantTimeEqualText,
  hashSecret,
  randomHex,
  type SecretHash,
  verifySecret,
} from "./_secrets.ts";

/**
 * Wraps an unexpected failure of `storeName` ("KV", "memory") while doing
 * `operation` as an `Unavailable` store error; store errors pass through.
 */
export const storeFailure = (storeName: string) => (operation: string) => (cause: unknown) =>
  cause instanceof StoreError ? cause : new StoreError({
    reason: "Unavailable",
    message: `The ${storeName} store failed while ${operation}: ${
      cause instanceof Error ? cause.message : String(cause)
    }`,
  });

/** The secret parts of a new signature token: access key, access secret and its hash. */
export const newTokenSecret = async (): Promise<{
  readonly accessKey: string;
  readonly accessSecret: string;
  readonly secret: SecretHash;
}> => {
  const accessKey = randomHex(20);
  const accessSecret = randomHex(40);
  return { accessKey, accessSecret, secret: await hashSecret(accessSecret) };
};

/** A fresh token id (`randomHex(12)`). */
export const newTokenId = (): string => randomHex(12);

/** The `SignatureToken` answer for a token just created. */
export const createdToken = (parts: {
  readonly token: string;
  readonly name: string;
  readonly creatorId: number;
  readonly organizationId: number;
  readonly accessKey: string;
  readonly accessSecret: string;
  readonly now: string;
  readonly expiresAt: string;
}): SignatureToken => ({
  token: parts.token,
  name: parts.name,
  creator_id: parts.creatorId,
  organization_id: parts.organizationId,
  access_key: parts.accessKey,
  access_secret: Redacted.make(parts.accessSecret, { label: "access_secret" }),
  created_at: parts.now,
  updated_at: parts.now,
  expires_at: parts.expiresAt,
  authentication_for: AUTHENTICATION_FOR,
  authorization_type: AUTHORIZATION_TYPE,
});

/** A stored signature token, as far as checking it goes. */
export interface TokenCheck {
  readonly workspace: string;
  readonly accessKey: string;
  readonly secret: SecretHash;
  /** Epoch ms, or `null` for never. */
  readonly expiresAtMs: number | null;
}

/**
 * Checks a signature token's access key and secret against what is stored
 * (in constant time, hashing even when nothing is stored), then its expiry.
 */
export const verifyToken = async (
  stored: TokenCheck | undefined,
  token: string,
  accessKey: string,
  accessSecret: Redacted.Redacted<string>,
  now: number,
): Promise<SignatureVerification> => {
  const secretOk = await verifySecret(stored?.secret, Redacted.value(accessSecret));
  const keyOk = constantTimeEqualText(stored?.accessKey ?? "", accessKey);
  if (stored === undefined || !secretOk || !keyOk) return { _tag: "Invalid" };
  if (stored.expiresAtMs !== null && !(stored.expiresAtMs > now)) return { _tag: "Expired" };
  return { _tag: "Valid", workspace: stored.workspace, token, expiresAtMs: stored.expiresAtMs };
};

/** A stored admin key, as far as checking it goes. */
export interface AdminCheck {
  readonly workspace: string;
  readonly userId: number;
  readonly secret: SecretHash;
}

/** Checks an admin API secret against what is stored (constant time, hashing even when absent). */
export const verifyAdmin = async (
  stored: AdminCheck | undefined,
  apiSecret: Redacted.Redacted<string>,
): Promise<AdminVerification> => {
  const ok = await verifySecret(stored?.secret, Redacted.value(apiSecret));
  if (stored === undefined || !ok) return { _tag: "Invalid" };
  return { _tag: "Valid", workspace: stored.workspace, userId: stored.userId };
};

/** The promise-returning operations of a credential store. */
export interface CredentialOps {
  readonly createSignatureToken: (
    workspace: string,
    input: NewSignatureToken,
  ) => Promise<SignatureToken>;
  readonly putSignatureToken: (workspace: string, input: SignatureTokenInput) => Promise<void>;
  readonly verifySignatureToken: (
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ) => Promise<SignatureVerification>;
  readonly putAdminKey: (workspace: string, input: AdminKeyInput) => Promise<void>;
  readonly verifyAdminKey: (
    apiKey: string,
    apiSecret: Redacted.Redacted<string>,
  ) => Promise<AdminVerification>;
}

/** A {@link CredentialStoreService} over promise-returning operations, failures named by `storeName`. */
export const credentialService = (
  store: CredentialOps,
  storeName: string,
): CredentialStoreService => {
  const failure = storeFailure(storeName);
  const run = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
    Effect.tryPromise({ try: f, catch: failure(operation) });
  return {
    createSignatureToken: (workspace, input) =>
      run("creating a signature token", () => store.createSignatureToken(workspace, input)),
    putSignatureToken: (workspace, input) =>
      run("storing a signature token", () => store.putSignatureToken(workspace, input)),
    verifySignatureToken: (token, accessKey, accessSecret) =>
      run(
        "checking a signature token",
        () => store.verifySignatureToken(token, accessKey, accessSecret),
      ),
    putAdminKey: (workspace, input) =>
      run("storing an admin API key", () => store.putAdminKey(workspace, input)),
    verifyAdminKey: (apiKey, apiSecret) =>
      run("checking an admin API key", () => store.verifyAdminKey(apiKey, apiSecret)),
  };
};
