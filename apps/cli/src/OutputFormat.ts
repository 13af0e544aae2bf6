/**
 * The output formats of `collections list` and how the default is chosen.
 *
 * @module
 */
/** The values `--format` accepts. */
export const outputFormats = ["table", "json", "ndjson", "csv"] as const;

/** One of {@link outputFormats}. */
export type OutputFormat = typeof outputFormats[number];

const BY_EXTENSION: Record<string, OutputFormat> = {
  ".csv": "csv",
  ".json": "json",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
};

/**
 * The format used when `--format` is not given.
 *
 * **Details**
 *
 * - With `--output FILE`: from the file's extension (`.csv`, `.json`,
 *   `.ndjson` or `.jsonl`), otherwise `ndjson`.
 * - Otherwise `table` when stdout is a terminal, `ndjson` when it is a pipe
 *   or a file.
 *
 * @example
 * ```ts
 * import { defaultFormat } from "@mode-discovery/cli";
 * defaultFormat({ stdoutIsTerminal: false, output: "all.csv" }); // => "csv"
 * defaultFormat({ stdoutIsTerminal: true, output: undefined }); // => "table"
 * ```
 */
export const defaultFormat = (options: {
  readonly stdoutIsTerminal: boolean;
  readonly output: string | undefined;
}): OutputFormat => {
  if (options.output !== undefined) {
    const match = /\.[A-Za-z0-9]+$/.exec(options.output);
    return (match && BY_EXTENSION[match[0].toLowerCase()]) ?? "ndjson";
  }
  return options.stdoutIsTerminal ? "table" : "ndjson";
};
