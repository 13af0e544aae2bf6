/**
 * Shared test fixtures: a seeded server handler with known credentials on
 * the KV or the memory stores, over a real socket when asked, and request
 * and page helpers. Imported by tests only (the runtime-neutrality test
 * checks that no other module imports it).
 *
 * @internal
 * @module
 */
import assert from "node:assert/strict";
import * as Schema from "effect/Schema";
import { type AnyResource, INCLUDE_SPACES_ALL, pageHref, Resource } from "@mode-discovery/core";
import { KvCredentialStore } from "./KvCredentialStore.ts";
import { KvListingStore, type KvListingStoreService } from "./KvListingStore.ts";
import { KvRateLimitStore } from "./KvRateLimitStore.ts";
import type { CredentialStoreService } from "./CredentialStore.ts";
import type { ListingStoreService } from "./ListingStore.ts";
import { MemoryCredentialStore } from "./MemoryCredentialStore.ts";
import { MemoryListingStore } from "./MemoryListingStore.ts";
import type { SeedWorkspace } from "./Seed.ts";
import {
  makeServerHandler,
  type ServerHandler,
  type ServerHandlerOptions,
} from "./ServerHandler.ts";
import { asciiJson } from "./_listings.ts";
import { DEV_AUTH, devSettings } from "./Testing.ts";

export { ADMIN, ADMIN_AUTH, bearer, DEV, DEV_AUTH, devSettings, expectError } from "./Testing.ts";

/** A test server: the handler on its stores, and `close` that releases everything. */
export type TestServer = ServerHandler<ListingStoreService, CredentialStoreService> & {
  /** The KV behind the stores, when they are the KV ones. */
  readonly kv: Deno.Kv | undefined;
  /** Releases the handler and closes the KV it opened. */
  readonly close: () => Promise<void>;
};

/** Options of {@link startTestServer}. */
export type TestServerOptions =
  & Partial<ServerHandlerOptions>
  & {
    /** Workspaces to seed (default acme:25, other:3), with the development credentials. */
    readonly seed?: ReadonlyArray<SeedWorkspace> | undefined;
    /** `kv` (default): the KV stores on an in-memory Deno KV; `memory`: the memory stores. */
    readonly stores?: "kv" | "memory" | undefined;
    /** The KV to use (not closed by `close`). */
    readonly kv?: Deno.Kv | undefined;
    /** How long the KV listing store reuses a workspace record (default 60 s here). */
    readonly metaTtlMs?: number | undefined;
  };

/** Starts a seeded server handler on fresh stores (see {@link TestServerOptions}). */
export const startTestServer = async (options: TestServerOptions = {}): Promise<TestServer> => {
  const useKv = (options.stores ?? "kv") === "kv";
  const ownKv = useKv && options.kv === undefined;
  const kv = useKv ? options.kv ?? await Deno.openKv(":memory:") : undefined;
  const onKv: KvListingStoreService | undefined = kv === undefined
    ? undefined
    // A long TTL by default: on a loaded machine a fast-path check must not see the record expire.
    : KvListingStore.make(kv, { metaTtlMs: options.metaTtlMs ?? 60_000 });
  const listings: ListingStoreService = onKv ?? MemoryListingStore.make();
  const credentials = kv === undefined ? MemoryCredentialStore.make() : KvCredentialStore.make(kv);
  let handler: ServerHandler;
  try {
    handler = await makeServerHandler({
      listings,
      credentials,
      settings: devSettings(
        options.seed ?? [{ workspace: "acme", count: 25 }, { workspace: "other", count: 3 }],
      ),
      rateLimitStore: kv === undefined ? undefined : KvRateLimitStore.make(kv),
      probe: onKv?.probe,
      log: () => {},
      ...options,
    });
  } catch (error) {
    if (ownKv) kv?.close();
    throw error;
  }
  return {
    ...handler,
    kv,
    close: async () => {
      await handler.dispose();
      if (ownKv) kv?.close();
    },
  };
};

/** Runs `f` with a test server (see {@link startTestServer}), then closes it. */
export const withServer = async <A>(
  f: (server: TestServer) => Promise<A>,
  options: TestServerOptions = {},
): Promise<A> => {
  const server = await startTestServer(options);
  try {
    return await f(server);
  } finally {
    await server.close();
  }
};

/** A fetch handler on a real socket (`Deno.serve` on 127.0.0.1, a free port). */
export const listen = (
  fetch: (request: Request) => Promise<Response>,
): { readonly url: string; readonly close: () => Promise<void> } => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, fetch);
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
};

/** GET `path` with the given `Authorization` (default: the development token). */
export const get = (
  server: { readonly fetch: (request: Request) => Promise<Response> },
  path: string,
  authorization: string | null = DEV_AUTH,
): Promise<Response> =>
  server.fetch(
    new Request(`http://server.test${path}`, {
      headers: authorization === null ? {} : { authorization },
    }),
  );

/** The path of a page of `resource` (core's `pageHref`), `all` for `include_spaces=all`. */
export const pagePath = (
  resource: AnyResource,
  workspace: string,
  page: number,
  perPage: number,
  all = false,
): string =>
  pageHref({
    route: resource,
    workspace,
    page,
    perPage,
    includeSpaces: all && resource.includeSpaces ? INCLUDE_SPACES_ALL : undefined,
  });

/**
 * Reads a 200 page of `resource`: JSON, decoded with the resource's page
 * schema, and byte for byte what Schema encoding of that value gives (with
 * non-ASCII characters as JSON escapes: the body is pure ASCII).
 */
export const readPage = async <R extends AnyResource>(
  resource: R,
  response: Response,
): Promise<Resource.PageOf<R>> => {
  const text = await response.text();
  assert.equal(response.status, 200, text.slice(0, 300));
  assert.equal(response.headers.get("content-type"), "application/json");
  const schema = resource.page as unknown as Schema.Codec<Resource.PageOf<R>, unknown>;
  const page = Schema.decodeUnknownSync(schema)(JSON.parse(text));
  assert.equal(text, asciiJson(JSON.stringify(Schema.encodeSync(schema)(page))));
  assert.ok([...text].every((ch) => ch.charCodeAt(0) < 0x80), "ASCII body");
  return page;
};

/** The items of a decoded page of `resource`. */
export const itemsOf = <R extends AnyResource>(
  resource: R,
  page: Resource.PageOf<R>,
): ReadonlyArray<Record<string, unknown>> =>
  Resource.itemsOf(resource, page) as unknown as ReadonlyArray<Record<string, unknown>>;
