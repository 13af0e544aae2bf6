/**
 * A short-lived memory of signature credentials already verified, so a
 * client paging through a workspace is not re-hashed on every request.
 *
 * @module
 */
import { hmacSha256 } from "./_sha256.ts";

const encoder = new TextEncoder();

/** Who verified credentials speak for. */
export interface CachedPrincipal {
  /** The workspace the token belongs to. */
  readonly workspace: string;
  /** The token's public identifier. */
  readonly token: string;
  /** Token expiry (epoch ms) or `null` for never. */
  readonly expiresAtMs: number | null;
}

interface Entry extends CachedPrincipal {
  readonly until: number;
}

/**
 * Verified credentials, keyed by an HMAC-SHA-256 of the whole
 * `Authorization` value under a random per-cache key: the cache never holds
 * a secret, and an entry only matches the exact header that was verified (a
 * wrong secret never hits it). Entries live `ttlMs` and never past the
 * token's expiry.
 *
 * **Details**
 *
 * The HMAC is computed synchronously in plain JavaScript (the fast path
 * answers without awaiting anything, and Web Crypto's `crypto.subtle` only
 * answers with a promise); the key comes from `crypto.getRandomValues`.
 * No Node or Deno API is used, so the cache runs on any runtime.
 *
 * **When to use**
 *
 * Share one between `signatureAuthLayer` and anything else answering
 * signature-authenticated requests; `ttlMs` 0 turns caching off.
 *
 * @example
 * ```ts
 * import { CredentialCache } from "@mode-discovery/server";
 * const cache = new CredentialCache(10_000);
 * cache.set("Bearer abc", { workspace: "acme", token: "t", expiresAtMs: null });
 * cache.get("Bearer abc")?.workspace; // => "acme"
 * ```
 */
export class CredentialCache {
  readonly #mac = hmacSha256(crypto.getRandomValues(new Uint8Array(32)));
  readonly #entries = new Map<string, Entry>();

  /**
   * Creates an empty cache.
   *
   * @param ttlMs how long a verified header is remembered (0: never).
   * @param maxEntries most headers remembered; the oldest go first.
   */
  constructor(readonly ttlMs = 10_000, readonly maxEntries = 10_000) {}

  #keyOf(header: string): string {
    const digest = this.#mac(encoder.encode(header));
    let key = "";
    for (let i = 0; i < digest.length; i++) key += String.fromCharCode(digest[i]);
    return key;
  }

  /** The principal verified for exactly this header, if still fresh. */
  get(header: string): CachedPrincipal | undefined {
    if (this.ttlMs <= 0) return undefined;
    const key = this.#keyOf(header);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = Date.now();
    if (entry.until <= now || (entry.expiresAtMs !== null && entry.expiresAtMs <= now)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Remembers a verified header. */
  set(header: string, principal: CachedPrincipal): void {
    if (this.ttlMs <= 0) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(this.#keyOf(header), { ...principal, until: Date.now() + this.ttlMs });
  }

  /** Forgets everything (after tokens change). */
  clear(): void {
    this.#entries.clear();
  }
}
