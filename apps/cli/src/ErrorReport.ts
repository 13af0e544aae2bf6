/**
 * Turns any failure of a run into one line for stderr and an exit code.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import type { DiscoveryError } from "@mode-discovery/core/DiscoveryError";
import type { SnapshotError } from "@mode-discovery/core/Snapshot";
import type { CliFailure } from "./CliFailure.ts";
import type { OutputClosed } from "./CliIO.ts";
import { ExitCode } from "./ExitCode.ts";
import type { Redactor } from "./Redactor.ts";
import { oneLine, sentence } from "./_text.ts";

/** What a failure is described with. */
export interface FailureContext {
  /** Scrubs known secrets out of the message. */
  readonly redactor?: Redactor | undefined;
}

/** The line to print and the code to exit with. */
export interface FailureReport {
  /** Exit code of the process. */
  readonly code: ExitCode;
  /** One line, without the `error: ` prefix or a newline; empty to print nothing. */
  readonly message: string;
}

const isTagged = (u: unknown): u is { readonly _tag: string } =>
  typeof u === "object" && u !== null && typeof (u as { _tag?: unknown })._tag === "string";

// The client's messages already say what was requested, what came back and
// what to do; the command adds the class of failure in front.
const DISCOVERY_ERRORS: Record<DiscoveryError["_tag"], readonly [ExitCode, string]> = {
  BadRequest: [ExitCode.Usage, "bad request"],
  Unauthorized: [ExitCode.Auth, "unauthorized"],
  Forbidden: [ExitCode.Auth, "forbidden"],
  NotFound: [ExitCode.NotFound, "not found"],
  MethodNotAllowed: [ExitCode.BadResponse, "bad response"],
  RateLimited: [ExitCode.RateLimited, "rate limited"],
  ServerError: [ExitCode.Server, "server error"],
  TransportError: [ExitCode.Network, "network"],
  TimeoutError: [ExitCode.Network, "timeout"],
  ResponseDecodeError: [ExitCode.BadResponse, "bad response"],
  PaginationError: [ExitCode.BadResponse, "bad pagination"],
  ClientOptionError: [ExitCode.Usage, "bad option"],
};

/**
 * Describes a failure as one line and an {@link ExitCode}.
 *
 * **Details**
 *
 * Knows every `DiscoveryError` of `@mode-discovery/core` (whose messages
 * already name the request, the answer and what to do), every
 * {@link CliFailure}, and `OutputClosed` (exit 0, nothing printed); anything
 * else is an internal error (exit 1). Messages are flattened to one line,
 * and scrubbed with `context.redactor` when given.
 *
 * @example
 * ```ts
 * import { NotFound } from "@mode-discovery/core";
 * import { describeFailure } from "@mode-discovery/cli";
 * describeFailure(new NotFound({ id: "not_found", message: "Workspace not found." }));
 * // => { code: 4, message: "not found: Workspace not found." }
 * ```
 */
export const describeFailure = (error: unknown, context: FailureContext = {}): FailureReport => {
  const report = describe(error);
  return context.redactor === undefined
    ? report
    : { code: report.code, message: context.redactor.scrub(report.message) };
};

const describe = (error: unknown): FailureReport => {
  if (!isTagged(error)) return internal(error);
  const e = error as DiscoveryError | CliFailure | OutputClosed | CommandFailed | SnapshotError;
  switch (e._tag) {
    case "SnapshotError": {
      // The resource's own failure decides the exit code; the message names the resource.
      const inner = describe(e.error);
      return { code: inner.code, message: `${e.resource}: ${inner.message}` };
    }
    case "CommandFailed":
      return { code: e.code as ExitCode, message: e.message };
    case "OutputClosed":
      return { code: ExitCode.Ok, message: "" };
    case "UsageError":
      return { code: ExitCode.Usage, message: oneLine(e.message, 600) };
    case "CredentialsError":
      return { code: ExitCode.Auth, message: oneLine(e.message, 600) };
    case "FileError":
      return { code: ExitCode.File, message: oneLine(e.message, 600) };
    case "ServeError":
      return { code: ExitCode.Network, message: oneLine(e.message, 600) };
  }
  const known = DISCOVERY_ERRORS[e._tag];
  if (known === undefined) return internal(error);
  return { code: known[0], message: `${known[1]}: ${sentence(oneLine(e.message, 600))}` };
};

const internal = (error: unknown): FailureReport => ({
  code: ExitCode.Internal,
  message: `unexpected internal error: ${
    sentence(oneLine(error instanceof Error ? error.message : String(error), 200))
  } This is a bug: rerun with --verbose and report the output.`,
});

/**
 * A failure already described, with its context, as a line and an exit
 * code: what a command handler fails with.
 */
export class CommandFailed extends Schema.TaggedError<CommandFailed>()("CommandFailed", {
  code: Schema.Int,
  message: Schema.String,
}) {}

/**
 * Describes every failure of `self` with `context` (see
 * {@link describeFailure}), so the runner only prints the line and exits.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { withFailureContext } from "@mode-discovery/cli";
 * const program = Effect.fail(new Error("boom")).pipe(withFailureContext({}));
 * ```
 */
export const withFailureContext = (
  context: FailureContext | (() => FailureContext),
): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, CommandFailed, R> =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, CommandFailed, R> =>
  Effect.mapError(self, (error) => {
    const report = describeFailure(error, typeof context === "function" ? context() : context);
    return new CommandFailed({ code: report.code, message: report.message });
  });
