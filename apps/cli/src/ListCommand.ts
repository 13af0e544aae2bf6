/**
 * `mode-discovery <resource> list`: every item of a resource of a workspace
 * (collections, reports, queries, charts, report stats, members), streamed
 * to stdout or to a file as table, JSON, NDJSON or CSV.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Stream from "effect/Stream";
import { type AnyResource, type Collection, collections } from "@mode-discovery/core/Resources";
import type { ListSummary } from "@mode-discovery/core/DiscoveryClient";
import { DEFAULT_PER_PAGE } from "@mode-discovery/core/Pagination";
import * as AtomicFile from "./AtomicFile.ts";
import { type CliIO, type Text, writeStdout } from "./CliIO.ts";
import { colorAllowed } from "./Diagnostics.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { ListFlags, SharedFlags } from "./Flags.ts";
import { defaultFormat } from "./OutputFormat.ts";
import { makeRowWriter } from "./RowWriter.ts";
import type { Row } from "./RowWriter.ts";
import { checkIncludeSpaces, checkPageFlag, resolveBaseUrl, resolveWorkspace } from "./Settings.ts";
import { driftWarning, summaryLine } from "./Summary.ts";
import { makeClient } from "./_client.ts";
import { loadRedactedCredentials, withDiagnostics } from "./_command.ts";

/**
 * The page size for `--limit N` without `--per-page`: N when it is under a
 * default page and every row read is kept (no `--type`), so that a few rows
 * cost a request of a few rows; otherwise the client's default.
 */
const pageForLimit = (flags: ListFlags): number | undefined => {
  if (Option.isNone(flags.limit) || (flags.type !== undefined && Option.isSome(flags.type))) {
    return undefined;
  }
  return flags.limit.value < DEFAULT_PER_PAGE ? flags.limit.value : undefined;
};

/**
 * Runs `<resource> list` with parsed flags: `listItems(reports)` is
 * `reports list`.
 *
 * **Details**
 *
 * Rows are formatted and written one page at a time as pages arrive, so
 * output starts with the first page and memory stays flat. `--include-spaces
 * all` lists items in members' personal collections too (reports, queries,
 * charts, report stats; a usage error elsewhere); `--type` (collections)
 * keeps collections whose `space_type` matches; `--limit` stops after that
 * many rows (and stops fetching; without `--per-page` or `--type`, a limit
 * under a page is the page size asked for). With `--output FILE` the rows go to a
 * temporary file renamed to `FILE` only when the whole listing succeeded.
 * Progress (stderr terminal only), the summary and a drift warning go to
 * stderr.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { reports } from "@mode-discovery/core";
 * import { CliIO, listItems } from "@mode-discovery/cli";
 * const program = listItems(reports)(
 *   { workspace: Option.some("demo"), perPage: Option.none(), concurrency: Option.none(),
 *     limit: Option.some(10), includeSpaces: Option.none(), format: Option.some("csv"),
 *     output: Option.none() },
 *   { baseUrl: Option.some("http://127.0.0.1:8787"), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * ).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export const listItems = (resource: AnyResource) =>
(
  flags: ListFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.gen(function* () {
      const baseUrl = yield* resolveBaseUrl(shared.baseUrl, io.env, (m) => diagnostics.warn(m));
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      const perPage = (yield* checkPageFlag("--per-page", flags.perPage)) ??
        pageForLimit(flags);
      const includeSpaces = yield* checkIncludeSpaces(flags.includeSpaces, resource);
      const { credentials, source } = yield* loadRedactedCredentials(shared, io, diagnostics);
      const output = Option.getOrUndefined(flags.output);
      const format = Option.getOrElse(
        flags.format,
        () => defaultFormat({ stdoutIsTerminal: io.stdout.isTerminal, output }),
      );
      diagnostics.verbose(
        `base URL ${baseUrl}; workspace ${workspace}; ${resource.plural}${
          includeSpaces === undefined ? "" : " (include_spaces=all)"
        }; credentials from ${source}; format ${format}` +
          (output === undefined ? "" : `; output ${output}`),
      );
      const writer = makeRowWriter(format, {
        width: output === undefined ? io.columns() : undefined,
        color: output === undefined && colorAllowed(io.stdout.isTerminal, io.env),
      }, resource);
      const client = yield* makeClient({
        baseUrl,
        credentials,
        maxRetries: Option.getOrUndefined(shared.maxRetries),
        diagnostics,
      });

      let summary: ListSummary | undefined;
      let stream = client.list(resource, {
        workspace,
        perPage,
        includeSpaces,
        concurrency: Option.getOrUndefined(flags.concurrency),
        onProgress: (progress) => diagnostics.progress(progress),
        onSummary: (s) => {
          summary = s;
        },
      }) as Stream.Stream<Row, unknown>;
      if (flags.type !== undefined && Option.isSome(flags.type)) {
        const type = flags.type.value;
        stream = Stream.filter(stream, (c) => (c as Collection).space_type === type);
      }
      if (Option.isSome(flags.limit)) stream = Stream.take(stream, flags.limit.value);

      diagnostics.startProgress(workspace, resource.plural);
      const toStdout = output === undefined;
      let rows = 0;
      yield* Effect.scoped(Effect.gen(function* () {
        const file = toStdout ? undefined : yield* AtomicFile.open(output);
        const write = (text: Text) => {
          if (file !== undefined) return file.write(text);
          if (io.stdout.isTerminal) diagnostics.clearProgress();
          return writeStdout(text);
        };
        yield* write(writer.start());
        yield* Stream.runForEachArray(stream, (batch) => {
          rows += batch.length;
          return write((emit) => writer.rows(batch, emit));
        });
        yield* write(writer.end());
        if (file !== undefined) yield* file.commit;
      }));
      diagnostics.clearProgress();
      if (summary !== undefined) {
        diagnostics.info(summaryLine(summary, { rows, output }, resource));
        const drift = driftWarning(summary, resource);
        if (drift !== undefined) diagnostics.warn(drift);
      }
    }).pipe(
      Effect.onExit(() => Effect.sync(() => diagnostics.clearProgress())),
      withFailureContext(() => ({ redactor: diagnostics.currentRedactor })),
    ));

/**
 * Runs `collections list` with parsed flags: {@link listItems} of
 * collections.
 */
export const listCollections: (
  flags: ListFlags,
  shared: SharedFlags,
) => Effect.Effect<void, CommandFailed, CliIO> = listItems(collections);
