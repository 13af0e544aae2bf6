/**
 * The failures of the command itself, apart from the API's and the client's
 * (those come from `@mode-discovery/core`). Each message is one line that
 * says what failed, why, and what to do, and never holds a secret.
 *
 * @module
 */
import * as Schema from "effect/Schema";

/**
 * Bad usage found by the command after parsing: a missing workspace, a bad
 * base URL, a value out of range. Exits with `ExitCode.Usage` (2).
 *
 * @example
 * ```ts
 * import { UsageError } from "@mode-discovery/cli";
 * new UsageError({ message: "No workspace: pass --workspace NAME or set MODE_WORKSPACE." });
 * ```
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String,
}) {}

/**
 * Credentials are missing or malformed before any request was sent. Exits
 * with `ExitCode.Auth` (3).
 *
 * @example
 * ```ts
 * import { CredentialsError } from "@mode-discovery/cli";
 * new CredentialsError({ message: "No credentials: set MODE_TOKEN, ..." });
 * ```
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>()("CredentialsError", {
  message: Schema.String,
}) {}

/**
 * A local file could not be read or written (`--credentials-file`,
 * `--output`). Exits with `ExitCode.File` (9).
 *
 * @example
 * ```ts
 * import { FileError } from "@mode-discovery/cli";
 * new FileError({ path: "out.csv", message: "cannot write out.csv: permission denied." });
 * ```
 */
export class FileError extends Schema.TaggedError<FileError>()("FileError", {
  path: Schema.String,
  message: Schema.String,
}) {}

/**
 * `serve` could not start or keep serving (for example, the port is taken).
 * Exits with `ExitCode.Network` (6).
 *
 * @example
 * ```ts
 * import { ServeError } from "@mode-discovery/cli";
 * new ServeError({ message: "cannot listen on 127.0.0.1:8787: address in use." });
 * ```
 */
export class ServeError extends Schema.TaggedError<ServeError>()("ServeError", {
  message: Schema.String,
}) {}

/** Every failure the command itself raises. */
export type CliFailure = UsageError | CredentialsError | FileError | ServeError;
