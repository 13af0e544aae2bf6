/**
 * Why reading an input file failed, in a few words for a diagnostic line.
 *
 * @internal
 * @module
 */

/**
 * Names the reason a file could not be opened or read: "no such file",
 * "permission denied", "it is a directory", else the error's own message.
 */
export const readErrorReason = (error: unknown): string =>
  error instanceof Deno.errors.NotFound
    ? "no such file"
    : error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : error instanceof Deno.errors.IsADirectory
    ? "it is a directory"
    : error instanceof Error
    ? error.message
    : String(error);
