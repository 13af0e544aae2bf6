/**
 * Opening the KV stores the server reads, from outside the server (a
 * script writing into the same `MODE_KV_PATH` file that `serve` reads).
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import {
  type CredentialStoreService,
  KvCredentialStore,
  KvListingStore,
  type KvListingStoreService,
} from "@mode-discovery/server";
import { EdgeStartupError, openKv } from "./EdgeHandler.ts";
import type { KvLocation } from "./EdgeSettings.ts";

/** The stores on a KV opened by {@link openKvStore}. */
export interface OpenedKvStore {
  /** The listing store. */
  readonly listings: KvListingStoreService;
  /** The credential store. */
  readonly credentials: CredentialStoreService;
  /** Closes the KV. */
  readonly close: () => void;
}

/**
 * Opens the KV at `location` and the KV stores on it. Rejects with an
 * {@link EdgeStartupError} naming `MODE_KV_PATH` when the KV cannot be
 * opened.
 *
 * @example
 * ```ts
 * import { KvLocation, openKvStore } from "@mode-discovery/edge";
 * const { listings, close } = await openKvStore(KvLocation.memory);
 * close();
 * ```
 */
export const openKvStore = async (location: KvLocation): Promise<OpenedKvStore> => {
  const exit = await Effect.runPromiseExit(openKv(location));
  if (Exit.isFailure(exit)) {
    const failure = Cause.findErrorOption(exit.cause);
    throw failure._tag === "Some"
      ? failure.value
      : new EdgeStartupError({ message: "The KV store could not be opened." });
  }
  const kv = exit.value;
  let closed = false;
  return {
    listings: KvListingStore.make(kv),
    credentials: KvCredentialStore.make(kv),
    close: () => {
      if (closed) return;
      closed = true;
      kv.close();
    },
  };
};
