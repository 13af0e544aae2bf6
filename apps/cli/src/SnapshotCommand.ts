/**
 * `mode-discovery snapshot`: every resource of a workspace, listed at once
 * under one shared budget, into one SQLite file written whole or not at all.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import type * as Scope from "effect/Scope";
import { resources } from "@mode-discovery/core/Resources";
import { snapshot, type SnapshotSummary } from "@mode-discovery/core/Snapshot";
import { FileError, UsageError } from "./CliFailure.ts";
import type { CliIO } from "./CliIO.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { SharedFlags, SnapshotFlags } from "./Flags.ts";
import { checkIncludeSpaces, checkPageFlag, resolveBaseUrl, resolveWorkspace } from "./Settings.ts";
import {
  createWriter,
  isSnapshotInfo,
  orphanCounts,
  readSnapshotInfo,
} from "./SnapshotDatabase.ts";
import { makeClient } from "./_client.ts";
import { loadRedactedCredentials, withDiagnostics } from "./_command.ts";
import { formatCount, formatDuration, plural } from "./_text.ts";
import { VERSION } from "./_version.ts";

const randomHex = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

const reason = (error: unknown): string => {
  if (error instanceof Deno.errors.NotFound) return "no such directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotCapable) return "not allowed (run with --allow-write)";
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
};

/** Whether a process with this id is running (Linux `/proc`; elsewhere: assumed so). */
const alive = (pid: number): boolean => {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
};

/**
 * The temporary files of `path` (`.<name>.<pid>.<hex>.tmp`, and any SQLite
 * side file of one) with the pid that wrote each.
 */
const temporariesOf = (path: string): ReadonlyArray<{ path: string; pid: number }> => {
  const name = basename(path);
  const pattern = new RegExp(
    `^\\.${
      name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    }\\.(\\d+)\\.[0-9a-f]+\\.tmp(?:-journal|-wal|-shm)?$`,
  );
  const out: Array<{ path: string; pid: number }> = [];
  try {
    for (const entry of Deno.readDirSync(dirname(path))) {
      const match = pattern.exec(entry.name);
      if (match !== null) {
        out.push({ path: join(dirname(path), entry.name), pid: Number(match[1]) });
      }
    }
  } catch {
    // The directory is checked (and reported) when the file is created.
  }
  return out;
};

/**
 * Takes `<FILE>.lock` for this process, replacing one left by a process
 * that is gone; fails when another running snapshot holds it.
 */
const lock = (path: string): Effect.Effect<void, FileError, Scope.Scope> => {
  const lockPath = `${path}.lock`;
  const take = (): void | FileError => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        Deno.writeTextFileSync(lockPath, String(Deno.pid), { createNew: true });
        return;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) {
          return new FileError({
            path,
            message: `cannot write the snapshot ${path}: ${
              reason(error)
            }. Check that the directory ${dirname(path)} exists and is writable.`,
          });
        }
        const holder = Number(Deno.readTextFileSync(lockPath).trim());
        if (Number.isSafeInteger(holder) && holder > 0 && alive(holder)) {
          return new FileError({
            path,
            message:
              `${path} is being written by another mode-discovery snapshot (process ${holder}); wait for it to finish, or write to another file.`,
          });
        }
        Deno.removeSync(lockPath);
      }
    }
    return new FileError({ path, message: `cannot take the lock ${lockPath}; try again.` });
  };
  return Effect.acquireRelease(
    Effect.suspend(() => {
      const taken = take();
      return taken instanceof FileError ? Effect.fail(taken) : Effect.void;
    }),
    () => Effect.sync(() => Deno.removeSync(lockPath)).pipe(Effect.ignore),
  );
};

/** Checks FILE before anything is fetched: a directory that exists, no clobbering of a non-snapshot. */
const checkOutput = (
  path: string,
  force: boolean,
): Effect.Effect<"new" | "snapshot" | "forced", UsageError | FileError> =>
  Effect.suspend((): Effect.Effect<"new" | "snapshot" | "forced", UsageError | FileError> => {
    const dir = dirname(path);
    try {
      if (!Deno.statSync(dir).isDirectory) {
        return Effect.fail(
          new FileError({ path, message: `cannot write ${path}: ${dir} is not a directory.` }),
        );
      }
    } catch (error) {
      return Effect.fail(
        new FileError({
          path,
          message: `cannot write ${path}: the directory ${dir} ${
            error instanceof Deno.errors.NotFound ? "does not exist" : reason(error)
          }; create it first.`,
        }),
      );
    }
    const info = readSnapshotInfo(path);
    if (isSnapshotInfo(info)) return Effect.succeed("snapshot" as const);
    switch (info._tag) {
      case "Missing":
        return Effect.succeed("new" as const);
      case "Newer":
        return force ? Effect.succeed("forced" as const) : Effect.fail(
          new UsageError({
            message:
              `${path} is a snapshot written by a newer mode-discovery (${info.toolVersion}, format ${info.formatVersion}); pass --force to replace it, or write to another file.`,
          }),
        );
      default:
        return force ? Effect.succeed("forced" as const) : Effect.fail(
          new UsageError({
            message: `${path} exists and is not a mode-discovery snapshot${
              info._tag === "NotSqlite" ? " (not a SQLite database)" : ""
            }; pass --force to replace it, or choose another --output.`,
          }),
        );
    }
  });

/** The summary lines: rows per resource, orphans per kind, time and retries. */
const summaryLines = (
  summary: SnapshotSummary,
  path: string,
  orphans: ReadonlyArray<{ readonly kind: string; readonly count: number }>,
): ReadonlyArray<string> => {
  const rows = summary.resources.map((r) => {
    const resource = resources.find((x) => x.name === r.resource)!;
    return `${formatCount(r.rows)} ${r.rows === 1 ? resource.singular : resource.plural}`;
  });
  const retries = summary.resources.reduce((n, r) => n + r.retries, 0);
  const pages = summary.resources.reduce((n, r) => n + r.pagesFetched, 0);
  const split = summary.resources.filter((r) => r.pageSizeShrinks > 0).map((r) => {
    const resource = resources.find((x) => x.name === r.resource)!;
    return `${plural(r.pageSizeShrinks, "page")} of ${resource.plural}`;
  });
  const splitText = split.length === 0 ? "" : ` (${split.join(", ")} split into smaller ones)`;
  const orphanText = orphans.length === 0
    ? "no orphans"
    : `orphans: ${orphans.map((o) => `${formatCount(o.count)} ${o.kind}`).join(", ")}`;
  return [
    `snapshot of ${summary.workspace}${
      summary.includeSpaces === "all" ? " (include_spaces=all)" : ""
    } written to ${path}: ${rows.join(", ")}.`,
    `${plural(pages, "page")}${splitText}, ${plural(retries, "retry", "retries")}, ${
      formatDuration(summary.elapsedMs)
    }; ${orphanText}.`,
  ];
};

/**
 * Runs `snapshot` with parsed flags.
 *
 * **Details**
 *
 * - FILE is checked first: its directory must exist, and an existing FILE
 *   must be a snapshot (anything else is refused unless `--force`).
 * - `<FILE>.lock` keeps two snapshots from writing the same FILE at once.
 * - Every resource is listed at once with `--concurrency` requests in flight
 *   across all of them (default 4) and the `--requests-per-second` budget.
 * - Rows go into `.<FILE>.<pid>.<hex>.tmp` beside FILE, in one transaction;
 *   once every resource is complete, `PRAGMA integrity_check` must answer
 *   ok, the file is synced and renamed over FILE. On any failure, Ctrl-C or
 *   SIGTERM the temporary file is removed and FILE keeps its old content; a
 *   temporary file left by a killed run (SIGKILL) is removed by the next run.
 * - Progress per resource on a terminal; a summary at the end (rows per
 *   resource, orphans per kind, time, retries) and a warning when a
 *   resource's totals drifted.
 */
export const snapshotCommand = (
  flags: SnapshotFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.gen(function* () {
      const baseUrl = yield* resolveBaseUrl(shared.baseUrl, io.env, (m) => diagnostics.warn(m));
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      const perPage = yield* checkPageFlag("--per-page", flags.perPage);
      const includeSpaces = Option.isSome(flags.includeSpaces)
        ? yield* checkIncludeSpaces(flags.includeSpaces, resources.find((r) => r.includeSpaces)!)
        : undefined;
      const path = flags.output;
      const existing = yield* checkOutput(path, flags.force);
      const { credentials, source } = yield* loadRedactedCredentials(shared, io, diagnostics);
      const concurrency = Option.getOrElse(flags.concurrency, () => 4);
      if (concurrency > 64) {
        return yield* new UsageError({
          message: `--concurrency must be at most 64 requests in flight, got ${concurrency}.`,
        });
      }
      diagnostics.verbose(
        `base URL ${baseUrl}; workspace ${workspace}; credentials from ${source}; output ${path} (${existing}); concurrency ${concurrency}`,
      );
      const client = yield* makeClient({
        baseUrl,
        credentials,
        maxRetries: Option.getOrUndefined(shared.maxRetries),
        requestsPerSecond: Option.getOrUndefined(flags.requestsPerSecond),
        diagnostics,
      });
      const summary = yield* Effect.scoped(Effect.gen(function* () {
        yield* lock(path);
        for (const stale of temporariesOf(path)) {
          if (!alive(stale.pid)) {
            diagnostics.verbose(`removing ${stale.path}, left by process ${stale.pid}`);
            yield* Effect.sync(() => Deno.removeSync(stale.path)).pipe(Effect.ignore);
          }
        }
        const tempPath = join(dirname(path), `.${basename(path)}.${Deno.pid}.${randomHex()}.tmp`);
        let committed = false;
        const writer = yield* Effect.acquireRelease(
          createWriter(tempPath, { baseUrl, toolVersion: VERSION }),
          (writer) =>
            Effect.sync(() => {
              writer.close();
              if (!committed) {
                try {
                  Deno.removeSync(tempPath);
                } catch {
                  // not created, or already gone
                }
              }
            }),
        );
        const progress = diagnostics.startSnapshotProgress(
          workspace,
          resources.map((r) => r.cliName),
        );
        const done = yield* snapshot(client, writer.sink, {
          workspace,
          concurrency,
          perPage,
          includeSpaces,
          onProgress: (resource, p) => progress.update(resource.cliName, p),
        });
        diagnostics.clearProgress();
        yield* writer.check;
        writer.close();
        yield* Effect.tryPromise({
          try: async () => {
            const file = await Deno.open(tempPath, { read: true, write: true });
            try {
              await file.syncData();
            } finally {
              file.close();
            }
            await Deno.rename(tempPath, path);
            committed = true;
          },
          catch: (error) =>
            new FileError({
              path,
              message: `cannot finish the snapshot ${path}: ${reason(error)}.`,
            }),
        });
        return done;
      }));
      const orphans = orphanCounts(path);
      for (const line of summaryLines(summary, path, orphans)) diagnostics.info(line);
      for (const one of summary.resources) {
        if (one.totalsDrifted) {
          const resource = resources.find((r) => r.name === one.resource)!;
          diagnostics.warn(
            `the ${resource.plural} of ${workspace} changed during the snapshot: rows added or removed meanwhile may be missing (none is stored twice). Run again for a consistent picture.`,
          );
        }
      }
    }).pipe(
      Effect.onExit(() => Effect.sync(() => diagnostics.clearProgress())),
      withFailureContext(() => ({ redactor: diagnostics.currentRedactor })),
    ));
