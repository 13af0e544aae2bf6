// Our npm client (Node 20) for the listing benchmark: the built package from
// apps/npm/dist, `createClient(...)` and `for await` over
// `client.collections.list(...)`, every collection decoded by the package.
//
//   MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s node bench/node/npm_list.mjs \
//     --entry apps/npm/dist/index.mjs --base-url http://127.0.0.1:8787 --workspace bench \
//     --per-page 1000 --concurrency 4
//
// The last line on stderr is {"count":N,"checksum":S,"ms":T} (listing time
// measured inside the process, start-up and import excluded), as in
// bench/node/raw_list.mjs.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const entry = flag("entry", "apps/npm/dist/index.mjs");
const workspace = flag("workspace", "bench");
const perPage = Number(flag("per-page", "1000"));
const concurrency = Number(flag("concurrency", "4"));
const { createClient } = await import(pathToFileURL(resolve(entry)).href);

const client = createClient({
  workspace,
  baseUrl: flag("base-url", "http://127.0.0.1:8787"),
  token: process.env.MODE_TOKEN,
  accessKey: process.env.MODE_ACCESS_KEY,
  accessSecret: process.env.MODE_ACCESS_SECRET,
  concurrency,
});

let count = 0;
let checksum = 0;
const started = performance.now();
for await (const collection of client.collections.list({ workspace, perPage, concurrency })) {
  count++;
  checksum += collection.id;
}
const ms = performance.now() - started;
console.error(JSON.stringify({ count, checksum, ms }));
