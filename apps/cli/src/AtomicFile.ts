/**
 * A file that appears whole or not at all: written to a temporary file in
 * the same directory and renamed into place only when the run succeeds.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import * as Effect from "effect/Effect";
import type * as Scope from "effect/Scope";
import { FileError } from "./CliFailure.ts";
import type { Text } from "./CliIO.ts";
import { Utf8Sink } from "./_utf8Sink.ts";

/** An output file being written; see {@link open}. */
export interface AtomicFile {
  /** The final path. */
  readonly path: string;
  /** The temporary file written until {@link AtomicFile.commit}. */
  readonly tempPath: string;
  /** Appends `text` as UTF-8. */
  readonly write: (text: Text) => Effect.Effect<void, FileError>;
  /** Flushes to disk and renames the temporary file over `path`. */
  readonly commit: Effect.Effect<void, FileError>;
}

/** Settings of {@link open}. */
export interface AtomicFileOptions {
  /** Permission bits of the new file (default `0o644`; `0o600` for secrets). */
  readonly mode?: number | undefined;
  /** How the file is named in messages (default `--output`). */
  readonly flag?: string | undefined;
}

const reason = (error: unknown): string => {
  if (error instanceof Deno.errors.NotFound) return "no such directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotCapable) return "not allowed (run with --allow-write)";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  return error instanceof Error ? error.message : String(error);
};

const randomSuffix = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

/**
 * Opens `path` for an all-or-nothing write.
 *
 * **When to use**
 *
 * For `--output FILE`: a run that fails, is interrupted (Ctrl-C) or is
 * killed before {@link AtomicFile.commit} leaves neither `FILE` nor the
 * temporary file behind, and an existing `FILE` stays untouched.
 *
 * **Details**
 *
 * The temporary file is `.<name>.<random>.tmp` beside `path` (same
 * directory, so the rename is atomic on the same file system). Closing the
 * scope without a commit removes it. Fails with `FileError` when the
 * directory does not exist, `path` is a directory, or writing is refused.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { AtomicFile } from "@mode-discovery/cli";
 * const program = Effect.scoped(Effect.gen(function* () {
 *   const file = yield* AtomicFile.open("out.csv");
 *   yield* file.write("id\r\n");
 *   yield* file.commit;
 * }));
 * ```
 */
export const open = (
  path: string,
  options: AtomicFileOptions = {},
): Effect.Effect<AtomicFile, FileError, Scope.Scope> => {
  const flag = options.flag ?? "--output";
  const fail = (message: string) => new FileError({ path, message });
  const tempPath = join(dirname(path), `.${basename(path)}.${randomSuffix()}.tmp`);
  return Effect.gen(function* () {
    const existing = yield* Effect.promise(() => Deno.stat(path).catch(() => undefined));
    if (existing?.isDirectory) {
      return yield* fail(`${flag} ${path} is a directory: give a file path.`);
    }
    let committed = false;
    const file = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          Deno.open(tempPath, { write: true, createNew: true, mode: options.mode ?? 0o644 }),
        catch: (error) =>
          fail(
            `cannot create ${flag} ${path}: ${reason(error)}. Check that the directory ${
              dirname(path)
            } exists and is writable.`,
          ),
      }),
      (file) =>
        Effect.promise(async () => {
          try {
            file.close();
          } catch {
            // already closed by commit
          }
          if (!committed) await Deno.remove(tempPath).catch(() => undefined);
        }),
    );
    const sink = new Utf8Sink((bytes) => file.write(bytes));
    const write = (text: Text): Effect.Effect<void, FileError> =>
      text === "" ? Effect.void : Effect.tryPromise({
        try: () => sink.write(text),
        catch: (error) => fail(`cannot write ${flag} ${path}: ${reason(error)}.`),
      });
    const commit: Effect.Effect<void, FileError> = Effect.tryPromise({
      try: async () => {
        await file.syncData();
        file.close();
        await Deno.rename(tempPath, path);
        committed = true;
      },
      catch: (error) => fail(`cannot finish ${flag} ${path}: ${reason(error)}.`),
    });
    return { path, tempPath, write, commit };
  });
};
