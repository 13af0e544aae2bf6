/**
 * Shared test fixtures: a seeded edge handler with known credentials, and
 * request helpers.
 *
 * @internal
 * @module
 */
import assert from "node:assert/strict";
import * as Redacted from "effect/Redacted";
import { AdminCredentials, SignatureCredentials } from "@mode-discovery/core";
import { type EdgeHandler, type EdgeHandlerOptions, makeEdgeHandler } from "./EdgeHandler.ts";
import { EdgeSettings, type SeedWorkspace } from "./EdgeSettings.ts";

/** The development signature token of the first seeded workspace in the tests. */
export const DEV = {
  token: "devtoken0001",
  accessKey: "devkey",
  accessSecret: "dev:secret:with:colons",
};

/** The development admin API key in the tests. */
export const ADMIN = { apiKey: "devadmin", apiSecret: "admin-secret" };

/** `Authorization` value for signature credentials (core's encoding). */
export const bearer = (token: string, accessKey: string, accessSecret: string): string =>
  Redacted.value(
    SignatureCredentials.fromStrings({ token, accessKey, accessSecret }).authorization,
  );

/** `Authorization` value of the development token. */
export const DEV_AUTH: string = bearer(DEV.token, DEV.accessKey, DEV.accessSecret);

/** `Authorization` value of the development admin key. */
export const ADMIN_AUTH: string = Redacted.value(AdminCredentials.fromStrings(ADMIN).authorization);

/** Settings seeding `seed`, with the development token and admin key. */
export const devSettings = (
  seed: ReadonlyArray<SeedWorkspace>,
  more: Partial<EdgeSettings> = {},
): EdgeSettings =>
  EdgeSettings.make({
    seed,
    devCredentials: SignatureCredentials.fromStrings(DEV),
    devAdmin: AdminCredentials.fromStrings(ADMIN),
    ...more,
  });

/** Runs `f` with a handler seeded with `seed` (default acme:25, other:3), then disposes it. */
export const withEdge = async <A>(
  f: (edge: EdgeHandler) => Promise<A>,
  options: EdgeHandlerOptions & { readonly seed?: ReadonlyArray<SeedWorkspace> } = {},
): Promise<A> => {
  const edge = await makeEdgeHandler({
    settings: devSettings(
      options.seed ?? [{ workspace: "acme", count: 25 }, {
        workspace: "other",
        count: 3,
      }],
    ),
    log: () => {},
    ...options,
  });
  try {
    return await f(edge);
  } finally {
    await edge.dispose();
  }
};

/** GET `path` with the given `Authorization` (default: the development token). */
export const get = (
  edge: { readonly fetch: (request: Request) => Promise<Response> },
  path: string,
  authorization: string | null = DEV_AUTH,
): Promise<Response> =>
  edge.fetch(
    new Request(`http://edge.test${path}`, {
      headers: authorization === null ? {} : { authorization },
    }),
  );

/** Asserts an `{id, message}` JSON error answer and returns its message. */
export const expectError = async (
  response: Response,
  status: number,
  id: string,
  message: RegExp | string,
): Promise<string> => {
  const text = await response.text();
  assert.equal(response.status, status, `status of ${text}`);
  assert.equal(response.headers.get("content-type"), "application/json");
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body).sort(), ["id", "message"]);
  assert.equal(body.id, id);
  if (typeof message === "string") assert.equal(body.message, message);
  else assert.match(body.message, message);
  return body.message;
};
