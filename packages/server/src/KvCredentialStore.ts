/**
 * The {@link CredentialStore} on a {@link KvLike} (Deno KV): signature
 * tokens under `["mode-discovery", "token", token]`, admin API keys under
 * `["mode-discovery", "admin", api_key]`, secrets as salted hashes only.
 *
 * @module
 */
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import { AUTHENTICATION_FOR, AUTHORIZATION_TYPE, type SignatureToken } from "@mode-discovery/core";
import {
  type AdminKeyInput,
  type AdminVerification,
  CredentialStore,
  type CredentialStoreService,
  type NewSignatureToken,
  type SignatureTokenInput,
  type SignatureVerification,
} from "./CredentialStore.ts";
import type { KvLike } from "./Kv.ts";
import { StoreError } from "./ListingStore.ts";
import { adminKey, type StoredAdminKey, type StoredToken, tokenKey } from "./_kvLayout.ts";
import { hashSecret } from "./_secrets.ts";
import {
  createdToken,
  credentialService,
  newTokenId,
  newTokenSecret,
  verifyAdmin,
  verifyToken,
} from "./_credentials.ts";

/** Settings of a {@link KvCredentialStore}. */
export interface KvCredentialStoreOptions {
  /** Clock in epoch milliseconds (token expiry, timestamps). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

class KvCredentials {
  readonly #kv: KvLike;
  readonly #now: () => number;

  constructor(kv: KvLike, options: KvCredentialStoreOptions | undefined) {
    this.#kv = kv;
    this.#now = options?.now ?? Date.now;
  }

  async createSignatureToken(
    workspace: string,
    input: NewSignatureToken,
  ): Promise<SignatureToken> {
    const { accessKey, accessSecret, secret } = await newTokenSecret();
    const now = new Date(this.#now()).toISOString();
    for (let attempt = 0; attempt < 10; attempt++) {
      const token = newTokenId();
      const stored: StoredToken = {
        workspace,
        name: input.name,
        creatorId: input.creatorId,
        organizationId: input.organizationId,
        accessKey,
        secretSalt: secret.salt,
        secretHash: secret.hash,
        createdAt: now,
        updatedAt: now,
        expiresAt: input.expiresAt.toISOString(),
        authenticationFor: AUTHENTICATION_FOR,
        authorizationType: AUTHORIZATION_TYPE,
      };
      const result = await this.#kv.atomic().check({ key: tokenKey(token), versionstamp: null })
        .set(tokenKey(token), stored).commit();
      if (result.ok) {
        return createdToken({
          token,
          name: stored.name,
          creatorId: stored.creatorId,
          organizationId: stored.organizationId,
          accessKey,
          accessSecret,
          now,
          expiresAt: input.expiresAt.toISOString(),
        });
      }
    }
    throw new StoreError({ reason: "Conflict", message: "could not pick an unused token id" });
  }

  async putSignatureToken(workspace: string, input: SignatureTokenInput): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.accessSecret));
    const now = new Date(this.#now()).toISOString();
    const stored: StoredToken = {
      workspace,
      name: input.name,
      creatorId: input.creatorId,
      organizationId: input.organizationId,
      accessKey: input.accessKey,
      secretSalt: secret.salt,
      secretHash: secret.hash,
      createdAt: now,
      updatedAt: now,
      expiresAt: input.expiresAt?.toISOString() ?? null,
      authenticationFor: AUTHENTICATION_FOR,
      authorizationType: AUTHORIZATION_TYPE,
    };
    await this.#kv.set(tokenKey(input.token), stored);
  }

  async verifySignatureToken(
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ): Promise<SignatureVerification> {
    const stored = (await this.#kv.get<StoredToken>(tokenKey(token))).value ?? undefined;
    return await verifyToken(
      stored === undefined ? undefined : {
        workspace: stored.workspace,
        accessKey: stored.accessKey,
        secret: { salt: stored.secretSalt, hash: stored.secretHash },
        expiresAtMs: stored.expiresAt === null ? null : Date.parse(stored.expiresAt),
      },
      token,
      accessKey,
      accessSecret,
      this.#now(),
    );
  }

  async putAdminKey(workspace: string, input: AdminKeyInput): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.apiSecret));
    const stored: StoredAdminKey = {
      workspace,
      userId: input.userId,
      secretSalt: secret.salt,
      secretHash: secret.hash,
    };
    await this.#kv.set(adminKey(input.apiKey), stored);
  }

  async verifyAdminKey(
    apiKey: string,
    apiSecret: Redacted.Redacted<string>,
  ): Promise<AdminVerification> {
    const stored = (await this.#kv.get<StoredAdminKey>(adminKey(apiKey))).value ?? undefined;
    return await verifyAdmin(
      stored === undefined ? undefined : {
        workspace: stored.workspace,
        userId: stored.userId,
        secret: { salt: stored.secretSalt, hash: stored.secretHash },
      },
      apiSecret,
    );
  }
}

const make = (kv: KvLike, options?: KvCredentialStoreOptions): CredentialStoreService =>
  credentialService(new KvCredentials(kv, options), "KV");

/**
 * Builds the KV {@link CredentialStore}. The KV stays the caller's to close.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Redacted from "effect/Redacted";
 * import { KvCredentialStore, type KvLike } from "@mode-discovery/server";
 * declare const kv: KvLike; // an open Deno KV, for example
 * const store = KvCredentialStore.make(kv);
 * await Effect.runPromise(store.putAdminKey("acme", {
 *   apiKey: "key", apiSecret: Redacted.make("secret"), userId: 1,
 * }));
 * ```
 */
export const KvCredentialStore = {
  make,
  /** The `CredentialStore` service on `kv`. */
  layer: (kv: KvLike, options?: KvCredentialStoreOptions): Layer.Layer<CredentialStore> =>
    Layer.succeed(CredentialStore, make(kv, options)),
} as const;
