/**
 * Reading a server's workspace with raw `fetch`, outside any measurement:
 * the total of every resource (the counts each measured run is checked
 * against) and a whole resource dumped to a file (for the baseline server to
 * serve the very same data).
 *
 * @internal
 * @module
 */
import { resources } from "@mode-discovery/core/Resources";
import { bearer, type Creds, type Server } from "./_servers.ts";

/** A resource's totals: its default view, and with `include_spaces=all` where it takes it. */
export interface Totals {
  readonly count: number;
  readonly all: number;
}

const getJson = async (
  server: Server,
  creds: Creds,
  segment: string,
  query: string,
): Promise<Record<string, unknown>> => {
  const url = `${server.origin}/batch/${encodeURIComponent(server.workspace)}/${segment}?${query}`;
  const response = await fetch(url, {
    headers: { authorization: bearer(creds) },
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) {
    throw new Error(
      `GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
  }
  return await response.json();
};

const totalOf = (body: Record<string, unknown>): number => {
  const total = (body.pagination as { total_count?: unknown } | undefined)?.total_count;
  if (typeof total !== "number") throw new Error("a page without pagination.total_count");
  return total;
};

/** Every resource's totals on `server`, by path segment (`spaces`, `report_stats`, ...). */
export const readTotals = async (
  server: Server,
  creds: Creds,
): Promise<ReadonlyMap<string, Totals>> => {
  const out = new Map<string, Totals>();
  for (const r of resources) {
    const count = totalOf(await getJson(server, creds, r.segment, "page=1&per_page=1"));
    const all = r.includeSpaces
      ? totalOf(await getJson(server, creds, r.segment, "page=1&per_page=1&include_spaces=all"))
      : count;
    out.set(r.segment, { count, all });
  }
  return out;
};

/**
 * Reads every item of one resource (its default view, pages one at a time)
 * and writes them to `file` as one JSON array; resolves with the count.
 */
export const dumpResource = async (
  server: Server,
  creds: Creds,
  segment: string,
  file: string,
): Promise<number> => {
  const parts: Array<string> = [];
  for (let page = 1; page <= 100_000; page++) {
    const body = await getJson(server, creds, segment, `page=${page}&per_page=1000`);
    const items = body[segment];
    if (!Array.isArray(items)) throw new Error(`dump: page ${page} has no ${segment} array`);
    for (const item of items) parts.push(JSON.stringify(item));
    const totalPages = (body.pagination as { total_pages: number }).total_pages;
    if (page >= totalPages || items.length === 0) break;
  }
  await Deno.writeTextFile(file, `[${parts.join(",\n")}]`);
  return parts.length;
};
