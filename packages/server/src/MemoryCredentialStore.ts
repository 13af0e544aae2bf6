/**
 * A {@link CredentialStore} held in plain memory (salted hashes, no
 * secret), for runtimes without a KV and for tests.
 *
 * @module
 */
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import type { SignatureToken } from "@mode-discovery/core";
import {
  type AdminKeyInput,
  type AdminVerification,
  CredentialStore,
  type CredentialStoreService,
  type NewSignatureToken,
  type SignatureTokenInput,
  type SignatureVerification,
} from "./CredentialStore.ts";
import { hashSecret } from "./_secrets.ts";
import {
  type AdminCheck,
  createdToken,
  credentialService,
  newTokenId,
  newTokenSecret,
  type TokenCheck,
  verifyAdmin,
  verifyToken,
} from "./_credentials.ts";

/** Settings of a {@link MemoryCredentialStore}. */
export interface MemoryCredentialStoreOptions {
  /** Clock in epoch milliseconds (token expiry, timestamps). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

class MemoryCredentials {
  readonly #now: () => number;
  readonly #tokens = new Map<string, TokenCheck>();
  readonly #adminKeys = new Map<string, AdminCheck>();

  constructor(options: MemoryCredentialStoreOptions | undefined) {
    this.#now = options?.now ?? Date.now;
  }

  async createSignatureToken(
    workspace: string,
    input: NewSignatureToken,
  ): Promise<SignatureToken> {
    const { accessKey, accessSecret, secret } = await newTokenSecret();
    let token = newTokenId();
    while (this.#tokens.has(token)) token = newTokenId();
    this.#tokens.set(token, {
      workspace,
      accessKey,
      secret,
      expiresAtMs: input.expiresAt.getTime(),
    });
    return createdToken({
      token,
      name: input.name,
      creatorId: input.creatorId,
      organizationId: input.organizationId,
      accessKey,
      accessSecret,
      now: new Date(this.#now()).toISOString(),
      expiresAt: input.expiresAt.toISOString(),
    });
  }

  async putSignatureToken(workspace: string, input: SignatureTokenInput): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.accessSecret));
    this.#tokens.set(input.token, {
      workspace,
      accessKey: input.accessKey,
      secret,
      expiresAtMs: input.expiresAt === null ? null : input.expiresAt.getTime(),
    });
  }

  verifySignatureToken(
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ): Promise<SignatureVerification> {
    return verifyToken(this.#tokens.get(token), token, accessKey, accessSecret, this.#now());
  }

  async putAdminKey(workspace: string, input: AdminKeyInput): Promise<void> {
    const secret = await hashSecret(Redacted.value(input.apiSecret));
    this.#adminKeys.set(input.apiKey, { workspace, userId: input.userId, secret });
  }

  verifyAdminKey(apiKey: string, apiSecret: Redacted.Redacted<string>): Promise<AdminVerification> {
    return verifyAdmin(this.#adminKeys.get(apiKey), apiSecret);
  }
}

const make = (options?: MemoryCredentialStoreOptions): CredentialStoreService =>
  credentialService(new MemoryCredentials(options), "memory");

/**
 * Builds the in-memory {@link CredentialStore}.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Redacted from "effect/Redacted";
 * import { MemoryCredentialStore } from "@mode-discovery/server";
 * const store = MemoryCredentialStore.make();
 * await Effect.runPromise(store.putAdminKey("acme", {
 *   apiKey: "key", apiSecret: Redacted.make("secret"), userId: 1,
 * }));
 * ```
 */
export const MemoryCredentialStore = {
  make,
  /** The `CredentialStore` service held in memory. */
  layer: (options?: MemoryCredentialStoreOptions): Layer.Layer<CredentialStore> =>
    Layer.sync(CredentialStore, () => make(options)),
} as const;
