/**
 * Everything the command says on stderr besides data: progress, the summary,
 * warnings, `--verbose` request lines and the error line. All of it passes
 * through a `Redactor`; colour is used only on a terminal without NO_COLOR.
 *
 * @module
 */
import type { ListProgress, RequestEvent } from "@mode-discovery/core/DiscoveryClient";
import type { CliIOShape } from "./CliIO.ts";
import {
  makeProgressDisplay,
  makeSnapshotProgressDisplay,
  type ProgressDisplay,
  silentProgress,
  type SnapshotProgressDisplay,
} from "./Progress.ts";
import type { Redactor } from "./Redactor.ts";
import { formatDuration } from "./_text.ts";

/**
 * Whether colours may be used on a stream: it is a terminal, `NO_COLOR` is
 * unset or empty (https://no-color.org), and `TERM` is not `dumb`.
 *
 * @example
 * ```ts
 * import { colorAllowed } from "@mode-discovery/cli";
 * colorAllowed(true, (name) => (name === "NO_COLOR" ? "1" : undefined)); // => false
 * ```
 */
export const colorAllowed = (
  isTerminal: boolean,
  env: (name: string) => string | undefined,
): boolean => isTerminal && (env("NO_COLOR") ?? "") === "" && env("TERM") !== "dumb";

/**
 * One `--verbose` line for a request the client made. Holds no secret: the
 * client's events carry none, and the line is scrubbed again before printing.
 *
 * @example
 * ```ts
 * import { requestLine } from "@mode-discovery/cli";
 * requestLine({ method: "GET", url: "http://127.0.0.1:8787/batch/demo/spaces?page=1&per_page=1000", attempt: 1, status: 200, durationMs: 12 });
 * // => "> GET http://127.0.0.1:8787/batch/demo/spaces?page=1&per_page=1000 -> 200 (12 ms)"
 * ```
 */
export const requestLine = (event: RequestEvent): string => {
  const attempt = event.attempt > 1 ? ` [retry ${event.attempt - 1}]` : "";
  const outcome = event.status !== undefined
    ? String(event.status)
    : `failed: ${event.error ?? "no response"}`;
  return `> ${event.method} ${event.url}${attempt} -> ${outcome} (${
    formatDuration(event.durationMs)
  })`;
};

/** Settings of {@link Diagnostics.make}. */
export interface DiagnosticsOptions {
  /** `--quiet`: no progress and no summary (warnings and errors still show). */
  readonly quiet: boolean;
  /** `--verbose`: request lines and settings. */
  readonly verbose: boolean;
}

/**
 * The stderr side of one run.
 *
 * **When to use**
 *
 * Make one per command run; call `redact` as soon as secrets are known,
 * so that every later line is scrubbed.
 *
 * @example
 * ```ts
 * import { CliIO, Diagnostics } from "@mode-discovery/cli";
 * const diagnostics = Diagnostics.make(CliIO.deno(), { quiet: false, verbose: true });
 * diagnostics.warn("the workspace changed during the listing.");
 * ```
 */
export class Diagnostics {
  private redactor: Redactor | undefined;
  private progressDisplay: ProgressDisplay = silentProgress;

  private constructor(
    private readonly io: CliIOShape,
    /** The options this run was made with. */
    readonly options: DiagnosticsOptions,
    /** Whether stderr gets colours. */
    readonly color: boolean,
  ) {}

  /** Diagnostics on `io.stderr`. */
  static make(io: CliIOShape, options: DiagnosticsOptions): Diagnostics {
    return new Diagnostics(io, options, colorAllowed(io.stderr.isTerminal, io.env));
  }

  /** Scrubs these secrets from every later line. */
  redact(redactor: Redactor): void {
    this.redactor = redactor;
  }

  /** The redactor in use, once secrets are known. */
  get currentRedactor(): Redactor | undefined {
    return this.redactor;
  }

  /** Writes one scrubbed line, after erasing the progress line. */
  private line(text: string): void {
    this.progressDisplay.clear();
    this.io.stderr.writeSync(`${this.redactor?.scrub(text) ?? text}\n`);
  }

  /** `warning: ...` (shown even with `--quiet`). */
  warn(message: string): void {
    this.line(`${this.color ? "\x1b[33mwarning\x1b[0m" : "warning"}: ${message}`);
  }

  /** `error: ...`: the last line of a failed run. */
  error(message: string): void {
    this.line(`${this.color ? "\x1b[31merror\x1b[0m" : "error"}: ${message}`);
  }

  /** A line for people (the summary); silent with `--quiet`. */
  info(message: string): void {
    if (!this.options.quiet) this.line(message);
  }

  /** A `--verbose` line. */
  verbose(message: string): void {
    if (this.options.verbose) this.line(this.color ? `\x1b[2m${message}\x1b[0m` : message);
  }

  /** Logs one request (with `--verbose`). */
  request(event: RequestEvent): void {
    this.verbose(requestLine(event));
  }

  /**
   * Starts the progress line for a walk of `items` (`collections`,
   * `report stats`): shown only when stderr is a terminal and `--quiet` is
   * not given.
   */
  startProgress(workspace: string, items?: string): ProgressDisplay {
    this.progressDisplay = this.io.stderr.isTerminal && !this.options.quiet
      ? makeProgressDisplay(this.io.stderr, { workspace, items, color: this.color })
      : silentProgress;
    return this.progressDisplay;
  }

  /**
   * Starts the progress line of a snapshot of `resources`: shown only when
   * stderr is a terminal and `--quiet` is not given.
   */
  startSnapshotProgress(
    workspace: string,
    resources: ReadonlyArray<string>,
  ): SnapshotProgressDisplay {
    if (!this.io.stderr.isTerminal || this.options.quiet) {
      this.progressDisplay = silentProgress;
      return { update: () => {}, clear: () => {} };
    }
    const display = makeSnapshotProgressDisplay(this.io.stderr, {
      workspace,
      resources,
      color: this.color,
    });
    this.progressDisplay = { update: () => {}, clear: display.clear };
    return display;
  }

  /** Updates the progress line, if one is shown. */
  progress(progress: ListProgress): void {
    this.progressDisplay.update(progress);
  }

  /** Erases the progress line, if one is shown. */
  clearProgress(): void {
    this.progressDisplay.clear();
  }
}
