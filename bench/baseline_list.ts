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
 *   [--segment queries] [--key id] [--include-spaces all] [--ndjson]
 * ```
 *
 * Every item is parsed and touched (count and sum of its `--key`, default
 * `id`). With `--ndjson` each one is also written to stdout as a JSON line. The last line
 * on stderr is `{"count":N,"checksum":S,"ms":T}`, T being the listing time
 * measured inside the process (start-up excluded).
 *
 * @module
 */

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
const ndjson = Deno.args.includes("--ndjson");
const auth = `Bearer ${
  btoa(
    `${Deno.env.get("MODE_TOKEN")}:${Deno.env.get("MODE_ACCESS_KEY")}:${
      Deno.env.get("MODE_ACCESS_SECRET")
    }`,
  )
}`;

type Page = {
  pagination: { total_pages: number };
  [segment: string]: unknown;
};

const query = includeSpaces === "" ? "" : `&include_spaces=${includeSpaces}`;
const getPage = async (page: number): Promise<Page> => {
  const url = `${baseUrl}/batch/${workspace}/${segment}?page=${page}&per_page=${perPage}${query}`;
  const response = await fetch(url, { headers: { authorization: auth } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return JSON.parse(await response.text());
};

const encoder = new TextEncoder();
const out = Deno.stdout.writable.getWriter();
let count = 0;
let checksum = 0;
const consume = async (page: Page) => {
  let lines = "";
  for (const item of page[segment] as Array<Record<string, number>>) {
    count++;
    checksum += item[key];
    if (ndjson) lines += JSON.stringify(item) + "\n";
  }
  if (ndjson) await out.write(encoder.encode(lines));
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
console.error(JSON.stringify({ count, checksum, ms }));
