// Baseline client for the npm comparison: the raw fetch + JSON.parse page loop
// of bench/baseline_list.ts, for Node 20 (global fetch), no dependencies.
//
//   MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s node bench/node/raw_list.mjs \
//     --base-url http://127.0.0.1:8787 --workspace bench --per-page 1000 --concurrency 4
//
// The last line on stderr is {"count":N,"checksum":S,"ms":T} (listing time
// measured inside the process, start-up excluded).

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const baseUrl = flag("base-url", "http://127.0.0.1:8787");
const workspace = flag("workspace", "bench");
const perPage = Number(flag("per-page", "1000"));
const concurrency = Number(flag("concurrency", "4"));
const { MODE_TOKEN, MODE_ACCESS_KEY, MODE_ACCESS_SECRET } = process.env;
const auth = `Bearer ${
  Buffer.from(`${MODE_TOKEN}:${MODE_ACCESS_KEY}:${MODE_ACCESS_SECRET}`).toString("base64")
}`;

const getPage = async (page) => {
  const url = `${baseUrl}/batch/${workspace}/spaces?page=${page}&per_page=${perPage}`;
  const response = await fetch(url, { headers: { authorization: auth } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return JSON.parse(await response.text());
};

let count = 0;
let checksum = 0;
const consume = (page) => {
  for (const collection of page.spaces) {
    count++;
    checksum += collection.id;
  }
};

const started = performance.now();
const first = await getPage(1);
consume(first);
const totalPages = first.pagination.total_pages;
if (concurrency <= 1) {
  for (let page = 2; page <= totalPages; page++) consume(await getPage(page));
} else {
  const inflight = [];
  let next = 2;
  while (next <= totalPages && inflight.length < concurrency) inflight.push(getPage(next++));
  while (inflight.length > 0) {
    const page = await inflight.shift();
    if (next <= totalPages) inflight.push(getPage(next++));
    consume(page);
  }
}
const ms = performance.now() - started;
console.error(JSON.stringify({ count, checksum, ms }));
