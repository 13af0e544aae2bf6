/**
 * Finding secrets in captured text and in files: the value itself, its
 * percent-encoded form, and every base64 encoding of it whatever its
 * alignment inside a longer value (so a secret inside a bearer or basic
 * header is found), as UTF-8 and as UTF-16LE bytes (how V8 may store a
 * string on disk).
 *
 * @internal
 * @module
 */
import { base64Encode } from "@mode-discovery/core";

/** A secret to look for, with a name to report hits by. */
export interface Secret {
  readonly name: string;
  readonly value: string;
}

/** One place a secret was found. */
export interface Hit {
  readonly secret: string;
  readonly form: string;
  readonly where: string;
}

/**
 * The base64 text of `value` that appears in any base64 string containing
 * it, for each of the three alignments (only the groups made of the
 * secret's own bytes).
 */
export const base64Cores = (value: string): Array<string> => {
  const bytes = new TextEncoder().encode(value).length;
  const cores: Array<string> = [];
  for (let k = 0; k < 3; k++) {
    const encoded = base64Encode(`${"\u0000".repeat(k)}${value}`);
    const start = Math.ceil(k / 3) * 4;
    const end = Math.floor((k + bytes) / 3) * 4;
    const core = encoded.slice(start, end);
    if (core.length >= 8) cores.push(core);
  }
  return cores;
};

/** Every text form of a secret worth searching for. */
export const textForms = (
  secret: Secret,
): Array<{ readonly form: string; readonly text: string }> => {
  const forms = [{ form: "clear", text: secret.value }];
  const encoded = encodeURIComponent(secret.value);
  if (encoded !== secret.value) forms.push({ form: "percent-encoded", text: encoded });
  for (const core of base64Cores(secret.value)) forms.push({ form: "base64", text: core });
  return forms;
};

/** Secrets found in `text`, captured from `where`. */
export const scanText = (
  text: string,
  secrets: ReadonlyArray<Secret>,
  where: string,
): Array<Hit> => {
  const hits: Array<Hit> = [];
  for (const secret of secrets) {
    for (const { form, text: needle } of textForms(secret)) {
      if (text.includes(needle)) hits.push({ secret: secret.name, form, where });
    }
  }
  return hits;
};

const indexOf = (haystack: Uint8Array, needle: Uint8Array): number => {
  if (needle.length === 0) return 0;
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first); i >= 0 && i + needle.length <= haystack.length;) {
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        i = haystack.indexOf(first, i + 1);
        continue outer;
      }
    }
    return i;
  }
  return -1;
};

const utf16le = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[i * 2] = text.charCodeAt(i) & 0xff;
    out[i * 2 + 1] = text.charCodeAt(i) >> 8;
  }
  return out;
};

/** Secrets found in the bytes of a file (UTF-8 and UTF-16LE forms). */
export const scanBytes = (
  bytes: Uint8Array,
  secrets: ReadonlyArray<Secret>,
  where: string,
): Array<Hit> => {
  const hits: Array<Hit> = [];
  for (const secret of secrets) {
    for (const { form, text } of textForms(secret)) {
      if (indexOf(bytes, new TextEncoder().encode(text)) >= 0) {
        hits.push({ secret: secret.name, form: `${form} (UTF-8)`, where });
      }
      if (indexOf(bytes, utf16le(text)) >= 0) {
        hits.push({ secret: secret.name, form: `${form} (UTF-16LE)`, where });
      }
    }
  }
  return hits;
};

/** Every file under `dir`, recursively, with its bytes. */
export const filesUnder = async (
  dir: string,
): Promise<Array<{ readonly path: string; readonly bytes: Uint8Array }>> => {
  const out: Array<{ path: string; bytes: Uint8Array }> = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await filesUnder(path));
    else if (entry.isFile) out.push({ path, bytes: await Deno.readFile(path) });
  }
  return out;
};
