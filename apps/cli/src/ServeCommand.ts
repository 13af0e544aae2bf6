/**
 * `mode-discovery serve`: the apps/edge server, configured like
 * `deno task serve` (MODE_KV_PATH, MODE_SEED, MODE_DEV_CREDENTIALS,
 * MODE_DEV_ADMIN, MODE_LAST_PAGE_NEXT, MODE_RATE_LIMIT, MODE_FAULTS,
 * MODE_CORS_ORIGINS, MODE_ACCESS_LOG, PORT), until Ctrl-C.
 *
 * @module
 */
import * as ConfigProvider from "effect/ConfigProvider";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { collections } from "@mode-discovery/core/Resources";
import { workspacePath } from "@mode-discovery/core/Routes";
import { lineBuffer } from "@mode-discovery/server";
import {
  describeSettings,
  EDGE_SETTINGS_VARIABLES,
  EdgeSettings,
  startEdgeServer,
} from "@mode-discovery/edge";
import { ServeError, UsageError } from "./CliFailure.ts";
import { CliIO, writeStdout } from "./CliIO.ts";
import { Diagnostics } from "./Diagnostics.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { ServeFlags, SharedFlags } from "./Flags.ts";
import { Redactor } from "./Redactor.ts";
import { StopSignal } from "./StopSignal.ts";

/** The environment variables the edge server reads: its settings, and `PORT`. */
const EDGE_VARIABLES = [...EDGE_SETTINGS_VARIABLES, "PORT"] as const;

/**
 * Runs `serve`: starts the edge server and keeps it up until SIGINT or
 * SIGTERM, then shuts it down (requests in flight finish) and exits 0.
 *
 * **Details**
 *
 * Settings come from the same environment variables as `deno task serve`;
 * `--hostname` (default 127.0.0.1) and `--port` (default `PORT`, else 8787)
 * choose where to listen. The access log (one JSON line per request) goes
 * to stdout unless `MODE_ACCESS_LOG=off`. A bad setting exits 2 naming the
 * variable; a port in use exits 6. `MODE_MIRROR_FROM` is only acted on by
 * Deno Deploy's cron (apps/edge/main.ts): here it is reported and ignored;
 * run `mirror` instead.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { CliIO, serveApi } from "@mode-discovery/cli";
 * const program = serveApi(
 *   { hostname: Option.none(), port: Option.some(0) },
 *   { baseUrl: Option.none(), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * );
 * ```
 */
export const serveApi = (
  flags: ServeFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO | StopSignal> =>
  Effect.gen(function* () {
    const io = yield* CliIO;
    const stop = yield* StopSignal;
    const diagnostics = Diagnostics.make(io, shared);
    yield* Effect.scoped(Effect.gen(function* () {
      const env: Record<string, string> = {};
      for (const name of EDGE_VARIABLES) {
        const value = io.env(name);
        if (value !== undefined) env[name] = value;
      }
      const fromEnv = <A, E>(effect: Effect.Effect<A, E>) =>
        effect.pipe(
          Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })),
          Effect.mapError((error) =>
            new UsageError({ message: error instanceof Error ? error.message : String(error) })
          ),
        );
      const settings = yield* fromEnv(EdgeSettings.fromConfig);
      let redactor = Redactor.empty;
      if (settings.devCredentials !== undefined) {
        redactor = redactor.addSignature(settings.devCredentials);
      }
      if (settings.devAdmin !== undefined) redactor = redactor.addAdmin(settings.devAdmin);
      if (settings.mirror !== undefined) {
        redactor = redactor.addSignature(settings.mirror.credentials);
      }
      diagnostics.redact(redactor);
      if (settings.mirror !== undefined) {
        diagnostics.warn(
          "MODE_MIRROR_FROM is set, but 'serve' does not refresh mirrors (Deno Deploy's cron " +
            "does): run 'mode-discovery mirror' to update the store.",
        );
      }
      const port = Option.isSome(flags.port)
        ? flags.port.value
        : yield* fromEnv(EdgeSettings.portFromConfig);
      const hostname = Option.getOrElse(flags.hostname, () => "127.0.0.1");
      const accessLog = lineBuffer((text) => io.stdout.writeSync(text));
      yield* Effect.addFinalizer(() => Effect.sync(() => accessLog.flush()));
      stop.takeOver();
      const server = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () =>
            startEdgeServer({
              hostname,
              port,
              settings: { ...settings, accessLog: settings.accessLog ?? true },
              log: (line) => diagnostics.warn(line),
              accessLog: accessLog.line,
            }),
          catch: (error) =>
            new ServeError({ message: error instanceof Error ? error.message : String(error) }),
        }),
        (server) => Effect.promise(() => server.close()),
      );
      yield* writeStdout(
        `mode-discovery edge listening on ${server.url} (${describeSettings(settings)})\n` +
          (settings.seed.length > 0
            ? `  try: ${server.url}${
              workspacePath(collections.path, settings.seed[0].workspace)
            }?per_page=100\n`
            : ""),
      );
      yield* Effect.callback<void>((resume) => {
        if (stop.signal.aborted) return resume(Effect.void);
        stop.signal.addEventListener("abort", () => resume(Effect.void), { once: true });
      });
      diagnostics.info(`${String(stop.signal.reason ?? "stop")}: shutting down.`);
    })).pipe(withFailureContext(() => ({ redactor: diagnostics.currentRedactor })));
  });
