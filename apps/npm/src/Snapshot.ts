/**
 * `client.snapshot(...)`: every resource of a workspace listed at once under
 * one shared budget of requests in flight (core's `snapshot`), offered as
 * six typed async iterables and a summary, so a Node program can write the
 * rows wherever it wants.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import {
  type DiscoveryClientShape,
  resources,
  snapshot as coreSnapshot,
  type SnapshotSink,
} from "@mode-discovery/core";
import type { Items, ResourceName } from "./Items.ts";
import { combineSignals } from "./_signal.ts";
import { fromCause } from "./_toError.ts";

/** What one resource of a snapshot came to. */
export interface SnapshotResourceSummary {
  /** The resource's name (`reportStats`). */
  readonly resource: ResourceName;
  /** `total_count` as the server last reported it (undefined if no page was read). */
  readonly totalCount: number | undefined;
  /** Rows yielded (each key once). */
  readonly rows: number;
  /** Pages read. */
  readonly pagesFetched: number;
  /** Retries made. */
  readonly retries: number;
  /** Whether the totals changed during the listing. */
  readonly totalsDrifted: boolean;
  /** Pages that kept failing and were read as two pages of half their size. */
  readonly pageSizeShrinks: number;
  /** Milliseconds the resource's listing took. */
  readonly elapsedMs: number;
}

/** What a whole snapshot came to. */
export interface SnapshotSummary {
  /** The workspace. */
  readonly workspace: string;
  /** `all` when items in members' personal collections were included. */
  readonly includeSpaces: "all" | undefined;
  /** When the snapshot started (ISO 8601). */
  readonly startedAt: string;
  /** When the last resource was complete (ISO 8601). */
  readonly finishedAt: string;
  /** Milliseconds the whole snapshot took. */
  readonly elapsedMs: number;
  /** Per resource. */
  readonly resources: ReadonlyArray<SnapshotResourceSummary>;
}

/** Options of `client.snapshot`. */
export interface SnapshotOptions {
  /** Workspace. Default: the client's `workspace`. */
  readonly workspace?: string | undefined;
  /** Requests in flight at once across every resource, 1 to 64. Default 4. */
  readonly concurrency?: number | undefined;
  /** Items per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /** `"all"`: also items in members' personal collections, where a resource takes it. */
  readonly includeSpaces?: "all" | undefined;
  /** Aborts the snapshot and its requests in flight (every iterable throws an `AbortError`). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A snapshot under way: one async iterable per resource (its rows in
 * ascending key order) and the summary once every resource is complete.
 *
 * **Details**
 *
 * The listing starts at once. Rows a program has not read yet are held, so
 * iterate the six side by side (`Promise.all`) to keep memory flat. When a
 * resource fails, every iterable that has not ended and `summary` reject
 * with that error (its message names the resource).
 */
export type Snapshot =
  & { readonly [N in ResourceName]: AsyncIterable<Items[N]> }
  & { readonly summary: Promise<SnapshotSummary> };

/** One resource's rows: batches pushed by the sink, read by one `for await`. */
class RowQueue {
  readonly #batches: Array<ReadonlyArray<unknown>> = [];
  #ended = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;

  push(batch: ReadonlyArray<unknown>): void {
    this.#batches.push(batch);
    this.#wake?.();
  }

  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    for (;;) {
      const batch = this.#batches.shift();
      if (batch !== undefined) {
        yield* batch;
        continue;
      }
      if (this.#ended) {
        if (this.#error !== undefined) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}

/**
 * Starts a snapshot through `client` (the Effect client behind the Promise
 * API) and returns its iterables and summary.
 */
export const startSnapshot = (
  client: DiscoveryClientShape,
  wrap: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>,
  workspace: string,
  options: SnapshotOptions,
): Snapshot => {
  const queues = new Map(resources.map((r) => [r.name, new RowQueue()]));
  const sink: SnapshotSink = {
    rows: (resource, batch) => Effect.sync(() => queues.get(resource.name)!.push(batch)),
    resourceDone: (resource) => Effect.sync(() => queues.get(resource.name)!.end()),
  };
  const combined = combineSignals([options.signal]);
  const summary = Effect.runPromiseExit(
    wrap(coreSnapshot(client, sink, {
      workspace,
      concurrency: options.concurrency,
      perPage: options.perPage,
      includeSpaces: options.includeSpaces,
    })),
    { signal: combined.signal },
  ).then((exit) => {
    combined.dispose();
    if (exit._tag === "Success") return exit.value as SnapshotSummary;
    const error = fromCause(
      exit.cause,
      `The snapshot of workspace ${JSON.stringify(workspace)}`,
      options.signal,
    );
    for (const queue of queues.values()) queue.end(error);
    throw error;
  });
  // A program that reads only the iterables still sees the failure there.
  summary.catch(() => {});
  return {
    ...Object.fromEntries([...queues].map(([name, queue]) => [name, queue])),
    summary,
  } as unknown as Snapshot;
};
