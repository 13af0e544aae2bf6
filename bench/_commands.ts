/**
 * The command lines of the measured programs, built once for every
 * benchmark: the raw loop (bench/baseline_list.ts), our client
 * (bench/our_list.ts), the CLI (`deno run -A apps/cli/main.ts`, Deno's
 * default flags), and the Node drivers, each against one server.
 *
 * @internal
 * @module
 */
import type { AnyResource } from "@mode-discovery/core/Resources";
import type { Context } from "./_context.ts";
import { credsEnv, type Server } from "./_servers.ts";

/** How a listing is asked for: which resource, how many pages in flight, `include_spaces=all`. */
export interface ListingSpec {
  readonly resource: AnyResource;
  readonly concurrency: number;
  readonly includeAll?: boolean | undefined;
}

/** The CLI as the issue measures it: plain `deno run -A apps/cli/main.ts`. */
export const CLI: ReadonlyArray<string> = ["deno", "run", "-A", "apps/cli/main.ts"];

const target = (server: Server) => [
  "--base-url",
  server.origin,
  "--workspace",
  server.workspace,
  "--per-page",
  "1000",
];

/** The raw loop's flags: where, how many in flight, which resource. */
const rawFlags = (server: Server, s: ListingSpec): Array<string> => [
  ...target(server),
  "--concurrency",
  String(s.concurrency),
  "--segment",
  s.resource.segment,
  "--key",
  s.resource.key,
];

/**
 * The raw fetch + JSON.parse loop; `ndjson`: each item also written to
 * stdout, a page's lines joined into one string (`true`) or encoded into
 * one reused buffer (`"reuse-buffer"`).
 */
export const rawList = (
  server: Server,
  s: ListingSpec,
  ndjson: boolean | "reuse-buffer" = false,
): Array<string> => [
  "deno",
  "run",
  "-A",
  "bench/baseline_list.ts",
  ...rawFlags(server, s),
  ...(s.includeAll === true ? ["--include-spaces", "all"] : []),
  ...(ndjson === false ? [] : ["--ndjson"]),
  ...(ndjson === "reuse-buffer" ? ["--reuse-buffer"] : []),
];

/** The raw loop from effect's HttpClient and Stream, with nothing of ours (bench/effect_floor_list.ts). */
export const floorList = (
  server: Server,
  s: ListingSpec,
  pieces: "http-client" | "fetch" | "fetch-stream" = "http-client",
): Array<string> => [
  "deno",
  "run",
  "-A",
  "bench/effect_floor_list.ts",
  ...rawFlags(server, s),
  ...(s.includeAll === true ? ["--include-spaces", "all"] : []),
  ...(pieces === "http-client" ? [] : ["--pieces", pieces]),
];

/**
 * Our client (DiscoveryClient) listing with full decoding: with its own
 * fetch transport, or through effect's `HttpClient` (`FetchHttpClient.layer`).
 */
export const ourList = (
  server: Server,
  s: ListingSpec,
  transport: "fetch" | "http-client" = "fetch",
): Array<string> => [
  "deno",
  "run",
  "-A",
  "bench/our_list.ts",
  ...target(server),
  "--concurrency",
  String(s.concurrency),
  "--resource",
  s.resource.name,
  ...(s.includeAll === true ? ["--include-spaces", "all"] : []),
  ...(transport === "http-client" ? ["--http-client"] : []),
];

/** The minimal effect/cli program running the raw loop to NDJSON (bench/cli_floor.ts). */
export const cliFloorList = (server: Server, s: ListingSpec): Array<string> => [
  "deno",
  "run",
  "-A",
  "bench/cli_floor.ts",
  "list",
  ...rawFlags(server, s),
];

/** `mode-discovery <resource> list` to NDJSON on stdout, quiet. */
export const cliList = (server: Server, s: ListingSpec): Array<string> => [
  ...CLI,
  s.resource.cliName,
  "list",
  "--workspace",
  server.workspace,
  "--per-page",
  "1000",
  "--concurrency",
  String(s.concurrency),
  ...(s.includeAll === true ? ["--include-spaces", "all"] : []),
  "--format",
  "ndjson",
  "--quiet",
];

/** A Node driver (bench/node/*.mjs) listing collections. */
export const nodeList = (
  server: Server,
  script: string,
  concurrency: number,
  extra: ReadonlyArray<string> = [],
): Array<string> => [
  "node",
  script,
  ...extra,
  ...target(server),
  "--concurrency",
  String(concurrency),
];

/** The credentials of the run, for the drivers. */
export const driverEnv = (ctx: Context): Record<string, string> => credsEnv(ctx.creds);

/** The credentials and base URL of `server`, for the CLI. */
export const cliEnv = (ctx: Context, server: Server): Record<string, string> => ({
  MODE_BASE_URL: server.origin,
  ...credsEnv(ctx.creds),
});

/** Why the CLI cannot be run, if it cannot. */
export const cliMissing = async (root: string): Promise<string | undefined> => {
  try {
    await Deno.stat(`${root}/apps/cli/main.ts`);
    return undefined;
  } catch {
    return "apps/cli/main.ts does not exist";
  }
};

/** The report's line saying how a server was started. */
export const shownServer = (server: Server): string => `# server: ${server.command}`;
