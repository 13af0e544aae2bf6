/**
 * `snapshot`: every resource of a workspace listed at once under one shared
 * budget of requests in flight, each page handed to a sink as it arrives,
 * with one summary at the end. The sink decides where rows go (the CLI's
 * SQLite file, a Node program's own store).
 *
 * @module
 */
import * as Clock from "effect/Clock";
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as Semaphore from "effect/Semaphore";
import * as Stream from "effect/Stream";
import type {
  DiscoveryClientShape,
  ListOptions,
  ListProgress,
  ListSummary,
} from "./DiscoveryClient.ts";
import type { DiscoveryError } from "./DiscoveryError.ts";
import type { IncludeSpaces } from "./Pagination.ts";
import { type AnyResource, findResource, type ResourceName, resources } from "./Resources.ts";

/** What one resource of a snapshot came to. */
export interface SnapshotResourceSummary {
  /** The resource's name (`reportStats`). */
  readonly resource: ResourceName;
  /** `total_count` as the server last reported it (undefined if no page was read). */
  readonly totalCount: number | undefined;
  /** Rows handed to the sink (each key once). */
  readonly rows: number;
  /** Pages read. */
  readonly pagesFetched: number;
  /** Retries made. */
  readonly retries: number;
  /** Whether `total_count` or `total_pages` changed during the listing. */
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
  readonly includeSpaces: IncludeSpaces | undefined;
  /** When the snapshot started and finished (ISO 8601). */
  readonly startedAt: string;
  /** When the last resource was complete (ISO 8601). */
  readonly finishedAt: string;
  /** Milliseconds the whole snapshot took. */
  readonly elapsedMs: number;
  /** Per resource, in the order of core's `resources`. */
  readonly resources: ReadonlyArray<SnapshotResourceSummary>;
}

/** Where a snapshot's rows go. Each method may fail with the sink's own error `E`. */
export interface SnapshotSink<E = never> {
  /** Called once before any row, with the resources that will be listed. */
  readonly begin?:
    | ((info: {
      readonly workspace: string;
      readonly includeSpaces: IncludeSpaces | undefined;
      readonly startedAt: string;
      readonly resources: ReadonlyArray<AnyResource>;
    }) => Effect.Effect<void, E>)
    | undefined;
  /**
   * One page's new rows of `resource`, in order (pages of different
   * resources interleave; calls never overlap: the next waits for this one).
   */
  readonly rows: (
    resource: AnyResource,
    batch: ReadonlyArray<Readonly<Record<string, unknown>>>,
  ) => Effect.Effect<void, E>;
  /** Called once per resource when its listing is complete. */
  readonly resourceDone?:
    | ((resource: AnyResource, summary: SnapshotResourceSummary) => Effect.Effect<void, E>)
    | undefined;
  /** Called once after every resource is complete, before `snapshot` succeeds. */
  readonly end?: ((summary: SnapshotSummary) => Effect.Effect<void, E>) | undefined;
}

/** Options of {@link snapshot}. */
export interface SnapshotOptions {
  /** Workspace (organization) username. */
  readonly workspace: string;
  /** The resources to list, by name (`reports`, `report-stats`, ...). Default: all six. */
  readonly resources?: ReadonlyArray<string> | undefined;
  /** Pages in flight at once across every resource, 1 to 64. Default 4. */
  readonly concurrency?: number | undefined;
  /** Items per page, 1 to 1000. Default 1000. */
  readonly perPage?: number | undefined;
  /** `all`: also items in members' personal collections, where a resource takes it. */
  readonly includeSpaces?: IncludeSpaces | undefined;
  /** Called after each page of a resource (for progress displays). */
  readonly onProgress?: ((resource: AnyResource, progress: ListProgress) => void) | undefined;
}

/**
 * A resource of the snapshot failed after its retries: `resource` names it,
 * `error` is the client's error (its class tells what kind of failure).
 *
 * @example
 * ```ts
 * import { Forbidden, SnapshotError } from "@mode-discovery/core";
 * const error = new SnapshotError({
 *   resource: "members",
 *   error: new Forbidden({ id: "forbidden", message: "no" }),
 *   message: "members failed: no",
 * });
 * ```
 */
export class SnapshotError extends Schema.TaggedError<SnapshotError>()("SnapshotError", {
  resource: Schema.String,
  error: Schema.Any,
  message: Schema.String,
}) {}

const DEFAULT_CONCURRENCY = 4;

const iso = (ms: number): string => new Date(ms).toISOString();

const selected = (names: ReadonlyArray<string> | undefined) => {
  if (names === undefined) return resources as ReadonlyArray<AnyResource>;
  const out: Array<AnyResource> = [];
  for (const name of names) {
    const resource = findResource(name);
    if (resource !== undefined && !out.includes(resource)) out.push(resource);
  }
  return out;
};

/**
 * Lists every resource of a workspace concurrently and hands each page to
 * `sink`; resolves with the summary once every resource is complete and the
 * sink's `end` has run.
 *
 * **When to use**
 *
 * To take a consistent picture of a whole workspace in one go (the CLI's
 * `snapshot` writes it into one SQLite file); to feed another store, give
 * your own sink.
 *
 * **Details**
 *
 * - One budget of `concurrency` requests in flight is shared by all the
 *   resources (a semaphore every request takes a permit of), so a resource
 *   that finishes early leaves the whole budget to the others; the client's
 *   requests-per-second budget applies to all of them too.
 * - Each resource is listed with the client's `list` (its retries, stop
 *   rules, deduplication and adaptive page size); `includeSpaces` is passed
 *   only to the resources that take it.
 * - Sink calls never overlap, so a sink may write to one connection.
 * - The first resource that fails ends the snapshot with a
 *   {@link SnapshotError} naming it (the other listings are interrupted);
 *   a failing sink ends it with the sink's error. Either way `end` is not
 *   called.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as FetchHttpClient from "effect/http/FetchHttpClient";
 * import { DiscoveryClient, snapshot } from "@mode-discovery/core";
 *
 * const counts = new Map<string, number>();
 * const program = Effect.gen(function* () {
 *   const client = yield* DiscoveryClient.make({ baseUrl: "http://127.0.0.1:8787" });
 *   return yield* snapshot(client, {
 *     rows: (resource, batch) =>
 *       Effect.sync(() => counts.set(resource.name, (counts.get(resource.name) ?? 0) + batch.length)),
 *   }, { workspace: "acme" });
 * }).pipe(Effect.provide(FetchHttpClient.layer));
 * ```
 */
export const snapshot = <E>(
  client: DiscoveryClientShape,
  sink: SnapshotSink<E>,
  options: SnapshotOptions,
): Effect.Effect<SnapshotSummary, SnapshotError | E> =>
  Effect.gen(function* () {
    const list = selected(options.resources);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const permits = yield* Semaphore.make(concurrency);
    // Sink calls run one at a time, whichever resource they come from.
    const sinkLock = yield* Semaphore.make(1);
    const exclusive = <A, X>(effect: Effect.Effect<A, X>) => sinkLock.withPermits(1)(effect);
    const startedMs = yield* Clock.currentTimeMillis;
    const startedAt = iso(startedMs);
    if (sink.begin !== undefined) {
      yield* exclusive(sink.begin({
        workspace: options.workspace,
        includeSpaces: options.includeSpaces,
        startedAt,
        resources: list,
      }));
    }
    const one = (resource: AnyResource) =>
      Effect.gen(function* () {
        let summary: ListSummary | undefined;
        let rows = 0;
        const listOptions: ListOptions = {
          workspace: options.workspace,
          perPage: options.perPage,
          concurrency,
          permits,
          ...(resource.includeSpaces ? { includeSpaces: options.includeSpaces } : {}),
          onProgress: options.onProgress === undefined
            ? undefined
            : (progress) => options.onProgress!(resource, progress),
          onSummary: (s) => {
            summary = s;
          },
        };
        const items = (client.list(resource, listOptions) as Stream.Stream<
          Readonly<Record<string, unknown>>,
          DiscoveryError
        >).pipe(
          Stream.mapError((error) =>
            new SnapshotError({
              resource: resource.name,
              error,
              message: `${resource.plural} failed: ${error.message}`,
            })
          ),
        );
        yield* Stream.runForEachArray(items, (batch) => {
          rows += batch.length;
          return exclusive(sink.rows(resource, batch));
        });
        const done: SnapshotResourceSummary = {
          resource: resource.name,
          totalCount: summary?.finalTotalCount,
          rows,
          pagesFetched: summary?.pagesFetched ?? 0,
          retries: summary?.retries ?? 0,
          totalsDrifted: summary?.totalsDrifted ?? false,
          pageSizeShrinks: summary?.pageSizeShrinks ?? 0,
          elapsedMs: summary?.elapsedMs ?? 0,
        };
        if (sink.resourceDone !== undefined) yield* exclusive(sink.resourceDone(resource, done));
        return done;
      });
    const done = yield* Effect.all(list.map(one), { concurrency: "unbounded" });
    const finishedMs = yield* Clock.currentTimeMillis;
    const summary: SnapshotSummary = {
      workspace: options.workspace,
      includeSpaces: options.includeSpaces,
      startedAt,
      finishedAt: iso(finishedMs),
      elapsedMs: finishedMs - startedMs,
      resources: done,
    };
    if (sink.end !== undefined) yield* exclusive(sink.end(summary));
    return summary;
  });
