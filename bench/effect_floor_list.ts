/**
 * The Effect floor of the listing benchmarks: the raw loop of
 * bench/baseline_list.ts written with the fixed choices' own pieces and
 * nothing of ours: effect's `HttpClient` (over `FetchHttpClient`) for each
 * request, `Stream.mapEffect` with ordered concurrency for the pages,
 * `JSON.parse` of each body, and no decoding, retries, timeouts or checks.
 * What it costs over the raw loop is what any client built from these
 * pieces pays before doing any of a client's work.
 *
 * Usage (the flags of bench/baseline_list.ts):
 *
 * ```sh
 * MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s \
 *   deno run -A bench/effect_floor_list.ts \
 *   --base-url http://127.0.0.1:8787 --workspace bench --per-page 1000 --concurrency 4 \
 *   [--segment queries] [--key id] [--include-spaces all] [--pieces fetch|fetch-stream]
 * ```
 *
 * `--pieces fetch-stream` keeps `Stream.mapEffect` (pages in order) with
 * the global `fetch` in `Effect.promise` instead of `HttpClient`: the least
 * an Effect program does to take pages in order, side by side.
 * `--pieces fetch` takes less of effect still: `Effect.forEach` with
 * `concurrency` and no Stream, each page consumed as it comes in, not in
 * page order.
 *
 * Every item is touched (count and sum of its `--key`). The last line on
 * stderr is `{"count":N,"checksum":S,"ms":T}`, T being the listing time
 * measured inside the process (start-up and module loading excluded).
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import * as HttpClient from "effect/http/HttpClient";
import * as HttpClientRequest from "effect/http/HttpClientRequest";

const flag = (name: string, fallback: string): string => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
};

const baseUrl = flag("base-url", "http://127.0.0.1:8787");
const workspace = flag("workspace", "bench");
const perPage = Number(flag("per-page", "1000"));
const concurrency = Number(flag("concurrency", "4"));
const segment = flag("segment", "spaces");
const key = flag("key", "id");
const includeSpaces = flag("include-spaces", "");
const auth = `Bearer ${
  btoa(
    `${Deno.env.get("MODE_TOKEN")}:${Deno.env.get("MODE_ACCESS_KEY")}:${
      Deno.env.get("MODE_ACCESS_SECRET")
    }`,
  )
}`;
const pieces = flag("pieces", "http-client");
const query = includeSpaces === "" ? "" : `&include_spaces=${includeSpaces}`;

type Page = { readonly pagination: { readonly total_pages: number } } & Record<string, unknown>;

const program = Effect.gen(function* () {
  const http = yield* HttpClient.HttpClient;
  const url = (page: number) =>
    `${baseUrl}/batch/${workspace}/${segment}?page=${page}&per_page=${perPage}${query}`;
  const getPage = (page: number): Effect.Effect<Page, unknown> =>
    pieces === "fetch" || pieces === "fetch-stream"
      ? Effect.promise(() =>
        fetch(url(page), { headers: { authorization: auth } }).then((r) => r.text()).then((
          text,
        ) => JSON.parse(text) as Page)
      )
      : Effect.flatMap(
        http.execute(
          HttpClientRequest.get(url(page), { headers: { authorization: auth } }),
        ),
        (response) => Effect.map(response.text, (text) => JSON.parse(text) as Page),
      );
  let count = 0;
  let checksum = 0;
  const consume = (page: Page) => {
    for (const item of page[segment] as Array<Record<string, number>>) {
      count++;
      checksum += item[key];
    }
  };
  const started = performance.now();
  const first = yield* getPage(1);
  consume(first);
  const rest = Array.from({ length: first.pagination.total_pages - 1 }, (_, i) => i + 2);
  if (pieces === "fetch") {
    yield* Effect.forEach(rest, (page) => Effect.map(getPage(page), consume), {
      concurrency,
      discard: true,
    });
  } else {
    yield* Stream.fromIterable(rest).pipe(
      Stream.mapEffect(getPage, { concurrency }),
      Stream.runForEach((page) => Effect.sync(() => consume(page))),
    );
  }
  return { count, checksum, ms: performance.now() - started };
}).pipe(
  Effect.provide(FetchHttpClient.layer),
  // As our client by default: no span per request.
  Effect.provideService(HttpClient.TracerDisabledWhen, () => true),
);

console.error(JSON.stringify(await Effect.runPromise(program)));
