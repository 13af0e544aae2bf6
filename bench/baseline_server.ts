/**
 * Baseline server for the benchmarks: a bare `Deno.serve` handler that
 * JSON.stringify's a slice of an in-memory array of collections per request,
 * with the same envelope and links as Mode. Written as a skilled engineer
 * would without this project's code: no framework, no schema, no store.
 *
 * Usage:
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env bench/baseline_server.ts \
 *   --port 8788 --workspace bench --data collections.json
 * ```
 *
 * - `--data FILE`: a JSON array of collections to serve (the runner dumps the
 *   edge server's seeded workspace so both serve identical bytes). Without it,
 *   `--count N` synthesises N collections.
 * - Bearer check (optional): when `MODE_TOKEN`, `MODE_ACCESS_KEY` and
 *   `MODE_ACCESS_SECRET` are set, requests must carry
 *   `Authorization: Bearer base64(token:access_key:access_secret)`.
 *
 * Prints `listening on http://127.0.0.1:PORT` once ready.
 *
 * @module
 */

type Row = Record<string, unknown>;

const flag = (name: string): string | undefined => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};

const port = Number(flag("port") ?? "8788");
const workspace = flag("workspace") ?? "bench";
const dataFile = flag("data");

const synthesise = (count: number): Array<Row> =>
  Array.from({ length: count }, (_, i) => {
    const token = (i + 1).toString(16).padStart(12, "0");
    return {
      id: i + 1,
      token,
      name: `Collection ${i + 1}`,
      description: i % 3 === 0 ? null : `Reports of team ${i % 97}, "quarterly", ünïcode`,
      space_type: i % 5 === 0 ? "private" : "custom",
      space_url: `/api/${workspace}/spaces/${token}`,
    };
  });

const collections: Array<Row> = dataFile !== undefined
  ? JSON.parse(await Deno.readTextFile(dataFile))
  : synthesise(Number(flag("count") ?? "100000"));

const [token, key, secret] = ["MODE_TOKEN", "MODE_ACCESS_KEY", "MODE_ACCESS_SECRET"].map((name) =>
  Deno.env.get(name)
);
const expected = token && key && secret ? `Bearer ${btoa(`${token}:${key}:${secret}`)}` : undefined;

const headers = { "content-type": "application/json; charset=utf-8" };
const error = (status: number, id: string, message: string) =>
  new Response(JSON.stringify({ id, message }), { status, headers });
const href = (page: number, perPage: number) =>
  `/batch/${workspace}/spaces?page=${page}&per_page=${perPage}`;
const integer = (text: string | null, fallback: number) =>
  text === null ? fallback : /^[0-9]+$/.test(text) ? Number(text) : NaN;

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
}, (request) => {
  const url = new URL(request.url);
  if (url.pathname !== `/batch/${workspace}/spaces`) return error(404, "not_found", "Not found");
  if (expected !== undefined && request.headers.get("authorization") !== expected) {
    return error(401, "unauthorized", "Invalid credentials");
  }
  const page = integer(url.searchParams.get("page"), 1);
  const perPage = integer(url.searchParams.get("per_page"), 1000);
  if (!(page >= 1)) return error(400, "bad_request", "page must be an integer of 1 or more");
  if (!(perPage >= 1 && perPage <= 1000)) {
    return error(400, "bad_request", "per_page must be an integer from 1 to 1000");
  }
  const total = collections.length;
  const totalPages = Math.ceil(total / perPage);
  const spaces = collections.slice((page - 1) * perPage, page * perPage);
  const body = {
    pagination: {
      page,
      per_page: perPage,
      count: spaces.length,
      total_pages: totalPages,
      total_count: total,
    },
    spaces,
    _links: {
      next_page: { href: href(page + 1, perPage) },
      prev_page: { href: href(Math.max(1, page - 1), perPage) },
    },
  };
  return new Response(JSON.stringify(body), { headers });
});
