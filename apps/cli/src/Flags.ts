/**
 * The parsed flags each command hands to its handler.
 *
 * @module
 */
import type * as Option from "effect/Option";
import type { OutputFormat } from "./OutputFormat.ts";

/** Flags every command accepts (before or after the subcommand name). */
export interface SharedFlags {
  /** `--base-url URL`. */
  readonly baseUrl: Option.Option<string>;
  /** `--credentials-file FILE`. */
  readonly credentialsFile: Option.Option<string>;
  /** `--max-retries N`. */
  readonly maxRetries: Option.Option<number>;
  /** `--verbose`. */
  readonly verbose: boolean;
  /** `--quiet`. */
  readonly quiet: boolean;
}

/** Flags of `<resource> list` (`collections list`, `reports list`, ...). */
export interface ListFlags {
  /** `--workspace NAME`. */
  readonly workspace: Option.Option<string>;
  /** `--per-page N`. */
  readonly perPage: Option.Option<number>;
  /** `--concurrency N`. */
  readonly concurrency: Option.Option<number>;
  /** `--limit N`. */
  readonly limit: Option.Option<number>;
  /** `--include-spaces all` (reports, queries, charts, report-stats). */
  readonly includeSpaces: Option.Option<string>;
  /** `--type TYPE` (collections only). */
  readonly type?: Option.Option<string> | undefined;
  /** `--format FORMAT`. */
  readonly format: Option.Option<OutputFormat>;
  /** `--output FILE`. */
  readonly output: Option.Option<string>;
}

/** Flags of `<resource> page`. */
export interface PageFlags {
  /** `--workspace NAME`. */
  readonly workspace: Option.Option<string>;
  /** `--page N`. */
  readonly page: Option.Option<number>;
  /** `--per-page M`. */
  readonly perPage: Option.Option<number>;
  /** `--include-spaces all` (reports, queries, charts, report-stats). */
  readonly includeSpaces: Option.Option<string>;
}

/** Flags of `tokens create`. */
export interface TokensCreateFlags {
  /** `--workspace NAME`. */
  readonly workspace: Option.Option<string>;
  /** `--name NAME`. */
  readonly name: string;
  /** `--expires-at ISO`. */
  readonly expiresAt: string;
  /** `--output FILE`. */
  readonly output: Option.Option<string>;
}

/** Flags of `serve`. */
export interface ServeFlags {
  /** `--hostname HOST`. */
  readonly hostname: Option.Option<string>;
  /** `--port PORT`. */
  readonly port: Option.Option<number>;
}

/** Flags of `mirror`. */
export interface MirrorFlags {
  /** `--from URL`: the base URL of the API to copy from. */
  readonly from: string;
  /** `--workspace NAME`. */
  readonly workspace: Option.Option<string>;
  /** `--per-page N`. */
  readonly perPage: Option.Option<number>;
  /** `--concurrency N`. */
  readonly concurrency: Option.Option<number>;
}

/** Flags and arguments of `import`. */
export interface ImportFlags {
  /**
   * `[RESOURCE=]FILE...`: NDJSON files, one per resource (`reports=r.ndjson`;
   * a bare `FILE` holds collections; `-` is standard input).
   */
  readonly inputs: ReadonlyArray<string>;
  /** `--workspace NAME`: the workspace to store the items as. */
  readonly workspace: Option.Option<string>;
}

/** Flags of `snapshot`. */
export interface SnapshotFlags {
  /** `--workspace NAME`. */
  readonly workspace: Option.Option<string>;
  /** `--output FILE`: the SQLite file to write. */
  readonly output: string;
  /** `--concurrency N`: requests in flight across every resource. */
  readonly concurrency: Option.Option<number>;
  /** `--requests-per-second N`: the client's budget. */
  readonly requestsPerSecond: Option.Option<number>;
  /** `--per-page N`. */
  readonly perPage: Option.Option<number>;
  /** `--include-spaces all`. */
  readonly includeSpaces: Option.Option<string>;
  /** `--force`: replace FILE even when it is not a snapshot. */
  readonly force: boolean;
}

/** Flags and arguments of `diff`. */
export interface DiffFlags {
  /** `OLD.sqlite`. */
  readonly old: string;
  /** `NEW.sqlite`. */
  readonly new: string;
  /** `--format table|ndjson|json`. */
  readonly format: Option.Option<"table" | "ndjson" | "json">;
  /** `--resource NAME`, repeatable. */
  readonly resource: ReadonlyArray<string>;
  /** `--ignore FIELD`, repeatable. */
  readonly ignore: ReadonlyArray<string>;
}
