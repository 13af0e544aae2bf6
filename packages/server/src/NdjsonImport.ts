/**
 * Importing a workspace from NDJSON, one collection per line, as
 * `mode-discovery collections list --format ndjson` writes it. The whole
 * file is checked before anything is written: one bad line refuses the
 * import, naming the line, and the stored copy stays as it was.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";
import { Collection } from "@mode-discovery/core";
import type { CollectionStoreService, StoreError, WorkspaceInfo } from "./CollectionStore.ts";

/**
 * A line of the file is not a collection (or the file cannot be read).
 * `line` is 1-based; 0 when the problem is not one line's.
 *
 * @example
 * ```ts
 * import { ImportError } from "@mode-discovery/edge";
 * new ImportError({ line: 3, message: "line 3: not valid JSON" });
 * ```
 */
export class ImportError extends Schema.TaggedError<ImportError>()("ImportError", {
  line: Schema.Number,
  message: Schema.String,
}) {}

/** Longest line accepted, in characters. */
const MAX_LINE = 1_000_000;

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const problemOf = (value: unknown): string | undefined => {
  const result = SchemaParser.decodeUnknownResult(Collection)(value);
  if (result._tag === "Success") return undefined;
  const issue = formatter(result.failure).issues[0];
  if (issue === undefined) return "it is not a collection";
  const path = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p));
  return path.length === 0 ? issue.message : `field ${path.join(".")}: ${issue.message}`;
};

/** Splits a text stream into lines (LF or CRLF), numbered from 1. */
async function* linesOf(
  stream: ReadableStream<string>,
): AsyncGenerator<{ readonly number: number; readonly text: string }> {
  let buffer = "";
  let number = 0;
  for await (const chunk of stream) {
    buffer += chunk;
    let start = 0;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      number++;
      const text = buffer.slice(start, newline);
      yield { number, text: text.endsWith("\r") ? text.slice(0, -1) : text };
      start = newline + 1;
      newline = buffer.indexOf("\n", start);
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_LINE) {
      throw new ImportError({
        line: number + 1,
        message: `line ${
          number + 1
        }: longer than ${MAX_LINE} characters; a collection is one short line`,
      });
    }
  }
  if (buffer !== "") yield { number: number + 1, text: buffer };
}

/**
 * Reads collections from NDJSON text: one JSON object per line, each a
 * collection as core's `Collection` schema decodes it (other keys are
 * ignored). Blank lines are skipped.
 *
 * **Details**
 *
 * Fails with an {@link ImportError} at the first line that is not valid
 * JSON, not a collection (naming the field and what it takes), or repeats
 * an id of an earlier line (naming both lines).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { readCollectionsNdjson } from "@mode-discovery/edge";
 * const text = '{"id":1,"token":"a","name":null,"description":null,"space_type":"custom","space_url":"/api/w/spaces/a"}\n';
 * const rows = await Effect.runPromise(readCollectionsNdjson(ReadableStream.from([text])));
 * rows.length; // => 1
 * ```
 */
export const readCollectionsNdjson = (
  stream: ReadableStream<string>,
): Effect.Effect<ReadonlyArray<Collection>, ImportError> =>
  Effect.tryPromise({
    try: async () => {
      const out: Array<Collection> = [];
      const lines = new Map<number, number>();
      for await (const { number, text } of linesOf(stream)) {
        if (text.trim() === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw new ImportError({
            line: number,
            message: `line ${number}: not valid JSON (${
              error instanceof Error ? error.message.split("\n")[0] : String(error)
            })`,
          });
        }
        const problem = problemOf(value);
        if (problem !== undefined) {
          throw new ImportError({
            line: number,
            message: `line ${number}: not a collection: ${problem}`,
          });
        }
        const collection = Schema.decodeUnknownSync(Collection)(value);
        const earlier = lines.get(collection.id);
        if (earlier !== undefined) {
          throw new ImportError({
            line: number,
            message:
              `line ${number}: collection id ${collection.id} was already on line ${earlier}`,
          });
        }
        lines.set(collection.id, number);
        out.push(collection);
      }
      return out;
    },
    catch: (error) =>
      error instanceof ImportError ? error : new ImportError({
        line: 0,
        message: `the input could not be read: ${
          error instanceof Error ? error.message.split("\n")[0] : String(error)
        }`,
      }),
  });

/**
 * Imports NDJSON into `workspace`, replacing its listing in one atomic swap
 * once every line has been read and checked; nothing is written when any
 * line is bad.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { importNdjson, MemoryCollectionStore } from "@mode-discovery/edge";
 * const store = MemoryCollectionStore.make();
 * const file = await Deno.open("acme.ndjson");
 * await Effect.runPromise(importNdjson(store, "acme", file.readable.pipeThrough(new TextDecoderStream())));
 * ```
 */
export const importNdjson = (
  store: CollectionStoreService,
  workspace: string,
  stream: ReadableStream<string>,
  options: { readonly source?: string | undefined } = {},
): Effect.Effect<WorkspaceInfo, ImportError | StoreError> =>
  Effect.flatMap(
    readCollectionsNdjson(stream),
    (collections) =>
      store.replaceWorkspace(workspace, collections, { source: options.source ?? "import" }),
  );
