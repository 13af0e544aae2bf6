/**
 * `mode-discovery collections page`: one page exactly as the API describes
 * it (pagination, collections, links), as JSON, for debugging.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import { CollectionsPage } from "@mode-discovery/core";
import { type CliIO, writeStdout } from "./CliIO.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { PageFlags, SharedFlags } from "./Flags.ts";
import { checkPageFlag, resolveBaseUrl, resolveWorkspace } from "./Settings.ts";
import { makeClient } from "./_client.ts";
import { loadRedactedCredentials, withDiagnostics } from "./_command.ts";

const encodePage = Schema.encodeSync(CollectionsPage);

/**
 * Runs `collections page` with parsed flags: fetches page `--page` (default
 * 1) at `--per-page` (default 1000) and prints it as indented JSON.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { CliIO, showPage } from "@mode-discovery/cli";
 * const program = showPage(
 *   { workspace: Option.some("demo"), page: Option.some(2), perPage: Option.some(100) },
 *   { baseUrl: Option.none(), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * ).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export const showPage = (
  flags: PageFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.gen(function* () {
      const baseUrl = yield* resolveBaseUrl(shared.baseUrl, io.env, (m) => diagnostics.warn(m));
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      const perPage = yield* checkPageFlag("--per-page", flags.perPage);
      const pageNumber = yield* checkPageFlag("--page", flags.page);
      const { credentials, source } = yield* loadRedactedCredentials(shared, io, diagnostics);
      diagnostics.verbose(
        `base URL ${baseUrl}; workspace ${workspace}; credentials from ${source}`,
      );
      const client = yield* makeClient({
        baseUrl,
        credentials,
        maxRetries: Option.getOrUndefined(shared.maxRetries),
        diagnostics,
      });
      const page = yield* client.collections.page({
        workspace,
        page: pageNumber,
        perPage,
      });
      yield* writeStdout(`${JSON.stringify(encodePage(page), null, 2)}\n`);
    }).pipe(withFailureContext(() => ({ redactor: diagnostics.currentRedactor }))));
