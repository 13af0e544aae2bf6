/**
 * Our client (Deno) for the listing benchmarks: `DiscoveryClient.make` with
 * its own fetch transport (no `HttpClient` in context, as the CLI and the
 * npm package run it), `client.list(resource, ...)` with full Schema
 * decoding of every page, consumed a batch at a time as the CLI does.
 *
 * Usage:
 *
 * ```sh
 * MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s \
 *   deno run -A bench/our_list.ts \
 *   --base-url http://127.0.0.1:8787 --workspace bench --per-page 1000 --concurrency 4 \
 *   [--resource queries] [--include-spaces all] [--http-client]
 * ```
 *
 * `--http-client` gives the client effect's `HttpClient` (`FetchHttpClient.layer`)
 * to send through, instead of its own fetch transport.
 *
 * `--resource` takes any resource by name, CLI name or path segment
 * (default `collections`). Every item is touched (count and sum of the
 * resource's key). The last line on stderr is `{"count":N,"checksum":S,"ms":T}`,
 * T being the listing time measured inside the process (start-up and module
 * loading excluded), as in bench/baseline_list.ts.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import { SignatureCredentials } from "@mode-discovery/core/Credentials";
import { DiscoveryClient } from "@mode-discovery/core/DiscoveryClient";
import { findResource } from "@mode-discovery/core/Resources";

const flag = (name: string, fallback: string): string => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
};

const resource = findResource(flag("resource", "collections"));
if (resource === undefined) {
  console.error(`our_list: unknown --resource ${JSON.stringify(flag("resource", ""))}`);
  Deno.exit(2);
}
const key = resource.key;

const credentials = SignatureCredentials.fromStrings({
  token: Deno.env.get("MODE_TOKEN") ?? "",
  accessKey: Deno.env.get("MODE_ACCESS_KEY") ?? "",
  accessSecret: Deno.env.get("MODE_ACCESS_SECRET") ?? "",
});

const program = Effect.gen(function* () {
  const client = yield* DiscoveryClient.make({ baseUrl: flag("base-url", ""), credentials });
  let count = 0;
  let checksum = 0;
  const started = performance.now();
  yield* Stream.runForEachArray(
    client.list(resource, {
      workspace: flag("workspace", "bench"),
      perPage: Number(flag("per-page", "1000")),
      concurrency: Number(flag("concurrency", "4")),
      ...(flag("include-spaces", "") === "all" ? { includeSpaces: "all" as const } : {}),
    }),
    (batch) =>
      Effect.sync(() => {
        for (const item of batch as ReadonlyArray<Record<string, unknown>>) {
          count++;
          checksum += item[key] as number;
        }
      }),
  );
  return { count, checksum, ms: performance.now() - started };
}).pipe((effect) =>
  Deno.args.includes("--http-client") ? Effect.provide(effect, FetchHttpClient.layer) : effect
);

console.error(JSON.stringify(await Effect.runPromise(program)));
