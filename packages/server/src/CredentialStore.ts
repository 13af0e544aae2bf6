/**
 * `CredentialStore`: the signature tokens and admin API keys the server
 * checks requests against. Secrets are only ever kept as salted hashes.
 * `KvCredentialStore` implements it on any {@link KvLike} (Deno KV),
 * `MemoryCredentialStore` in plain memory.
 *
 * @module
 */
import * as Context from "effect/Context";
import type * as Effect from "effect/Effect";
import type * as Redacted from "effect/Redacted";
import type { SignatureToken } from "@mode-discovery/core";
import type { StoreError } from "./ListingStore.ts";

/** What a signature token check found. Only `Valid` says anything about the token. */
export type SignatureVerification =
  | {
    readonly _tag: "Valid";
    readonly workspace: string;
    readonly token: string;
    /** When the token expires (epoch ms), or `null` for never. */
    readonly expiresAtMs: number | null;
  }
  | { readonly _tag: "Invalid" }
  | { readonly _tag: "Expired" };

/** What an admin API key check found. */
export type AdminVerification =
  | { readonly _tag: "Valid"; readonly workspace: string; readonly userId: number }
  | { readonly _tag: "Invalid" };

/** A signature token to store with known parts (development credentials). */
export interface SignatureTokenInput {
  /** The token (the first part of the bearer value). */
  readonly token: string;
  /** The access key (the second part). */
  readonly accessKey: string;
  /** The access secret (the third part); only its salted hash is stored. */
  readonly accessSecret: Redacted.Redacted<string>;
  /** The token's name. */
  readonly name: string;
  /** The id of the admin user who created it. */
  readonly creatorId: number;
  /** The organization id of its workspace. */
  readonly organizationId: number;
  /** Expiry, or `null` for a token that never expires. */
  readonly expiresAt: Date | null;
}

/** The parts of a new signature token chosen by the caller; the rest is generated. */
export interface NewSignatureToken {
  /** The token's name (4 to 64 characters). */
  readonly name: string;
  /** The id of the admin user creating it. */
  readonly creatorId: number;
  /** The organization id of its workspace. */
  readonly organizationId: number;
  /** When it expires. */
  readonly expiresAt: Date;
}

/** An admin API key to store. */
export interface AdminKeyInput {
  /** The API key (the Basic user name). */
  readonly apiKey: string;
  /** The API secret (the Basic password); only its salted hash is stored. */
  readonly apiSecret: Redacted.Redacted<string>;
  /** The id of the admin user the key belongs to. */
  readonly userId: number;
}

/**
 * The operations of a {@link CredentialStore}.
 *
 * **Details**
 *
 * Secrets are kept as SHA-256(salt || secret) with a 16-byte random salt
 * and compared in constant time; an unknown token or key is hashed against
 * a dummy, so the time taken does not tell whether it exists.
 */
export interface CredentialStoreService {
  /** Creates a signature token with generated token, access key and secret. */
  readonly createSignatureToken: (
    workspace: string,
    input: NewSignatureToken,
  ) => Effect.Effect<SignatureToken, StoreError>;
  /** Stores a signature token with known parts (replacing one with the same token). */
  readonly putSignatureToken: (
    workspace: string,
    input: SignatureTokenInput,
  ) => Effect.Effect<void, StoreError>;
  /** Checks a signature token's three parts. */
  readonly verifySignatureToken: (
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ) => Effect.Effect<SignatureVerification, StoreError>;
  /** Stores an admin API key of a workspace (replacing one with the same key). */
  readonly putAdminKey: (
    workspace: string,
    input: AdminKeyInput,
  ) => Effect.Effect<void, StoreError>;
  /** Checks an admin API key and secret. */
  readonly verifyAdminKey: (
    apiKey: string,
    apiSecret: Redacted.Redacted<string>,
  ) => Effect.Effect<AdminVerification, StoreError>;
}

/**
 * The credential store behind the server, as an Effect service: read by
 * the `SignatureAuth` and `AdminAuth` layers and the token endpoint.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Redacted from "effect/Redacted";
 * import { CredentialStore } from "@mode-discovery/server";
 * const program = Effect.gen(function* () {
 *   const store = yield* CredentialStore;
 *   return yield* store.verifyAdminKey("key", Redacted.make("secret"));
 * });
 * ```
 */
export class CredentialStore extends Context.Service<CredentialStore, CredentialStoreService>()(
  "mode-discovery/server/CredentialStore",
) {}
