/**
 * The Discovery API server for Node test suites and local work: the same
 * handler as the Deno edge server (packages/server: core's `DiscoveryApi`
 * for every resource, its validation and errors) over the in-memory
 * stores, seeded with the deterministic world (collections, reports,
 * queries, charts, report stats and members), with development
 * credentials to list them.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { AdminCredentials, SignatureCredentials } from "@mode-discovery/core";
import {
  type ApiHandler,
  makeApiHandler,
  MemoryCredentialStore,
  MemoryListingStore,
  parseSeed,
  seedStores,
} from "@mode-discovery/server";
import { BadRequestError, ModeDiscoveryError } from "./Errors.ts";
import { listen } from "./_nodeHttp.ts";
import { notAnObject, unknownKeys } from "./_options.ts";

/** The three parts of a signature token, as plain strings. */
export interface DevCredentials {
  /** The token. */
  readonly token: string;
  /** The access key. */
  readonly accessKey: string;
  /** The access secret. */
  readonly accessSecret: string;
}

/** A workspace admin's API key and secret, as plain strings. */
export interface DevAdmin {
  /** The API key (HTTP Basic user name). */
  readonly apiKey: string;
  /** The API secret (HTTP Basic password). */
  readonly apiSecret: string;
}

/**
 * What the last page's `next_page` link does: core's `LastPageNext`, as a
 * plain type (`Server_test.ts` checks that the two agree).
 */
export type LastPageNext = "past-end" | "self" | "omit";

/** One workspace to seed: how many collections, and optionally how many of the others. */
export interface SeedWorkspace {
  /** The workspace username. */
  readonly workspace: string;
  /** How many collections, 0 to 1,000,000. */
  readonly count: number;
  /**
   * How many items of other resources, by name: `reports`, `queries`,
   * `charts`, `members` (report stats follow the reports). Those not given
   * follow the collections: reports as many, queries and charts twice as
   * many, members a tenth (at least one).
   */
  readonly counts?: Readonly<Record<string, number>> | undefined;
}

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * Workspaces to seed with a deterministic world of every resource (ids
   * from 170, odd names, nulls, every relation intact): `"acme:4146"`,
   * `"acme:300:reports=1200:members=40,other:10"`, or a list. Default: none.
   */
  readonly seed?: string | ReadonlyArray<SeedWorkspace> | undefined;
  /**
   * The signature token of the first seeded workspace, which never
   * expires. Default: random values (read them from the result).
   */
  readonly credentials?: DevCredentials | undefined;
  /** An admin API key of the first seeded workspace. Default: random values. */
  readonly admin?: DevAdmin | undefined;
  /**
   * The last page's `next_page` link: `past-end` (default; one page past
   * the end, as Mode does), `self`, or `omit`.
   */
  readonly lastPageNext?: LastPageNext | undefined;
  /** Where unexpected server failures are reported. Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
}

/** Options of {@link startServer}. */
export interface StartServerOptions extends HandlerOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  readonly hostname?: string | undefined;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number | undefined;
}

/** The options of `createClient` that reach a server as its development user. */
export interface ServerClientOptions {
  /** The server's URL. */
  readonly baseUrl: string;
  /** The first seeded workspace, if any. */
  readonly workspace: string | undefined;
  /** The development token. */
  readonly token: string;
  /** Its access key. */
  readonly accessKey: string;
  /** Its access secret. */
  readonly accessSecret: string;
}

/** The Discovery API as a fetch handler. */
export interface DiscoveryHandler {
  /** Answers one request (never rejects; every answer is JSON). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** The seeded workspaces, in order. */
  readonly workspaces: ReadonlyArray<SeedWorkspace>;
  /** The development signature token (of the first seeded workspace). */
  readonly credentials: DevCredentials;
  /** The development admin API key (of the first seeded workspace). */
  readonly admin: DevAdmin;
  /** Releases the handler. */
  readonly close: () => Promise<void>;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL, such as `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The port bound. */
  readonly port: number;
  /** The seeded workspaces, in order. */
  readonly workspaces: ReadonlyArray<SeedWorkspace>;
  /** The development signature token (of the first seeded workspace). */
  readonly credentials: DevCredentials;
  /** The development admin API key (of the first seeded workspace). */
  readonly admin: DevAdmin;
  /** Options for `createClient` that list the first seeded workspace. */
  readonly clientOptions: ServerClientOptions;
  /** Stops listening, lets requests in flight finish, and releases the handler. */
  readonly close: () => Promise<void>;
}

/**
 * The server could not start: the address is taken or cannot be bound.
 */
export class ServerStartError extends ModeDiscoveryError {
  /** Builds the error. */
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { id: "server_start", cause: options.cause });
    this.name = "ServerStartError";
  }
}

const HANDLER_KEYS = ["seed", "credentials", "admin", "lastPageNext", "log"];
const LAST_PAGE_NEXT: ReadonlyArray<string> = ["past-end", "self", "omit"];

const randomHex = (length: number): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, length);
};

/** A list entry of the `seed` option in the text form `parseSeed` reads. */
const seedText = (s: SeedWorkspace): string => {
  const counts = s?.counts ?? {};
  if (typeof counts !== "object" || counts === null) return `${s?.workspace}:${s?.count}:counts`;
  return [`${s?.workspace}:${s?.count}`, ...Object.entries(counts).map(([k, v]) => `${k}=${v}`)]
    .join(":");
};

const seedList = (seed: HandlerOptions["seed"]): ReadonlyArray<SeedWorkspace> => {
  if (seed === undefined) return [];
  const text = typeof seed === "string"
    ? seed
    : Array.isArray(seed)
    ? seed.map(seedText).join(",")
    : undefined;
  if (text === undefined) {
    throw new BadRequestError(
      'Invalid option seed: give workspace:count pairs such as "acme:4146,other:10" (optionally with :reports=N parts), or a list of { workspace, count, counts }.',
    );
  }
  if (text.trim() === "") return [];
  const parsed = parseSeed(text, "seed");
  if (!Array.isArray(parsed)) throw new BadRequestError((parsed as Error).message);
  // Counts are shown as given: none when the collections alone were.
  return parsed.map((s) =>
    Object.keys(s.counts ?? {}).length === 0
      ? { workspace: s.workspace, count: s.count }
      : { workspace: s.workspace, count: s.count, counts: { ...s.counts } }
  );
};

const checkParts = <K extends string>(
  value: unknown,
  keys: ReadonlyArray<K>,
  name: string,
): Record<K, string> | undefined => {
  if (value === undefined) return undefined;
  const shape = keys.join(", ");
  if (typeof value !== "object" || value === null) {
    throw new BadRequestError(`Invalid option ${name}: expected { ${shape} }.`);
  }
  const record = value as Record<string, unknown>;
  for (const key of keys) {
    const part = record[key];
    if (typeof part !== "string" || part === "") {
      throw new BadRequestError(
        `Invalid option ${name}: ${key} must be a non-empty string; expected { ${shape} }.`,
      );
    }
  }
  for (const key of keys.slice(0, -1)) {
    if (record[key]!.toString().includes(":")) {
      throw new BadRequestError(`Invalid option ${name}: ${key} must not contain ':'.`);
    }
  }
  return record as Record<K, string>;
};

const build = async (options: HandlerOptions, where: string, extraKeys: ReadonlyArray<string>) => {
  const problem = notAnObject(options, where) ??
    unknownKeys(options, [...HANDLER_KEYS, ...extraKeys], where);
  if (problem !== undefined) throw new BadRequestError(problem);
  const workspaces = seedList(options.seed);
  const lastPageNext = options.lastPageNext ?? "past-end";
  if (!LAST_PAGE_NEXT.includes(lastPageNext)) {
    throw new BadRequestError(
      `Invalid option lastPageNext: got ${
        JSON.stringify(lastPageNext)
      }; use "past-end" (default), "self" or "omit".`,
    );
  }
  const credentials: DevCredentials =
    checkParts(options.credentials, ["token", "accessKey", "accessSecret"], "credentials") ?? {
      token: randomHex(12),
      accessKey: randomHex(20),
      accessSecret: randomHex(40),
    };
  const admin: DevAdmin = checkParts(options.admin, ["apiKey", "apiSecret"], "admin") ?? {
    apiKey: randomHex(20),
    apiSecret: randomHex(40),
  };
  const log = options.log ?? ((line: string) => console.error(line));
  const listings = MemoryListingStore.make();
  const stores = { listings, credentials: MemoryCredentialStore.make() };
  await Effect.runPromise(seedStores(stores, {
    seed: workspaces,
    devCredentials: SignatureCredentials.fromStrings(credentials),
    devAdmin: AdminCredentials.fromStrings(admin),
    skipped: (workspace, source) =>
      log(`seed: not seeding ${workspace}: it holds data from ${source}`),
  }));
  const api: ApiHandler = makeApiHandler({ ...stores, lastPageNext, log });
  return { api, workspaces, credentials, admin };
};

/**
 * Builds the Discovery API as a fetch handler over an in-memory store.
 *
 * **When to use**
 *
 * To serve the API from a server of your own (any framework that speaks
 * `Request`/`Response`), or to call it in-process in tests.
 *
 * **Details**
 *
 * Rejects with a `BadRequestError` naming a bad option (a malformed seed,
 * say). The handler answers exactly as the Deno edge server does.
 *
 * @example
 * ```ts
 * import { createHandler } from "mode-discovery/server";
 * const api = await createHandler({ seed: "acme:10" });
 * const response = await api.fetch(new Request("http://localhost/batch/acme/spaces"));
 * response.status; // => 401: no credentials were sent
 * await api.close();
 * ```
 */
export const createHandler = async (options: HandlerOptions = {}): Promise<DiscoveryHandler> => {
  const { api, workspaces, credentials, admin } = await build(options, "createHandler", []);
  return { fetch: api.fetch, workspaces, credentials, admin, close: api.dispose };
};

/**
 * Starts the Discovery API server on `node:http`, over an in-memory store.
 *
 * **When to use**
 *
 * In a test suite (node:test, vitest, jest) to test code that lists a
 * workspace against a real server, offline: start it before the tests,
 * point the client at `url`, close it after.
 *
 * **Details**
 *
 * - Binds `127.0.0.1` on a free port unless told otherwise.
 * - The first seeded workspace gets a never-expiring signature token
 *   (`credentials`, random unless given) and an admin API key (`admin`).
 * - Rejects with a `BadRequestError` for a bad option, or a
 *   `ServerStartError` when the address cannot be bound.
 *
 * @example
 * ```ts
 * import { createClient } from "mode-discovery";
 * import { startServer } from "mode-discovery/server";
 *
 * const server = await startServer({ seed: "acme:4146" });
 * const client = createClient(server.clientOptions);
 * const all = await client.collections.list().toArray({ limit: 10_000 });
 * console.log(all.length); // 4146
 * await server.close();
 * ```
 */
export const startServer = async (options: StartServerOptions = {}): Promise<RunningServer> => {
  const { api, workspaces, credentials, admin } = await build(options, "startServer", [
    "hostname",
    "port",
  ]);
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (typeof hostname !== "string" || hostname.trim() === "") {
    await api.dispose();
    throw new BadRequestError(
      "Invalid option hostname: give the interface to bind as a string, such as 127.0.0.1 (the default).",
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    await api.dispose();
    throw new BadRequestError(
      `Invalid option port: got ${
        JSON.stringify(port)
      }; use a whole number from 0 to 65535 (0 picks a free port).`,
    );
  }
  let listener;
  try {
    listener = await listen(api.fetch, { hostname, port });
  } catch (error) {
    await api.dispose();
    const code = (error as { code?: unknown }).code;
    throw new ServerStartError(
      `Cannot listen on ${hostname}:${port}: ${
        code === "EADDRINUSE"
          ? "the port is already in use; pick another port, or 0 for a free one"
          : error instanceof Error
          ? error.message
          : String(error)
      }.`,
      { cause: error },
    );
  }
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${listener.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: listener.port,
    workspaces,
    credentials,
    admin,
    clientOptions: { baseUrl: url, workspace: workspaces[0]?.workspace, ...credentials },
    close: () =>
      closing ??= (async () => {
        await listener.close();
        await api.dispose();
      })(),
  };
};
