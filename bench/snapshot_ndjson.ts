/**
 * The NDJSON form of a snapshot, for the snapshot benchmark (issue 15): core's
 * `snapshot` over `DiscoveryClient`, exactly as `mode-discovery snapshot`
 * runs it, with a sink that writes one NDJSON file per resource instead of
 * the CLI's SQLite file.
 *
 * Usage:
 *
 * ```sh
 * MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s \
 *   deno run -A bench/snapshot_ndjson.ts \
 *   --base-url http://127.0.0.1:8787 --workspace acme --concurrency 4 --output-dir DIR
 * ```
 *
 * Writes `DIR/<segment>.ndjson` (`spaces.ndjson`, `report_stats.ndjson`, ...),
 * one decoded item per line. The last line on stderr is
 * `{"count":N,"ms":T,"rows":{...},"pages":P}`: N rows in all, T the
 * snapshot's own elapsed time (core's summary: from its start to the last
 * resource complete, the span the CLI records in its `snapshot` table),
 * the rows per resource and the pages read.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { SignatureCredentials } from "@mode-discovery/core/Credentials";
import { DiscoveryClient } from "@mode-discovery/core/DiscoveryClient";
import { snapshot, type SnapshotSink } from "@mode-discovery/core/Snapshot";

const flag = (name: string, fallback: string): string => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
};

const dir = flag("output-dir", ".");
const encoder = new TextEncoder();
const files = new Map<string, Deno.FsFile>();

const writeAll = async (file: Deno.FsFile, bytes: Uint8Array) => {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
};

/** One NDJSON file per resource, opened when the snapshot begins and closed at its end. */
const sink: SnapshotSink = {
  begin: ({ resources }) =>
    Effect.promise(async () => {
      for (const r of resources) {
        files.set(
          r.segment,
          await Deno.open(`${dir}/${r.segment}.ndjson`, {
            write: true,
            create: true,
            truncate: true,
          }),
        );
      }
    }),
  rows: (resource, batch) =>
    Effect.promise(() => {
      let lines = "";
      for (const row of batch) lines += JSON.stringify(row) + "\n";
      return writeAll(files.get(resource.segment)!, encoder.encode(lines));
    }),
  end: () =>
    Effect.sync(() => {
      for (const file of files.values()) file.close();
    }),
};

const credentials = SignatureCredentials.fromStrings({
  token: Deno.env.get("MODE_TOKEN") ?? "",
  accessKey: Deno.env.get("MODE_ACCESS_KEY") ?? "",
  accessSecret: Deno.env.get("MODE_ACCESS_SECRET") ?? "",
});

const program = Effect.gen(function* () {
  const client = yield* DiscoveryClient.make({ baseUrl: flag("base-url", ""), credentials });
  const summary = yield* snapshot(client, sink, {
    workspace: flag("workspace", "acme"),
    concurrency: Number(flag("concurrency", "4")),
    perPage: Number(flag("per-page", "1000")),
  });
  const rows = Object.fromEntries(
    summary.resources.map((r) => [r.resource, r.rows]),
  );
  return {
    count: summary.resources.reduce((n, r) => n + r.rows, 0),
    ms: summary.elapsedMs,
    rows,
    pages: summary.resources.reduce((n, r) => n + r.pagesFetched, 0),
  };
});

console.error(JSON.stringify(await Effect.runPromise(program)));
