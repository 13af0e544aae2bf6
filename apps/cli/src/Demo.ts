/**
 * `deno task demo`: the whole project working with no account. Starts the
 * edge server in-process on an in-memory KV seeded with the documented
 * example (workspace `demo`: 4,146 collections and the reports, queries,
 * charts, report stats and members that go with them) and a fresh
 * development signature token, then runs `mode-discovery collections list`
 * against it over real HTTP on loopback (the same parsing, client,
 * formatting and summary code a user's run goes through), counts every other
 * resource, and shows a few queries.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { SignatureCredentials } from "@mode-discovery/core/Credentials";
import { DiscoveryClient } from "@mode-discovery/core/DiscoveryClient";
import { resources } from "@mode-discovery/core/Resources";
import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
import { CliIO, type CliIOShape, textOf, type TextOut } from "./CliIO.ts";
import { CLI_NAME, runCli } from "./Cli.ts";
import { colorAllowed } from "./Diagnostics.ts";
import { ExitCode } from "./ExitCode.ts";
import { formatCount } from "./_text.ts";

/** The documented example: workspace `demo` with 4,146 collections. */
export const DEMO_WORKSPACE = "demo";

/** How many collections the demo workspace holds. */
export const DEMO_COUNT = 4146;

/** Table rows the demo shows before summing up the rest. */
export const DEMO_ROWS_SHOWN = 10;

/** Rows of queries the demo shows after the counts. */
export const DEMO_QUERIES_SHOWN = 5;

/**
 * A stdout that passes the first `lines` lines through to `target` and
 * counts the rest without keeping them.
 *
 * @example
 * ```ts
 * import { CliIO, headOut } from "@mode-discovery/cli";
 * const head = headOut(CliIO.deno().stdout, 3);
 * await head.out.write("a\nb\nc\nd\ne\n");
 * head.hiddenLines(); // => 2
 * ```
 */
export const headOut = (
  target: TextOut,
  lines: number,
): { readonly out: TextOut; readonly hiddenLines: () => number } => {
  let shown = 0;
  let hidden = 0;
  let partial = "";
  const take = (text: string): string => {
    let out = "";
    const parts = (partial + text).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      if (shown < lines) {
        out += `${line}\n`;
        shown++;
      } else hidden++;
    }
    return out;
  };
  return {
    out: {
      isTerminal: target.isTerminal,
      write: (text) => {
        const out = take(textOf(text));
        return out === "" ? Promise.resolve() : target.write(out);
      },
      writeSync: (text) => {
        const out = take(text);
        if (out !== "") target.writeSync(out);
      },
    },
    hiddenLines: () => hidden + (partial === "" ? 0 : 1),
  };
};

const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

/**
 * Runs the demo and resolves with the exit code of the listing (0 on
 * success).
 *
 * **Details**
 *
 * The development token is random for each run and never printed. The
 * listing's table goes to `io.stdout`, cut to the first
 * {@link DEMO_ROWS_SHOWN} rows; its progress (on a terminal) and summary
 * line go to `io.stderr`, exactly as in a normal run.
 *
 * @example
 * ```ts
 * import { runDemo } from "@mode-discovery/cli";
 * Deno.exit(await runDemo());
 * ```
 */
export const runDemo = async (io: CliIOShape = CliIO.deno()): Promise<number> => {
  const credentials = {
    token: `demo-${randomHex(6)}`,
    accessKey: randomHex(12),
    accessSecret: randomHex(24),
  };
  const bold = (
    s: string,
  ) => (colorAllowed(io.stdout.isTerminal, io.env) ? `\x1b[1m${s}\x1b[0m` : s);
  const started = performance.now();
  const server = await startEdgeServer({
    hostname: "127.0.0.1",
    port: 0,
    settings: EdgeSettings.make({
      seed: [{ workspace: DEMO_WORKSPACE, count: DEMO_COUNT }],
      devCredentials: SignatureCredentials.fromStrings(credentials),
    }),
  });
  try {
    const args = [
      "collections",
      "list",
      "--workspace",
      DEMO_WORKSPACE,
      "--base-url",
      server.url,
      "--format",
      "table",
    ];
    await io.stdout.write(
      `${bold(`${CLI_NAME} demo`)}\n` +
        `Started the Discovery API at ${server.url}: an in-memory Deno KV seeded with workspace ` +
        `"${DEMO_WORKSPACE}" (${formatCount(DEMO_COUNT)} collections and their reports, ` +
        `queries, charts, report stats and members) and a development ` +
        `signature token, in ${Math.round(performance.now() - started)} ms.\n\n` +
        `$ MODE_TOKEN=… MODE_ACCESS_KEY=… MODE_ACCESS_SECRET=… ${CLI_NAME} ${args.join(" ")}\n`,
    );
    const head = headOut(io.stdout, DEMO_ROWS_SHOWN + 1);
    const env: Record<string, string> = {
      MODE_TOKEN: credentials.token,
      MODE_ACCESS_KEY: credentials.accessKey,
      MODE_ACCESS_SECRET: credentials.accessSecret,
    };
    const code = await runCli(args, {
      io: {
        ...io,
        stdout: head.out,
        env: (
          name,
        ) => (name in env ? env[name] : name.startsWith("MODE_") ? undefined : io.env(name)),
      },
    });
    if (code !== ExitCode.Ok) return code;
    const hidden = head.hiddenLines();
    if (hidden > 0) await io.stdout.write(`… and ${formatCount(hidden)} more rows.\n`);

    // One request per resource: its total_count, with and without personal collections.
    const client = await Effect.runPromise(
      DiscoveryClient.make({
        baseUrl: server.url,
        credentials: SignatureCredentials.fromStrings(credentials),
      }),
    );
    const total = (name: string, includeSpaces?: "all") =>
      Effect.runPromise(
        Effect.map(
          client.page(name, { workspace: DEMO_WORKSPACE, perPage: 1, includeSpaces }),
          (page) => (page as { pagination: { total_count: number } }).pagination.total_count,
        ),
      );
    const width = Math.max(...resources.map((r) => r.cliName.length));
    const counts: Array<string> = [];
    for (const resource of resources) {
      const shown = await total(resource.name);
      const all = resource.includeSpaces ? await total(resource.name, "all") : shown;
      counts.push(
        `  ${resource.cliName.padEnd(width)}  ${formatCount(shown).padStart(6)}${
          all === shown ? "" : `  (${formatCount(all)} with --include-spaces all)`
        }`,
      );
    }
    await io.stdout.write(
      `\nEvery resource of "${DEMO_WORKSPACE}" (total_count of GET /batch/${DEMO_WORKSPACE}/...):\n${
        counts.join("\n")
      }\n`,
    );
    const queryArgs = [
      "queries",
      "list",
      "--workspace",
      DEMO_WORKSPACE,
      "--base-url",
      server.url,
      "--limit",
      String(DEMO_QUERIES_SHOWN),
      "--format",
      "table",
    ];
    await io.stdout.write(`\n$ ${CLI_NAME} ${queryArgs.join(" ")}\n`);
    const queriesCode = await runCli(queryArgs, {
      io: {
        ...io,
        env: (
          name,
        ) => (name in env ? env[name] : name.startsWith("MODE_") ? undefined : io.env(name)),
      },
    });
    if (queriesCode !== ExitCode.Ok) return queriesCode;
    await io.stdout.write(
      `\nNext: 'MODE_SEED=demo:4146 MODE_DEV_CREDENTIALS=token:key:secret deno task serve' ` +
        `serves this workspace on http://127.0.0.1:8787; beside it, 'MODE_BASE_URL=http://127.0.0.1:8787 ` +
        `MODE_TOKEN=token MODE_ACCESS_KEY=key MODE_ACCESS_SECRET=secret deno task cli snapshot ` +
        `--workspace demo -o demo.sqlite' writes the whole workspace into one SQLite file, and ` +
        `'deno task cli --help' shows every command.\n`,
    );
    return code;
  } finally {
    await server.close();
  }
};
