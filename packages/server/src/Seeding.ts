/**
 * Seeding a store, shared by `seedStore` (any store) and the edge server's
 * `applySettings` (Deno KV, `MODE_SEED`): the same steps, with their own
 * log lines, token name and error mapping.
 *
 * @internal
 * @module
 */
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import type { AdminCredentials, SignatureCredentials } from "@mode-discovery/core";
import type { CollectionStoreService, StoreError } from "./CollectionStore.ts";
import { SEED_VERSION, seedCollections } from "./Seed.ts";

/** A step of {@link seedWorkspaces}, for naming it in an error. */
export type SeedStep =
  | { readonly _tag: "Read"; readonly workspace: string }
  | { readonly _tag: "Seed"; readonly workspace: string }
  | { readonly _tag: "DevCredentials" }
  | { readonly _tag: "DevAdmin" };

/** What to seed and how to report it. */
export interface Seeding<E> {
  /** Workspaces to seed with `seedCollections`, in order. */
  readonly seed: ReadonlyArray<{ readonly workspace: string; readonly count: number }>;
  /** A non-expiring signature token of the first seeded workspace. */
  readonly devCredentials?: SignatureCredentials | undefined;
  /** An admin API key of the first seeded workspace. */
  readonly devAdmin?: AdminCredentials | undefined;
  /** The name of the development token. */
  readonly tokenName: string;
  /** The user id of the development admin, creator of the development token. */
  readonly devUserId: number;
  /** Reports a workspace left alone because it holds data from `source`. */
  readonly skipped: (workspace: string, source: string) => void;
  /** Turns a store failure during `step` into the caller's error. */
  readonly failure: (step: SeedStep) => (error: StoreError) => E;
}

/**
 * Seeds each workspace with its deterministic collections (unless it already
 * holds the same seed, or data from elsewhere, which is never overwritten),
 * then stores the development token and admin key of the first one.
 */
export const seedWorkspaces = <E>(
  store: CollectionStoreService,
  seeding: Seeding<E>,
): Effect.Effect<void, E> =>
  Effect.gen(function* () {
    for (const { workspace, count } of seeding.seed) {
      const source = `seed:v${SEED_VERSION}:${workspace}:${count}`;
      const info = yield* store.workspace(workspace).pipe(
        Effect.mapError(seeding.failure({ _tag: "Read", workspace })),
      );
      if (info !== undefined && info.source === source) continue;
      if (info !== undefined && !info.source.startsWith("seed:")) {
        seeding.skipped(workspace, info.source);
        continue;
      }
      yield* store.replaceWorkspace(workspace, seedCollections(workspace, count), { source }).pipe(
        Effect.mapError(seeding.failure({ _tag: "Seed", workspace })),
      );
    }
    const first = seeding.seed[0]?.workspace;
    if (first === undefined) return;
    const creds = seeding.devCredentials;
    if (creds !== undefined) {
      yield* store.putSignatureToken(first, {
        token: Redacted.value(creds.token),
        accessKey: Redacted.value(creds.accessKey),
        accessSecret: creds.accessSecret,
        name: seeding.tokenName,
        creatorId: seeding.devUserId,
        expiresAt: null,
      }).pipe(Effect.mapError(seeding.failure({ _tag: "DevCredentials" })));
    }
    const admin = seeding.devAdmin;
    if (admin !== undefined) {
      yield* store.putAdminKey(first, {
        apiKey: Redacted.value(admin.apiKey),
        apiSecret: admin.apiSecret,
        userId: seeding.devUserId,
      }).pipe(Effect.mapError(seeding.failure({ _tag: "DevAdmin" })));
    }
  });
