/**
 * One watchdog for the deadlines of every request in flight, so that timing
 * a request out costs no timer of its own.
 *
 * @internal
 * @module
 */

/** A deadline added to {@link Deadlines}; pass it back to `remove`. */
export interface Deadline {
  /** When it expires, on the `performance.now()` clock. */
  readonly at: number;
  /** Called once, when it expires, unless removed first. */
  readonly expire: () => void;
}

/**
 * Deadlines kept by a single timer, armed for the earliest of them.
 *
 * **When to use**
 *
 * To give up on many short-lived operations after a time each, where almost
 * all of them finish long before it: requests with a timeout.
 *
 * **Details**
 *
 * A deadline is an entry in a set; `add` re-arms the timer only when the new
 * deadline is earlier than the one it is armed for, and `remove` only drops
 * the entry. When the timer fires it expires every deadline that has passed
 * and arms again for the earliest left, if any.
 *
 * The timer is an `AbortSignal.timeout`, not `setTimeout`: Deno's global
 * `setTimeout` is Node's, loaded on its first call, and a client that has
 * never needed a timer should not pay for loading it on its first request.
 * The watchdog listens to that signal only while a deadline is waiting, so
 * that, as with a timer per request, a request in flight keeps the process
 * alive (Deno keeps it alive while a timeout signal has a listener) and a
 * program that has finished its requests exits at once. When the last
 * deadline is removed the armed signal is kept, unheard, and heard again by
 * the next deadline that is not earlier.
 *
 * @example
 * ```ts
 * const deadlines = new Deadlines();
 * const controller = new AbortController();
 * const deadline = deadlines.add(30_000, () => controller.abort());
 * // ... the request is answered in time:
 * deadlines.remove(deadline);
 * ```
 */
export class Deadlines {
  /** The deadlines waiting; while there are any, `armed` is heard. */
  private readonly pending = new Set<Deadline>();
  /** The armed timer's signal: heard while deadlines wait, else kept for reuse. */
  private armed: AbortSignal | undefined = undefined;
  /** When `armed` fires. */
  private armedAt = Infinity;

  /** Adds a deadline `ms` milliseconds from now that calls `expire` when it passes. */
  add(ms: number, expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + ms, expire };
    const armed = this.armed;
    if (armed === undefined || armed.aborted || deadline.at < this.armedAt) {
      if (this.pending.size > 0) armed?.removeEventListener("abort", this.fire);
      this.arm(deadline.at);
    } else if (this.pending.size === 0) {
      armed.addEventListener("abort", this.fire);
    }
    this.pending.add(deadline);
    return deadline;
  }

  /** Removes `deadline`: it will not expire. Removing it twice does nothing. */
  remove(deadline: Deadline): void {
    if (this.pending.delete(deadline) && this.pending.size === 0) {
      this.armed?.removeEventListener("abort", this.fire);
    }
  }

  /** How many deadlines are waiting to pass. */
  get size(): number {
    return this.pending.size;
  }

  private arm(at: number): void {
    const signal = AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())));
    this.armed = signal;
    this.armedAt = at;
    signal.addEventListener("abort", this.fire);
  }

  /** The armed signal fired: expires what has passed, arms for the earliest left. */
  private readonly fire = (): void => {
    this.armed = undefined;
    this.armedAt = Infinity;
    const now = performance.now();
    const passed: Array<Deadline> = [];
    let next = Infinity;
    for (const deadline of this.pending) {
      if (deadline.at <= now) passed.push(deadline);
      else if (deadline.at < next) next = deadline.at;
    }
    for (const deadline of passed) this.pending.delete(deadline);
    if (next !== Infinity) this.arm(next);
    for (const deadline of passed) deadline.expire();
  };
}
