/**
 * The walk through a listing's pages: `totals` (page 1, then pages
 * 2..total_pages with bounded concurrency, emitted in order) or `links`
 * (follow `_links.next_page` one page at a time), with deduplication, drift
 * detection, stop rules that never loop, progress and a summary.
 *
 * @internal
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Fiber from "effect/Fiber";
import * as Scope from "effect/Scope";
import * as Stream from "effect/Stream";
import { type DiscoveryError, PaginationError } from "./DiscoveryError.ts";
import type { ListProgress, ListStrategy, ListSummary } from "./DiscoveryClient.ts";
import { type Links, type PaginationInfo, parsePageHref } from "./Pagination.ts";
import { IdSet } from "./_idSet.ts";
import { linkKey } from "./_links.ts";

/** A page to fetch: its number (as far as known) and its absolute URL. */
export interface WalkTarget {
  readonly page: number;
  readonly url: URL;
}

/** A decoded page as the walk reads it: its pagination, links and items. */
export interface WalkPage<A> {
  readonly pagination: PaginationInfo;
  readonly _links: Links;
  readonly items: ReadonlyArray<A>;
}

/** What a walk needs. */
export interface WalkInput<A> {
  readonly strategy: ListStrategy;
  /** Pages in flight at once (`totals` only), 1 or more. */
  readonly concurrency: number;
  /** Hard cap on pages fetched. */
  readonly maxPages: number;
  /** The URL of page `n` (`totals`, and page 1 of `links`). */
  readonly pageUrl: (page: number) => URL;
  /** Resolves a `next_page` href, refusing other origins (`links`). */
  readonly resolveNext: (href: string) => URL | PaginationError;
  /** Fetches and decodes one page, retries included; `onRetry` counts them. */
  readonly fetchPage: (
    target: WalkTarget,
    onRetry: () => void,
  ) => Effect.Effect<WalkPage<A>, DiscoveryError>;
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
  readonly startedMs = Date.now();
  readonly seen = new IdSet();
  constructor(readonly keyOf: (item: A) => number) {}
  pagesFetched = 0;
  emitted = 0;
  duplicates = 0;
  retries = 0;
  drifted = false;
  initialTotalCount: number | undefined = undefined;
  initialTotalPages: number | undefined = undefined;
  lastTotalCount: number | undefined = undefined;
  lastTotalPages: number | undefined = undefined;
  stopped: Stop | undefined = undefined;
  readonly onRetry = (): void => {
    this.retries++;
  };

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
    const keyOf = this.keyOf;
    // Copied only once a duplicate shows up (rare): until then the page is emitted as is.
    let fresh: Array<A> | undefined;
    for (let i = this.seen.addAscending(items, keyOf); i < items.length; i++) {
      const item = items[i];
      if (this.seen.add(keyOf(item))) {
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
    return {
      pagesFetched: this.pagesFetched,
      totalPages: this.lastTotalPages,
      totalCount: this.lastTotalCount,
      itemsEmitted: this.emitted,
      retries: this.retries,
      elapsedMs: Date.now() - this.startedMs,
    };
  }

  summary(stoppedBecause: Stop): ListSummary {
    return {
      pagesFetched: this.pagesFetched,
      itemsEmitted: this.emitted,
      duplicatesDropped: this.duplicates,
      totalsDrifted: this.drifted,
      initialTotalCount: this.initialTotalCount,
      finalTotalCount: this.lastTotalCount,
      retries: this.retries,
      stoppedBecause,
      elapsedMs: Date.now() - this.startedMs,
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

/** What happens after the page just read. */
type After =
  | { readonly _tag: "continue" }
  | { readonly _tag: "stop"; readonly reason: Stop }
  | { readonly _tag: "fail"; readonly reason: Stop; readonly error: DiscoveryError };

/**
 * How a walk ends, once a page decided it: the next pull fails with the
 * walk's error when there is one, and every pull after that is done.
 */
class WalkEnd {
  private after: After | undefined = undefined;

  /** Whether the end is decided. */
  get decided(): boolean {
    return this.after !== undefined;
  }

  /** Decides the end (the last decision holds). */
  decide(after: After): void {
    this.after = after;
  }

  /** The answer of a pull once the end is decided. */
  pull(): Effect.Effect<never, DiscoveryError | Cause.Done> {
    const after = this.after;
    if (after?._tag === "fail") {
      this.after = { _tag: "stop", reason: after.reason };
      return Effect.fail(after.error);
    }
    return Cause.done();
  }
}

/**
 * The pull of a walk: each call gives the next page's new items (never an
 * empty chunk), ends with `Cause.done()`, or fails.
 */
type PagePull<A> = Effect.Effect<
  ReadonlyArray<A> & readonly [A, ...Array<A>],
  DiscoveryError | Cause.Done
>;

const nonEmpty = <A>(items: ReadonlyArray<A>) =>
  items as ReadonlyArray<A> & readonly [A, ...Array<A>];

const totalsPull = <A>(
  input: WalkInput<A>,
  state: WalkState<A>,
  scope: Scope.Scope,
): PagePull<A> => {
  const inflight: Array<{
    readonly page: number;
    readonly fiber: Fiber.Fiber<WalkPage<A>, DiscoveryError>;
  }> = [];
  let nextPage = 1;
  // Pages up to this number may be requested: 1 until page 1 tells the total.
  let launchLimit = 1;
  const end = new WalkEnd();

  const stopInflight = Effect.suspend(() =>
    Fiber.interruptAll(inflight.splice(0).map((entry) => entry.fiber))
  );

  const afterPage = (page: number, read: WalkPage<A>): After => {
    const total = read.pagination.total_pages;
    if (page >= total) return { _tag: "stop", reason: "last-page" };
    if (read.items.length === 0) return { _tag: "stop", reason: "empty-page" };
    if (page >= input.maxPages) {
      return {
        _tag: "fail",
        reason: "limit",
        error: pageCapError(input.maxPages, input.pageUrl(page + 1).href, input.plural),
      };
    }
    launchLimit = Math.min(input.maxPages, total);
    return { _tag: "continue" };
  };

  return Effect.gen(function* () {
    while (true) {
      if (end.decided) return yield* end.pull();
      while (inflight.length < input.concurrency && nextPage <= launchLimit) {
        const page = nextPage++;
        const fiber = yield* Effect.forkIn(
          input.fetchPage({ page, url: input.pageUrl(page) }, state.onRetry),
          scope,
        );
        inflight.push({ page, fiber });
      }
      const head = inflight.shift();
      if (head === undefined) {
        state.stopped = "last-page";
        end.decide({ _tag: "stop", reason: "last-page" });
        continue;
      }
      const read = yield* Fiber.join(head.fiber);
      const fresh = state.take(read);
      const after = afterPage(head.page, read);
      if (input.onProgress !== undefined) input.onProgress(state.progress());
      if (after._tag !== "continue") {
        state.stopped = after.reason;
        end.decide(after);
        yield* stopInflight;
      }
      if (fresh.length > 0) return nonEmpty(fresh);
    }
  });
};

const linksPull = <A>(input: WalkInput<A>, state: WalkState<A>): PagePull<A> => {
  let current: URL = input.pageUrl(1);
  const followed = new Set<string>([linkKey(current)]);
  const end = new WalkEnd();

  const afterPage = (read: WalkPage<A>): After => {
    const { page, total_pages } = read.pagination;
    // A server with no real totals (total_pages 0 next to items) is walked by
    // its links alone.
    const noTotals = total_pages === 0 && read.items.length > 0;
    if (page >= total_pages && !noTotals) return { _tag: "stop", reason: "last-page" };
    if (read.items.length === 0) return { _tag: "stop", reason: "empty-page" };
    const href = read._links.next_page?.href;
    if (href === undefined) return { _tag: "stop", reason: "no-next-link" };
    const next = input.resolveNext(href);
    if (next instanceof PaginationError) return { _tag: "fail", reason: "failed", error: next };
    const key = linkKey(next);
    if (followed.has(key)) return { _tag: "stop", reason: "repeated-link" };
    if (state.pagesFetched >= input.maxPages) {
      return {
        _tag: "fail",
        reason: "limit",
        error: pageCapError(input.maxPages, href, input.plural),
      };
    }
    followed.add(key);
    current = next;
    return { _tag: "continue" };
  };

  return Effect.gen(function* () {
    while (true) {
      if (end.decided) return yield* end.pull();
      const url = current;
      const page = parsePageHref(`${url.pathname}${url.search}`)?.page ?? state.pagesFetched + 1;
      const read = yield* input.fetchPage({ page, url }, state.onRetry);
      const fresh = state.take(read);
      const after = afterPage(read);
      if (input.onProgress !== undefined) input.onProgress(state.progress());
      if (after._tag !== "continue") {
        state.stopped = after.reason;
        end.decide(after);
      }
      if (fresh.length > 0) return nonEmpty(fresh);
    }
  });
};

/**
 * Every item of a listing, once each, in page order.
 *
 * **Details**
 *
 * - `totals`: page 1 first; then pages 2..total_pages with at most
 *   `concurrency` pages in flight or waiting to be emitted, emitted in page
 *   order. The total is re-read from each page in order: if it grows during
 *   the walk, the extra pages are fetched too; the walk stops at the first
 *   page that is the last by its own count or is empty.
 * - `links`: follows `_links.next_page`, resolved against the base URL and
 *   refused if it leaves the origin; stops on the last page, an empty page,
 *   a missing link, or a link to a page already read. A page that reports
 *   `total_pages` 0 yet has collections (a server with no real totals) is
 *   not taken as the last: its links decide.
 * - Both: at most `maxPages` pages (then `PaginationError` `page-cap`);
 *   collections whose id was already emitted are dropped and counted;
 *   interrupting the stream interrupts the requests in flight; `onSummary`
 *   is called once at the end, however it ends.
 */
export const walk = <A>(input: WalkInput<A>): Stream.Stream<A, DiscoveryError> =>
  Stream.suspend(() => {
    const state = new WalkState(input.keyOf);
    const pages = Stream.unwrap(Effect.gen(function* () {
      const scope = yield* Scope.Scope;
      return Stream.fromPull(Effect.succeed(
        input.strategy === "links" ? linksPull(input, state) : totalsPull(input, state, scope),
      ));
    }));
    const onSummary = input.onSummary;
    if (onSummary === undefined) return pages;
    return pages.pipe(Stream.onExit((exit) =>
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
    ));
  });
