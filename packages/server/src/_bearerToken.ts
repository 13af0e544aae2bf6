/**
 * The token (first part) of a Bearer `Authorization` value, decoding only
 * as much base64 as it takes: the rate limit reads it on every request.
 *
 * @internal
 * @module
 */

const BEARER = /^\s*bearer\s+([A-Za-z0-9+/]+={0,2})\s*$/i;
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The token named by a Bearer value (`base64(token:access_key:...)`), or
 * `undefined` when the value is not Bearer base64 with a non-empty first
 * part before a `:`. The secret part is never decoded when the token ends
 * sooner.
 */
export const bearerToken = (header: string | null): string | undefined => {
  if (header === null) return undefined;
  const match = BEARER.exec(header);
  if (match === null) return undefined;
  const value = match[1];
  let binary = "";
  for (let at = 0; at < value.length; at += 4) {
    let part: string;
    try {
      part = atob(value.slice(at, at + 4));
    } catch {
      return undefined;
    }
    const colon = part.indexOf(":");
    if (colon < 0) {
      binary += part;
      continue;
    }
    binary += part.slice(0, colon);
    if (binary === "") return undefined;
    // deno-lint-ignore no-control-regex
    if (/^[\x00-\x7f]*$/.test(binary)) return binary;
    try {
      return decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    } catch {
      return undefined;
    }
  }
  return undefined;
};
