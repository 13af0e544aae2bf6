/**
 * Retry policy of the client: which failures are retried, how long to wait
 * (exponential backoff with full jitter, or the server's `Retry-After`).
 *
 * @internal
 * @module
 */

/** HTTP statuses retried for a request that is safe to repeat (GET). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * HTTP statuses retried for a request that is not safe to repeat (POST):
 * only those that say the server did not act on it.
 */
export const RETRYABLE_STATUSES_UNSAFE: ReadonlySet<number> = new Set([408, 429]);

/**
 * Whether a response status is worth retrying.
 *
 * @example
 * ```ts
 * isRetryableStatus(503, "GET"); // => true
 * isRetryableStatus(503, "POST"); // => false
 * isRetryableStatus(404, "GET"); // => false
 * ```
 */
export const isRetryableStatus = (status: number, method: string): boolean =>
  (method === "GET" ? RETRYABLE_STATUSES : RETRYABLE_STATUSES_UNSAFE).has(status);

const DELTA_SECONDS = /^\s*(\d{1,10})(?:\.\d+)?\s*$/;

/**
 * Seconds to wait from a `Retry-After` header: either a number of seconds or
 * an HTTP date (a date in the past means 0). `undefined` when absent or
 * unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter("7", Date.now()); // => 7
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:30Z")); // => 30
 * parseRetryAfter("soon", Date.now()); // => undefined
 * ```
 */
export const parseRetryAfter = (
  header: string | null | undefined,
  nowMs: number,
): number | undefined => {
  if (header === null || header === undefined) return undefined;
  const seconds = DELTA_SECONDS.exec(header);
  if (seconds !== null) return Number(seconds[1]);
  if (!/[a-z]/i.test(header)) return undefined;
  const at = Date.parse(header);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
};

/** The settings the delay before a retry depends on. */
export interface BackoffSettings {
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxRetryAfterSeconds: number;
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry).
 *
 * **Details**
 *
 * When the server said how long to wait (`Retry-After`), that wait is
 * honoured, capped at `maxRetryAfterSeconds`. Otherwise: full jitter, a
 * uniformly random wait between 0 and `min(backoffMaxMs, backoffBaseMs * 2^(retry-1))`.
 * `random` is a number in [0, 1).
 *
 * @example
 * ```ts
 * const s = { backoffBaseMs: 100, backoffMaxMs: 1000, maxRetryAfterSeconds: 60 };
 * retryDelayMs(3, undefined, s, 0.5); // => 200 (half of 400)
 * retryDelayMs(3, 120, s, 0.5); // => 60000 (Retry-After capped)
 * ```
 */
export const retryDelayMs = (
  retry: number,
  retryAfterSeconds: number | undefined,
  settings: BackoffSettings,
  random: number,
): number => {
  if (retryAfterSeconds !== undefined) {
    return Math.min(retryAfterSeconds, settings.maxRetryAfterSeconds) * 1000;
  }
  const ceiling = Math.min(
    settings.backoffMaxMs,
    settings.backoffBaseMs * 2 ** Math.min(Math.max(retry - 1, 0), 52),
  );
  return Math.floor(random * ceiling);
};
