/**
 * Where the command reads its environment and writes its output: the
 * process's stdout, stderr and environment variables, or stand-ins (the
 * demo's truncating stdout, a test's buffers).
 *
 * @module
 */
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import { FileError } from "./CliFailure.ts";
import { Utf8Sink } from "./_utf8Sink.ts";

/**
 * Standard output was closed by its reader (`mode-discovery ... | head`).
 * The run stops quietly and exits 0, as `cat` and `grep` do.
 */
export class OutputClosed extends Schema.TaggedError<OutputClosed>()("OutputClosed", {}) {}

/**
 * Text produced a piece at a time: the function gives each piece, in order,
 * to `emit` (a page of rows, a row at a time), so that no page-long string
 * is ever built.
 */
export type TextSource = (emit: (piece: string) => void) => void;

/** Text to write: one string, or a {@link TextSource}. */
export type Text = string | TextSource;

/**
 * The whole of `text` as one string.
 *
 * @example
 * ```ts
 * import { textOf } from "@mode-discovery/cli";
 * textOf((emit) => ["a\n", "b\n"].forEach(emit)); // => "a\nb\n"
 * ```
 */
export const textOf = (text: Text): string => {
  if (typeof text === "string") return text;
  let all = "";
  text((piece) => {
    all += piece;
  });
  return all;
};

/** A text stream the command writes to. */
export interface TextOut {
  /** Whether it is an interactive terminal. */
  readonly isTerminal: boolean;
  /** Writes all of `text` (UTF-8), resolving once written. */
  readonly write: (text: Text) => Promise<void>;
  /** Writes a short text at once (progress lines, diagnostics). */
  readonly writeSync: (text: string) => void;
}

/** The operations of {@link CliIO}. */
export interface CliIOShape {
  /** Data output. */
  readonly stdout: TextOut;
  /** Progress, summary, warnings, errors, `--verbose` lines. */
  readonly stderr: TextOut;
  /** Reads one environment variable (`undefined` when unset or not allowed). */
  readonly env: (name: string) => string | undefined;
  /** Width of the terminal stdout is on, when it is one. */
  readonly columns: () => number | undefined;
}

const encoder = new TextEncoder();

const isBrokenPipe = (error: unknown): boolean =>
  error instanceof Deno.errors.BrokenPipe ||
  (error instanceof Error && /broken pipe|EPIPE/i.test(error.message));

const writeAllSync = (stream: typeof Deno.stderr, text: string): void => {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
};

const denoOut = (stream: typeof Deno.stdout): TextOut => {
  const sink = new Utf8Sink((bytes) => stream.write(bytes));
  return {
    isTerminal: stream.isTerminal(),
    write: (text) => sink.write(text),
    writeSync: (text) => {
      try {
        writeAllSync(stream, text);
      } catch (error) {
        if (!isBrokenPipe(error)) throw error;
      }
    },
  };
};

/**
 * The command's standard streams and environment.
 *
 * **When to use**
 *
 * Handlers read settings through `env` and write through `stdout`/`stderr`,
 * never through `Deno.*` directly, so the demo and tests can run the exact
 * same code in-process. `CliIO.deno()` is the real process.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { CliIO } from "@mode-discovery/cli";
 * const program = Effect.gen(function* () {
 *   const io = yield* CliIO;
 *   return io.env("MODE_WORKSPACE");
 * }).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export class CliIO extends Context.Service<CliIO, CliIOShape>()("mode-discovery/cli/CliIO") {
  /** The real process: `Deno.stdout`, `Deno.stderr`, `Deno.env`, `Deno.consoleSize`. */
  static deno(): CliIOShape {
    const stdout = denoOut(Deno.stdout);
    return {
      stdout,
      stderr: denoOut(Deno.stderr),
      env: (name) => {
        try {
          return Deno.env.get(name);
        } catch {
          return undefined;
        }
      },
      columns: () => {
        if (!stdout.isTerminal) return undefined;
        try {
          return Deno.consoleSize().columns;
        } catch {
          return undefined;
        }
      },
    };
  }
}

/**
 * Writes data to stdout, failing with {@link OutputClosed} when the reader
 * has gone away and with `FileError` when the write fails otherwise (a full
 * disk behind a redirect).
 */
export const writeStdout = (
  text: Text,
): Effect.Effect<void, OutputClosed | FileError, CliIO> =>
  // No Effect.gen here: this runs once per page, and a generator suspended
  // over the write keeps the page's text alive past young-generation
  // collections (it reaches old space and waits for a full collection).
  text === "" ? Effect.void : Effect.flatMap(Effect.service(CliIO), (io) =>
    Effect.tryPromise({
      try: () => io.stdout.write(text),
      catch: (error) =>
        isBrokenPipe(error) ? new OutputClosed() : new FileError({
          path: "<stdout>",
          message: `cannot write to standard output: ${
            error instanceof Error ? error.message : String(error)
          }.`,
        }),
    }));
