/**
 * Rate limiting per signature token (`MODE_RATE_LIMIT`, such as `40/10s`):
 * fixed windows whose counts live in a shared store (a KV), handed out
 * to each server instance in small leases so most requests are decided in
 * memory.
 *
 * @module
 */
import { RateLimited } from "@mode-discovery/core";
import { quoteSetting, type SettingsError, settingsError } from "./SettingsError.ts";
import { parseDuration, showDuration } from "./_duration.ts";
import { errorResponse } from "./_render.ts";
import { sha256Hex } from "./_sha256.ts";

/** A rate limit: at most `limit` requests per token in each window of `windowMs`. */
export interface RateLimitSpec {
  /** Requests allowed per window. */
  readonly limit: number;
  /** Length of a window in milliseconds. */
  readonly windowMs: number;
}

/** Most requests a window may allow. */
export const MAX_RATE_LIMIT = 1_000_000;

/**
 * Parses `MODE_RATE_LIMIT`: `<requests>/<window>` such as `40/10s`,
 * `100/s`, `1000/1m` (window from 1s to 24h), or `off`.
 *
 * @example
 * ```ts
 * import { parseRateLimit } from "@mode-discovery/server";
 * parseRateLimit("40/10s"); // => { limit: 40, windowMs: 10000 }
 * parseRateLimit("off"); // => undefined
 * ```
 */
export const parseRateLimit = (
  text: string,
  variable = "MODE_RATE_LIMIT",
): RateLimitSpec | undefined | SettingsError => {
  const value = text.trim();
  if (value.toLowerCase() === "off") return undefined;
  const help = "give requests per window such as 40/10s, 100/s or 1000/1m " +
    `(1 to ${MAX_RATE_LIMIT} requests, a window from 1s to 24h), or off`;
  const slash = value.indexOf("/");
  if (slash < 0) return settingsError(variable, `${quoteSetting(value)} has no "/"; ${help}.`);
  const countText = value.slice(0, slash).trim();
  const windowText = value.slice(slash + 1).trim();
  if (!/^[0-9]{1,7}$/.test(countText) || Number(countText) < 1) {
    return settingsError(
      variable,
      `the request count ${
        quoteSetting(countText)
      } is not a whole number from 1 to ${MAX_RATE_LIMIT}; ${help}.`,
    );
  }
  const limit = Number(countText);
  if (limit > MAX_RATE_LIMIT) {
    return settingsError(variable, `${limit} requests is more than ${MAX_RATE_LIMIT}; ${help}.`);
  }
  const windowMs = parseDuration(windowText, true);
  if (windowMs === undefined) {
    return settingsError(
      variable,
      `the window ${quoteSetting(windowText)} is not a duration (ms, s, m or h); ${help}.`,
    );
  }
  if (windowMs < 1000 || windowMs > 86_400_000) {
    return settingsError(
      variable,
      `the window ${showDuration(windowMs)} is out of range; ${help}.`,
    );
  }
  return { limit, windowMs };
};

/** Describes a rate limit: `40 requests per 10s`. */
export const describeRateLimit = (spec: RateLimitSpec): string =>
  `${spec.limit} request${spec.limit === 1 ? "" : "s"} per ${showDuration(spec.windowMs)}`;

/**
 * Where window counts are kept: shared by every server instance (Deno KV)
 * or private to one (memory).
 *
 * **Details**
 *
 * `reserve` takes up to `want` of the `limit` requests of window `window`
 * of `key` and resolves with how many it got: 0 when the window is used
 * up. It must never hand out more than `limit` in total for one window,
 * whoever asks.
 */
export interface RateLimitStore {
  /** Takes up to `want` requests of a window; resolves with how many were granted. */
  readonly reserve: (
    key: string,
    window: number,
    want: number,
    limit: number,
    windowMs: number,
  ) => Promise<number>;
}

/**
 * The stores of window counts.
 *
 * @example
 * ```ts
 * import { RateLimitStore } from "@mode-discovery/server";
 * const store = RateLimitStore.memory(); // or KvRateLimitStore.make(kv), shared by instances
 * await store.reserve("token", 0, 5, 40, 10_000); // => 5
 * ```
 */
export const RateLimitStore = {
  /** Counts in this process's memory (one server instance; tests). */
  memory: (): RateLimitStore => {
    const counts = new Map<string, { window: number; used: number }>();
    return {
      reserve: (key, window, want, limit) => {
        let entry = counts.get(key);
        if (entry === undefined || entry.window !== window) {
          entry = { window, used: 0 };
          counts.set(key, entry);
        }
        const grant = Math.max(0, Math.min(want, limit - entry.used));
        entry.used += grant;
        return Promise.resolve(grant);
      },
    };
  },
} as const;

/** What the limiter decided for one request. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: RateDecision = { allowed: true };

interface WindowState {
  readonly window: number;
  granted: number;
  exhausted: boolean;
  pending: Promise<void> | undefined;
}

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Clock in epoch milliseconds. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * Requests taken from the store at a time. Default: a tenth of the limit,
   * from 1 to 1000.
   */
  readonly lease?: number | undefined;
  /** Told when the store fails (the request is then allowed). */
  readonly onStoreError?: ((message: string) => void) | undefined;
}

/**
 * A token key safe for a KV key: the token itself when plain, else its
 * SHA-256 (computed synchronously, so a request inside a lease is decided
 * without awaiting anything).
 */
const keyOf = (token: string): string =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(token) ? token : `sha256:${sha256Hex(token)}`;

/**
 * Decides, per key (a signature token), whether a request is within the
 * rate limit.
 *
 * **When to use**
 *
 * The server handler builds one from `MODE_RATE_LIMIT`; build your own to
 * limit something else with the same guarantees.
 *
 * **Details**
 *
 * Windows are fixed: window `n` is `[n x windowMs, (n + 1) x windowMs)` of
 * the clock. This instance takes requests from the shared count in leases
 * (`lease` at a time, with a compare-and-set), and decides in memory while
 * its lease lasts; requests arriving while a lease is being taken wait for
 * that one store call. The store never hands out more than `limit` per
 * window, so all instances together never allow more than `limit`; an
 * instance can hold back at most `lease - 1` requests it took but did not
 * use, so with `k` instances busy at once at most `k x (lease - 1)` fewer
 * may be allowed. A window's requests may all come at its end and the next
 * window's at its start: up to `2 x limit` in any span of one window. If
 * the store fails, requests are allowed (and `onStoreError` is told).
 *
 * @example
 * ```ts
 * import { RateLimiter, RateLimitStore } from "@mode-discovery/server";
 * const limiter = new RateLimiter({ limit: 2, windowMs: 10_000 }, RateLimitStore.memory());
 * await limiter.check("tok"); // => { allowed: true }
 * await limiter.check("tok"); // => { allowed: true }
 * await limiter.check("tok"); // => { allowed: false, retryAfterSeconds: ... }
 * ```
 */
export class RateLimiter {
  readonly #spec: RateLimitSpec;
  readonly #store: RateLimitStore;
  readonly #now: () => number;
  readonly #lease: number;
  readonly #onStoreError: (message: string) => void;
  readonly #states = new Map<string, WindowState>();
  #lastErrorWindow = -1;
  /** Requests refused so far. */
  refused = 0;

  /** A limiter of `spec` whose counts live in `store`. */
  constructor(spec: RateLimitSpec, store: RateLimitStore, options: RateLimiterOptions = {}) {
    this.#spec = spec;
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#lease = Math.max(
      1,
      Math.min(options.lease ?? Math.min(1000, Math.ceil(spec.limit / 10)), spec.limit),
    );
    this.#onStoreError = options.onStoreError ?? (() => {});
  }

  /** The limit this limiter enforces. */
  get spec(): RateLimitSpec {
    return this.#spec;
  }

  /**
   * Counts one request of `token` and says whether it is allowed. Answers
   * synchronously while this instance holds a lease or knows the window is
   * used up; otherwise after one store call shared by the requests waiting.
   */
  check(token: string): RateDecision | Promise<RateDecision> {
    const key = keyOf(token);
    const window = Math.floor(this.#now() / this.#spec.windowMs);
    let state = this.#states.get(key);
    if (state === undefined || state.window !== window) {
      if (this.#states.size >= 10_000) this.#prune(window);
      state = { window, granted: 0, exhausted: false, pending: undefined };
      this.#states.set(key, state);
    }
    if (state.granted > 0) {
      state.granted--;
      return ALLOWED;
    }
    if (state.exhausted) return this.#refuse(window);
    return this.#wait(key, state);
  }

  async #wait(key: string, state: WindowState): Promise<RateDecision> {
    for (;;) {
      if (state.granted > 0) {
        state.granted--;
        return ALLOWED;
      }
      if (state.exhausted) return this.#refuse(state.window);
      state.pending ??= this.#reserve(key, state).finally(() => {
        state.pending = undefined;
      });
      await state.pending;
    }
  }

  async #reserve(key: string, state: WindowState): Promise<void> {
    try {
      const got = await this.#store.reserve(
        key,
        state.window,
        this.#lease,
        this.#spec.limit,
        this.#spec.windowMs,
      );
      if (got <= 0) state.exhausted = true;
      else state.granted += got;
    } catch (error) {
      // Fail open: an unreadable store must not take the API down.
      state.granted += this.#lease;
      if (this.#lastErrorWindow !== state.window) {
        this.#lastErrorWindow = state.window;
        this.#onStoreError(
          `MODE_RATE_LIMIT: the rate-limit store failed, requests are allowed meanwhile: ${
            error instanceof Error ? error.message.split("\n")[0] : String(error)
          }`,
        );
      }
    }
  }

  #refuse(window: number): RateDecision {
    this.refused++;
    const end = (window + 1) * this.#spec.windowMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((end - this.#now()) / 1000)),
    };
  }

  #prune(window: number): void {
    for (const [key, state] of this.#states) {
      if (state.window < window && state.pending === undefined) this.#states.delete(key);
    }
  }
}

/**
 * The 429 answer: core's `RateLimited` body (`{"id": "rate_limited", ...}`)
 * and `Retry-After` in seconds.
 *
 * @example
 * ```ts
 * import { rateLimitedResponse } from "@mode-discovery/server";
 * const response = rateLimitedResponse({ limit: 40, windowMs: 10_000 }, 7);
 * response.headers.get("retry-after"); // => "7"
 * ```
 */
export const rateLimitedResponse = (spec: RateLimitSpec, retryAfterSeconds: number): Response =>
  errorResponse(
    RateLimited.status,
    RateLimited.id,
    `Too many requests for this signature token: the limit is ${
      describeRateLimit(spec)
    }. Retry after ${retryAfterSeconds} second${
      retryAfterSeconds === 1 ? "" : "s"
    } (the Retry-After header).`,
    { "retry-after": String(retryAfterSeconds) },
  );
