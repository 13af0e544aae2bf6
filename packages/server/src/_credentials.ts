/**
 * What the Deno KV and the in-memory stores share: row encoding, input
 * checks, failure wrapping, and the signature-token and admin-key logic
 * (salted hashes, constant-time checks, the `SignatureToken` answer). Free of
 * Deno types so the runtime-neutral memory store can use it.
 *
 * @internal
 * @module
 */
import type * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import {
  AUTHENTICATION_FOR,
  AUTHORIZATION_TYPE,
  Collection,
  type SignatureToken,
  WorkspaceName,
} from "@mode-discovery/core";
import type {
  AdminKeyInput,
  AdminVerification,
  CollectionStoreService,
  NewSignatureToken,
  SignatureTokenInput,
  SignatureVerification,
} from "./CollectionStore.ts";
import { StoreError } from "./CollectionStore.ts";
import {
  constantTimeEqualText,
  hashSecret,
  randomHex,
  type SecretHash,
  verifySecret,
} from "./_secrets.ts";

/** Non-ASCII UTF-16 code units, each written as a JSON `\uXXXX` escape. */
const NON_ASCII = /[\u0080-\uffff]/g;
const escapeCodeUnit = (ch: string): string =>
  `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * JSON text with every non-ASCII character written as a `\uXXXX` escape:
 * the same JSON value, in pure ASCII. ASCII bodies are sent by the runtime
 * without re-encoding, about twice as cheap per response as UTF-8 bytes.
 *
 * @example
 * ```ts
 * asciiJson(JSON.stringify({ name: "é" })); // => '{"name":"\\u00e9"}'
 * ```
 */
export const asciiJson = (json: string): string => json.replace(NON_ASCII, escapeCodeUnit);

const encodeCollection = Schema.encodeSync(Collection);
const decodeCollection = Schema.decodeUnknownSync(Collection);
const isWorkspaceName = (name: string): boolean => Schema.is(WorkspaceName)(name);

/** A store error for input the store refuses. */
export const invalid = (message: string): StoreError =>
  new StoreError({ reason: "Invalid", message });

/** Throws an `Invalid` store error unless `workspace` is a workspace username. */
export const checkWorkspaceName = (workspace: string): void => {
  if (!isWorkspaceName(workspace)) {
    throw invalid(
      `workspace ${JSON.stringify(workspace.slice(0, 120))} is not a workspace username`,
    );
  }
};

/**
 * Validates collections and encodes them as the stores' rows: ascending
 * ids, each the collection's ASCII JSON. Throws an `Invalid` store error
 * naming the first bad collection or duplicate id.
 */
export const encodeRows = (collections: Iterable<Collection>): ReadonlyArray<string> => {
  const list: Array<Collection> = [];
  let index = 0;
  for (const item of collections) {
    try {
      list.push(decodeCollection(item));
    } catch (error) {
      throw invalid(
        `collection at position ${index} is not a valid collection: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    index++;
  }
  list.sort((a, b) => a.id - b.id);
  for (let i = 1; i < list.length; i++) {
    if (list[i].id === list[i - 1].id) throw invalid(`duplicate collection id ${list[i].id}`);
  }
  return list.map((c) => asciiJson(JSON.stringify(encodeCollection(c))));
};

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

/** The promise-returning token and admin-key operations of a store. */
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

/** The credential methods of a `CollectionStoreService`, each run by `run` under its operation name. */
export const credentialMethods = (
  store: CredentialOps,
  run: <A>(operation: string, f: () => Promise<A>) => Effect.Effect<A, StoreError>,
): Pick<
  CollectionStoreService,
  | "createSignatureToken"
  | "putSignatureToken"
  | "verifySignatureToken"
  | "putAdminKey"
  | "verifyAdminKey"
> => ({
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
});
