/**
 * `mode-discovery <resource> page`: one page exactly as the API describes it
 * (pagination, the items, links), as JSON, for debugging.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import { type AnyResource, collections } from "@mode-discovery/core/Resources";
import { type CliIO, writeStdout } from "./CliIO.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { PageFlags, SharedFlags } from "./Flags.ts";
import { checkIncludeSpaces, checkPageFlag, resolveBaseUrl, resolveWorkspace } from "./Settings.ts";
import { makeClient } from "./_client.ts";
import { loadRedactedCredentials, withDiagnostics } from "./_command.ts";

/**
 * Runs `<resource> page` with parsed flags: fetches page `--page` (default
 * 1) at `--per-page` (default 1000), with `--include-spaces all` where the
 * resource takes it, and prints it as indented JSON (every field of every
 * item, under the resource's array key).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { queries } from "@mode-discovery/core";
 * import { CliIO, showItemsPage } from "@mode-discovery/cli";
 * const program = showItemsPage(queries)(
 *   { workspace: Option.some("demo"), page: Option.some(2), perPage: Option.some(100),
 *     includeSpaces: Option.none() },
 *   { baseUrl: Option.none(), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * ).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export const showItemsPage = (resource: AnyResource) =>
(
  flags: PageFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.gen(function* () {
      const baseUrl = yield* resolveBaseUrl(shared.baseUrl, io.env, (m) => diagnostics.warn(m));
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      const perPage = yield* checkPageFlag("--per-page", flags.perPage);
      const pageNumber = yield* checkPageFlag("--page", flags.page);
      const includeSpaces = yield* checkIncludeSpaces(flags.includeSpaces, resource);
      const { credentials, source } = yield* loadRedactedCredentials(shared, io, diagnostics);
      diagnostics.verbose(
        `base URL ${baseUrl}; workspace ${workspace}; ${resource.plural}; credentials from ${source}`,
      );
      const client = yield* makeClient({
        baseUrl,
        credentials,
        maxRetries: Option.getOrUndefined(shared.maxRetries),
        diagnostics,
      });
      const page = yield* client.page(resource, {
        workspace,
        page: pageNumber,
        perPage,
        includeSpaces,
      });
      const encoded = Schema.encodeUnknownSync(resource.page)(page);
      yield* writeStdout(`${JSON.stringify(encoded, null, 2)}\n`);
    }).pipe(withFailureContext(() => ({ redactor: diagnostics.currentRedactor }))));

/** Runs `collections page` with parsed flags: {@link showItemsPage} of collections. */
export const showPage: (
  flags: PageFlags,
  shared: SharedFlags,
) => Effect.Effect<void, CommandFailed, CliIO> = showItemsPage(collections);
