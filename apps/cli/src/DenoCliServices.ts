/**
 * The services `effect/cli` needs to run a command, made directly from
 * Deno's APIs. They replace `@effect/platform-node`'s `NodeServices.layer`,
 * which works under Deno too but roughly doubles the start-up time of every
 * run (measured: about 0.65 s against 0.37 s to `--version` on the same
 * machine) for services this command does not use.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as FileSystem from "effect/FileSystem";
import * as Layer from "effect/Layer";
import * as Path from "effect/Path";
import * as PlatformError from "effect/PlatformError";
import * as Sink from "effect/Sink";
import * as Stdio from "effect/Stdio";
import * as Stream from "effect/Stream";
import * as Terminal from "effect/Terminal";
import type * as Command from "effect/cli/Command";
import { ChildProcessSpawner } from "effect/process";

const encoder = new TextEncoder();

const writeSink = (stream: typeof Deno.stdout) =>
  Sink.forEach((chunk: string | Uint8Array) =>
    Effect.tryPromise({
      try: async () => {
        const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
        let offset = 0;
        while (offset < bytes.length) offset += await stream.write(bytes.subarray(offset));
      },
      catch: (cause) =>
        PlatformError.systemError({
          _tag: "Unknown",
          module: "Stdio",
          method: "write",
          description: cause instanceof Error ? cause.message : String(cause),
          cause,
        }),
    })
  );

// The defect is made when the effect runs: an `Error` made while a bundled
// module loads costs V8 the source positions of the whole chunk.
const unsupported = (what: string) =>
  Effect.suspend(() =>
    Effect.die(new Error(`${what} is not available: mode-discovery never prompts.`))
  );

/**
 * `Stdio`, `Terminal`, `Path`, `FileSystem` and `ChildProcessSpawner` for
 * `Command.runWith`, backed by Deno.
 *
 * **Details**
 *
 * `args` is `Deno.args` (`Command.runWith` takes them explicitly anyway).
 * The command declares no path-typed flags and never prompts, so
 * `FileSystem` (used by `effect/cli` only to check path flags), interactive
 * terminal input and child processes are not provided: using them is a
 * defect with a message saying so. The wizard built-in is turned off in
 * `Cli.ts` for the same reason.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Command from "effect/cli/Command";
 * import { DenoCliServices } from "@mode-discovery/cli";
 * const hello = Command.make("hello", {}, () => Effect.log("hi"));
 * Effect.runPromise(
 *   Command.runWith(hello, { version: "1.0.0" })([]).pipe(Effect.provide(DenoCliServices.layer)),
 * );
 * ```
 */
export const layer: Layer.Layer<Command.Environment> = Layer.mergeAll(
  FileSystem.layerNoop({}),
  Path.layer,
  Layer.succeed(
    Stdio.Stdio,
    Stdio.make({
      args: Effect.sync(() => Deno.args),
      stdinIsTerminal: Effect.sync(() => Deno.stdin.isTerminal()),
      stdoutIsTerminal: Effect.sync(() => Deno.stdout.isTerminal()),
      stderrIsTerminal: Effect.sync(() => Deno.stderr.isTerminal()),
      stdout: () => writeSink(Deno.stdout),
      stderr: () => writeSink(Deno.stderr),
      stdin: Stream.fromReadableStream({
        evaluate: () => Deno.stdin.readable,
        onError: (cause) =>
          PlatformError.systemError({
            _tag: "Unknown",
            module: "Stdio",
            method: "stdin",
            description: cause instanceof Error ? cause.message : String(cause),
            cause,
          }),
      }),
    }),
  ),
  Layer.succeed(
    Terminal.Terminal,
    Terminal.make({
      columns: Effect.sync(() => {
        try {
          return Deno.consoleSize().columns;
        } catch {
          return 80;
        }
      }),
      rows: Effect.sync(() => {
        try {
          return Deno.consoleSize().rows;
        } catch {
          return 24;
        }
      }),
      size: unsupported("Terminal size events"),
      readInput: unsupported("Interactive terminal input"),
      readLine: unsupported("Interactive terminal input"),
      display: (text) =>
        Effect.sync(() => {
          Deno.stdout.writeSync(encoder.encode(text));
        }),
    }),
  ),
  Layer.succeed(
    ChildProcessSpawner.ChildProcessSpawner,
    ChildProcessSpawner.make(() => unsupported("Spawning child processes")),
  ),
);
