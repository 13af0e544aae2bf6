/**
 * Data changing under the walk: while the CLI lists collections, and then
 * reports, the server's test hook (`onResponse`) adds items in front of
 * the pages already read and removes some after a later page. The listing
 * must end, list no item twice and none that never existed, and warn that
 * the workspace changed; a second listing of the now stable data must be
 * exact.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import {
  type AnyResource,
  collections,
  reports,
  reportUrl,
  SignatureCredentials,
  spaceUrl,
} from "@mode-discovery/core";
import {
  addItems,
  type ListingStoreService,
  readWorkspace,
  removeItems,
  type RequestEvent,
  type SeedWorkspace,
} from "@mode-discovery/server";
import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
import { sha256 } from "./_expected.ts";
import { cliEnv, keysOfNdjson, ndjsonOfRows, type Row, worldOf } from "./_world.ts";
import { runCliProcess } from "./Processes.ts";

/** The signature token of the drift workspace. */
export const DRIFT_CREDENTIALS = {
  token: "drift-token-8c0d",
  accessKey: "drift-key-52ab",
  accessSecret: "drift-secret-e91f",
} as const;

const WORKSPACE = "drift";

/** The resources listed while they change. */
export const DRIFT_RESOURCES: ReadonlyArray<AnyResource> = [collections, reports];

/** Sizes of a drift run (the same for each resource). */
export interface DriftPlan {
  /** Items of each resource listed (collections, and reports). */
  readonly collections: number;
  readonly perPage: number;
  readonly concurrency: number;
  /** Items added (with keys below every other) once `addAfterPage` is answered. */
  readonly added: number;
  readonly addAfterPage: number;
  /** Items removed (the first ones, already read) once `removeAfterPage` is answered. */
  readonly removed: number;
  readonly removeAfterPage: number;
}

/** What the drift run of one resource found. */
export interface DriftRun {
  /** The resource's command name. */
  readonly resource: string;
  /** `--include-spaces all` when the resource takes it (so every stored item is listed). */
  readonly args: ReadonlyArray<string>;
  readonly initial: number;
  readonly final: number;
  /** Rows the changing listing wrote, and how it ended. */
  readonly rows: number;
  readonly exitCode: number;
  readonly warning: string;
  readonly summary: string;
  /** Items of the final data the changing listing missed (moved while it read). */
  readonly missed: number;
  /** The re-run on stable data. */
  readonly rerun: { readonly exitCode: number; readonly rows: number; readonly exact: boolean };
}

/** What a drift run found, per resource. */
export interface DriftResult {
  readonly runs: ReadonlyArray<DriftRun>;
}

/** The seed: `collections` collections and as many reports (no queries or charts). */
const driftSeed = (plan: DriftPlan): SeedWorkspace => ({
  workspace: WORKSPACE,
  count: plan.collections,
  counts: {
    reports: plan.collections,
    queries: 0,
    charts: 0,
    members: Math.max(1, Math.ceil(plan.collections / 100)),
  },
});

/**
 * `count` new items with the smallest keys the resource does not use
 * (below the seed's first key, then in the gaps between its keys), so
 * they land in front of the pages already read; built on `template`.
 */
const newcomers = (
  resource: AnyResource,
  count: number,
  existing: ReadonlyArray<Row>,
): Array<Row> => {
  const taken = new Set(existing.map((row) => row[resource.key] as number));
  const template = existing[0];
  const out: Array<Row> = [];
  for (let id = 1; out.length < count; id++) {
    if (taken.has(id)) continue;
    const token = `added${String(id).padStart(7, "0")}`;
    const name = `Added during the walk ${out.length + 1}`;
    out.push(
      resource === collections
        ? {
          id,
          token,
          name,
          description: null,
          space_type: "custom",
          space_url: spaceUrl(WORKSPACE, token),
        }
        : { ...template, id, token, name, report_url: reportUrl(WORKSPACE, token) },
    );
  }
  return out;
};

/** The drift run of one resource: a listing while it changes, then one on stable data. */
export const driftListing = async (plan: DriftPlan, resource: AnyResource): Promise<DriftRun> => {
  const seed = driftSeed(plan);
  const initial = worldOf(seed).get(resource.name) ?? [];
  const added = newcomers(resource, plan.added, initial);
  const removedKeys = initial.slice(0, plan.removed).map((row) => row[resource.key] as number);
  let editing = true;
  const done = new Set<string>();
  const once = async (name: string, edit: () => Effect.Effect<unknown, unknown>) => {
    if (done.has(name)) return;
    done.add(name);
    await Effect.runPromise(edit());
  };
  // The server's store, known once it has started (the hook runs only after that).
  const target: { store?: ListingStoreService } = {};
  const onResponse = async (event: RequestEvent) => {
    const store = target.store;
    if (!editing || store === undefined || event.status !== 200) return;
    if (event.page === plan.addAfterPage) {
      // deno-lint-ignore no-explicit-any
      await once("add", () => addItems(store, WORKSPACE, resource.name, added as any));
    }
    if (event.page === plan.removeAfterPage) {
      await once("remove", () => removeItems(store, WORKSPACE, resource.name, removedKeys));
    }
  };
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [seed],
      devCredentials: SignatureCredentials.fromStrings(DRIFT_CREDENTIALS),
    }),
    log: () => {},
    onResponse,
  });
  target.store = server.handler.listings;
  const dir = await Deno.makeTempDir({ prefix: "reliability-drift-" });
  const spaces = resource.includeSpaces ? ["--include-spaces", "all"] : [];
  try {
    const args = (output: string) => [
      resource.cliName,
      "list",
      "--workspace",
      WORKSPACE,
      "--per-page",
      String(plan.perPage),
      "--concurrency",
      String(plan.concurrency),
      ...spaces,
      "--output",
      output,
    ];
    const env = cliEnv(server.url, DRIFT_CREDENTIALS);
    const label = `${resource.cliName} list`;
    const changing = await runCliProcess(args(`${dir}/changing.ndjson`), env);
    assert.equal(changing.code, 0, `${label} under change failed: ${changing.stderr}`);
    assert.deepEqual([...done].sort(), ["add", "remove"], "both edits happened during the walk");
    const text = await Deno.readTextFile(`${dir}/changing.ndjson`);
    const keys = keysOfNdjson(resource, text);
    assert.equal(new Set(keys).size, keys.length, `${label}: an item was listed twice`);
    const known = new Set([...initial, ...added].map((row) => row[resource.key] as number));
    assert.deepEqual(
      keys.filter((key) => !known.has(key)),
      [],
      `${label}: listed ${resource.plural} that never existed`,
    );
    const warning = changing.stderr.split("\n").find((l) => l.startsWith("warning:")) ?? "";
    assert.match(warning, /changed during the listing/, `no drift warning: ${changing.stderr}`);
    const summary = changing.stderr.split("\n").find((l) => / in [\d,]+ pages?, /.test(l)) ?? "";
    assert.notEqual(summary, "", `no summary: ${changing.stderr}`);

    // Stable data now: the listing must be exact.
    editing = false;
    const stored = await Effect.runPromise(readWorkspace(server.handler.listings, WORKSPACE));
    const final = (stored as Record<string, ReadonlyArray<Row>> | undefined)?.[resource.name];
    assert.ok(final !== undefined);
    assert.equal(final.length, initial.length + plan.added - plan.removed);
    const rerun = await runCliProcess(args(`${dir}/stable.ndjson`), env);
    assert.equal(rerun.code, 0, `${label}: the re-run failed: ${rerun.stderr}`);
    const stable = await Deno.readTextFile(`${dir}/stable.ndjson`);
    const exact = (await sha256(stable)) === (await sha256(ndjsonOfRows(resource, final)));
    assert.ok(exact, `${label}: the re-run on stable data is not exactly the stored data`);
    assert.doesNotMatch(rerun.stderr, /warning/, `the stable re-run warned: ${rerun.stderr}`);
    const listed = new Set(keys);
    return {
      resource: resource.cliName,
      args: spaces,
      initial: initial.length,
      final: final.length,
      rows: keys.length,
      exitCode: changing.code,
      warning,
      summary,
      missed: final.filter((row) => !listed.has(row[resource.key] as number)).length,
      rerun: { exitCode: rerun.code, rows: keysOfNdjson(resource, stable).length, exact },
    };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
};

/** The drift run of every resource of {@link DRIFT_RESOURCES}. */
export const runDrift = async (plan: DriftPlan): Promise<DriftResult> => {
  const runs: Array<DriftRun> = [];
  for (const resource of DRIFT_RESOURCES) runs.push(await driftListing(plan, resource));
  return { runs };
};
