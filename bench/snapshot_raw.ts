/**
 * The plain baseline of the snapshot benchmark (issue 15): every page of the
 * six resources of a workspace with a raw `fetch` + `JSON.parse` loop and
 * one budget of `--concurrency` requests in flight across the resources,
 * as a skilled engineer would write it without this project's code. Page 1
 * of every resource is asked for first; each page 1 read queues the rest of
 * its resource. Nothing is decoded or written; every item is touched.
 *
 * ```sh
 * MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s \
 *   deno run -A bench/snapshot_raw.ts --base-url http://127.0.0.1:8787 --workspace acme \
 *   --concurrency 4
 * ```
 *
 * The last line on stderr is `{"count":N,"pages":P,"ms":T}`, T being the
 * time from the first request to the last page read, measured inside the
 * process (start-up excluded), as the snapshot's own time is.
 *
 * @module
 */
import { resources } from "@mode-discovery/core/Resources";
import { authorizationFromEnv } from "./baseline_list.ts";

const flag = (name: string, fallback: string): string => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
};

const baseUrl = flag("base-url", "http://127.0.0.1:8787");
const workspace = flag("workspace", "acme");
const concurrency = Number(flag("concurrency", "4"));
const authorization = authorizationFromEnv();

type Page = { pagination: { total_pages: number } } & Record<string, unknown>;
type Task = { readonly segment: string; readonly page: number };

let count = 0;
let pages = 0;
const queue: Array<Task> = resources.map((r) => ({ segment: r.segment, page: 1 }));
let inFlight = 0;

const started = performance.now();
await new Promise<void>((done, fail) => {
  const run = (task: Task) => {
    inFlight++;
    fetch(`${baseUrl}/batch/${workspace}/${task.segment}?page=${task.page}&per_page=1000`, {
      headers: { authorization },
    }).then(async (response) => {
      if (!response.ok) throw new Error(`${task.segment} page ${task.page}: ${response.status}`);
      const page = JSON.parse(await response.text()) as Page;
      pages++;
      count += (page[task.segment] as ReadonlyArray<unknown>).length;
      if (task.page === 1) {
        for (let p = 2; p <= page.pagination.total_pages; p++) {
          queue.push({ segment: task.segment, page: p });
        }
      }
      inFlight--;
      pump();
    }).catch(fail);
  };
  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) run(queue.shift()!);
    if (inFlight === 0 && queue.length === 0) done();
  };
  pump();
});
console.error(JSON.stringify({ count, pages, ms: performance.now() - started }));
