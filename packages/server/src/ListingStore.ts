/**
 * `CollectionStore`: where the edge server keeps each workspace's collections,
 * its signature tokens and its admin API keys. The interface is storage
 * neutral; `KvCollectionStore` implements it on Deno KV.
 *
 * @module
 */
import * as Context from "effect/Context";
import type * as Effect from "effect/Effect";
import type * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import type { Collection, SignatureToken } from "@mode-discovery/core";

/**
 * A storage failure. `reason` says what kind:
 *
 * - `Unavailable`: the store could not be read or written; retrying may work.
 * - `Invalid`: the data handed to the store is not acceptable (the message
 *   says which value and why).
 * - `Conflict`: the data kept changing under a write; retrying may work.
 *
 * @example
 * ```ts
 * import { StoreError } from "@mode-discovery/edge";
 * new StoreError({ reason: "Invalid", message: "duplicate collection id 170" });
 * ```
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  reason: Schema.Literals(["Unavailable", "Invalid", "Conflict"]),
  message: Schema.String,
}) {}

/**
 * What the store knows about a workspace: the version of its listing now
 * served, how many collections it holds, and where the data came from.
 */
export interface WorkspaceInfo {
  /** The workspace (organization) username. */
  readonly workspace: string;
  /** The numeric organization id given in signature tokens. */
  readonly organizationId: number;
  /** How many collections the current version holds. */
  readonly count: number;
  /** Opaque id of the current version of the listing. */
  readonly version: string;
  /** Where the data came from, e.g. `seed:acme:4146:v1`, `import`, `api`. */
  readonly source: string;
  /** When the current version was put in place (ISO 8601). */
  readonly updatedAt: string;
}

/**
 * A page's collections as pre-encoded JSON, with the version they came from.
 *
 * **Details**
 *
 * `spaces` holds JSON fragments: each is one or more collections (encoded
 * with core's `Collection` schema, non-ASCII characters as `\uXXXX`
 * escapes) separated by commas. Joined with commas and put in brackets they
 * are the page's `spaces` array (see {@link pageSliceJson}). `totalCount` is
 * the count of the same version, so the pagination block and the rows
 * always agree.
 */
export interface PageSlice {
  /** The workspace the page belongs to. */
  readonly workspace: string;
  /** The version of the listing the rows come from. */
  readonly version: string;
  /** How many collections that version holds. */
  readonly totalCount: number;
  /** JSON fragments of the page's collections, to join with commas. */
  readonly spaces: ReadonlyArray<string>;
}

/**
 * The `spaces` array of a {@link PageSlice} as JSON text.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { KvCollectionStore, pageSliceJson } from "@mode-discovery/edge";
 * const kv = await Deno.openKv(":memory:");
 * const store = KvCollectionStore.make(kv);
 * await Effect.runPromise(store.replaceWorkspace("acme", []));
 * const slice = await Effect.runPromise(store.page("acme", 1, 100));
 * pageSliceJson(slice!); // => "[]"
 * kv.close();
 * ```
 */
export const pageSliceJson = (slice: PageSlice): string => `[${slice.spaces.join(",")}]`;

/** Options of {@link CollectionStore.replaceWorkspace}. */
export interface ReplaceOptions {
  /** Where the data came from (kept in {@link WorkspaceInfo.source}). Default `api`. */
  readonly source?: string | undefined;
  /** The organization id; default: the one already stored, else one derived from the name. */
  readonly organizationId?: number | undefined;
}

/** What a signature token check found. Only `Valid` says anything about the token. */
export type SignatureVerification =
  | {
    readonly _tag: "Valid";
    readonly workspace: string;
    readonly token: string;
    /** When the token expires (epoch ms), or `null` for never. */
    readonly expiresAtMs: number | null;
  }
  | { readonly _tag: "Invalid" }
  | { readonly _tag: "Expired" };

/** What an admin API key check found. */
export type AdminVerification =
  | { readonly _tag: "Valid"; readonly workspace: string; readonly userId: number }
  | { readonly _tag: "Invalid" };

/** A signature token to store with known parts (development credentials). */
export interface SignatureTokenInput {
  /** The token (the first part of the bearer value). */
  readonly token: string;
  /** The access key (the second part). */
  readonly accessKey: string;
  /** The access secret (the third part); only its salted hash is stored. */
  readonly accessSecret: Redacted.Redacted<string>;
  /** The token's name. */
  readonly name: string;
  /** The id of the admin user who created it. */
  readonly creatorId: number;
  /** Expiry, or `null` for a token that never expires. */
  readonly expiresAt: Date | null;
}

/** The parts of a new signature token chosen by the caller; the rest is generated. */
export interface NewSignatureToken {
  /** The token's name (4 to 64 characters). */
  readonly name: string;
  /** The id of the admin user creating it. */
  readonly creatorId: number;
  /** When it expires. */
  readonly expiresAt: Date;
}

/** An admin API key to store. */
export interface AdminKeyInput {
  /** The API key (the Basic user name). */
  readonly apiKey: string;
  /** The API secret (the Basic password); only its salted hash is stored. */
  readonly apiSecret: Redacted.Redacted<string>;
  /** The id of the admin user the key belongs to. */
  readonly userId: number;
}

/**
 * The store behind the edge server.
 *
 * **When to use**
 *
 * Read it in handlers; write it to seed, import or change a workspace (tests
 * change data between page requests with `replaceWorkspace`).
 *
 * **Details**
 *
 * - `replaceWorkspace` swaps a workspace's whole listing atomically: readers
 *   see the old listing or the new one, never a mix.
 * - `page` costs O(per_page) whatever the page number.
 * - Secrets are kept only as salted hashes; `verify*` compare in constant time.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { CollectionStore } from "@mode-discovery/edge";
 * const program = Effect.gen(function* () {
 *   const store = yield* CollectionStore;
 *   return yield* store.page("acme", 1, 100);
 * });
 * ```
 */
export class CollectionStore extends Context.Service<CollectionStore, CollectionStoreService>()(
  "mode-discovery/edge/CollectionStore",
) {}

/** The operations of a {@link CollectionStore}. */
export interface CollectionStoreService {
  /** Replaces every collection of `workspace` (creating it if new) in one atomic swap. */
  readonly replaceWorkspace: (
    workspace: string,
    collections: Iterable<Collection>,
    options?: ReplaceOptions,
  ) => Effect.Effect<WorkspaceInfo, StoreError>;
  /** Removes a workspace's listing; `false` when it did not exist. */
  readonly deleteWorkspace: (workspace: string) => Effect.Effect<boolean, StoreError>;
  /** The workspace's info, or `undefined` when it does not exist. */
  readonly workspace: (workspace: string) => Effect.Effect<WorkspaceInfo | undefined, StoreError>;
  /** Every workspace, by name. */
  readonly workspaces: () => Effect.Effect<ReadonlyArray<WorkspaceInfo>, StoreError>;
  /** How many collections the workspace holds, or `undefined` when it does not exist. */
  readonly count: (workspace: string) => Effect.Effect<number | undefined, StoreError>;
  /**
   * Page `page` (from 1) of `perPage` collections in ascending id order, or
   * `undefined` when the workspace does not exist. A page past the end has
   * no `spaces`.
   */
  readonly page: (
    workspace: string,
    page: number,
    perPage: number,
  ) => Effect.Effect<PageSlice | undefined, StoreError>;
  /**
   * The same page from memory only, without waiting: `undefined` unless
   * everything it needs is already cached. Used by the server's fast path.
   */
  readonly cachedPage: (workspace: string, page: number, perPage: number) => PageSlice | undefined;
  /**
   * The workspace's current version and count from memory, without waiting:
   * `undefined` unless a fresh record is cached. Used by the server's fast path.
   */
  readonly cachedVersion: (
    workspace: string,
  ) => { readonly version: string; readonly count: number } | undefined;
  /** Creates a signature token with generated token, access key and secret. */
  readonly createSignatureToken: (
    workspace: string,
    input: NewSignatureToken,
  ) => Effect.Effect<SignatureToken, StoreError>;
  /** Stores a signature token with known parts (replacing one with the same token). */
  readonly putSignatureToken: (
    workspace: string,
    input: SignatureTokenInput,
  ) => Effect.Effect<void, StoreError>;
  /** Checks a signature token's three parts. */
  readonly verifySignatureToken: (
    token: string,
    accessKey: string,
    accessSecret: Redacted.Redacted<string>,
  ) => Effect.Effect<SignatureVerification, StoreError>;
  /** Stores an admin API key of a workspace (replacing one with the same key). */
  readonly putAdminKey: (
    workspace: string,
    input: AdminKeyInput,
  ) => Effect.Effect<void, StoreError>;
  /** Checks an admin API key and secret. */
  readonly verifyAdminKey: (
    apiKey: string,
    apiSecret: Redacted.Redacted<string>,
  ) => Effect.Effect<AdminVerification, StoreError>;
}
