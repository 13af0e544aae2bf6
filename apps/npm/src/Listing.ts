/**
 * `Listing`: a workspace's items of one resource as an `AsyncIterable`, with
 * `toArray({ limit })` for callers who want them all in memory.
 *
 * @module
 */
import type * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Pull from "effect/Pull";
import * as Scope from "effect/Scope";
import * as Stream from "effect/Stream";
import type { DiscoveryError, ListProgress } from "@mode-discovery/core";
import type { Collection } from "./Items.ts";
import { BadRequestError, LimitExceededError } from "./Errors.ts";
import { combineSignals, signalProblem } from "./_signal.ts";
import { abortError, fromCause } from "./_toError.ts";
import { unknownKeys } from "./_options.ts";

/** Options of {@link Listing.toArray}. */
export interface ToArrayOptions {
  /**
   * The most items you are ready to hold. A listing with more is
   * refused with a `LimitExceededError` (nothing is returned) instead of
   * filling memory. `Infinity` accepts any size.
   */
  readonly limit: number;
  /** Aborts the collection (and the requests in flight) when it fires. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Every item of one resource of a workspace (collections, reports, ...),
 * once each, in ascending page order.
 *
 * **When to use**
 *
 * Iterate with `for await` to handle items as pages arrive, in
 * constant memory; call `toArray({ limit })` to get them all at once.
 *
 * **Details**
 *
 * - Nothing is requested until iteration starts; each iteration walks the
 *   listing afresh.
 * - Leaving a `for await` early (`break`, `return`, a thrown error) cancels
 *   the requests in flight.
 * - Aborting the `signal` given to `list` (or to `toArray`) cancels the
 *   requests in flight and makes the iteration throw an `AbortError`.
 * - Failures throw the `ModeDiscoveryError` subclass for them
 *   (`UnauthorizedError`, `NotFoundError`, ...); items yielded
 *   before a failure were all real.
 *
 * @example
 * ```ts
 * import { createClient } from "mode-discovery";
 * const client = createClient({ workspace: "acme" });
 * for await (const collection of client.collections.list()) {
 *   console.log(collection.id, collection.name);
 * }
 * const all = await client.collections.list().toArray({ limit: 100_000 });
 * ```
 */
export interface Listing<A> extends AsyncIterable<A> {
  /**
   * Collects the whole listing into an array, refusing (with a
   * `LimitExceededError`, before holding more) when it has more than
   * `limit` items.
   */
  toArray(options: ToArrayOptions): Promise<Array<A>>;
}

/** A listing of collections: {@link Listing} of `Collection`. */
export type CollectionListing = Listing<Collection>;

/** What a listing needs from the client. */
export interface ListingSource {
  /** The walk, with an extra progress callback of the listing's own. */
  readonly open: (
    onProgress?: (progress: ListProgress) => void,
  ) => Stream.Stream<unknown, DiscoveryError>;
  /** Applies the client's run-time settings (its `fetch`). */
  readonly wrap: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>;
  /** The `signal` given to `list`. */
  readonly signal: AbortSignal | undefined;
  /** What is being listed, for messages: `the listing of workspace "acme"`. */
  readonly what: string;
  /** What the items are, plural, for messages: `collections`, `report stats`. */
  readonly plural: string;
}

type Chunk = ReadonlyArray<unknown>;

/** Pulls whole pages (chunks) of a walk, cancelling its requests on close or abort. */
class ChunkReader {
  readonly #scope = Scope.makeUnsafe();
  readonly #source: ListingSource;
  readonly #signal: AbortSignal | undefined;
  readonly #onProgress: ((progress: ListProgress) => void) | undefined;
  #pull: Effect.Effect<Chunk, DiscoveryError | Cause.Done> | undefined;
  #open = true;
  #closing: Promise<void> | undefined;
  readonly #onAbort = () => void this.close();

  constructor(
    source: ListingSource,
    signal: AbortSignal | undefined,
    onProgress?: (progress: ListProgress) => void,
  ) {
    this.#source = source;
    this.#signal = signal;
    this.#onProgress = onProgress;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** The next page's new items (never empty), or `undefined` at the end. */
  async next(): Promise<Chunk | undefined> {
    if (!this.#open) return undefined;
    if (this.#signal?.aborted) {
      await this.close();
      throw abortError(this.#source.what, this.#signal);
    }
    const pull = this.#pull ?? Effect.flatMap(
      Scope.provide(Stream.toPull(this.#source.open(this.#onProgress)), this.#scope),
      (pull) => {
        this.#pull = pull;
        return pull;
      },
    );
    const exit = await Effect.runPromiseExit(this.#source.wrap(pull), { signal: this.#signal });
    if (Exit.isSuccess(exit)) return exit.value;
    await this.close();
    if (Pull.isDoneCause(exit.cause)) return undefined;
    throw fromCause(exit.cause as Cause.Cause<DiscoveryError>, this.#source.what, this.#signal);
  }

  /** Ends the walk, cancelling the requests in flight. */
  close(): Promise<void> {
    this.#open = false;
    return this.#closing ??= (async () => {
      this.#signal?.removeEventListener("abort", this.#onAbort);
      await Effect.runPromise(Scope.close(this.#scope, Exit.void));
    })();
  }
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

const iterator = (source: ListingSource): AsyncIterator<unknown, undefined> => {
  const reader = new ChunkReader(source, source.signal);
  let chunk: Chunk = [];
  let index = 0;
  let finished = false;
  let queue: Promise<unknown> = Promise.resolve();
  const finish = async (): Promise<void> => {
    finished = true;
    chunk = [];
    await reader.close();
  };
  const step = async (): Promise<IteratorResult<unknown, undefined>> => {
    if (finished) return DONE;
    if (source.signal?.aborted) {
      // Aborting stops the iteration at once, even with items still buffered.
      await finish();
      throw abortError(source.what, source.signal);
    }
    if (index < chunk.length) return { done: false, value: chunk[index++] };
    let next: Chunk | undefined;
    try {
      next = await reader.next();
    } catch (error) {
      await finish();
      throw error;
    }
    if (next === undefined) {
      await finish();
      return DONE;
    }
    chunk = next;
    index = 1;
    return { done: false, value: next[0] };
  };
  // Calls are answered in order even when a caller does not wait between them.
  const serial = <A>(f: () => Promise<A>): Promise<A> => {
    const result = queue.then(f);
    queue = result.catch(() => {});
    return result;
  };
  return {
    next: () => serial(step),
    return: async () => {
      await finish();
      return DONE;
    },
  };
};

const checkLimit = (options: unknown): number | BadRequestError => {
  const help =
    "Pass { limit: N } with N the most items you are ready to hold (Infinity for no limit), or iterate with for await to handle them one at a time.";
  if (typeof options !== "object" || options === null) {
    return new BadRequestError(`toArray needs an options object with a limit. ${help}`);
  }
  const unknown = unknownKeys(options, ["limit", "signal"], "toArray");
  if (unknown !== undefined) return new BadRequestError(unknown);
  const { limit, signal } = options as { limit?: unknown; signal?: unknown };
  const problem = signalProblem(signal, "toArray");
  if (problem !== undefined) return new BadRequestError(problem);
  if (
    typeof limit !== "number" || Number.isNaN(limit) || limit < 0 ||
    (!Number.isInteger(limit) && limit !== Infinity)
  ) {
    return new BadRequestError(
      `Invalid option limit of toArray: got ${
        limit === undefined ? "nothing" : JSON.stringify(limit) ?? String(limit)
      }. ${help}`,
    );
  }
  return limit;
};

const toArray = async (
  source: ListingSource,
  options: ToArrayOptions,
): Promise<Array<unknown>> => {
  const limit = checkLimit(options);
  if (limit instanceof BadRequestError) throw limit;
  const combined = combineSignals([source.signal, options.signal]);
  let reported: number | undefined;
  const reader = new ChunkReader(source, combined.signal, (progress) => {
    reported = progress.totalCount;
  });
  const out: Array<unknown> = [];
  try {
    while (true) {
      const chunk = await reader.next();
      if (chunk === undefined) return out;
      if (out.length + chunk.length > limit) {
        await reader.close();
        throw new LimitExceededError(
          `${source.what[0].toUpperCase()}${
            source.what.slice(1)
          } has more than ${limit} ${source.plural}${
            reported === undefined ? "" : ` (the server reports ${reported})`
          }, so toArray({ limit: ${limit} }) refused to collect them: nothing was returned and the remaining requests were cancelled. Raise the limit, or iterate with for await to handle ${source.plural} one at a time.`,
          { limit },
        );
      }
      for (const item of chunk) out.push(item);
    }
  } finally {
    combined.dispose();
    await reader.close();
  }
};

/** Builds the {@link Listing} of one `list` call. */
export const makeListing = <A>(source: ListingSource): Listing<A> => ({
  [Symbol.asyncIterator]: () => iterator(source) as AsyncIterator<A>,
  toArray: (options) => toArray(source, options) as Promise<Array<A>>,
});
