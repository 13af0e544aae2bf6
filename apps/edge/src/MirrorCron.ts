/**
 * Keeping a mirror fresh on Deno Deploy: a `Deno.cron` job that runs
 * {@link mirrorWorkspace} on the `MODE_MIRROR_*` settings.
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import { type ClientOptions, DiscoveryClient, resources } from "@mode-discovery/core";
import { type ListingStoreService, mirrorWorkspace } from "@mode-discovery/server";
import type { MirrorSettings } from "./MirrorSettings.ts";

/** The shape of `Deno.cron(name, schedule, options, handler)`. */
export type CronRegister = (
  name: string,
  schedule: string,
  options: { readonly signal?: AbortSignal },
  handler: () => Promise<void>,
) => unknown;

/** Options of {@link mirrorJob} and {@link registerMirrorCron}. */
export interface MirrorJobOptions {
  /** What to mirror, from where, how often. */
  readonly settings: MirrorSettings;
  /** The store to write into (the server's), or `undefined` when it could not start. */
  readonly store: () => Promise<ListingStoreService | undefined>;
  /** Where each run's one-line result goes. Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
  /** Client settings (retries, timeouts); the base URL and credentials come from `settings`. */
  readonly client?: ClientOptions | undefined;
}

/** The name the cron job is registered under. */
export const MIRROR_CRON_NAME = "mode-discovery mirror";

/**
 * One mirror run as a function for `Deno.cron`: lists every resource of
 * the workspace upstream and swaps them into the store, then logs one line (the result, or
 * why it failed; never a secret). Never rejects; a run that starts while
 * the previous one is still going is skipped.
 *
 * @example
 * ```ts
 * import { MemoryListingStore } from "@mode-discovery/server";
 * import { mirrorJob, readMirrorSettings } from "@mode-discovery/edge";
 * const settings = readMirrorSettings((name) => Deno.env.get(name));
 * const store = MemoryListingStore.make();
 * if (settings !== undefined && !(settings instanceof Error)) {
 *   await mirrorJob({ settings, store: () => Promise.resolve(store) })();
 * }
 * ```
 */
export const mirrorJob = (options: MirrorJobOptions): () => Promise<void> => {
  const { settings } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  let running = false;
  return async () => {
    if (running) {
      log(`edge: mirror of ${settings.workspace}: the previous run is still going; skipped`);
      return;
    }
    running = true;
    try {
      const store = await options.store();
      if (store === undefined) {
        log(
          `edge: mirror of ${settings.workspace}: skipped, the server is not configured correctly`,
        );
        return;
      }
      const exit = await Effect.runPromiseExit(
        Effect.gen(function* () {
          const client = yield* DiscoveryClient.make({
            ...options.client,
            baseUrl: settings.from,
            credentials: settings.credentials,
          });
          return yield* mirrorWorkspace({
            client,
            store,
            workspace: settings.workspace,
            source: `mirror:${settings.from}`,
          });
        }),
      );
      if (Exit.isSuccess(exit)) {
        const { info, summaries } = exit.value;
        const listed = Object.values(summaries);
        const sum = (f: (s: (typeof listed)[number]) => number) =>
          listed.reduce((total, s) => total + f(s), 0);
        log(
          `edge: mirror: ${
            resources.map((r) => `${info.counts[r.name]} ${r.plural}`).join(", ")
          } of ${settings.workspace} from ${settings.from} in ${
            sum((s) => s.pagesFetched)
          } pages, ${sum((s) => s.retries)} retries, ${Math.round(sum((s) => s.elapsedMs))} ms${
            listed.some((s) => s.totalsDrifted) ? " (the workspace changed during the listing)" : ""
          }`,
        );
      } else {
        const error = Cause.squash(exit.cause);
        log(
          `edge: mirror of ${settings.workspace} from ${settings.from} failed, the previous copy stays: ${
            (error instanceof Error ? error.message : String(error)).split("\n")[0]
          }`,
        );
      }
    } finally {
      running = false;
    }
  };
};

/**
 * Registers the mirror job with `cron` (`Deno.cron`) on
 * `settings.schedule`. Returns `false`, registering nothing, when `cron`
 * is `undefined` (Deno without `--unstable-cron`); a schedule `cron`
 * refuses is logged naming `MODE_MIRROR_SCHEDULE`.
 *
 * @example
 * ```ts
 * import { registerMirrorCron } from "@mode-discovery/edge";
 * // main.ts: registerMirrorCron(Deno.cron, { settings, store: () => handlerStore() });
 * ```
 */
export const registerMirrorCron = (
  cron: CronRegister | undefined,
  options: MirrorJobOptions & {
    /** Aborting it removes the job (so a local `deno serve` can exit on SIGTERM). */
    readonly signal?: AbortSignal | undefined;
  },
): boolean => {
  const log = options.log ?? ((line: string) => console.error(line));
  if (cron === undefined) return false;
  try {
    cron(
      MIRROR_CRON_NAME,
      options.settings.schedule,
      options.signal === undefined ? {} : { signal: options.signal },
      mirrorJob(options),
    );
    return true;
  } catch (error) {
    log(
      `edge: Invalid MODE_MIRROR_SCHEDULE: Deno.cron refused ${
        JSON.stringify(options.settings.schedule)
      }: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`,
    );
    return false;
  }
};
