/**
 * Rate-limit window counts in a {@link KvLike} (Deno KV), shared by every
 * server instance using the same KV (Deno Deploy's isolates, several local
 * processes on one KV file).
 *
 * @module
 */
import type { KvLike } from "./Kv.ts";
import type { RateLimitStore } from "./RateLimit.ts";
import { rateKey } from "./_kvLayout.ts";

/**
 * The KV {@link RateLimitStore}.
 *
 * **Details**
 *
 * A window's count lives under `["mode-discovery", "rate", key, window]`
 * and expires two windows later. `reserve` reads it and raises it with a
 * compare-and-set (retrying when another instance raised it first), so the
 * counts handed out for one window never add up to more than the limit.
 *
 * @example
 * ```ts
 * import { type KvLike, KvRateLimitStore } from "@mode-discovery/server";
 * declare const kv: KvLike; // an open Deno KV, for example
 * const store = KvRateLimitStore.make(kv);
 * await store.reserve("token", 0, 5, 40, 10_000); // => 5
 * ```
 */
export const KvRateLimitStore = {
  /** The store on `kv` (which stays the caller's to close). */
  make: (kv: KvLike): RateLimitStore => ({
    reserve: async (key, window, want, limit, windowMs) => {
      const entryKey = rateKey(key, window);
      for (let attempt = 0; attempt < 25; attempt++) {
        const entry = await kv.get<number>(entryKey);
        const used = entry.value ?? 0;
        const grant = Math.min(want, limit - used);
        if (grant <= 0) return 0;
        const result = await kv.atomic().check(entry).set(entryKey, used + grant, {
          expireIn: 2 * windowMs,
        }).commit();
        if (result.ok) return grant;
      }
      throw new Error(`the count of a rate-limit window kept changing (key ${key.slice(0, 12)})`);
    },
  }),
} as const;
