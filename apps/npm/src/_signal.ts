/**
 * Combining abort signals without `AbortSignal.any` (missing before Node 20.3).
 *
 * @internal
 * @module
 */

/** A signal that aborts when any of `signals` does, and a way to stop listening. */
export interface CombinedSignal {
  readonly signal: AbortSignal | undefined;
  readonly dispose: () => void;
}

/**
 * One signal for several: `undefined` when none is given, the signal itself
 * when one is, else a new signal that follows the first to abort.
 */
export const combineSignals = (
  signals: ReadonlyArray<AbortSignal | undefined>,
): CombinedSignal => {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  if (given.length === 0) return { signal: undefined, dispose: () => {} };
  if (given.length === 1) return { signal: given[0], dispose: () => {} };
  const controller = new AbortController();
  const aborted = given.find((s) => s.aborted);
  if (aborted !== undefined) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const listeners = given.map((s) => {
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener("abort", onAbort, { once: true });
    return () => s.removeEventListener("abort", onAbort);
  });
  return {
    signal: controller.signal,
    dispose: () => listeners.forEach((remove) => remove()),
  };
};

/** Checks that `signal` is an `AbortSignal` (or absent); a message naming `where` if not. */
export const signalProblem = (signal: unknown, where: string): string | undefined =>
  signal === undefined || signal instanceof AbortSignal
    ? undefined
    : `Invalid option signal of ${where}: expected an AbortSignal (from new AbortController().signal) or nothing, got ${
      signal === null ? "null" : typeof signal
    }.`;
