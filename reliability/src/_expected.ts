/**
 * What a listing of a seeded workspace must produce, computed without the
 * server or the client: the seed data formatted by the CLI's own NDJSON
 * writer, its SHA-256 and its sorted ids.
 *
 * @internal
 * @module
 */
import { Ndjson, rowsText } from "@mode-discovery/cli";
import { seedCollections } from "@mode-discovery/server";
import type { Collection } from "@mode-discovery/core";

/** The expected NDJSON of a seeded workspace and what identifies it. */
export interface Expected {
  readonly ndjson: string;
  readonly sha256: string;
  readonly ids: ReadonlyArray<number>;
}

/** SHA-256 of a text, hex. */
export const sha256 = async (text: string | Uint8Array): Promise<string> => {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
};

/** The NDJSON the CLI writes for `collections`, in order. */
export const ndjsonOf = (collections: ReadonlyArray<Collection>): string => {
  const writer = Ndjson.make();
  return writer.start() + rowsText(writer, collections) + writer.end();
};

/** The expected output of listing seeded workspace `workspace` of `count` collections. */
export const expectedListing = async (workspace: string, count: number): Promise<Expected> => {
  const rows = seedCollections(workspace, count);
  const ndjson = ndjsonOf(rows);
  return {
    ndjson,
    sha256: await sha256(ndjson),
    ids: rows.map((c) => c.id).sort((a, b) => a - b),
  };
};

/** The ids of an NDJSON text, sorted. */
export const idsOf = (ndjson: string): Array<number> =>
  ndjson.split("\n").filter((line) => line !== "").map((line) =>
    (JSON.parse(line) as Collection).id
  )
    .sort((a, b) => a - b);

/** The retry count of the CLI's summary line (`..., 12 retries, 3.1 s.`), if any. */
export const summaryRetries = (stderr: string): number | undefined => {
  const match = /collections? (?:in|written)[^\n]*?([\d,]+) retr(?:y|ies)/.exec(stderr);
  return match === null ? undefined : Number(match[1].replace(/,/g, ""));
};
