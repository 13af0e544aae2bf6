/**
 * `mode-discovery import FILE --workspace W`: stores the collections of an
 * NDJSON file (as `collections list --format ndjson` writes it) as
 * workspace W in the KV file of `MODE_KV_PATH`.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { importNdjson } from "@mode-discovery/edge";
import { FileError, UsageError } from "./CliFailure.ts";
import type { CliIO } from "./CliIO.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { ImportFlags, SharedFlags } from "./Flags.ts";
import { resolveWorkspace } from "./Settings.ts";
import { withDiagnostics } from "./_command.ts";
import { openKvTarget, storeFailure } from "./_kvTarget.ts";
import { readErrorReason } from "./_readError.ts";
import { formatCount, plural } from "./_text.ts";

const openInput = (file: string): Effect.Effect<ReadableStream<string>, FileError> =>
  file === "-"
    ? Effect.succeed(Deno.stdin.readable.pipeThrough(new TextDecoderStream()))
    : Effect.tryPromise({
      try: async () => {
        const handle = await Deno.open(file, { read: true });
        const info = await handle.stat();
        if (info.isDirectory) {
          handle.close();
          throw new Deno.errors.IsADirectory(file);
        }
        return handle.readable.pipeThrough(new TextDecoderStream("utf-8", { fatal: true }));
      },
      catch: (error) =>
        new FileError({
          path: file,
          message: `cannot read ${file}: ${
            readErrorReason(error)
          }. Give an NDJSON file, one collection per line (as 'collections list --format ndjson' writes).`,
        }),
    });

/**
 * Runs `import` with parsed flags.
 *
 * **Details**
 *
 * Every line is read and checked (JSON, a collection by core's schema, ids
 * unique) before anything is written; one bad line refuses the whole
 * import with its line number (exit 2) and the stored workspace stays as it
 * was. Then the workspace is replaced in one atomic swap. `FILE` `-` reads
 * standard input. The target is the KV file of `MODE_KV_PATH` (required).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { CliIO, importCommand } from "@mode-discovery/cli";
 * const program = importCommand(
 *   { file: "acme.ndjson", workspace: Option.some("acme") },
 *   { baseUrl: Option.none(), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * ).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export const importCommand = (
  flags: ImportFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.scoped(Effect.gen(function* () {
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      const target = yield* openKvTarget("import", io.env);
      const before = yield* target.store.workspace(workspace).pipe(
        Effect.mapError(storeFailure(target.path)),
      );
      const input = yield* openInput(flags.file);
      const started = performance.now();
      const info = yield* importNdjson(target.store, workspace, input, {
        source: `import:${flags.file === "-" ? "stdin" : flags.file.split(/[\\/]/).pop()}`,
      }).pipe(
        Effect.mapError((error) =>
          error._tag === "ImportError"
            ? (error.line === 0
              ? new FileError({
                path: flags.file,
                message: `cannot read ${flags.file}: ${error.message}.`,
              })
              : new UsageError({
                message: `import refused, nothing was written: ${flags.file} ${error.message}.`,
              }))
            : storeFailure(target.path)(error)
        ),
      );
      diagnostics.info(
        `${
          plural(info.count, "collection")
        } imported from ${flags.file} as ${workspace} into ${target.path} (${
          before === undefined
            ? "a new workspace"
            : `replacing ${formatCount(before.count)} from ${before.source}`
        }), ${Math.round(performance.now() - started)} ms.`,
      );
    })).pipe(withFailureContext({})));
