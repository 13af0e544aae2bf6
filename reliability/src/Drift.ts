/**
 * Data changing under the walk: while the CLI lists a workspace, the
 * server's test hook (`onResponse`) adds collections in front of the pages
 * already read and removes some after a later page. The listing must end,
 * list no collection twice and none that never existed, and warn that the
 * workspace changed; a second listing of the now stable data must be exact.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import { type Collection, SignatureCredentials, spaceUrl } from "@mode-discovery/core";
import {
  addItems,
  type ListingStoreService,
  readWorkspace,
  removeItems,
  type RequestEvent,
  seedCollections,
} from "@mode-discovery/server";
import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
import { ndjsonOf, sha256 } from "./_expected.ts";
import { runCliProcess } from "./Processes.ts";

/** The signature token of the drift workspace. */
export const DRIFT_CREDENTIALS = {
  token: "drift-token-8c0d",
  accessKey: "drift-key-52ab",
  accessSecret: "drift-secret-e91f",
} as const;

const WORKSPACE = "drift";

/** Sizes of a drift run. */
export interface DriftPlan {
  readonly collections: number;
  readonly perPage: number;
  readonly concurrency: number;
  /** Collections added (with ids below every other) once `addAfterPage` is answered. */
  readonly added: number;
  readonly addAfterPage: number;
  /** Collections removed (the first ones, already read) once `removeAfterPage` is answered. */
  readonly removed: number;
  readonly removeAfterPage: number;
}

/** What a drift run found. */
export interface DriftResult {
  readonly initial: number;
  readonly final: number;
  /** Rows the changing listing wrote, and how it ended. */
  readonly rows: number;
  readonly exitCode: number;
  readonly warning: string;
  readonly summary: string;
  /** Collections of the final data the changing listing missed (moved while it read). */
  readonly missed: number;
  /** The re-run on stable data. */
  readonly rerun: { readonly exitCode: number; readonly rows: number; readonly exact: boolean };
}

/**
 * `count` new collections with the smallest ids the workspace does not use
 * (below the seed's first id, 170, then in the gaps between its ids), so
 * they land in front of the pages already read.
 */
const newcomers = (count: number, taken: ReadonlySet<number>): Array<Collection> => {
  const out: Array<Collection> = [];
  for (let id = 1; out.length < count; id++) {
    if (taken.has(id)) continue;
    const token = `added${String(id).padStart(7, "0")}`;
    out.push({
      id,
      token,
      name: `Added during the walk ${out.length + 1}`,
      description: null,
      space_type: "custom",
      space_url: spaceUrl(WORKSPACE, token),
    });
  }
  return out;
};

const env = (url: string) => ({
  MODE_BASE_URL: url,
  MODE_TOKEN: DRIFT_CREDENTIALS.token,
  MODE_ACCESS_KEY: DRIFT_CREDENTIALS.accessKey,
  MODE_ACCESS_SECRET: DRIFT_CREDENTIALS.accessSecret,
});

const idsOfLines = (text: string): Array<number> =>
  text.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as Collection).id);

/** The drift run: a listing while the data changes, then one on stable data. */
export const runDrift = async (plan: DriftPlan): Promise<DriftResult> => {
  const initial = seedCollections(WORKSPACE, plan.collections);
  const added = newcomers(plan.added, new Set(initial.map((c) => c.id)));
  const removedIds = initial.slice(0, plan.removed).map((c) => c.id);
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
      await once("add", () => addItems(store, WORKSPACE, "collections", added));
    }
    if (event.page === plan.removeAfterPage) {
      await once("remove", () => removeItems(store, WORKSPACE, "collections", removedIds));
    }
  };
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [{ workspace: WORKSPACE, count: plan.collections }],
      devCredentials: SignatureCredentials.fromStrings(DRIFT_CREDENTIALS),
    }),
    log: () => {},
    onResponse,
  });
  target.store = server.handler.listings;
  const dir = await Deno.makeTempDir({ prefix: "reliability-drift-" });
  try {
    const args = (output: string) => [
      "collections",
      "list",
      "--workspace",
      WORKSPACE,
      "--per-page",
      String(plan.perPage),
      "--concurrency",
      String(plan.concurrency),
      "--output",
      output,
    ];
    const changing = await runCliProcess(args(`${dir}/changing.ndjson`), env(server.url));
    assert.equal(changing.code, 0, `the listing under change failed: ${changing.stderr}`);
    assert.deepEqual([...done].sort(), ["add", "remove"], "both edits happened during the walk");
    const text = await Deno.readTextFile(`${dir}/changing.ndjson`);
    const ids = idsOfLines(text);
    assert.equal(new Set(ids).size, ids.length, "a collection was listed twice");
    const known = new Set([...initial, ...added].map((c) => c.id));
    assert.deepEqual(
      ids.filter((id) => !known.has(id)),
      [],
      "listed collections that never existed",
    );
    const warning = changing.stderr.split("\n").find((l) => l.startsWith("warning:")) ?? "";
    assert.match(warning, /changed during the listing/, `no drift warning: ${changing.stderr}`);
    const summary = changing.stderr.split("\n").find((l) => /collections? in /.test(l)) ?? "";
    assert.notEqual(summary, "", `no summary: ${changing.stderr}`);

    // Stable data now: the listing must be exact.
    editing = false;
    const final = (await Effect.runPromise(readWorkspace(server.handler.listings, WORKSPACE)))
      ?.collections;
    assert.ok(final !== undefined);
    assert.equal(final.length, plan.collections + plan.added - plan.removed);
    const rerun = await runCliProcess(args(`${dir}/stable.ndjson`), env(server.url));
    assert.equal(rerun.code, 0, `the re-run failed: ${rerun.stderr}`);
    const stable = await Deno.readTextFile(`${dir}/stable.ndjson`);
    const exact = (await sha256(stable)) === (await sha256(ndjsonOf(final)));
    assert.ok(exact, "the re-run on stable data is not exactly the stored data");
    assert.doesNotMatch(rerun.stderr, /warning/, `the stable re-run warned: ${rerun.stderr}`);
    const listed = new Set(ids);
    return {
      initial: plan.collections,
      final: final.length,
      rows: ids.length,
      exitCode: changing.code,
      warning,
      summary,
      missed: final.filter((c) => !listed.has(c.id)).length,
      rerun: { exitCode: rerun.code, rows: idsOfLines(stable).length, exact },
    };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
};
