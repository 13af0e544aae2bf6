/**
 * Secrets at rest: salted SHA-256 hashes, constant-time comparison, random
 * identifiers. Secrets themselves are never stored.
 *
 * @internal
 * @module
 */

const encoder = new TextEncoder();

/** A secret as stored: a random salt and SHA-256(salt || secret), both base64. */
export interface SecretHash {
  readonly salt: string;
  readonly hash: string;
}

const toBase64 = (bytes: Uint8Array): string => {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
};

const fromBase64 = (text: string): Uint8Array => {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

const digest = async (salt: Uint8Array, secret: string): Promise<Uint8Array> => {
  const secretBytes = encoder.encode(secret);
  const input = new Uint8Array(salt.length + secretBytes.length);
  input.set(salt, 0);
  input.set(secretBytes, salt.length);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", input));
};

/** Hashes a secret with a fresh 16-byte random salt. */
export const hashSecret = async (secret: string): Promise<SecretHash> => {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt: toBase64(salt), hash: toBase64(await digest(salt, secret)) };
};

/** Compares two byte strings in time that depends only on their lengths. */
export const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
};

/** Compares two strings (UTF-8) in time that depends only on their lengths. */
export const constantTimeEqualText = (a: string, b: string): boolean =>
  constantTimeEqual(encoder.encode(a), encoder.encode(b));

const DUMMY: SecretHash = {
  salt: "AAAAAAAAAAAAAAAAAAAAAA==",
  hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
};

/**
 * Whether `secret` matches the stored hash, compared in constant time. With
 * no stored hash it still hashes (against a dummy) and answers `false`, so
 * the time taken does not tell whether the key exists.
 */
export const verifySecret = async (
  stored: SecretHash | undefined,
  secret: string,
): Promise<boolean> => {
  const target = stored ?? DUMMY;
  let salt: Uint8Array;
  let expected: Uint8Array;
  try {
    salt = fromBase64(target.salt);
    expected = fromBase64(target.hash);
  } catch {
    return false;
  }
  const actual = await digest(salt, secret);
  return constantTimeEqual(actual, expected) && stored !== undefined;
};

/** `length` random lowercase hex characters. */
export const randomHex = (length: number): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)));
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
  return out.slice(0, length);
};
