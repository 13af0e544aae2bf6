// A strict TypeScript consumer of the packed package (type-checked by npm_test.ts with tsc,
// skipLibCheck off, without effect installed). It is compiled, never run.
import {
  AbortError,
  type Chart,
  type Client,
  type ClientOptions,
  type Collection,
  type CollectionListing,
  type CollectionsPage,
  createClient,
  LimitExceededError,
  type Listing,
  type ListSummary,
  type Member,
  ModeDiscoveryError,
  type Page,
  type Query,
  type Report,
  type ReportStat,
  type Snapshot,
  type SnapshotSummary,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
} from "mode-discovery";
import {
  createHandler,
  type DiscoveryHandler,
  type RunningServer,
  startServer,
} from "mode-discovery/server";

export async function listNames(client: Client, signal?: AbortSignal): Promise<Array<string>> {
  const names: Array<string> = [];
  const listing: CollectionListing = client.collections.list(
    signal === undefined ? { perPage: 500 } : { perPage: 500, signal },
  );
  for await (const collection of listing) {
    const c: Collection = collection;
    names.push(c.name ?? `(unnamed ${c.token})`);
  }
  return names;
}

export async function firstPage(client: Client): Promise<number> {
  const page: CollectionsPage = await client.collections.page({ page: 1, perPage: 100 });
  const next: string | undefined = page._links.next_page?.href;
  const first: Collection | undefined = page.spaces[0];
  return page.pagination.total_count + (next?.length ?? 0) + (first?.id ?? 0);
}

export async function otherResources(client: Client): Promise<number> {
  const reports: Listing<Report> = client.reports.list({ includeSpaces: "all" });
  let views = 0;
  for await (const report of reports) views += report.space_id ?? 0;
  const queries: Page<"queries"> = await client.queries.page({ perPage: 10 });
  const sql: string | null = queries.queries[0]?.raw_query ?? null;
  const charts: Array<Chart> = await client.charts.list().toArray({ limit: 100 });
  const stats: Page<"reportStats"> = await client.reportStats.page();
  const editors: ReadonlyArray<string> | null = stats.report_stats[0]?.editors_emails ?? null;
  const members: Array<Member> = await client.list("members").toArray({ limit: 10 });
  const stat: ReportStat | undefined = (await client.list("reportStats").toArray({ limit: 1 }))[0];
  return views + (sql?.length ?? 0) + charts.length + (editors?.length ?? 0) + members.length +
    (stat?.view_count ?? 0);
}

export async function snapshotCounts(client: Client): Promise<number> {
  const snapshot: Snapshot = client.snapshot({ concurrency: 4 });
  let n = 0;
  for await (const query of snapshot.queries) n += query.raw_query?.length ?? 0;
  const summary: SnapshotSummary = await snapshot.summary;
  return n + summary.resources.length;
}

export async function everything(): Promise<void> {
  const server: RunningServer = await startServer({ seed: "acme:10", lastPageNext: "omit" });
  const options: ClientOptions = { ...server.clientOptions, maxRetries: 2, timeoutMs: 5_000 };
  const client = createClient(options);
  let summary: ListSummary | undefined;
  const all: Array<Collection> = await client.collections
    .list({ concurrency: 2, onSummary: (s) => (summary = s) })
    .toArray({ limit: 10_000 });
  console.log(
    all.length,
    summary?.stoppedBecause,
    await listNames(client),
    await firstPage(client),
  );
  try {
    await client.collections.page({ workspace: "nope" });
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof UnauthorizedError) {
      const status: number | undefined = error.status;
      const id: string = error.id;
      console.log(status, id, error.message);
    } else if (error instanceof RateLimitedError) {
      const wait: number | undefined = error.retryAfterSeconds;
      console.log(wait);
    } else if (error instanceof LimitExceededError) {
      const limit: number = error.limit;
      console.log(limit);
    } else if (error instanceof AbortError || error instanceof ModeDiscoveryError) {
      const base: Error = error;
      console.log(base.name);
    }
  }
  const handler: DiscoveryHandler = await createHandler({
    seed: [{ workspace: "acme", count: 3 }],
  });
  const response: Response = await handler.fetch(new Request("http://localhost/batch/acme/spaces"));
  console.log(response.status);
  await handler.close();
  await server.close();
}

// Misuse the types must catch:
declare const client: Client;
// @ts-expect-error toArray needs { limit }
void client.collections.list().toArray();
// @ts-expect-error perPage is a number
void client.collections.page({ perPage: "10" });
// @ts-expect-error there is no such option
createClient({ acessKey: "typo" });
// @ts-expect-error strategy is "totals" or "links"
client.collections.list({ strategy: "fast" });
declare const c: Collection;
// @ts-expect-error collections are read-only
c.id = 1;
