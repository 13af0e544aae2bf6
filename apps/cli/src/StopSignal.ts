/**
 * Ctrl-C (SIGINT) and SIGTERM as a service: by default they interrupt the
 * run; a long-running command (`serve`) can take them over and stop
 * gracefully instead.
 *
 * @module
 */
import * as Context from "effect/Context";

/** The operations of {@link StopSignal}. */
export interface StopSignalShape {
  /** Aborted when the process is asked to stop; `reason` is the signal name. */
  readonly signal: AbortSignal;
  /**
   * Tells the runner not to interrupt this run on the signal: the command
   * watches `signal` itself and finishes normally (exit 0).
   */
  readonly takeOver: () => void;
}

/**
 * The stop request of the current run.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { StopSignal } from "@mode-discovery/cli";
 * const waitForStop = Effect.gen(function* () {
 *   const stop = yield* StopSignal;
 *   stop.takeOver();
 *   yield* Effect.callback<void>((resume) => {
 *     stop.signal.addEventListener("abort", () => resume(Effect.void), { once: true });
 *   });
 * });
 * ```
 */
export class StopSignal extends Context.Service<StopSignal, StopSignalShape>()(
  "mode-discovery/cli/StopSignal",
) {}
