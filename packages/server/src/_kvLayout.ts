/**
 * The KV key layout of the KV stores, and the chunk encoding. See
 * apps/edge/README.md ("KV layout") for the why.
 *
 * @internal
 * @module
 */
import type { KvKey } from "./Kv.ts";

/** First element of every key the stores write. */
export const ROOT = "mode-discovery";

/**
 * Layout version written into each workspace record: 2 holds every
 * resource; 1 (collections only, written before) is still read.
 */
export const LAYOUT = 2;

/** Items per chunk: page N of any size touches at most per_page/CHUNK_SIZE + 2 chunks. */
export const CHUNK_SIZE = 100;

/** Largest value written (Deno KV allows 64 KiB); a bigger chunk is split into parts. */
export const PART_BYTES = 60_000;

/** Most mutations per atomic write (Deno KV allows 1000). */
export const MAX_MUTATIONS = 500;

/** Most bytes of keys and values per atomic write (Deno KV allows 800 KiB). */
export const MAX_BATCH_BYTES = 700_000;

/** A workspace's pointer record: `[ROOT, "workspace", workspace]`. */
export const metaKey = (workspace: string): KvKey => [ROOT, "workspace", workspace];

/** Prefix of every workspace record. */
export const metaPrefix: KvKey = [ROOT, "workspace"];

/** Prefix of everything a version holds (every listing's chunks; layout 1's chunks too). */
export const versionPrefix = (workspace: string, version: string): KvKey => [
  ROOT,
  "chunk",
  workspace,
  version,
];

/** Prefix of one listing's chunks in a version: `[..., version, listing]`. */
export const listingPrefix = (workspace: string, version: string, listing: string): KvKey => [
  ...versionPrefix(workspace, version),
  listing,
];

/** One part of one chunk: `[...prefix, chunk, part, parts]`. */
export const chunkKey = (prefix: KvKey, chunk: number, part: number, parts: number): KvKey => [
  ...prefix,
  chunk,
  part,
  parts,
];

/** Marker of a version being written or waiting to be deleted. */
export const pendingKey = (workspace: string, version: string): KvKey => [
  ROOT,
  "pending",
  workspace,
  version,
];

/** Prefix of every pending marker. */
export const pendingPrefix: KvKey = [ROOT, "pending"];

/** A signature token record, by token. */
export const tokenKey = (token: string): KvKey => [ROOT, "token", token];

/** An admin API key record, by key. */
export const adminKey = (apiKey: string): KvKey => [ROOT, "admin", apiKey];

/** A rate-limit window's count, by key and window. */
export const rateKey = (key: string, window: number): KvKey => [ROOT, "rate", key, window];

/** The key probed by `/healthz`. */
export const healthKey: KvKey = [ROOT, "health"];

/** One listing as the workspace record (layout 2) names it. */
export interface StoredListing {
  /** How many items it holds. */
  readonly count: number;
  /** The listing whose chunks hold its rows (itself, or one with the same rows). */
  readonly chunks: string;
}

/** The workspace record as layout 2 stores it. */
export interface StoredMeta {
  readonly layout: 2;
  readonly version: string;
  readonly chunkSize: number;
  readonly organizationId: number;
  readonly source: string;
  readonly updatedAt: string;
  /** Every listing of the version, by listing id. */
  readonly listings: Readonly<Record<string, StoredListing>>;
}

/** The workspace record as layout 1 stored it: collections only, chunks right under the version. */
export interface StoredMetaV1 {
  readonly layout: 1;
  readonly version: string;
  readonly count: number;
  readonly chunkSize: number;
  readonly organizationId: number;
  readonly source: string;
  readonly updatedAt: string;
}

/** A pending marker: a version being written, or an old one to delete. */
export interface StoredPending {
  readonly state: "writing" | "garbage";
  readonly since: number;
}

/** A signature token as stored: no secret, only its salted hash. */
export interface StoredToken {
  readonly workspace: string;
  readonly name: string;
  readonly creatorId: number;
  readonly organizationId: number;
  readonly accessKey: string;
  readonly secretSalt: string;
  readonly secretHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly expiresAt: string | null;
  readonly authenticationFor: string;
  readonly authorizationType: string;
}

/** An admin API key as stored: no secret, only its salted hash. */
export interface StoredAdminKey {
  readonly workspace: string;
  readonly userId: number;
  readonly secretSalt: string;
  readonly secretHash: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes one chunk (the JSON of each item) as parts of at most
 * {@link PART_BYTES}. Rows are joined by `\n`, a character JSON text never
 * contains raw, so the split back is exact.
 */
export const encodeChunk = (rows: ReadonlyArray<string>): ReadonlyArray<Uint8Array> => {
  const bytes = encoder.encode(rows.join("\n"));
  const parts: Array<Uint8Array> = [];
  for (let offset = 0; offset < bytes.length || parts.length === 0; offset += PART_BYTES) {
    parts.push(bytes.subarray(offset, offset + PART_BYTES));
  }
  return parts;
};

/**
 * A decoded chunk, ready to serve: its rows' JSON joined by commas, and
 * where each row starts. `offsets[rows]` is `text.length + 1`, so rows
 * `[from, to)` are `text.slice(offsets[from], offsets[to] - 1)`.
 */
export interface Chunk {
  readonly text: string;
  readonly offsets: Uint32Array;
}

/**
 * Decodes a chunk from its parts, in order; `undefined` when it does not hold
 * `expectedRows` rows (a version deleted while it was read).
 */
export const decodeChunk = (
  parts: ReadonlyArray<Uint8Array>,
  expectedRows: number,
): Chunk | undefined => {
  let total = 0;
  for (const part of parts) total += part.length;
  if (total === 0) return undefined;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  let joined: string;
  try {
    joined = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  const offsets = new Uint32Array(expectedRows + 1);
  let row = 1;
  for (let at = joined.indexOf("\n"); at >= 0; at = joined.indexOf("\n", at + 1)) {
    if (row >= expectedRows) return undefined;
    offsets[row++] = at + 1;
  }
  if (row !== expectedRows) return undefined;
  offsets[expectedRows] = joined.length + 1;
  // The rows' separators become commas in the bytes, and the text is decoded
  // again: one flat string. `replaceAll` on the string would give a string of
  // linked pieces that every response writing it would walk again.
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === NEWLINE) bytes[i] = COMMA;
  return { text: decoder.decode(bytes), offsets };
};

const NEWLINE = 0x0a;
const COMMA = 0x2c;

/** Rows `[from, to)` of a chunk as one JSON fragment (rows separated by commas). */
export const chunkRows = (chunk: Chunk, from: number, to: number): string =>
  chunk.text.slice(chunk.offsets[from], chunk.offsets[to] - 1);

/** Rough size of a key and value in bytes, for batching writes under KV's limits. */
export const entrySize = (key: KvKey, value: Uint8Array | undefined): number => {
  let size = 16;
  for (const part of key) size += typeof part === "string" ? part.length * 3 + 2 : 10;
  return size + (value?.length ?? 0);
};
