/**
 * Importing a workspace from NDJSON, one file (or stream) per resource,
 * one item per line, as `mode-discovery <resource> list --format ndjson`
 * writes it. Every line of every input is checked before anything is
 * written: one bad line refuses the whole import, naming its resource and
 * line, and the stored copy stays as it was.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaIssue from "effect/SchemaIssue";
import * as SchemaParser from "effect/SchemaParser";
import { type AnyResource, Resource, type ResourceName, resources } from "@mode-discovery/core";
import type {
  ListingStoreService,
  StoreError,
  WorkspaceData,
  WorkspaceInfo,
} from "./ListingStore.ts";
import { replaceResources } from "./WorkspaceEdits.ts";
import { itemSchema } from "./_listings.ts";

/**
 * A line of an input is not an item of its resource (or the input cannot
 * be read). `resource` names the resource, `line` is 1-based (0 when the
 * problem is not one line's).
 *
 * @example
 * ```ts
 * import { ImportError } from "@mode-discovery/server";
 * new ImportError({ resource: "reports", line: 3, message: "line 3: not valid JSON" });
 * ```
 */
export class ImportError extends Schema.TaggedError<ImportError>()("ImportError", {
  resource: Schema.String,
  line: Schema.Number,
  message: Schema.String,
}) {}

/** Longest line accepted, in characters. */
const MAX_LINE = 1_000_000;

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const problemOf = (resource: AnyResource, value: unknown): string | undefined => {
  const result = SchemaParser.decodeUnknownResult(itemSchema(resource))(value);
  if (result._tag === "Success") return undefined;
  const issue = formatter(result.failure).issues[0];
  if (issue === undefined) return `it is not a ${resource.singular}`;
  const path = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p));
  return path.length === 0 ? issue.message : `field ${path.join(".")}: ${issue.message}`;
};

/** Splits a text stream into lines (LF or CRLF), numbered from 1. */
async function* linesOf(
  resource: AnyResource,
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
        resource: resource.name,
        line: number + 1,
        message: `line ${
          number + 1
        }: longer than ${MAX_LINE} characters; a ${resource.singular} is one short line`,
      });
    }
  }
  if (buffer !== "") yield { number: number + 1, text: buffer };
}

/**
 * Reads the items of `resource` from NDJSON text: one JSON object per line,
 * each an item as the resource's item schema decodes it (other keys are
 * ignored). Blank lines are skipped.
 *
 * **Details**
 *
 * Fails with an {@link ImportError} at the first line that is not valid
 * JSON, not an item of the resource (naming the field and what it takes),
 * or repeats the key of an earlier line (naming both lines).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { collections } from "@mode-discovery/core";
 * import { readNdjson } from "@mode-discovery/server";
 * const text = '{"id":1,"token":"a","name":null,"description":null,"space_type":"custom","space_url":"/api/w/spaces/a"}\n';
 * const rows = await Effect.runPromise(readNdjson(collections, ReadableStream.from([text])));
 * rows.length; // => 1
 * ```
 */
export const readNdjson = <R extends AnyResource>(
  resource: R,
  stream: ReadableStream<string>,
): Effect.Effect<ReadonlyArray<R["Item"]>, ImportError> =>
  Effect.tryPromise({
    try: async () => {
      const decode = Schema.decodeUnknownSync(itemSchema(resource));
      const out: Array<R["Item"]> = [];
      const lines = new Map<unknown, number>();
      const refuse = (line: number, message: string) =>
        new ImportError({ resource: resource.name, line, message: `line ${line}: ${message}` });
      for await (const { number, text } of linesOf(resource, stream)) {
        if (text.trim() === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw refuse(
            number,
            `not valid JSON (${
              error instanceof Error ? error.message.split("\n")[0] : String(error)
            })`,
          );
        }
        const problem = problemOf(resource, value);
        if (problem !== undefined) throw refuse(number, `not a ${resource.singular}: ${problem}`);
        const foreign = Resource.foreignItem(resource, value, resources);
        if (foreign !== undefined) throw refuse(number, foreign);
        const item = decode(value) as Record<string, unknown>;
        const key = item[resource.key];
        const earlier = lines.get(key);
        if (earlier !== undefined) {
          throw refuse(
            number,
            `${resource.singular} ${resource.key} ${String(key)} was already on line ${earlier}`,
          );
        }
        lines.set(key, number);
        out.push(item as R["Item"]);
      }
      return out;
    },
    catch: (error) =>
      error instanceof ImportError ? error : new ImportError({
        resource: resource.name,
        line: 0,
        message: `the input could not be read: ${
          error instanceof Error ? error.message.split("\n")[0] : String(error)
        }`,
      }),
  });

/** One input of an import: the items of one resource. */
export interface ImportInput {
  /** The resource its lines are items of. */
  readonly resource: AnyResource;
  /** The NDJSON text. */
  readonly stream: ReadableStream<string>;
}

/**
 * Imports NDJSON into `workspace`, one input per resource: once every line
 * of every input has been read and checked, the resources given are
 * replaced and the others kept as they are, in one atomic swap (a new
 * workspace gets no items of the resources not given). Nothing is written
 * when any line is bad.
 *
 * **Details**
 *
 * Inputs are read in the order given; the first bad line stops the import
 * with an {@link ImportError} naming its resource and line. A resource
 * given twice is refused (line 0).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { collections, reports } from "@mode-discovery/core";
 * import { importNdjson, MemoryListingStore } from "@mode-discovery/server";
 * const store = MemoryListingStore.make();
 * await Effect.runPromise(importNdjson(store, "acme", [
 *   { resource: collections, stream: ReadableStream.from(["\n"]) },
 *   { resource: reports, stream: ReadableStream.from(["\n"]) },
 * ]));
 * ```
 */
export const importNdjson = (
  store: ListingStoreService,
  workspace: string,
  inputs: ReadonlyArray<ImportInput>,
  options: { readonly source?: string | undefined } = {},
): Effect.Effect<WorkspaceInfo, ImportError | StoreError> =>
  Effect.gen(function* () {
    const data: Partial<Record<ResourceName, ReadonlyArray<unknown>>> = {};
    for (const input of inputs) {
      const name = input.resource.name as ResourceName;
      if (data[name] !== undefined) {
        return yield* new ImportError({
          resource: name,
          line: 0,
          message: `${input.resource.plural} are given twice; give one input per resource`,
        });
      }
      data[name] = yield* readNdjson(input.resource, input.stream);
    }
    const source = options.source ?? "import";
    const existing = yield* store.workspace(workspace);
    return existing === undefined
      ? yield* store.replaceWorkspace(workspace, data as WorkspaceData, { source })
      : yield* replaceResources(store, workspace, data as WorkspaceData, { source });
  });
