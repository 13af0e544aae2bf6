/**
 * The store `mirror` and `import` write into: the Deno KV file named by
 * `MODE_KV_PATH`, the same one `serve` reads. The command opens the KV
 * itself and hands it to packages/server's KV listing store.
 *
 * @internal
 * @module
 */
import * as Effect from "effect/Effect";
import type * as Scope from "effect/Scope";
import { KvListingStore, type KvListingStoreService } from "@mode-discovery/server";
import { FileError, UsageError } from "./CliFailure.ts";

/** An open target store and where it is. */
export interface KvTarget {
  /** The listing store on the KV. */
  readonly store: KvListingStoreService;
  /** `MODE_KV_PATH`, for messages. */
  readonly path: string;
}

/**
 * Opens the KV of `MODE_KV_PATH` for the length of the scope. Refuses an
 * unset or in-memory path: the data would vanish when the command exits.
 */
export const openKvTarget = (
  command: string,
  env: (name: string) => string | undefined,
): Effect.Effect<KvTarget, UsageError | FileError, Scope.Scope> =>
  Effect.gen(function* () {
    const path = env("MODE_KV_PATH")?.trim() ?? "";
    if (path === "" || path === ":memory:") {
      return yield* new UsageError({
        message: `${command} writes into the Deno KV file that 'serve' reads, and MODE_KV_PATH ${
          path === "" ? "is not set" : "is :memory: (gone when the command exits)"
        }: set MODE_KV_PATH to that file, such as MODE_KV_PATH=./data/edge.kv, for both.`,
      });
    }
    const kv = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => Deno.openKv(path),
        catch: (error) =>
          new FileError({
            path,
            message: `Cannot open the KV store at MODE_KV_PATH=${path}: ${
              error instanceof Error ? error.message.split("\n")[0] : String(error)
            }.`,
          }),
      }),
      (kv) => Effect.sync(() => kv.close()),
    );
    return { store: KvListingStore.make(kv), path };
  });

/** A store failure as the command reports it: the KV file could not be written (exit 9). */
export const storeFailure = (path: string) => (error: { readonly message: string }): FileError =>
  new FileError({
    path,
    message: `cannot write the KV store MODE_KV_PATH=${path}: ${error.message}. ` +
      "The data it held before is unchanged.",
  });
