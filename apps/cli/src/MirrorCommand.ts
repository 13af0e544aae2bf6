/**
 * `mode-discovery mirror --from URL --workspace W`: lists every resource
 * of a workspace of the API at URL (Mode itself, or another server) and
 * stores them in the KV file of `MODE_KV_PATH`, replacing the previous
 * copy in one atomic swap.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { type AnyResource, resources } from "@mode-discovery/core/Resources";
import { mirrorUrlProblem, mirrorWorkspace } from "@mode-discovery/server";
import { UsageError } from "./CliFailure.ts";
import type { CliIO } from "./CliIO.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { MirrorFlags, SharedFlags } from "./Flags.ts";
import { checkPageFlag, resolveWorkspace } from "./Settings.ts";
import { driftWarning, summaryLine } from "./Summary.ts";
import { makeClient } from "./_client.ts";
import { openKvTarget, storeFailure } from "./_kvTarget.ts";
import { loadRedactedCredentials, withDiagnostics } from "./_command.ts";

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Checks `--from`: an http(s) base URL without user info, query or fragment; no trailing `/`. */
export const resolveMirrorFrom = (
  from: string,
  warn: (message: string) => void = () => {},
): Effect.Effect<string, UsageError> => {
  const text = from.trim();
  const problem = mirrorUrlProblem(text);
  if (problem !== undefined) {
    return Effect.fail(
      new UsageError({
        message: `--from ${JSON.stringify(text.slice(0, 200))}: ${problem}. ` +
          "Give the base URL of the API to copy from, such as https://app.mode.com.",
      }),
    );
  }
  const url = new URL(text);
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    warn(
      `--from uses plain http to ${url.host}: credentials travel unencrypted. ` +
        "Use https unless this is a trusted network.",
    );
  }
  return Effect.succeed(url.href.replace(/\/+$/, ""));
};

/**
 * Runs `mirror` with parsed flags.
 *
 * **Details**
 *
 * The upstream signature token comes from `--credentials-file` or
 * `MODE_TOKEN`, `MODE_ACCESS_KEY`, `MODE_ACCESS_SECRET`, as for `collections
 * list`. Every resource is listed (with `include_spaces=all` where it
 * takes it), one after the other. The target is the KV file of
 * `MODE_KV_PATH` (required), the one `serve` reads; a running server sees
 * the new copy within a second. Nothing is written unless every listing
 * succeeded, and the swap is atomic: readers see the old copy or the new
 * one. A summary line per resource goes to stderr, then where the copy was
 * stored (with a warning when the workspace changed during a listing).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { CliIO, mirrorCommand } from "@mode-discovery/cli";
 * const program = mirrorCommand(
 *   { from: "https://app.mode.com", workspace: Option.some("acme"), perPage: Option.none(), concurrency: Option.none() },
 *   { baseUrl: Option.none(), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * ).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export const mirrorCommand = (
  flags: MirrorFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.scoped(Effect.gen(function* () {
      if (Option.isSome(shared.baseUrl)) {
        return yield* new UsageError({
          message: "mirror reads from --from URL; --base-url is not used by mirror: drop it.",
        });
      }
      const from = yield* resolveMirrorFrom(flags.from, (m) => diagnostics.warn(m));
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      const perPage = yield* checkPageFlag("--per-page", flags.perPage);
      const { credentials, source } = yield* loadRedactedCredentials(shared, io, diagnostics);
      const target = yield* openKvTarget("mirror", io.env);
      const before = yield* target.store.workspace(workspace).pipe(
        Effect.mapError(storeFailure(target.path)),
      );
      diagnostics.verbose(
        `from ${from}; workspace ${workspace}; credentials from ${source}; into MODE_KV_PATH=${target.path}`,
      );
      const client = yield* makeClient({
        baseUrl: from,
        credentials,
        maxRetries: Option.getOrUndefined(shared.maxRetries),
        diagnostics,
      });
      let shown: AnyResource | undefined;
      const result = yield* mirrorWorkspace({
        client,
        store: target.store,
        workspace,
        source: `mirror:${from}`,
        perPage,
        concurrency: Option.getOrUndefined(flags.concurrency),
        onProgress: (progress, resource) => {
          if (shown !== resource) diagnostics.startProgress(workspace, resource.plural);
          shown = resource;
          diagnostics.progress(progress);
        },
      }).pipe(
        Effect.mapError((error) =>
          error._tag === "StoreError" ? storeFailure(target.path)(error) : error
        ),
      );
      diagnostics.clearProgress();
      const replaced = before === undefined
        ? "a new workspace"
        : `replacing the copy from ${before.source}`;
      for (const resource of resources) {
        const summary = result.summaries[resource.name];
        if (summary === undefined) continue;
        diagnostics.info(
          summaryLine(summary, { rows: result.info.counts[resource.name] }, resource),
        );
        const drift = driftWarning(summary, resource);
        if (drift !== undefined) diagnostics.warn(drift);
      }
      diagnostics.info(`Stored as ${workspace} in ${target.path} (${replaced}).`);
    })).pipe(
      Effect.onExit(() => Effect.sync(() => diagnostics.clearProgress())),
      withFailureContext(() => ({ redactor: diagnostics.currentRedactor })),
    ));
