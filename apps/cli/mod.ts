/**
 * @mode-discovery/cli: the `mode-discovery` command. The command tree
 * (`command`, `runCli`), its output formats as streaming writers (table,
 * JSON, NDJSON, RFC 4180 CSV), all-or-nothing output files, progress and
 * summary lines, the exit codes, and the demo.
 *
 * Run it with `deno task cli <args>` or install it with
 * `deno install -g -A -n mode-discovery apps/cli/main.ts`.
 *
 * @example
 * ```ts
 * import { runCli } from "@mode-discovery/cli";
 * const code = await runCli(["collections", "list", "--workspace", "acme", "--format", "csv"]);
 * ```
 *
 * @module
 */
export * from "./src/Cli.ts";
export * from "./src/CliFailure.ts";
export * from "./src/CliIO.ts";
export * from "./src/CredentialsSource.ts";
export * from "./src/Demo.ts";
export * from "./src/Diagnostics.ts";
export * from "./src/Environment.ts";
export * from "./src/ErrorReport.ts";
export * from "./src/ExitCode.ts";
export * from "./src/Flags.ts";
export * from "./src/ImportCommand.ts";
export * from "./src/ListCommand.ts";
export * from "./src/MirrorCommand.ts";
export * from "./src/OutputFormat.ts";
export * from "./src/PageCommand.ts";
export * from "./src/Progress.ts";
export * from "./src/Redactor.ts";
export * from "./src/RowWriter.ts";
export * from "./src/ServeCommand.ts";
export * from "./src/Settings.ts";
export * from "./src/StopSignal.ts";
export * from "./src/Summary.ts";
export * from "./src/TokensCommand.ts";
export * as AtomicFile from "./src/AtomicFile.ts";
export * as Csv from "./src/Csv.ts";
export * as DenoCliServices from "./src/DenoCliServices.ts";
export * as Json from "./src/Json.ts";
export * as Ndjson from "./src/Ndjson.ts";
export * as Table from "./src/Table.ts";
