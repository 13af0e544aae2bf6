/**
 * The `mode-discovery` command tree (effect/cli) and the runner that turns
 * a run into an exit code.
 *
 * **Details**
 *
 * This module loads only `effect`, `effect/cli` and small local modules;
 * each command's implementation (the client, formatters, the server) is
 * imported when that command runs, so `--help`, `--version` and
 * `--completions` start fast.
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Fiber from "effect/Fiber";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";
import * as Argument from "effect/cli/Argument";
import * as CliConfig from "effect/cli/CliConfig";
import * as CliError from "effect/cli/CliError";
import * as CliOutput from "effect/cli/CliOutput";
import * as Command from "effect/cli/Command";
import * as Flag from "effect/cli/Flag";
import * as GlobalFlag from "effect/cli/GlobalFlag";
import type * as HelpDoc from "effect/cli/HelpDoc";
import { type AnyResource, collections, resources } from "@mode-discovery/core/Resources";
import { CliIO, type CliIOShape } from "./CliIO.ts";
import * as DenoCliServices from "./DenoCliServices.ts";
import { colorAllowed, Diagnostics } from "./Diagnostics.ts";
import { environmentVariables } from "./Environment.ts";
import { type CommandFailed, describeFailure } from "./ErrorReport.ts";
import { ExitCode, exitCodeTable } from "./ExitCode.ts";
import type { SharedFlags } from "./Flags.ts";
import { outputFormats } from "./OutputFormat.ts";
import { StopSignal } from "./StopSignal.ts";

/** The command's name, as installed. */
export const CLI_NAME = "mode-discovery";

export { VERSION } from "./_version.ts";
import { VERSION } from "./_version.ts";

const WHOLE = /^[+-]?[0-9]+$/;

/**
 * A flag taking a whole number from `min` (to `max`): any other text, a
 * word or a fraction as much as a number out of range, is refused with
 * what the flag takes.
 */
const wholeNumber = (name: string, min: number, max?: number) =>
  Flag.String(name).pipe(
    Flag.filterMap(
      (text) => {
        const trimmed = text.trim();
        const n = WHOLE.test(trimmed) ? Number(trimmed) : Number.NaN;
        return Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max)
          ? Option.some(n)
          : Option.none();
      },
      (text) => {
        const takes = `--${name} must be a whole number ${
          max === undefined ? `of ${min} or more` : `from ${min} to ${max}`
        }, got ${JSON.stringify(text)}`;
        return WHOLE.test(text.trim()) && !Number.isSafeInteger(Number(text.trim()))
          ? `${takes}, which is too large to count exactly (at most ${Number.MAX_SAFE_INTEGER})`
          : takes;
      },
    ),
  );

const positiveInt = (name: string) => wholeNumber(name, 1);

const workspaceFlag = Flag.String("workspace").pipe(
  Flag.withMetavar("NAME"),
  Flag.withDescription("Workspace username (default: $MODE_WORKSPACE)"),
  Flag.optional,
);

// An optional whole number of 1 or more.
const countFlag = (name: string, metavar: string, description: string) =>
  positiveInt(name).pipe(
    Flag.withMetavar(metavar),
    Flag.withDescription(description),
    Flag.optional,
  );

const perPageFlag = countFlag(
  "per-page",
  "N",
  "Items per request, 1 to 1000 (default 1000)",
);

const concurrencyFlag = countFlag("concurrency", "N", "Pages fetched at once (default 4)");

const outputFlag = (description: string) =>
  Flag.String("output").pipe(
    Flag.withAlias("o"),
    Flag.withMetavar("FILE"),
    Flag.withDescription(description),
    Flag.optional,
  );

const root = Command.make(CLI_NAME).pipe(
  Command.withSharedFlags({
    baseUrl: Flag.String("base-url").pipe(
      Flag.withMetavar("URL"),
      Flag.withDescription("API base URL (default: $MODE_BASE_URL, else https://app.mode.com)"),
      Flag.optional,
    ),
    credentialsFile: Flag.String("credentials-file").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription(
        "Signature token JSON (as printed by 'tokens create') instead of " +
          "$MODE_TOKEN, $MODE_ACCESS_KEY and $MODE_ACCESS_SECRET",
      ),
      Flag.optional,
    ),
    maxRetries: wholeNumber("max-retries", 0).pipe(
      Flag.withMetavar("N"),
      Flag.withDescription("Retries of a request that failed in a retryable way (default 5)"),
      Flag.optional,
    ),
    verbose: Flag.Boolean("verbose").pipe(
      Flag.withDescription("Print each request (secrets redacted) and the settings in use"),
      Flag.withDefault(false),
    ),
    quiet: Flag.Boolean("quiet").pipe(
      Flag.withAlias("q"),
      Flag.withDescription("No progress and no summary on stderr (warnings and errors still show)"),
      Flag.withDefault(false),
    ),
  }),
  Command.withDescription(
    "List the collections, reports, queries, charts, report stats and members of a Mode " +
      "workspace through the Discovery API, create signature tokens, serve the API locally, " +
      "or fill its store by mirroring a workspace or importing NDJSON.",
  ),
);

/** A command's implementation: its parsed flags and the shared ones to the run. */
type CommandRun<F> = (
  flags: F,
  shared: SharedFlags,
) => Effect.Effect<void, CommandFailed, CliIO | StopSignal>;

// The handler of a subcommand: loads its module only when it runs (so --help stays fast),
// then runs it with the shared flags of the root command.
const runCommand = <F>(load: () => Promise<CommandRun<F>>) => (flags: F) =>
  Effect.gen(function* () {
    const shared = yield* root;
    const run = yield* Effect.promise(load);
    yield* run(flags, shared);
  });

const includeSpacesFlag = Flag.String("include-spaces").pipe(
  Flag.withMetavar("all"),
  Flag.withDescription(
    "all: also items in members' personal collections (reports, queries, charts, report-stats)",
  ),
  Flag.optional,
);

const formatFlag = Flag.Literals("format", outputFormats).pipe(
  Flag.withDescription(
    "Output format (default: table on a terminal, else ndjson; with --output, " +
      "from the file extension .csv/.json/.ndjson/.jsonl, else ndjson)",
  ),
  Flag.optional,
);

/** The FIELDS part of a resource's help: every wire field and what it means. */
const fieldsHelp = (resource: AnyResource): string => {
  const width = Math.max(...resource.columns.map((c) => c.name.length));
  return `Fields (every one in json, ndjson and csv; lists as JSON text in csv):\n${
    resource.columns.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`).join("\n")
  }`;
};

/** `<resource> list` and `<resource> page`, from the resource's descriptor. */
const resourceCommand = (resource: AnyResource) => {
  const name = resource.cliName;
  const takesSpaces = resource.includeSpaces;
  const common = {
    workspace: workspaceFlag,
    perPage: perPageFlag,
    concurrency: concurrencyFlag,
    limit: countFlag(
      "limit",
      "N",
      `Stop after N ${resource.plural}${
        resource === collections
          ? " (after --type); without --per-page or --type, pages of at most N"
          : "; without --per-page, pages of at most N"
      }`,
    ),
    includeSpaces: includeSpacesFlag,
    format: formatFlag,
    output: outputFlag("Write to FILE, replaced only when the whole listing succeeded"),
  };
  const flags = resource === collections
    ? {
      ...common,
      type: Flag.String("type").pipe(
        Flag.withMetavar("TYPE"),
        Flag.withDescription("Only collections with this space_type (for example custom)"),
        Flag.optional,
      ),
    }
    : common;
  const list = Command.make(
    "list",
    flags,
    runCommand(() =>
      import("./ListCommand.ts").then((m) => m.listItems(resource) as CommandRun<unknown>)
    ),
  ).pipe(
    Command.withShortDescription(`List every one of a workspace's ${resource.plural}.`),
    Command.withDescription(
      `List every one of a workspace's ${resource.plural}. ${resource.description} Rows stream out as pages arrive; progress and a summary go to stderr.${
        takesSpaces
          ? " Items in members' personal collections are left out unless --include-spaces all."
          : ""
      }\n\n${fieldsHelp(resource)}`,
    ),
    Command.withExamples([
      { command: `${CLI_NAME} ${name} list --workspace acme`, description: "A table" },
      {
        command: `${CLI_NAME} ${name} list --workspace acme --output ${resource.tableName}.csv`,
        description: `Every one of the ${resource.plural} as CSV, written whole or not at all`,
      },
      resource === collections
        ? {
          command: `${CLI_NAME} collections list --type custom --limit 20 --format json`,
          description: "The first 20 custom collections as JSON (workspace from $MODE_WORKSPACE)",
        }
        : takesSpaces
        ? {
          command: `${CLI_NAME} ${name} list --workspace acme --include-spaces all --format ndjson`,
          description: "Personal collections' items too, one JSON object per line",
        }
        : {
          command: `${CLI_NAME} ${name} list --limit 20 --format json`,
          description: `The first 20 as JSON (workspace from $MODE_WORKSPACE)`,
        },
    ]),
  );
  const page = Command.make("page", {
    workspace: workspaceFlag,
    page: countFlag("page", "N", "Page number from 1 (default 1)"),
    perPage: countFlag("per-page", "M", "Items per page, 1 to 1000 (default 1000)"),
    includeSpaces: includeSpacesFlag,
  }, runCommand(() => import("./PageCommand.ts").then((m) => m.showItemsPage(resource)))).pipe(
    Command.withShortDescription("Print one raw page as JSON."),
    Command.withDescription(
      `Print one page of ${resource.plural} (pagination, ${resource.segment} and links) as JSON, for debugging.\n\n${
        fieldsHelp(resource)
      }`,
    ),
    Command.withExamples([
      { command: `${CLI_NAME} ${name} page --workspace acme --page 2 --per-page 100` },
    ]),
  );
  return Command.make(name).pipe(
    Command.withDescription(
      `${resource.description} GET /batch/{workspace}/${resource.segment}.`,
    ),
    Command.withSubcommands([list, page]),
  );
};

const resourceCommands = resources.map(resourceCommand);

const create = Command.make("create", {
  workspace: workspaceFlag,
  name: Flag.String("name").pipe(
    Flag.withMetavar("NAME"),
    Flag.withDescription("Token name, 4 to 64 characters"),
  ),
  expiresAt: Flag.String("expires-at").pipe(
    Flag.withMetavar("ISO"),
    Flag.withDescription("Expiry, ISO 8601 (for example 2027-01-01T00:00:00Z)"),
  ),
  output: outputFlag("Write the token JSON to FILE (mode 0600) instead of stdout"),
}, runCommand(() => import("./TokensCommand.ts").then((m) => m.createToken))).pipe(
  Command.withShortDescription("Create a signature token (prints its JSON)."),
  Command.withDescription(
    "Create a read-only signature token with a workspace admin's API key and secret " +
      "($MODE_API_KEY, $MODE_API_SECRET). Prints the token JSON, which " +
      "--credentials-file accepts.",
  ),
  Command.withExamples([
    {
      command:
        `${CLI_NAME} tokens create --workspace acme --name "nightly export" --expires-at 2027-01-01T00:00:00Z --output token.json`,
    },
  ]),
);

const tokens = Command.make("tokens").pipe(
  Command.withDescription("Signature tokens, the credentials of the Discovery API."),
  Command.withSubcommands([create]),
);

const serve = Command.make("serve", {
  hostname: Flag.String("hostname").pipe(
    Flag.withMetavar("HOST"),
    Flag.withDescription("Interface to listen on (default 127.0.0.1)"),
    Flag.optional,
  ),
  port: wholeNumber("port", 0, 65535).pipe(
    Flag.withMetavar("PORT"),
    Flag.withDescription("Port (default: $PORT, else 8787; 0 picks a free one)"),
    Flag.optional,
  ),
}, runCommand(() => import("./ServeCommand.ts").then((m) => m.serveApi))).pipe(
  Command.withShortDescription("Serve the Discovery API locally (until Ctrl-C)."),
  Command.withDescription(
    "Serve the Discovery API locally (apps/edge), with the same settings as " +
      "'deno task serve': MODE_KV_PATH, MODE_SEED, MODE_DEV_CREDENTIALS, MODE_DEV_ADMIN, " +
      "MODE_LAST_PAGE_NEXT, MODE_RATE_LIMIT, MODE_FAULTS, MODE_CORS_ORIGINS, " +
      "MODE_ACCESS_LOG (default on: one JSON line per request on stdout), PORT.",
  ),
);

const mirror = Command.make("mirror", {
  from: Flag.String("from").pipe(
    Flag.withMetavar("URL"),
    Flag.withDescription("Base URL of the API to copy from, such as https://app.mode.com"),
  ),
  workspace: workspaceFlag,
  perPage: perPageFlag,
  concurrency: concurrencyFlag,
}, runCommand(() => import("./MirrorCommand.ts").then((m) => m.mirrorCommand))).pipe(
  Command.withShortDescription("Copy a workspace from an API into the local store."),
  Command.withDescription(
    "List every resource of a workspace (collections, reports, queries, charts, report " +
      "stats and members) through the Discovery API at --from (with the signature token of " +
      "$MODE_TOKEN, $MODE_ACCESS_KEY, $MODE_ACCESS_SECRET or --credentials-file) and store " +
      "them in the Deno KV file of $MODE_KV_PATH (the one 'serve' reads), replacing the " +
      "previous copy in one atomic swap. Nothing is written unless every listing worked.",
  ),
  Command.withExamples([
    {
      command:
        `MODE_KV_PATH=./data/edge.kv ${CLI_NAME} mirror --from https://app.mode.com --workspace acme`,
      description: "Copy acme from Mode into ./data/edge.kv",
    },
  ]),
);

const importCommand = Command.make("import", {
  inputs: Argument.String("input").pipe(
    Argument.withMetavar("[RESOURCE=]FILE"),
    Argument.withDescription(
      "NDJSON files, one per resource: RESOURCE=FILE (collections, reports, queries, charts, " +
        "report-stats, members), a bare FILE of collections; '-' for standard input",
    ),
    Argument.variadic({ min: 1 }),
  ),
  workspace: workspaceFlag,
}, runCommand(() => import("./ImportCommand.ts").then((m) => m.importCommand))).pipe(
  Command.withShortDescription("Store NDJSON files as a workspace in the local store."),
  Command.withDescription(
    "Store the items of NDJSON files (as '<resource> list --format ndjson' writes them), one " +
      "file per resource, as the workspace --workspace in the Deno KV file of $MODE_KV_PATH, " +
      "in one atomic swap; the resources not given keep their items. Every line of every file " +
      "is checked first: one bad line refuses the whole import, naming its file, resource and " +
      "line, and the stored workspace stays as it was.",
  ),
  Command.withExamples([
    {
      command: `MODE_KV_PATH=./data/edge.kv ${CLI_NAME} import acme.ndjson --workspace acme`,
      description: "The collections of acme.ndjson",
    },
    {
      command:
        `MODE_KV_PATH=./data/edge.kv ${CLI_NAME} import --workspace acme reports=reports.ndjson collections=c.ndjson`,
      description: "Reports and collections; the other resources keep their items",
    },
  ]),
);

const snapshotCommand = Command.make("snapshot", {
  workspace: workspaceFlag,
  output: Flag.String("output").pipe(
    Flag.withAlias("o"),
    Flag.withMetavar("FILE.sqlite"),
    Flag.withDescription(
      "The SQLite file to write; replaced only when every resource is complete and checked",
    ),
  ),
  concurrency: countFlag(
    "concurrency",
    "N",
    "Requests in flight at once across every resource, 1 to 64 (default 4)",
  ),
  requestsPerSecond: Flag.String("requests-per-second").pipe(
    Flag.filterMap(
      (text) => {
        const n = text.trim() === "" ? Number.NaN : Number(text);
        return Number.isFinite(n) && n > 0 ? Option.some(n) : Option.none();
      },
      (text) =>
        `--requests-per-second must be a finite number above 0, got ${JSON.stringify(text)}`,
    ),
    Flag.withMetavar("N"),
    Flag.withDescription("Most requests per second, retries included (default: no limit)"),
    Flag.optional,
  ),
  perPage: perPageFlag,
  includeSpaces: includeSpacesFlag,
  force: Flag.Boolean("force").pipe(
    Flag.withDescription("Replace FILE even when it exists and is not a snapshot"),
    Flag.withDefault(false),
  ),
}, runCommand(() => import("./SnapshotCommand.ts").then((m) => m.snapshotCommand))).pipe(
  Command.withShortDescription("Write every resource of a workspace into one SQLite file."),
  Command.withDescription(
    "List the collections, reports, queries, charts, report stats and members of a " +
      "workspace at once (--concurrency requests in flight across all of them) and write " +
      "them into one SQLite file: a table per resource (one column per field), the tables " +
      "snapshot and snapshot_resources, and the views report_details and orphans. FILE is " +
      "written whole or not at all: into a temporary file beside it, renamed over it once " +
      "every resource is complete and PRAGMA integrity_check answers ok.",
  ),
  Command.withExamples([
    {
      command: `${CLI_NAME} snapshot --workspace acme --output acme.sqlite`,
      description: "Snapshot acme, then: sqlite3 acme.sqlite 'SELECT count(*) FROM orphans'",
    },
    {
      command:
        `${CLI_NAME} snapshot --workspace acme -o acme.sqlite --include-spaces all --requests-per-second 4`,
      description: "Personal collections' items too, at most 4 requests a second",
    },
  ]),
);

const diffCommand = Command.make("diff", {
  old: Argument.String("OLD.sqlite").pipe(
    Argument.withDescription("The earlier snapshot"),
  ),
  new: Argument.String("NEW.sqlite").pipe(
    Argument.withDescription("The later snapshot of the same workspace"),
  ),
  format: Flag.Literals("format", ["table", "ndjson", "json"] as const).pipe(
    Flag.withDescription("Output format (default: table on a terminal, else ndjson)"),
    Flag.optional,
  ),
  resource: Flag.String("resource").pipe(
    Flag.withMetavar("NAME"),
    Flag.withDescription("Compare only this resource (repeatable): reports, report-stats, ..."),
    Flag.atLeast(0),
  ),
  ignore: Flag.String("ignore").pipe(
    Flag.withMetavar("FIELD"),
    Flag.withDescription("Leave this field out of the comparison (repeatable): last_viewed_at"),
    Flag.atLeast(0),
  ),
}, runCommand(() => import("./DiffCommand.ts").then((m) => m.diffCommand))).pipe(
  Command.withShortDescription("Show what changed between two snapshots."),
  Command.withDescription(
    "Compare two snapshots of the same workspace, resource by resource and key by key: rows " +
      "added, removed, and changed with the fields that changed (old and new value). " +
      'NDJSON gives one line per change: {"resource","change","key","token","fields":' +
      '{"name":{"old","new"}}}.',
  ),
  Command.withExamples([
    {
      command: `${CLI_NAME} diff last-week.sqlite today.sqlite --ignore last_viewed_at`,
      description: "What changed, without view times",
    },
    {
      command: `${CLI_NAME} diff old.sqlite new.sqlite --resource reports --format ndjson`,
      description: "Report changes only, one JSON line each",
    },
  ]),
);

/**
 * The whole command tree: `<resource> list|page` for every resource
 * (`collections`, `reports`, `queries`, `charts`, `report-stats`,
 * `members`), `snapshot`, `diff`, `tokens create`, `serve`, `mirror`,
 * `import`.
 *
 * @example
 * ```ts
 * import * as Command from "effect/cli/Command";
 * import { command } from "@mode-discovery/cli";
 * command.name; // => "mode-discovery"
 * ```
 */
export const command: Command.Command<
  typeof CLI_NAME,
  SharedFlags,
  SharedFlags,
  CommandFailed,
  CliIO | StopSignal
> = root.pipe(
  Command.withSubcommands([
    ...resourceCommands,
    snapshotCommand,
    diffCommand,
    tokens,
    serve,
    mirror,
    importCommand,
  ]),
);

const section = (title: string, rows: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(...rows.map(([left]) => left.length)) + 4;
  return `${title}\n${rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join("\n")}`;
};

const exitCodesSection = section(
  "EXIT CODES",
  exitCodeTable.map(([code, meaning]) => [String(code), meaning] as const),
);
const environmentSection = section("ENVIRONMENT", environmentVariables);

/**
 * The help formatter: effect/cli's, plus ENVIRONMENT (on the top-level
 * help) and EXIT CODES sections.
 */
export const helpFormatter = (colors: boolean): CliOutput.Formatter => {
  const base = CliOutput.defaultFormatter({ colors });
  const bold = (s: string) => (colors ? s.replace(/^([A-Z ]+)$/gm, "\x1b[1m$1\x1b[0m") : s);
  return {
    ...base,
    formatHelpDoc: (doc: HelpDoc.HelpDoc) => {
      const top = (doc.commandPath?.length ?? 1) <= 1;
      const extra = top ? [environmentSection, exitCodesSection] : [exitCodesSection];
      return `${base.formatHelpDoc(doc).trimEnd()}\n\n${bold(extra.join("\n\n"))}\n`;
    },
  };
};

const presenter = (io: CliIOShape, formatter: CliOutput.Formatter): CliOutput.Presenter => ({
  present: (event) =>
    Effect.promise(() => {
      switch (event._tag) {
        case "Help":
          return io.stdout.write(`${formatter.formatHelpDoc(event.helpDoc).trimEnd()}\n`);
        case "Version":
          return io.stdout.write(`${formatter.formatVersion(event.name, event.version)}\n`);
        case "InvalidInvocation": {
          const diagnostics = Diagnostics.make(io, { quiet: false, verbose: false });
          for (const error of event.errors) diagnostics.error(oneLineCliError(error.message));
          io.stderr.writeSync(`Run '${event.commandPath.join(" ")} --help' for usage.\n`);
          return Promise.resolve();
        }
      }
    }).pipe(Effect.catchCause(() => Effect.void)),
});

// effect/cli's messages may span lines ("Unrecognized flag ...\n\nDid you mean ...").
const oneLineCliError = (message: string): string =>
  message.trim().split(/\s*\n\s*/).map((part) => /[.!?:]$/.test(part) ? part : `${part}.`)
    .join(" ");

/** Settings of {@link runCli}. */
export interface RunCliOptions {
  /** Streams and environment (default: the real process, `CliIO.deno()`). */
  readonly io?: CliIOShape | undefined;
  /** Aborting interrupts the run (Ctrl-C); its reason `"SIGTERM"` exits 143, else 130. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs `mode-discovery` with `args` and resolves with the exit code. Never
 * throws and never exits the process: `main.ts` does that.
 *
 * **Details**
 *
 * Usage errors print `error: ...` and a pointer to `--help` (exit 2); a
 * failed command prints one `error: ...` line (see `ExitCode` for the
 * codes); an internal error prints one line, and its details only with
 * `--verbose`. Interrupting through `signal` runs every finalizer (an
 * unfinished `--output` file is removed) and exits 130 (143 for SIGTERM).
 *
 * @example
 * ```ts
 * import { runCli } from "@mode-discovery/cli";
 * const code = await runCli(["--version"]); // prints "mode-discovery v0.1.0", => 0
 * ```
 */
export const runCli = async (
  args: ReadonlyArray<string>,
  options: RunCliOptions = {},
): Promise<number> => {
  const io = options.io ?? CliIO.deno();
  const formatter = helpFormatter(colorAllowed(io.stdout.isTerminal, io.env));
  const program = Command.runWith(command, { version: VERSION })(args).pipe(
    Effect.provideService(CliIO, io),
    Effect.provide(
      Layer.mergeAll(
        DenoCliServices.layer,
        CliOutput.layer(formatter),
        CliOutput.layerPresenter(presenter(io, formatter)),
        CliConfig.layer({
          builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions],
        }),
      ),
    ),
  );
  let takenOver = false;
  const stop = options.signal ?? new AbortController().signal;
  const fiber = Effect.runFork(
    program.pipe(
      Effect.provideService(StopSignal, { signal: stop, takeOver: () => (takenOver = true) }),
    ),
  );
  const onStop = () => {
    if (!takenOver) fiber.interruptUnsafe();
  };
  stop.addEventListener("abort", onStop, { once: true });
  const exit = await Effect.runPromise(Fiber.await(fiber));
  stop.removeEventListener("abort", onStop);
  return exitCode(exit, io, args.includes("--verbose"), stop);
};

const exitCode = (
  exit: Exit.Exit<void, unknown>,
  io: CliIOShape,
  verbose: boolean,
  signal: AbortSignal,
): number => {
  if (Exit.isSuccess(exit)) return ExitCode.Ok;
  const cause = exit.cause;
  const diagnostics = Diagnostics.make(io, { quiet: false, verbose });
  const failure = Cause.findErrorOption(cause);
  if (Option.isSome(failure)) {
    const error = failure.value;
    if (CliError.isCliError(error)) {
      // Parse errors and help were already presented.
      return error._tag === "ShowHelp" && error.errors.length === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const report = describeFailure(error);
    if (report.message !== "") diagnostics.error(report.message);
    return report.code;
  }
  if (Cause.hasInterruptsOnly(cause)) {
    return signal.reason === "SIGTERM" ? ExitCode.Terminated : ExitCode.Interrupted;
  }
  const report = describeFailure(Cause.squash(cause));
  diagnostics.error(report.message);
  diagnostics.verbose(Cause.pretty(cause));
  return ExitCode.Internal;
};
