/**
 * Bad input end to end: the CLI (`<resource> list` and `snapshot`, as
 * subprocesses) against the edge server behind a rewriting proxy that
 * answers the way misbehaving servers do: a page whose array holds
 * another resource's objects, keys duplicated across pages, a
 * `total_count` that drops to 0 mid-walk, pages smaller than asked (the
 * server ignores `per_page`); and a report stat whose report is not in
 * reports. Plus, in memory, every resource's page holding every other
 * resource's rows, through the client.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Cause from "effect/Cause";
import * as Option from "effect/Option";
import * as HttpClient from "effect/http/HttpClient";
import {
  type AnyResource,
  charts,
  collections,
  DiscoveryClient,
  members,
  queries,
  reports,
  reportStats,
  resources,
  SignatureCredentials,
} from "@mode-discovery/core";
import { removeItems } from "@mode-discovery/server";
import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
import { sha256 } from "./_expected.ts";
import { checkTables, readSnapshot } from "./_snapshotFile.ts";
import {
  cliEnv,
  expectedRows,
  filesIn,
  ndjsonOfRows,
  type Row,
  visibleRows,
  type World,
  worldOf,
} from "./_world.ts";
import { seedOfSize, type WorldSize } from "./Chaos.ts";
import { scriptedHttpClient } from "./ClientFuzz.ts";
import { type Finished, runCliProcess } from "./Processes.ts";

/** The signature token of the workspace. */
export const BAD_CREDENTIALS = {
  token: "bad-token-5b0e",
  accessKey: "bad-key-d6a3",
  accessSecret: "bad-secret-82c1",
} as const;

const WORKSPACE = "bad";

/** Sizes of the bad input run: the workspace's rows. */
export type BadInputPlan = WorldSize;

/** One CLI run against a misbehaving server, and what held. */
export interface BadInputCheck {
  /** Which bad input. */
  readonly input: string;
  /** The command (without workspace and output). */
  readonly command: string;
  readonly exitCode: number;
  /** What happened, in words, with the figures. */
  readonly outcome: string;
}

/** One resource's page holding another resource's rows, through the client. */
export interface WrongKindCell {
  /** The resource asked for. */
  readonly page: string;
  /** Whose rows its array held. */
  readonly holds: string;
  /** `refused` (ResponseDecodeError) or `accepted`. */
  readonly result: "refused" | "accepted";
  /** The field the error named, or how many of the resource's fields came out null. */
  readonly detail: string;
}

/** What the bad input run found. */
export interface BadInputResult {
  readonly seed: string;
  readonly checks: ReadonlyArray<BadInputCheck>;
  readonly wrongKind: ReadonlyArray<WrongKindCell>;
}

/** What the proxy does to one request and its answer. */
interface ProxyMode {
  /** Rewrites the query sent upstream (the page size a server keeps to). */
  readonly request?: ((url: URL) => void) | undefined;
  /** Rewrites a 200 answer's JSON (`undefined`: as it came). */
  readonly answer?:
    | ((
      resource: AnyResource,
      asked: { readonly page: number; readonly perPage: number },
      body: Record<string, unknown>,
    ) => Record<string, unknown> | undefined)
    | undefined;
}

/** A proxy in front of `upstream` doing what `mode()` says. */
const startProxy = (upstream: string, mode: () => ProxyMode) => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const target = new URL(`${url.pathname}${url.search}`, upstream);
    const current = mode();
    current.request?.(target);
    const response = await fetch(target, { headers: req.headers });
    const text = await response.text();
    const segment = url.pathname.split("/").at(-1) ?? "";
    const resource = resources.find((r) => r.segment === segment);
    if (response.status !== 200 || resource === undefined || current.answer === undefined) {
      return new Response(text, { status: response.status, headers: response.headers });
    }
    const asked = {
      page: Number(target.searchParams.get("page") ?? "1"),
      perPage: Number(target.searchParams.get("per_page") ?? "1000"),
    };
    const body = current.answer(resource, asked, JSON.parse(text));
    return body === undefined
      ? new Response(text, { status: 200, headers: response.headers })
      : Response.json(body);
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
};

const errorLine = (done: Finished): string =>
  done.stderr.trimEnd().split("\n").find((l) => l.startsWith("error:")) ?? "";

const cut = (text: string, n = 220): string => text.length > n ? `${text.slice(0, n)}…` : text;

/** In memory: a page of each resource holding the rows of each other one. */
export const wrongKindMatrix = async (world: World): Promise<Array<WrongKindCell>> => {
  const out: Array<WrongKindCell> = [];
  for (const page of resources) {
    for (const holds of resources) {
      if (holds === page) continue;
      const rows = (world.get(holds.name) ?? []).slice(0, 5);
      const body = JSON.stringify({
        pagination: { page: 1, per_page: 5, count: rows.length, total_pages: 1, total_count: 5 },
        [page.segment]: rows,
        _links: {},
      });
      const sent: Array<string> = [];
      const http = scriptedHttpClient([
        { status: 200, headers: { "content-type": "application/json" }, body, kind: "wrong kind" },
      ], sent);
      const exit = await Effect.runPromiseExit(
        Effect.flatMap(
          DiscoveryClient.make({
            baseUrl: "http://bad.test",
            maxRetries: 0,
            credentials: SignatureCredentials.fromStrings(BAD_CREDENTIALS),
          }),
          (client) => client.page(page, { workspace: WORKSPACE, perPage: 5 }),
        ).pipe(Effect.provideService(HttpClient.HttpClient, http)),
      );
      if (Exit.isSuccess(exit)) {
        const items = (exit.value as unknown as Record<string, ReadonlyArray<Row>>)[page.segment];
        assert.equal(items.length, rows.length, `${page.name} holding ${holds.name}`);
        const others = page.columns.filter((c) => c.name !== page.key && c.name !== page.token);
        const nulls = others.filter((c) => items.every((item) => item[c.name] === null)).length;
        out.push({
          page: page.cliName,
          holds: holds.cliName,
          result: "accepted",
          detail: `${nulls} of ${others.length} other fields null`,
        });
        continue;
      }
      assert.ok(!Cause.hasDies(exit.cause), `${page.name} holding ${holds.name}: a defect`);
      const error = Cause.findErrorOption(exit.cause);
      assert.ok(Option.isSome(error), `${page.name} holding ${holds.name}: no typed error`);
      const e = error.value as { _tag: string; path?: ReadonlyArray<unknown> };
      assert.equal(e._tag, "ResponseDecodeError", `${page.name} holding ${holds.name}`);
      out.push({
        page: page.cliName,
        holds: holds.cliName,
        result: "refused",
        detail: (e.path ?? []).join("."),
      });
    }
  }
  return out;
};

/** The whole bad input run. */
export const runBadInput = async (plan: BadInputPlan): Promise<BadInputResult> => {
  const seed = seedOfSize(WORKSPACE, plan);
  const world = worldOf(seed);
  const wrongKind = await wrongKindMatrix(world);
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [seed],
      devCredentials: SignatureCredentials.fromStrings(BAD_CREDENTIALS),
    }),
    log: () => {},
  });
  let mode: ProxyMode = {};
  const proxy = startProxy(server.url, () => mode);
  const dir = await Deno.makeTempDir({ prefix: "reliability-bad-" });
  const env = cliEnv(proxy.url, BAD_CREDENTIALS);
  const checks: Array<BadInputCheck> = [];
  const cli = (args: ReadonlyArray<string>) =>
    runCliProcess([...args, "--workspace", WORKSPACE], env, 300_000);
  const list = (resource: AnyResource, file: string, more: ReadonlyArray<string> = []) =>
    cli([resource.cliName, "list", ...more, "--output", `${dir}/${file}`]);
  const snapshot = (file: string, more: ReadonlyArray<string> = []) =>
    cli(["snapshot", ...more, "--output", `${dir}/${file}`]);
  const readText = (file: string) => Deno.readTextFile(`${dir}/${file}`);
  const leftovers = async (keep: ReadonlyArray<string>) =>
    (await filesIn(dir)).filter((f) => !keep.includes(f));
  try {
    // A good snapshot first: the file the failing snapshot must leave alone.
    mode = {};
    const good = await snapshot("old.sqlite");
    assert.equal(good.code, 0, `the first snapshot: ${good.stderr}`);
    const oldBytes = await sha256(await Deno.readFile(`${dir}/old.sqlite`));

    // 1. A page whose array holds another resource's objects.
    const holding = (page: AnyResource, holds: AnyResource): ProxyMode => ({
      answer: (resource, _asked, body) => {
        if (resource !== page) return undefined;
        const n = (body[page.segment] as ReadonlyArray<unknown>).length;
        return { ...body, [page.segment]: visibleRows(world, holds).slice(0, n) };
      },
    });
    mode = holding(reportStats, reports);
    const refused = await list(reportStats, "stats.ndjson");
    assert.equal(refused.code, 8, `report-stats holding reports: ${refused.stderr}`);
    assert.equal(refused.stderr.trimEnd().split("\n").length, 1, refused.stderr);
    assert.deepEqual(await leftovers(["old.sqlite"]), [], "report-stats list left a file");
    checks.push({
      input: "`report_stats` holding reports (no `report_id`)",
      command: "report-stats list",
      exitCode: refused.code,
      outcome: `refused, no output file; \`${cut(errorLine(refused))}\``,
    });
    mode = holding(reportStats, members);
    const refusedSnapshot = await snapshot("old.sqlite");
    assert.equal(refusedSnapshot.code, 8, `snapshot, report-stats holding members`);
    assert.equal(
      await sha256(await Deno.readFile(`${dir}/old.sqlite`)),
      oldBytes,
      "the failed snapshot changed the old file",
    );
    assert.deepEqual(await leftovers(["old.sqlite"]), [], "the failed snapshot left files");
    checks.push({
      input: "`report_stats` holding members",
      command: "snapshot (over an existing FILE)",
      exitCode: refusedSnapshot.code,
      outcome: `refused; FILE byte for byte the old one, no temporary or lock file; \`${
        cut(errorLine(refusedSnapshot))
      }\``,
    });
    mode = holding(members, charts);
    const foreign = await list(members, "members.ndjson");
    assert.equal(foreign.code, 8, `members holding charts: ${foreign.stderr}`);
    assert.deepEqual(await leftovers(["old.sqlite"]), [], "members list left a file");
    checks.push({
      input: "`members` holding charts (an `id` and a `token`, no member field)",
      command: "members list",
      exitCode: foreign.code,
      outcome: `refused, no output file; \`${cut(errorLine(foreign))}\``,
    });
    // Rows of another resource that share a field with this one (a collection's `name`).
    mode = holding(reports, collections);
    const shared = await list(reports, "reports.ndjson");
    assert.ok(
      shared.code === 0 || shared.code === 8,
      `reports holding collections: ${shared.stderr}`,
    );
    const sharedRows = shared.code === 0
      ? (await readText("reports.ndjson")).split("\n").filter((l) => l !== "").map((l) =>
        JSON.parse(l) as Row
      )
      : [];
    const reportFields = reports.columns.filter((c) => c.kind !== "key" && c.kind !== "token");
    const nullFields = reportFields.filter((c) => sharedRows.every((row) => row[c.name] === null));
    checks.push({
      input: "`reports` holding collections (they share `name` and `description`)",
      command: "reports list",
      exitCode: shared.code,
      outcome: shared.code === 0
        ? `**accepted**: ${
          sharedRows.length.toLocaleString("en-US")
        } "reports" written, ${nullFields.length} of their ${reportFields.length} other fields null in every row (see Findings)`
        : `refused: \`${cut(errorLine(shared))}\``,
    });
    await Deno.remove(`${dir}/reports.ndjson`).catch(() => {});

    // 2. Keys duplicated across pages: each page repeats the last row of the one before.
    mode = {
      answer: (resource, asked, body) => {
        if (asked.page < 2) return undefined;
        const before = visibleRows(world, resource)[(asked.page - 1) * asked.perPage - 1];
        const items = body[resource.segment] as ReadonlyArray<Row>;
        return before === undefined || items.length === 0
          ? undefined
          : { ...body, [resource.segment]: [before, ...items] };
      },
    };
    const expectedQueries = await expectedRows(world, queries);
    const dupes = await list(queries, "queries.ndjson", ["--per-page", "100"]);
    assert.equal(dupes.code, 0, `duplicated keys: ${dupes.stderr}`);
    assert.equal(await sha256(await readText("queries.ndjson")), expectedQueries.sha256);
    const pagesOfQueries = Math.ceil(expectedQueries.rows.length / 100);
    const dropped = /\(([\d,]+) duplicates? dropped\)/.exec(dupes.stderr);
    assert.ok(dropped !== null, `no duplicates reported: ${dupes.stderr}`);
    assert.equal(Number(dropped[1].replace(/,/g, "")), pagesOfQueries - 1);
    checks.push({
      input: "each page repeats the last row of the page before",
      command: "queries list --per-page 100",
      exitCode: dupes.code,
      outcome: `${
        expectedQueries.rows.length.toLocaleString("en-US")
      } queries, exactly the seed's; ${dropped[1]} duplicates dropped and reported`,
    });
    const dupSnapshot = await snapshot("dupes.sqlite", ["--per-page", "100"]);
    assert.equal(dupSnapshot.code, 0, `duplicated keys, snapshot: ${dupSnapshot.stderr}`);
    const dupContents = readSnapshot(`${dir}/dupes.sqlite`);
    const dupTables = await checkTables(dupContents, world);
    for (const t of dupTables) assert.ok(t.exact, `duplicated keys, snapshot: ${t.resource}`);
    for (const r of dupContents.resources) {
      const t = dupTables.find((x) => x.resource === r.resource)!;
      assert.equal(r.rows_stored, t.expected, `rows_stored of ${r.resource}`);
    }
    checks.push({
      input: "each page repeats the last row of the page before, every resource",
      command: "snapshot --per-page 100",
      exitCode: dupSnapshot.code,
      outcome: `every table exactly the seed's (${
        dupTables.reduce((n, t) => n + t.rows, 0).toLocaleString("en-US")
      } rows); \`rows_stored\` counts each row once`,
    });

    // 3. total_count drops to 0 from page 3 of reports on.
    mode = {
      answer: (resource, asked, _body) =>
        resource !== reports || asked.page < 3 ? undefined : {
          pagination: {
            page: asked.page,
            per_page: asked.perPage,
            count: 0,
            total_pages: 0,
            total_count: 0,
          },
          reports: [],
          _links: {},
        },
    };
    const firstTwo = visibleRows(world, reports).slice(0, 200);
    const shrunk = await list(reports, "reports.ndjson", ["--per-page", "100"]);
    assert.equal(shrunk.code, 0, `total_count to 0: ${shrunk.stderr}`);
    assert.equal(await readText("reports.ndjson"), ndjsonOfRows(reports, firstTwo));
    const warning = shrunk.stderr.split("\n").find((l) => l.startsWith("warning:")) ?? "";
    assert.match(warning, /changed/, `no drift warning: ${shrunk.stderr}`);
    checks.push({
      input: "`total_count` 0 (and no rows) from page 3 on",
      command: "reports list --per-page 100",
      exitCode: shrunk.code,
      outcome: `ends after page 3 with the 200 reports of pages 1 and 2, exactly; \`${
        cut(warning, 120)
      }\``,
    });
    const shrunkSnapshot = await snapshot("shrunk.sqlite", ["--per-page", "100"]);
    assert.equal(shrunkSnapshot.code, 0, `total_count to 0, snapshot: ${shrunkSnapshot.stderr}`);
    const shrunkContents = readSnapshot(`${dir}/shrunk.sqlite`);
    assert.deepEqual(
      shrunkContents.lines.get(reports.name),
      ndjsonOfRows(reports, firstTwo).trimEnd().split("\n"),
    );
    const shrunkTables = await checkTables(shrunkContents, world);
    for (const t of shrunkTables) {
      if (t.resource !== reports.name) {
        assert.ok(t.exact, `total_count to 0, snapshot: ${t.resource}`);
      }
    }
    const drifted = shrunkContents.resources.find((r) => r.resource === reports.name);
    assert.equal(drifted?.totals_drifted, 1, "snapshot_resources.totals_drifted of reports");
    assert.match(shrunkSnapshot.stderr, /warning: the reports of bad changed/);
    const orphanKinds = new Map<string, number>();
    for (const o of shrunkContents.orphans) {
      const kind = `${o.resource}.${o.field} -> ${o.parent}`;
      orphanKinds.set(kind, (orphanKinds.get(kind) ?? 0) + 1);
    }
    assert.ok((orphanKinds.get("report_stats.report_id -> reports") ?? 0) > 0);
    checks.push({
      input: "`total_count` 0 from page 3 of reports on",
      command: "snapshot --per-page 100",
      exitCode: shrunkSnapshot.code,
      outcome:
        `reports table: the 200 of pages 1 and 2, \`totals_drifted\` 1 and a warning; the other tables exact; the rows of the reports never read are orphans: ${
          [...orphanKinds].map(([k, n]) => `${n.toLocaleString("en-US")} ${k}`).join(", ")
        }`,
    });

    // 4. The server keeps to 100 a page, whatever is asked.
    mode = {
      request: (url) => {
        const asked = Number(url.searchParams.get("per_page") ?? "1000");
        url.searchParams.set("per_page", String(Math.min(asked, 100)));
      },
    };
    const expectedCharts = await expectedRows(world, charts);
    const small = await list(charts, "charts.ndjson");
    assert.equal(small.code, 0, `smaller pages: ${small.stderr}`);
    assert.equal(await sha256(await readText("charts.ndjson")), expectedCharts.sha256);
    checks.push({
      input: "`per_page` 100 answered when 1000 (the default) is asked",
      command: "charts list",
      exitCode: small.code,
      outcome: `${
        expectedCharts.rows.length.toLocaleString("en-US")
      } charts, exactly the seed's; \`${
        small.stderr.split("\n").find((l) => / in [\d,]+ pages?/.test(l))?.replace(
          /, written to \S+/,
          "",
        ) ?? ""
      }\``,
    });
    const smallSnapshot = await snapshot("small.sqlite");
    assert.equal(smallSnapshot.code, 0, `smaller pages, snapshot: ${smallSnapshot.stderr}`);
    const smallContents = readSnapshot(`${dir}/small.sqlite`);
    const smallTables = await checkTables(smallContents, world);
    for (const t of smallTables) assert.ok(t.exact, `smaller pages, snapshot: ${t.resource}`);
    for (const r of smallContents.resources) {
      const t = smallTables.find((x) => x.resource === r.resource)!;
      assert.equal(
        r.pages_read,
        Math.max(1, Math.ceil(t.expected / 100)),
        `pages of ${r.resource}`,
      );
    }
    checks.push({
      input: "`per_page` 100 answered when 1000 is asked, every resource",
      command: "snapshot",
      exitCode: smallSnapshot.code,
      outcome: `every table exactly the seed's; \`pages_read\` ${
        smallContents.resources.map((r) => r.pages_read).join(", ")
      } (pages of 100)`,
    });

    // 5. A report stat whose report is not in reports.
    mode = {};
    const report = visibleRows(world, reports)[0];
    const reportId = report.id as number;
    const goneQueries = (world.get(queries.name) ?? []).filter((q) => q.report_id === reportId);
    const goneCharts = (world.get(charts.name) ?? []).filter((c) => c.report_id === reportId);
    const store = server.handler.listings;
    await Effect.runPromise(removeItems(store, WORKSPACE, reports.name, [reportId]));
    await Effect.runPromise(
      removeItems(store, WORKSPACE, queries.name, goneQueries.map((q) => q.id as number)),
    );
    await Effect.runPromise(
      removeItems(store, WORKSPACE, charts.name, goneCharts.map((c) => c.id as number)),
    );
    const stats = await list(reportStats, "stats.ndjson");
    assert.equal(stats.code, 0, `orphan stat: ${stats.stderr}`);
    const expectedStats = await expectedRows(world, reportStats);
    assert.equal(await sha256(await readText("stats.ndjson")), expectedStats.sha256);
    checks.push({
      input: `the report stat of report ${reportId}, which is gone from reports`,
      command: "report-stats list",
      exitCode: stats.code,
      outcome: `kept: ${
        expectedStats.rows.length.toLocaleString("en-US")
      } report stats, exactly the seed's`,
    });
    const orphaned = await snapshot("orphan.sqlite");
    assert.equal(orphaned.code, 0, `orphan stat, snapshot: ${orphaned.stderr}`);
    const orphanContents = readSnapshot(`${dir}/orphan.sqlite`);
    assert.ok(
      (orphanContents.lines.get(reportStats.name) ?? []).some((l) =>
        (JSON.parse(l) as Row).report_id === reportId
      ),
      "the stat is kept in the snapshot",
    );
    assert.deepEqual(
      orphanContents.orphans.map((o) => [o.resource, o.key, o.field, o.value, o.parent]),
      [["report_stats", reportId, "report_id", reportId, "reports"]],
      "exactly one orphan: the stat",
    );
    const orphanLine = orphaned.stderr.split("\n").find((l) => /orphans/.test(l)) ?? "";
    assert.match(orphanLine, /orphans: 1 report_stats\.report_id -> reports/);
    checks.push({
      input:
        `the report stat of report ${reportId}, which is gone from reports (with its ${goneQueries.length} queries and ${goneCharts.length} charts)`,
      command: "snapshot",
      exitCode: orphaned.code,
      outcome: `kept in \`report_stats\`; the \`orphans\` view holds exactly it; \`${
        cut(orphanLine.trim(), 120)
      }\``,
    });
    return { seed: `${WORKSPACE}:${plan.collections}`, checks, wrongKind };
  } finally {
    await proxy.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
};
