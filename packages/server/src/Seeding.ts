/**
 * Seeding the stores from the settings: each workspace of the seed with its
 * deterministic world, then the development token and admin key of the
 * first one.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import type { AdminCredentials, SignatureCredentials } from "@mode-discovery/core";
import type { CredentialStoreService } from "./CredentialStore.ts";
import type { ListingStoreService, StoreError } from "./ListingStore.ts";
import { seedSource, type SeedWorkspace, seedWorld } from "./Seed.ts";
import { organizationIdOf } from "./_organizationId.ts";

/** The user id of the development admin (`MODE_DEV_ADMIN`), and creator of the dev token. */
export const DEV_ADMIN_USER_ID = 1;

/** A step of {@link seedStores}, for naming it in an error. */
export type SeedStep =
  | { readonly _tag: "Read"; readonly workspace: string }
  | { readonly _tag: "Seed"; readonly workspace: string }
  | { readonly _tag: "DevCredentials" }
  | { readonly _tag: "DevAdmin" };

/** What {@link seedStores} puts in the stores. */
export interface SeedStoresOptions {
  /** Workspaces to seed, in order. */
  readonly seed: ReadonlyArray<SeedWorkspace>;
  /** A non-expiring signature token of the first seeded workspace. */
  readonly devCredentials?: SignatureCredentials | undefined;
  /** An admin API key of the first seeded workspace. */
  readonly devAdmin?: AdminCredentials | undefined;
  /** The name of the development token. Default `development token`. */
  readonly tokenName?: string | undefined;
  /** Reports a workspace left alone because it holds data from `source`. Default `console.error`. */
  readonly skipped?: ((workspace: string, source: string) => void) | undefined;
}

/**
 * A store failure during seeding, with the step it happened in.
 *
 * @example
 * ```ts
 * import { SeedingFailure, StoreError } from "@mode-discovery/server";
 * new SeedingFailure({ _tag: "DevAdmin" }, new StoreError({ reason: "Unavailable", message: "x" }));
 * ```
 */
export class SeedingFailure {
  /** Tag for `Effect.catchTag`. */
  readonly _tag = "SeedingFailure" as const;
  /** Builds the failure. */
  constructor(readonly step: SeedStep, readonly error: StoreError) {}
}

/**
 * Seeds the stores: each workspace with its deterministic world (unless it
 * already holds the same seed, or data from elsewhere, which is never
 * overwritten), then the development token and admin key of the first one.
 *
 * **Details**
 *
 * A workspace is (re)seeded when it is missing or holds other seeded data
 * (its `source` starts with `seed:`); a workspace holding data from
 * elsewhere (an import, a mirror) is left alone and reported to `skipped`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { MemoryCredentialStore, MemoryListingStore, seedStores } from "@mode-discovery/server";
 * await Effect.runPromise(seedStores(
 *   { listings: MemoryListingStore.make(), credentials: MemoryCredentialStore.make() },
 *   { seed: [{ workspace: "acme", count: 4146 }] },
 * ));
 * ```
 */
export const seedStores = (
  stores: {
    readonly listings: ListingStoreService;
    readonly credentials: CredentialStoreService;
  },
  options: SeedStoresOptions,
): Effect.Effect<void, SeedingFailure> =>
  Effect.gen(function* () {
    const { listings, credentials } = stores;
    const at = (step: SeedStep) =>
      Effect.mapError((error: StoreError) => new SeedingFailure(step, error));
    for (const seed of options.seed) {
      const { workspace } = seed;
      const source = seedSource(seed);
      const info = yield* listings.workspace(workspace).pipe(at({ _tag: "Read", workspace }));
      if (info !== undefined && info.source === source) continue;
      if (info !== undefined && !info.source.startsWith("seed:")) {
        (options.skipped ??
          ((ws, from) => console.error(`seed: not seeding ${ws}: it holds data from ${from}`)))(
            workspace,
            info.source,
          );
        continue;
      }
      yield* listings.replaceWorkspace(workspace, seedWorld(seed), { source }).pipe(
        at({ _tag: "Seed", workspace }),
      );
    }
    const first = options.seed[0]?.workspace;
    if (first === undefined) return;
    const info = yield* listings.workspace(first).pipe(at({ _tag: "Read", workspace: first }));
    const organizationId = info?.organizationId ?? organizationIdOf(first);
    const creds = options.devCredentials;
    if (creds !== undefined) {
      yield* credentials.putSignatureToken(first, {
        token: Redacted.value(creds.token),
        accessKey: Redacted.value(creds.accessKey),
        accessSecret: creds.accessSecret,
        name: options.tokenName ?? "development token",
        creatorId: DEV_ADMIN_USER_ID,
        organizationId,
        expiresAt: null,
      }).pipe(at({ _tag: "DevCredentials" }));
    }
    const admin = options.devAdmin;
    if (admin !== undefined) {
      yield* credentials.putAdminKey(first, {
        apiKey: Redacted.value(admin.apiKey),
        apiSecret: admin.apiSecret,
        userId: DEV_ADMIN_USER_ID,
      }).pipe(at({ _tag: "DevAdmin" }));
    }
  });
