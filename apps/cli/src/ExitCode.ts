/**
 * The exit codes of `mode-discovery`, one per class of failure a script can
 * branch on. The README and `--help` print this same table.
 *
 * @module
 */

/**
 * Every exit code `mode-discovery` uses.
 *
 * **When to use**
 *
 * Compare a finished run's status against these in scripts and tests instead
 * of bare numbers.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@mode-discovery/cli";
 * ExitCode.NotFound; // => 4
 * ```
 */
export const ExitCode = {
  /** Everything worked. */
  Ok: 0,
  /** An unexpected internal error (a bug: rerun with --verbose and report it). */
  Internal: 1,
  /** Bad usage: an unknown or invalid flag, a missing setting, a bad value. */
  Usage: 2,
  /** Credentials missing or malformed, refused by the API (401) or not allowed (403). */
  Auth: 3,
  /** The workspace was not found (404), or the token belongs to another workspace. */
  NotFound: 4,
  /** Still rate limited (429) after every retry. */
  RateLimited: 5,
  /** Network: the server could not be reached, or did not answer in time. */
  Network: 6,
  /** The server failed (5xx) after every retry. */
  Server: 7,
  /** The server answered with something that is not a valid Discovery API response. */
  BadResponse: 8,
  /** A local file could not be read (--credentials-file) or written (--output). */
  File: 9,
  /** Interrupted by Ctrl-C (SIGINT); nothing partial was left behind. */
  Interrupted: 130,
  /** Terminated (SIGTERM); nothing partial was left behind. */
  Terminated: 143,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode];

/**
 * The exit code table as shown in `--help` and the README: code and meaning.
 *
 * @example
 * ```ts
 * import { exitCodeTable } from "@mode-discovery/cli";
 * exitCodeTable.find(([code]) => code === 3); // => [3, "auth: credentials missing, ..."]
 * ```
 */
export const exitCodeTable: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.Ok, "success"],
  [ExitCode.Internal, "unexpected internal error (a bug: rerun with --verbose and report it)"],
  [
    ExitCode.Usage,
    "usage: unknown or invalid flag or value, a missing setting, or a bad import line",
  ],
  [ExitCode.Auth, "auth: credentials missing or malformed, refused (401) or not allowed (403)"],
  [ExitCode.NotFound, "not found (404): no such workspace, or the token is for another one"],
  [ExitCode.RateLimited, "rate limited (429) after every retry"],
  [ExitCode.Network, "network: server unreachable, connection lost or timed out"],
  [ExitCode.Server, "server error (5xx) after every retry"],
  [ExitCode.BadResponse, "bad response: the answer is not a valid Discovery API response"],
  [ExitCode.File, "file: cannot read or write a file (--credentials-file, --output, import, KV)"],
  [ExitCode.Interrupted, "interrupted (Ctrl-C); no partial output file is left"],
  [ExitCode.Terminated, "terminated (SIGTERM); no partial output file is left"],
];
