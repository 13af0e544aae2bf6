/**
 * Baseline client for the benchmarks: a raw `fetch` + `JSON.parse` page loop,
 * written as a skilled engineer would without this project's code. Page 1
 * first, then pages 2..total_pages, either one at a time (`--concurrency 1`)
 * or with N pages in flight, consumed in page order. Any resource: its path
 * segment and array key with `--segment` (default `spaces`, the
 * collections), `--include-spaces all` where the resource takes it.
 *
 * Usage:
 *
 * ```sh
 * MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s \
 *   deno run --allow-net --allow-env bench/baseline_list.ts \
 *   --base-url http://127.0.0.1:8787 --workspace bench --per-page 1000 --concurrency 4 \
 *   [--segment queries] [--key id] [--include-spaces all] [--ndjson [--reuse-buffer]]
 * ```
 *
 * Every item is parsed and touched (count and sum of its `--key`, default
 * `id`). With `--ndjson` each one is also written to stdout as a JSON line,
 * a page's lines joined into one string, or with `--reuse-buffer` each
 * line encoded into one buffer reused from page to page. The last line
 * on stderr is `{"count":N,"checksum":S,"ms":T}`, T being the listing time
 * measured inside the process (start-up excluded). `rawListing` is the same
 * loop for bench/cli_floor.ts, which runs it under effect/cli.
 *
 * @module
 */

/** What one raw listing reads and how. */
export interface RawListingOptions {
  readonly baseUrl: string;
  readonly workspace: string;
  readonly perPage: number;
  readonly concurrency: number;
  /** The resource's path segment and array key (`spaces` for collections). */
  readonly segment: string;
  /** The item field summed into the checksum. */
  readonly key: string;
  /** `all`, or empty for the default listing. */
  readonly includeSpaces: string;
  /** Write each item to stdout as a JSON line. */
  readonly ndjson: boolean;
  /**
   * With `ndjson`: encode each line into one buffer reused from page to
   * page, rather than joining a page's lines into one string and encoding
   * that.
   */
  readonly reuseBuffer?: boolean;
  /** The `Authorization` header value. */
  readonly authorization: string;
}

/** The raw loop: every page fetched and parsed, every item touched; its count, checksum and time. */
export const rawListing = async (
  options: RawListingOptions,
): Promise<{ readonly count: number; readonly checksum: number; readonly ms: number }> => {
  const { baseUrl, workspace, perPage, concurrency, segment, key, ndjson } = options;
  const reuseBuffer = ndjson && options.reuseBuffer === true;
  type Page = {
    pagination: { total_pages: number };
    [segment: string]: unknown;
  };
  const query = options.includeSpaces === "" ? "" : `&include_spaces=${options.includeSpaces}`;
  const getPage = async (page: number): Promise<Page> => {
    const url = `${baseUrl}/batch/${workspace}/${segment}?page=${page}&per_page=${perPage}${query}`;
    const response = await fetch(url, { headers: { authorization: options.authorization } });
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    return JSON.parse(await response.text());
  };

  const encoder = new TextEncoder();
  const out = Deno.stdout.writable.getWriter();
  let count = 0;
  let checksum = 0;
  let buffer = new Uint8Array(reuseBuffer ? 1 << 20 : 0);
  const consume = async (page: Page) => {
    if (reuseBuffer) return await consumeIntoBuffer(page);
    let lines = "";
    for (const item of page[segment] as Array<Record<string, number>>) {
      count++;
      checksum += item[key];
      if (ndjson) lines += JSON.stringify(item) + "\n";
    }
    if (ndjson) await out.write(encoder.encode(lines));
  };
  const consumeIntoBuffer = async (page: Page) => {
    let used = 0;
    for (const item of page[segment] as Array<Record<string, number>>) {
      count++;
      checksum += item[key];
      const line = JSON.stringify(item) + "\n";
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
      if (buffer.length - used < line.length * 3) {
        const grown = new Uint8Array(Math.max(2 * buffer.length, used + line.length * 3));
        grown.set(buffer.subarray(0, used));
        buffer = grown;
      }
      used += encoder.encodeInto(line, buffer.subarray(used)).written;
    }
    await out.write(buffer.subarray(0, used));
  };

  const started = performance.now();
  const first = await getPage(1);
  await consume(first);
  const totalPages = first.pagination.total_pages;
  if (concurrency <= 1) {
    for (let page = 2; page <= totalPages; page++) await consume(await getPage(page));
  } else {
    const inflight: Array<Promise<Page>> = [];
    let next = 2;
    while (next <= totalPages && inflight.length < concurrency) inflight.push(getPage(next++));
    while (inflight.length > 0) {
      const page = await inflight.shift()!;
      if (next <= totalPages) inflight.push(getPage(next++));
      await consume(page);
    }
  }
  const ms = performance.now() - started;
  await out.close();
  return { count, checksum, ms };
};

/** The `Authorization` header of the credentials in `MODE_TOKEN`, `MODE_ACCESS_KEY`, `MODE_ACCESS_SECRET`. */
export const authorizationFromEnv = (): string =>
  `Bearer ${
    btoa(
      `${Deno.env.get("MODE_TOKEN")}:${Deno.env.get("MODE_ACCESS_KEY")}:${
        Deno.env.get("MODE_ACCESS_SECRET")
      }`,
    )
  }`;

if (import.meta.main) {
  const flag = (name: string, fallback: string): string => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Deno.args[i + 1] : fallback;
  };
  const result = await rawListing({
    baseUrl: flag("base-url", "http://127.0.0.1:8787"),
    workspace: flag("workspace", "bench"),
    perPage: Number(flag("per-page", "1000")),
    concurrency: Number(flag("concurrency", "4")),
    segment: flag("segment", "spaces"),
    key: flag("key", "id"),
    includeSpaces: flag("include-spaces", ""),
    ndjson: Deno.args.includes("--ndjson"),
    reuseBuffer: Deno.args.includes("--reuse-buffer"),
    authorization: authorizationFromEnv(),
  });
  console.error(JSON.stringify(result));
}
