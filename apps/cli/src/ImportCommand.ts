/**
 * `mode-discovery import [RESOURCE=]FILE... --workspace W`: stores the
 * items of NDJSON files (as `<resource> list --format ndjson` writes them),
 * one file per resource, as workspace W in the KV file of `MODE_KV_PATH`.
 * A bare FILE holds collections; `reports=reports.ndjson` holds reports.
 * The resources not given keep their items.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import {
  type AnyResource,
  collections,
  findResource,
  resources,
} from "@mode-discovery/core/Resources";
import { type ImportInput, importNdjson } from "@mode-discovery/server";
import { FileError, UsageError } from "./CliFailure.ts";
import type { CliIO } from "./CliIO.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { ImportFlags, SharedFlags } from "./Flags.ts";
import { resolveWorkspace } from "./Settings.ts";
import { withDiagnostics } from "./_command.ts";
import { openKvTarget, storeFailure } from "./_kvTarget.ts";
import { readErrorReason } from "./_readError.ts";
import { plural } from "./_text.ts";

/** One argument of `import`: which resource, from which file. */
export interface ImportArgument {
  /** The resource the file's lines are items of. */
  readonly resource: AnyResource;
  /** The file (`-` for standard input). */
  readonly file: string;
}

const resourceNames = resources.map((r) => r.cliName).join(", ");

/**
 * Reads the arguments of `import`: `RESOURCE=FILE` (the resource by its
 * command name, name or path segment: `report-stats=stats.ndjson`) or a
 * bare `FILE` of collections. Refuses an unknown resource, a resource
 * given twice, and standard input (`-`) given twice.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { parseImportArguments } from "@mode-discovery/cli";
 * const inputs = Effect.runSync(parseImportArguments(["c.ndjson", "reports=r.ndjson"]));
 * inputs.map((i) => i.resource.name); // => ["collections", "reports"]
 * ```
 */
export const parseImportArguments = (
  args: ReadonlyArray<string>,
): Effect.Effect<ReadonlyArray<ImportArgument>, UsageError> =>
  Effect.gen(function* () {
    const out: Array<ImportArgument> = [];
    for (const arg of args) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? undefined : arg.slice(0, eq);
      let input: ImportArgument;
      if (name !== undefined && /^[A-Za-z_-]+$/.test(name)) {
        const resource = findResource(name);
        if (resource === undefined) {
          return yield* new UsageError({
            message: `import ${JSON.stringify(arg.slice(0, 200))}: ${
              JSON.stringify(name)
            } is not a resource; give RESOURCE=FILE with one of ${resourceNames}, or a bare FILE of collections.`,
          });
        }
        input = { resource, file: arg.slice(eq + 1) };
      } else {
        input = { resource: collections, file: arg };
      }
      if (input.file === "") {
        return yield* new UsageError({
          message: `import ${
            JSON.stringify(arg)
          }: no file after "=": give ${input.resource.cliName}=FILE.`,
        });
      }
      if (out.some((o) => o.resource === input.resource)) {
        return yield* new UsageError({
          message: `import: ${input.resource.plural} are given twice; give one file per resource.`,
        });
      }
      if (input.file === "-" && out.some((o) => o.file === "-")) {
        return yield* new UsageError({
          message: "import: standard input (-) can be read for one resource only.",
        });
      }
      out.push(input);
    }
    if (out.length === 0) {
      return yield* new UsageError({
        message:
          `import: give at least one FILE (collections) or RESOURCE=FILE (${resourceNames}).`,
      });
    }
    return out;
  });

const openInput = (input: ImportArgument): Effect.Effect<ReadableStream<string>, FileError> =>
  input.file === "-"
    ? Effect.succeed(Deno.stdin.readable.pipeThrough(new TextDecoderStream()))
    : Effect.tryPromise({
      try: async () => {
        const handle = await Deno.open(input.file, { read: true });
        const info = await handle.stat();
        if (info.isDirectory) {
          handle.close();
          throw new Deno.errors.IsADirectory(input.file);
        }
        return handle.readable.pipeThrough(new TextDecoderStream("utf-8", { fatal: true }));
      },
      catch: (error) =>
        new FileError({
          path: input.file,
          message: `cannot read ${input.file}: ${
            readErrorReason(error)
          }. Give an NDJSON file, one ${input.resource.singular} per line (as '${input.resource.cliName} list --format ndjson' writes).`,
        }),
    });

/** A file's name for the stored source: its last path part, or `stdin`. */
const fileName = (file: string): string => file === "-" ? "stdin" : file.split(/[\\/]/).pop()!;

/**
 * Runs `import` with parsed flags.
 *
 * **Details**
 *
 * Every line of every file is read and checked (JSON, an item of its
 * resource by core's schema, keys unique) before anything is written; one
 * bad line refuses the whole import naming the file, its resource and the
 * line (exit 2), and the stored workspace stays as it was. Then the
 * resources given are replaced in one atomic swap; the others keep their
 * items (a new workspace gets none of them). `FILE` `-` reads standard
 * input. The target is the KV file of `MODE_KV_PATH` (required).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { CliIO, importCommand } from "@mode-discovery/cli";
 * const program = importCommand(
 *   { inputs: ["acme.ndjson", "reports=reports.ndjson"], workspace: Option.some("acme") },
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
      const args = yield* parseImportArguments(flags.inputs);
      const target = yield* openKvTarget("import", io.env);
      const before = yield* target.store.workspace(workspace).pipe(
        Effect.mapError(storeFailure(target.path)),
      );
      const inputs: Array<ImportInput> = [];
      for (const arg of args) {
        inputs.push({ resource: arg.resource, stream: yield* openInput(arg) });
      }
      const fileOf = (resource: string) => args.find((a) => a.resource.name === resource)?.file;
      const started = performance.now();
      const info = yield* importNdjson(target.store, workspace, inputs, {
        source: `import:${args.map((a) => fileName(a.file)).join(",")}`,
      }).pipe(
        Effect.mapError((error) => {
          if (error._tag !== "ImportError") return storeFailure(target.path)(error);
          const file = fileOf(error.resource) ?? "";
          return error.line === 0
            ? new FileError({ path: file, message: `cannot read ${file}: ${error.message}.` })
            : new UsageError({
              message: `import refused, nothing was written: ${file} ${error.message}.`,
            });
        }),
      );
      const imported = args.map((a) =>
        `${
          plural(info.counts[a.resource.name], a.resource.singular, a.resource.plural)
        } imported from ${a.file}`
      ).join(", ");
      diagnostics.info(
        `${imported} as ${workspace} into ${target.path} (${
          before === undefined
            ? "a new workspace"
            : `replacing those from ${before.source}${
              args.length < resources.length ? "; the other resources are kept" : ""
            }`
        }), ${Math.round(performance.now() - started)} ms.`,
      );
    })).pipe(withFailureContext({})));
