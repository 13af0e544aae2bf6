/**
 * Standard output for `serve.ts` (kept apart so the policies stay free of
 * Deno APIs).
 *
 * @internal
 * @module
 */

const encoder = new TextEncoder();

/** Writes all of `text` to standard output (a short write is continued). */
export const writeStdoutSync = (text: string): void => {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
};
