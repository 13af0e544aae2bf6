/**
 * The walk through a listing's pages, built from effect's `Stream`:
 * `totals` (page 1, then `Stream.range` of the next pages through
 * `Stream.mapEffect` with ordered concurrency) or `links`
 * (`Stream.paginate` over `_links.next_page`), with deduplication, drift
 * detection, stop rules that never loop, an adaptive page size, a shared
 * budget of requests in flight, progress and a summary.
 *
 * @internal
 * @module
 */
import * as Cause from "effect/Cause";
import * as Channel from "effect/Channel";
import type * as Clock from "effect/Clock";
import * as Effect from "effect/Effect";
import type * as Fiber from "effect/Fiber";
import * as Option from "effect/Option";
import * as Pull from "effect/Pull";
import * as Scope from "effect/Scope";
import * as Stream from "effect/Stream";
import {
  type DiscoveryError,
  PaginationError,
  ResponseDecodeError,
  ServerError,
  TimeoutError,
  TransportError,
} from "./DiscoveryError.ts";
import type { ListProgress, ListStrategy, ListSummary } from "./DiscoveryClient.ts";
import { type Links, type PaginationInfo, parsePageHref, totalPages } from "./Pagination.ts";
import { IdSet } from "./_idSet.ts";
import { linkKey } from "./_links.ts";
import type { Answered } from "./_request.ts";

/** A page to fetch: its number and size, and its absolute URL. */
export interface WalkTarget {
  readonly page: number;
  readonly perPage: number;
  readonly url: URL;
}

/** A decoded page as the walk reads it: its pagination, links and items. */
export interface WalkPage<A> {
  readonly pagination: PaginationInfo;
  readonly _links: Links;
  readonly items: ReadonlyArray<A>;
  /**
   * The items' keys, in order, where the decoder read them; without them
   * the walk reads each item's key itself (a pass of its own over the items).
   */
  readonly keys?: ArrayLike<number> | undefined;
}

/**
 * A page's first attempt, started in plain JavaScript: it resolves (never
 * rejects) once its answer is in, which is read (parsed and decoded) when
 * the page's turn comes, to the page or to the effect that goes on with its
 * retries; `abort` stops its request. Its body, once read, waits to be
 * decoded until `turn`.
 */
export interface StartedPage<A> {
  readonly result: Promise<Answered<WalkPage<A>>>;
  readonly abort: () => void;
  /** The page's turn has come: a body waiting is decoded from now on. */
  readonly turn: () => void;
}

/**
 * The page's turn has come: waits for its first attempt's answer, its body
 * decoded now if it waited; interrupting aborts its request.
 */
const awaitStarted = <A>(started: StartedPage<A>): Effect.Effect<Answered<WalkPage<A>>> =>
  Effect.callback<Answered<WalkPage<A>>>((resume) => {
    started.turn();
    started.result.then((answered) => resume(Effect.succeed(answered)));
    return Effect.sync(() => started.abort());
  });

/** What a walk needs. */
export interface WalkInput<A> {
  readonly strategy: ListStrategy;
  /** Pages in flight at once (`totals` only), 1 or more. */
  readonly concurrency: number;
  /** Hard cap on pages fetched. */
  readonly maxPages: number;
  /** The page size asked for. */
  readonly perPage: number;
  /**
   * The smallest page size the walk shrinks to when a page keeps failing in
   * a way a smaller page can fix; at or above `perPage`: never shrinks.
   */
  readonly minPerPage: number;
  /** The URL of page `page` at `perPage` items a page. */
  readonly pageUrl: (page: number, perPage: number) => URL;
  /** Resolves a `next_page` href, refusing other origins (`links`). */
  readonly resolveNext: (href: string) => URL | PaginationError;
  /** Fetches and decodes one page, retries included; `onRetry` counts them. */
  readonly fetchPage: (
    target: WalkTarget,
    onRetry: () => void,
  ) => Effect.Effect<WalkPage<A>, DiscoveryError>;
  /**
   * Starts one page's first attempt outside any fiber (with `fiber`'s
   * services), where the client can; `undefined` where it cannot, and then
   * `fetchPage` is used.
   */
  readonly startPage?:
    | ((
      target: WalkTarget,
      onRetry: () => void,
      fiber: Fiber.Fiber<unknown, unknown>,
    ) => StartedPage<A> | undefined)
    | undefined;
  /** The key of an item (deduplication). */
  readonly keyOf: (item: A) => number;
  /** What the items are, plural, for messages (`collections`, `report stats`). */
  readonly plural: string;
  readonly onProgress?: ((progress: ListProgress) => void) | undefined;
  readonly onSummary?: ((summary: ListSummary) => void) | undefined;
}

type Stop = ListSummary["stoppedBecause"];

/** What the walk has done so far. */
class WalkState<A> {
  readonly seen = new IdSet();
  pagesFetched = 0;
  emitted = 0;
  duplicates = 0;
  retries = 0;
  shrinks = 0;
  drifted = false;
  initialTotalCount: number | undefined = undefined;
  initialTotalPages: number | undefined = undefined;
  lastTotalCount: number | undefined = undefined;
  lastTotalPages: number | undefined = undefined;
  stopped: Stop | undefined = undefined;
  /** The page size requests use now (halved by each shrink). */
  size: number;
  readonly onRetry = (): void => {
    this.retries++;
  };

  readonly startedMs: number;

  constructor(
    readonly keyOf: (item: A) => number,
    readonly clock: Clock.Clock,
    size: number,
  ) {
    this.startedMs = clock.currentTimeMillisUnsafe();
    this.size = size;
  }

  /** Counts a page, notes drift, drops duplicates: the page's new items. */
  take(page: WalkPage<A>): ReadonlyArray<A> {
    this.pagesFetched++;
    const { total_count, total_pages } = page.pagination;
    if (this.initialTotalCount === undefined) {
      this.initialTotalCount = total_count;
      this.initialTotalPages = total_pages;
    } else if (total_count !== this.initialTotalCount || total_pages !== this.initialTotalPages) {
      this.drifted = true;
    }
    this.lastTotalCount = total_count;
    this.lastTotalPages = total_pages;
    const items = page.items;
    const keys = page.keys !== undefined && page.keys.length === items.length
      ? page.keys
      : items.map(this.keyOf);
    // Copied only once a duplicate shows up (rare): until then the page is emitted as is.
    let fresh: Array<A> | undefined;
    for (let i = this.seen.addAscending(keys); i < items.length; i++) {
      const item = items[i];
      if (this.seen.add(keys[i])) {
        fresh?.push(item);
      } else {
        this.duplicates++;
        fresh ??= items.slice(0, i);
      }
    }
    const result = fresh ?? items;
    this.emitted += result.length;
    return result;
  }

  progress(): ListProgress {
    const now = this.clock.currentTimeMillisUnsafe();
    return {
      pagesFetched: this.pagesFetched,
      totalPages: this.lastTotalPages,
      totalCount: this.lastTotalCount,
      itemsEmitted: this.emitted,
      retries: this.retries,
      elapsedMs: now - this.startedMs,
    };
  }

  summary(stoppedBecause: Stop): ListSummary {
    const now = this.clock.currentTimeMillisUnsafe();
    return {
      pagesFetched: this.pagesFetched,
      itemsEmitted: this.emitted,
      duplicatesDropped: this.duplicates,
      totalsDrifted: this.drifted,
      initialTotalCount: this.initialTotalCount,
      finalTotalCount: this.lastTotalCount,
      retries: this.retries,
      pageSizeShrinks: this.shrinks,
      finalPerPage: this.size,
      stoppedBecause,
      elapsedMs: now - this.startedMs,
    };
  }
}

const pageCapError = (
  maxPages: number,
  href: string | undefined,
  plural: string,
): PaginationError =>
  new PaginationError({
    reason: "page-cap",
    ...(href === undefined ? {} : { href }),
    message:
      `Stopped after ${maxPages} pages, the cap on pages per listing, with the server still reporting more. Every one of the ${plural} read so far was emitted. If the workspace really is that large, raise maxPages (or per_page); otherwise the server's pagination is inconsistent.`,
  });

/** Whether a failure (after its retries) is one a smaller page may get through. */
const smallerPageMayHelp = (error: DiscoveryError): boolean =>
  (error instanceof ServerError && (error.status === 503 || error.status === 504)) ||
  error instanceof TimeoutError || error instanceof TransportError ||
  (error instanceof ResponseDecodeError && error.truncated === true);

/** Two consecutive pages as one: their items in order, the later page's totals and links. */
const joinPages = <A>(first: WalkPage<A>, second: WalkPage<A>): WalkPage<A> => ({
  pagination: second.pagination,
  _links: second._links,
  items: first.items.length === 0 ? second.items : [...first.items, ...second.items],
  keys: first.keys === undefined || second.keys === undefined
    ? undefined
    : [...Array.from(first.keys), ...Array.from(second.keys)],
});

/**
 * Fetches pages with the adaptive size: a page of `size` that fails in a
 * way a smaller page may fix is fetched again as the two pages of
 * `size / 2` that hold the same rows (page `n` at size `s` holds the rows
 * of pages `2n - 1` and `2n` at size `s / 2`), down to `minPerPage`.
 * `read`, when given, is how the page at `size` is read (a first attempt
 * already made, going on with its retries).
 */
const sizedFetcher = <A>(input: WalkInput<A>, state: WalkState<A>) => {
  const request = (target: WalkTarget): Effect.Effect<WalkPage<A>, DiscoveryError> => {
    return input.fetchPage(target, state.onRetry);
  };
  const fetchSized = (
    page: number,
    size: number,
    url?: URL,
    read?: Effect.Effect<WalkPage<A>, DiscoveryError>,
  ): Effect.Effect<WalkPage<A>, DiscoveryError> =>
    Effect.catch(
      read ?? request({ page, perPage: size, url: url ?? input.pageUrl(page, size) }),
      (error: DiscoveryError) => {
        const half = size / 2;
        if (!smallerPageMayHelp(error) || !Number.isInteger(half) || half < input.minPerPage) {
          return Effect.fail(error);
        }
        state.shrinks++;
        state.size = Math.min(state.size, half);
        return Effect.flatMap(fetchSized(2 * page - 1, half), (first) =>
          // The first half was the last page: the second would be past the end.
          first.pagination.page >= first.pagination.total_pages
            ? Effect.succeed(first)
            : Effect.map(fetchSized(2 * page, half), (second) => joinPages(first, second)));
      },
    );
  return fetchSized;
};

/** A page's new items as one chunk of the stream: never empty. */
type Chunk<A> = readonly [A, ...Array<A>];

/** A stream of pages' items as batches, flattened: the empty ones dropped. */
const flatten = <A, E>(batches: Stream.Stream<ReadonlyArray<A>, E>): Stream.Stream<A, E> =>
  batches.pipe(
    Stream.filter((batch): batch is readonly [A, ...Array<A>] => batch.length > 0),
    Stream.flattenArray,
  );

/**
 * `totals`: page 1, then pages 2..total_pages, `concurrency` at once and
 * taken in order, re-reading the total from each page in order: pages the
 * total gained are fetched too; the walk stops at the first page that is
 * the last by its own count or is empty.
 *
 * Pages are counted in units of the size page 1 was answered with; once the
 * size has shrunk, unit `p` is fetched as the smaller pages holding its rows.
 *
 * Where the client can start a page's first attempt outside any fiber (the
 * fetch transport, no requests-per-second budget, no shared permits), the
 * walk is one pull (`pulled` below); otherwise the units go through
 * `Stream.mapEffect` with ordered concurrency.
 */
const totalsPages = <A>(
  input: WalkInput<A>,
  state: WalkState<A>,
): Stream.Stream<A, DiscoveryError> => {
  const fetchSized = sizedFetcher(input, state);
  let unit = input.perPage;
  let done = false;

  /**
   * Unit `p` with its number: its rows at the size in use when it starts,
   * one smaller page after another once the size has shrunk.
   */
  const fetchUnit = (p: number): Effect.Effect<readonly [number, WalkPage<A>], DiscoveryError> => {
    const size = state.size;
    const parts = unit / size;
    if (parts === 1) return Effect.map(fetchSized(p, size), (read) => [p, asUnit(p, read)]);
    const first = (p - 1) * parts + 1;
    const loop = (
      n: number,
      acc: WalkPage<A> | undefined,
    ): Effect.Effect<WalkPage<A>, DiscoveryError> =>
      Effect.flatMap(fetchSized(n, size), (read) => {
        const joined = acc === undefined ? read : joinPages(acc, read);
        const last = read.pagination.page >= read.pagination.total_pages ||
          read.items.length === 0;
        return n >= first + parts - 1 || last ? Effect.succeed(joined) : loop(n + 1, joined);
      });
    return Effect.map(loop(first, undefined), (read) => [p, asUnit(p, read)]);
  };

  /** Rows read as smaller pages, with the pagination of unit `p` they make up. */
  const asUnit = (p: number, read: WalkPage<A>): WalkPage<A> => {
    if (unit === read.pagination.per_page && p === read.pagination.page) return read;
    const count = read.pagination.total_count;
    return {
      ...read,
      pagination: {
        ...read.pagination,
        page: p,
        per_page: unit,
        count: read.items.length,
        total_pages: totalPages(count, unit),
      },
    };
  };

  /** What the page just read decides; `undefined` to go on. */
  const after = (p: number, read: WalkPage<A>): Stop | PaginationError | undefined => {
    const total = read.pagination.total_pages;
    if (p >= total) return "last-page";
    if (read.items.length === 0) return "empty-page";
    if (p >= input.maxPages) {
      return pageCapError(input.maxPages, input.pageUrl(p + 1, unit).href, input.plural);
    }
    return undefined;
  };

  /** Takes page `p` in order: its new items; sets `done` when the walk ends with it. */
  const take = (p: number, read: WalkPage<A>): ReadonlyArray<A> => {
    // A page fetched ahead of a page that ended the walk is dropped.
    if (done) return [];
    const items = state.take(read);
    const decided = after(p, read);
    if (input.onProgress !== undefined) input.onProgress(state.progress());
    if (decided === undefined) return items;
    done = true;
    // Past the cap the page's items go out first; the failure follows them.
    state.stopped = decided instanceof PaginationError ? "limit" : decided;
    return items;
  };

  /** The failure a walk stopped at the page cap ends with. */
  const capped = (): PaginationError =>
    pageCapError(input.maxPages, input.pageUrl(input.maxPages + 1, unit).href, input.plural);

  /** The last unit to fetch by the total the last page read reports, within the cap. */
  const lastUnit = (): number => Math.min(state.lastTotalPages ?? 0, input.maxPages);

  /** Notes what page 1 says of the unit: a server that answers with smaller pages than asked. */
  const firstRead = (first: WalkPage<A>): WalkPage<A> => {
    // A server that answers with smaller pages than asked: count pages in its size.
    const answered = first.pagination.per_page;
    if (answered > 0 && answered < input.perPage && first.items.length <= answered) {
      unit = answered;
      state.size = Math.min(state.size, answered);
    }
    // Page 1 read as smaller pages counts in the unit too, as every later page.
    return state.shrinks > 0 ? asUnit(1, first) : first;
  };

  /** Units `from..until`, `concurrency` at once through `Stream.mapEffect`, in order. */
  const fetched = (
    from: number,
    until: number,
  ): Stream.Stream<readonly [number, WalkPage<A>], DiscoveryError> =>
    Stream.range(from, until).pipe(Stream.mapEffect(fetchUnit, { concurrency: input.concurrency }));

  const streamed = (): Stream.Stream<A, DiscoveryError> => {
    const rest = (from: number): Stream.Stream<ReadonlyArray<A>, DiscoveryError> =>
      Stream.suspend(() => {
        if (done) return state.stopped === "limit" ? Stream.fail(capped()) : Stream.empty;
        const until = lastUnit();
        if (from > until) {
          state.stopped ??= "last-page";
          return Stream.empty;
        }
        return fetched(from, until).pipe(
          Stream.map(([p, read]) => take(p, read)),
          Stream.takeUntil(() => done),
          Stream.concat(Stream.suspend(() => rest(until + 1))),
        );
      });
    return flatten(Stream.unwrap(Effect.map(
      fetchSized(1, input.perPage),
      (first) => Stream.concat(Stream.sync(() => take(1, firstRead(first))), rest(2)),
    )));
  };

  /**
   * `totals` as one pull, the raw loop's window without a stream stage per
   * page: page 1, then first attempts made outside any fiber, `concurrency`
   * at once, each read in its turn; each page's new items are one chunk of the
   * stream.
   *
   * **Details**
   *
   * - The window opens when the consumer pulls again after page 1's items:
   *   one that needs no more sends no other request.
   * - A page fetched ahead is read as it arrives and decoded in its turn:
   *   until then its bytes wait in a reused buffer (see `_bodyText.ts`),
   *   and the time it waits does not count against its timeout.
   * - A page that came in whole lets the next request go out before it is
   *   parsed.
   * - A page whose first attempt failed goes on in the walk's fiber with its
   *   retries and the adaptive size.
   * - Once the size has shrunk (or a page cannot be started so), the units
   *   known so far go through `Stream.mapEffect` with ordered concurrency;
   *   then the window opens again at the total the last page read reports.
   * - Requests still in the window when the stream ends (the walk ended, the
   *   consumer stopped, a failure, an interruption) are aborted.
   */
  const pulled = (
    startPage: NonNullable<WalkInput<A>["startPage"]>,
  ): Stream.Stream<A, DiscoveryError> =>
    Stream.fromChannel(Channel.fromTransform((_upstream, scope) =>
      Effect.suspend(() => {
        // The fiber of the pull in progress: pages are started with its
        // services (its fetch). A consumer may pull from a new fiber each time
        // (the npm package does), and a fiber that has ended has none.
        let fiber: Fiber.Fiber<unknown, unknown>;
        const window: Array<{ readonly p: number; readonly started: StartedPage<A> }> = [];
        let read1 = true;
        let next = 2;
        let until = 0;
        let segment: Pull.Pull<Chunk<readonly [number, WalkPage<A>]>, DiscoveryError> | undefined;

        const start = (p: number, size: number): StartedPage<A> | undefined =>
          startPage({ page: p, perPage: size, url: input.pageUrl(p, size) }, state.onRetry, fiber);

        /** Starts the next units while there is room in the window and the size is the unit. */
        const fill = (): void => {
          while (
            !done && next <= until && window.length < input.concurrency && state.size === unit
          ) {
            const started = start(next, unit);
            if (started === undefined) return;
            window.push({ p: next, started });
            next++;
          }
        };

        /**
         * The first attempt `started` of page `p` (at `size`), awaited and read:
         * `whole` runs first when the answer came in whole; a failed attempt
         * goes on with its retries and the adaptive size.
         */
        const readStarted = (
          started: StartedPage<A>,
          p: number,
          size: number,
          whole?: () => void,
        ): Effect.Effect<WalkPage<A>, DiscoveryError> =>
          Effect.flatMap(awaitStarted(started), (answered) => {
            if (answered.ok) whole?.();
            const result = answered.read();
            return "value" in result
              ? Effect.succeed(result.value)
              : fetchSized(p, size, undefined, result.rest);
          });

        type Pulled = Effect.Effect<Chunk<A>, DiscoveryError | Cause.Done>;

        const emit = (items: ReadonlyArray<A>): Pulled =>
          items.length > 0 ? Effect.succeed(items as Chunk<A>) : step();

        const step = (): Pulled => {
          if (done) {
            return state.stopped === "limit" ? Effect.fail(capped()) : Cause.done();
          }
          if (read1) {
            read1 = false;
            const started = start(1, input.perPage);
            const first = started === undefined
              ? fetchSized(1, input.perPage)
              : readStarted(started, 1, input.perPage);
            return Effect.flatMap(first, (page) => emit(take(1, firstRead(page))));
          }
          if (segment !== undefined) {
            const pull = segment;
            return Effect.flatMap(
              Pull.catchDone(pull, () => Effect.succeed(undefined)),
              (chunk) => {
                if (chunk === undefined) {
                  segment = undefined;
                  next = until + 1;
                  return step();
                }
                let items: ReadonlyArray<A> = [];
                for (const [p, read] of chunk) {
                  const fresh = take(p, read);
                  items = items.length === 0 ? fresh : [...items, ...fresh];
                }
                return emit(items);
              },
            );
          }
          fill();
          const head = window.shift();
          if (head !== undefined) {
            // A page that came in whole: the next request goes out before it is parsed.
            return Effect.flatMap(readStarted(head.started, head.p, unit, fill), (read) => {
              fill();
              return emit(take(head.p, asUnit(head.p, read)));
            });
          }
          if (next <= until) {
            // These units cannot be started outside a fiber (the size shrank).
            return Effect.flatMap(
              Channel.toPullScoped(fetched(next, until).channel, scope),
              (pull) => {
                segment = pull;
                return step();
              },
            );
          }
          const last = lastUnit();
          if (next > last) {
            state.stopped ??= "last-page";
            return Cause.done();
          }
          until = last;
          return step();
        };

        return Effect.as(
          Scope.addFinalizer(
            scope,
            Effect.sync(() => {
              for (const { started } of window) started.abort();
              window.length = 0;
            }),
          ),
          Effect.withFiber((current) => {
            fiber = current;
            return step();
          }),
        );
      })
    ));

  return input.startPage === undefined ? streamed() : pulled(input.startPage);
};

/**
 * `links`: `Stream.paginate` over `_links.next_page`, resolved against the
 * base URL and refused if it leaves the origin; stops on the last page, an
 * empty page, a missing link, or a link to a page already read. A page that
 * reports `total_pages` 0 yet has items (a server with no real totals) is
 * not taken as the last: its links decide.
 */
const linksPages = <A>(
  input: WalkInput<A>,
  state: WalkState<A>,
): Stream.Stream<A, DiscoveryError> => {
  const fetchSized = sizedFetcher(input, state);
  const start = input.pageUrl(1, input.perPage);
  const followed = new Set<string>([linkKey(start)]);

  type Next = { readonly url: URL } | { readonly fail: PaginationError };

  const after = (read: WalkPage<A>): Stop | Next => {
    const { page, total_pages } = read.pagination;
    const noTotals = total_pages === 0 && read.items.length > 0;
    if (page >= total_pages && !noTotals) return "last-page";
    if (read.items.length === 0) return "empty-page";
    const href = read._links.next_page?.href;
    if (href === undefined) return "no-next-link";
    const next = input.resolveNext(href);
    if (next instanceof PaginationError) return { fail: next };
    const key = linkKey(next);
    if (followed.has(key)) return "repeated-link";
    if (state.pagesFetched >= input.maxPages) {
      return { fail: pageCapError(input.maxPages, href, input.plural) };
    }
    followed.add(key);
    return { url: next };
  };

  return flatten(Stream.paginate<Next, ReadonlyArray<A>, DiscoveryError>({ url: start }, (next) => {
    if ("fail" in next) return Effect.fail(next.fail);
    const url = next.url;
    const parsed = parsePageHref(`${url.pathname}${url.search}`);
    const page = parsed?.page ?? state.pagesFetched + 1;
    const size = parsed?.per_page ?? input.perPage;
    return Effect.map(fetchSized(page, size, url), (read) => {
      const fresh = state.take(read);
      const decided = after(read);
      if (input.onProgress !== undefined) input.onProgress(state.progress());
      if (typeof decided === "string") {
        state.stopped = decided;
        return [[fresh], Option.none()] as const;
      }
      if ("fail" in decided) {
        state.stopped = decided.fail.reason === "page-cap" ? "limit" : undefined;
      }
      return [[fresh], Option.some(decided)] as const;
    });
  }));
};

/**
 * Every item of a listing, once each, in page order.
 *
 * **Details**
 *
 * - `totals` and `links` as above; both stop at `maxPages` pages (then
 *   `PaginationError` `page-cap`, after the items read).
 * - Items whose key was already emitted are dropped and counted.
 * - Adaptive page size: a page that still fails after its retries with 503,
 *   504, a timeout, a transport failure or a body cut short is fetched as
 *   the two pages of half its size that hold the same rows, down to
 *   `minPerPage`; later pages use the smaller size. Nothing is skipped or
 *   repeated, order is kept, and the summary counts the shrinks.
 * - Interrupting the stream interrupts the requests in flight; `onSummary`
 *   is called once at the end, however it ends.
 */
export const walk = <A>(input: WalkInput<A>): Stream.Stream<A, DiscoveryError> =>
  Stream.unwrap(Effect.clockWith((clock) =>
    Effect.sync(() => {
      const state = new WalkState(input.keyOf, clock, input.perPage);
      const items = input.strategy === "links"
        ? linksPages(input, state)
        : totalsPages(input, state);
      const onSummary = input.onSummary;
      if (onSummary === undefined) return items;
      return items.pipe(
        Stream.onExit((exit) =>
          Effect.sync(() => {
            const reason: Stop = exit._tag === "Success"
              ? state.stopped ?? "interrupted"
              : Cause.hasInterruptsOnly(exit.cause)
              ? "interrupted"
              : state.stopped === "limit"
              ? "limit"
              : "failed";
            onSummary(state.summary(reason));
          })
        ),
      );
    })
  ));
