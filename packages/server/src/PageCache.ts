/**
 * `PageCache`: rendered page bodies kept for reuse by the fast path. A
 * body is keyed by everything it depends on (workspace, version, listing,
 * page, per_page, `include_spaces`), and a version never changes, so an
 * entry is never stale.
 *
 * @module
 */
import { Lru } from "./_lru.ts";

/**
 * Where rendered pages are kept.
 *
 * **Details**
 *
 * `get` and `set` are synchronous: the fast path answers without awaiting
 * anything. A cache may drop any entry at any time (the page is then
 * rendered again).
 *
 * @example
 * ```ts
 * import { PageCache } from "@mode-discovery/server";
 * const cache = PageCache.memory(1_000_000);
 * cache.set("key", "{}");
 * cache.get("key"); // => "{}"
 * ```
 */
export interface PageCache {
  /** The body kept under `key`, if any. */
  readonly get: (key: string) => string | undefined;
  /** Keeps `body` under `key`. */
  readonly set: (key: string, body: string) => void;
}

/**
 * The page caches.
 */
export const PageCache = {
  /** Pages in this process's memory, least recently used dropped first past `budgetChars`. */
  memory: (budgetChars = 32_000_000): PageCache => {
    const lru = new Lru<string, string>(budgetChars);
    return {
      get: (key) => lru.get(key),
      set: (key, body) => lru.set(key, body, body.length),
    };
  },
  /** No cache: every page is rendered. */
  none: { get: () => undefined, set: () => {} } as PageCache,
} as const;
