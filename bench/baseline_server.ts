/**
 * Baseline server for the benchmarks: a bare `Deno.serve` handler that
 * JSON.stringify's a slice of an in-memory array per request, with the same
 * envelope and links as Mode, for any resource it is given. Written as a
 * skilled engineer would without this project's code: no framework, no
 * schema, no store.
 *
 * Usage:
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env bench/baseline_server.ts \
 *   --port 8788 --workspace bench --data spaces=spaces.json --data reports=reports.json
 * ```
 *
 * - `--data SEGMENT=FILE` (repeatable): a JSON array of the items to serve at
 *   `/batch/WORKSPACE/SEGMENT` under the array key SEGMENT (the runner dumps
 *   apps/edge's seeded workspace so both serve the same items). `--data FILE`
 *   alone serves collections (`spaces`). Without any, `--count N`
 *   synthesises N collections.
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
const flags = (name: string): Array<string> =>
  Deno.args.flatMap((arg, i) =>
    arg === `--${name}` && i + 1 < Deno.args.length ? [Deno.args[i + 1]] : []
  );

const port = Number(flag("port") ?? "8788");
const workspace = flag("workspace") ?? "bench";

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

const data = new Map<string, Array<Row>>();
for (const spec of flags("data")) {
  const eq = spec.indexOf("=");
  const [segment, file] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : ["spaces", spec];
  data.set(segment, JSON.parse(await Deno.readTextFile(file)));
}
if (data.size === 0) data.set("spaces", synthesise(Number(flag("count") ?? "100000")));

const [token, key, secret] = ["MODE_TOKEN", "MODE_ACCESS_KEY", "MODE_ACCESS_SECRET"].map((name) =>
  Deno.env.get(name)
);
const expected = token && key && secret ? `Bearer ${btoa(`${token}:${key}:${secret}`)}` : undefined;

const headers = { "content-type": "application/json; charset=utf-8" };
const error = (status: number, id: string, message: string) =>
  new Response(JSON.stringify({ id, message }), { status, headers });
const href = (segment: string, page: number, perPage: number) =>
  `/batch/${workspace}/${segment}?page=${page}&per_page=${perPage}`;
const integer = (text: string | null, fallback: number) =>
  text === null ? fallback : /^[0-9]+$/.test(text) ? Number(text) : NaN;
const prefix = `/batch/${workspace}/`;

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
}, (request) => {
  const url = new URL(request.url);
  const segment = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
  const items = data.get(segment);
  if (items === undefined) return error(404, "not_found", "Not found");
  if (expected !== undefined && request.headers.get("authorization") !== expected) {
    return error(401, "unauthorized", "Invalid credentials");
  }
  const page = integer(url.searchParams.get("page"), 1);
  const perPage = integer(url.searchParams.get("per_page"), 1000);
  if (!(page >= 1)) return error(400, "bad_request", "page must be an integer of 1 or more");
  if (!(perPage >= 1 && perPage <= 1000)) {
    return error(400, "bad_request", "per_page must be an integer from 1 to 1000");
  }
  const total = items.length;
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const body = {
    pagination: {
      page,
      per_page: perPage,
      count: slice.length,
      total_pages: Math.ceil(total / perPage),
      total_count: total,
    },
    [segment]: slice,
    _links: {
      next_page: { href: href(segment, page + 1, perPage) },
      prev_page: { href: href(segment, Math.max(1, page - 1), perPage) },
    },
  };
  return new Response(JSON.stringify(body), { headers });
});
