/**
 * The list of bad input, one test each: status, id and message.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { bearerRejectionMessage, invalidParameterMessage } from "@mode-discovery/core";
import { EXPIRED_SIGNATURE_MESSAGE, WRONG_SIGNATURE_MESSAGE } from "./EdgeAuth.ts";
import { startEdgeServer } from "./EdgeServer.ts";
import { bearer, DEV, DEV_AUTH, devSettings, expectError } from "./_testing.ts";

// One server for the whole file; each test only reads, in-process and over a real socket.
const server = await startEdgeServer({
  port: 0,
  settings: devSettings([{ workspace: "acme", count: 25 }, { workspace: "other", count: 3 }]),
  log: () => {},
});
const edge = server.handler;
await Effect.runPromise(edge.store.putSignatureToken("acme", {
  token: "expired00001",
  accessKey: "oldkey",
  accessSecret: Redacted.make("old-secret"),
  name: "expired token",
  creatorId: 1,
  expiresAt: new Date(Date.now() - 60_000),
}));
await Effect.runPromise(edge.store.putSignatureToken("other", {
  token: "othertoken01",
  accessKey: "otherkey",
  accessSecret: Redacted.make("other-secret"),
  name: "other workspace token",
  creatorId: 1,
  expiresAt: null,
}));

/** GET `path` in-process and over the socket; both answers, for the same checks. */
const get = async (path: string, authorization: string | null = DEV_AUTH) => {
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  const inProcess = await edge.fetch(new Request(`http://edge.test${path}`, { headers }));
  const socket = await fetch(`${server.url}${path}`, { headers });
  return new Both(inProcess, socket);
};

/** Two answers to one request. */
class Both {
  constructor(readonly inProcess: Response, readonly socket: Response) {}
}

const expectBoth = async (
  both: Both,
  status: number,
  id: string,
  message: RegExp | string,
): Promise<string> => {
  const a = await expectError(both.inProcess, status, id, message);
  const b = await expectError(both.socket, status, id, message);
  assert.equal(a, b, "in-process and socket answers differ");
  return a;
};

const badQuery = (name: string, query: string, parameter: string, given: Array<string>) =>
  Deno.test(`bad input: ${name} answers 400 naming ${parameter}`, async () => {
    await expectBoth(
      await get(`/batch/acme/spaces?${query}`),
      400,
      "bad_request",
      invalidParameterMessage(parameter, given),
    );
  });

badQuery("per_page 0", "per_page=0", "per_page", ["0"]);
badQuery("per_page -1", "per_page=-1", "per_page", ["-1"]);
badQuery("per_page 1001", "per_page=1001", "per_page", ["1001"]);
badQuery("per_page abc", "per_page=abc", "per_page", ["abc"]);
badQuery("per_page 1.5", "per_page=1.5", "per_page", ["1.5"]);
badQuery("per_page empty", "per_page=", "per_page", [""]);
badQuery("page 0", "page=0", "page", ["0"]);
badQuery("page -1", "page=-1", "page", ["-1"]);
badQuery("page abc", "page=abc", "page", ["abc"]);
badQuery("repeated page", "page=1&page=2", "page", ["1", "2"]);
badQuery("repeated per_page", "per_page=10&per_page=20", "per_page", ["10", "20"]);

Deno.test("bad input: per_page 1001 message says what per_page takes", async () => {
  await expectBoth(
    await get("/batch/acme/spaces?per_page=1001"),
    400,
    "bad_request",
    /per_page must be a whole number from 1 to 1000/,
  );
});

Deno.test("bad input: no Authorization answers 401 saying how to authenticate", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", null),
    401,
    "unauthorized",
    bearerRejectionMessage.missing,
  );
});

Deno.test("bad input: a scheme other than Bearer answers 401", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", `Basic ${btoa("a:b")}`),
    401,
    "unauthorized",
    bearerRejectionMessage.scheme,
  );
});

Deno.test("bad input: invalid base64 answers 401", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", "Bearer not*base64!"),
    401,
    "unauthorized",
    bearerRejectionMessage.base64,
  );
});

Deno.test("bad input: two parts answers 401", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", `Bearer ${btoa("token:key")}`),
    401,
    "unauthorized",
    bearerRejectionMessage.parts,
  );
});

Deno.test("bad input: empty parts answer 401", async () => {
  for (const value of ["::", "t::s", ":k:s", "t:k:"]) {
    await expectBoth(
      await get("/batch/acme/spaces", `Bearer ${btoa(value)}`),
      401,
      "unauthorized",
      bearerRejectionMessage["empty-part"],
    );
  }
});

Deno.test("bad input: a wrong secret answers 401 without saying which part", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", bearer(DEV.token, DEV.accessKey, "wrong")),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

Deno.test("bad input: a wrong access key answers 401", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", bearer(DEV.token, "nokey", DEV.accessSecret)),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

Deno.test("bad input: an unknown token answers 401", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", bearer("nosuchtoken1", DEV.accessKey, DEV.accessSecret)),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

Deno.test("bad input: an expired token answers 401 saying it expired", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", bearer("expired00001", "oldkey", "old-secret")),
    401,
    "unauthorized",
    EXPIRED_SIGNATURE_MESSAGE,
  );
});

Deno.test("bad input: an expired token with a wrong secret does not learn it expired", async () => {
  await expectBoth(
    await get("/batch/acme/spaces", bearer("expired00001", "oldkey", "guess")),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

const notFound =
  /^Workspace "(acme|other|nosuchworkspace)" was not found, or these credentials do not give access to it\.$/;

Deno.test("bad input: a token of another workspace answers 404", async () => {
  const message = await expectBoth(
    await get("/batch/acme/spaces", bearer("othertoken01", "otherkey", "other-secret")),
    404,
    "not_found",
    notFound,
  );
  const unknown = await expectBoth(
    await get(
      "/batch/nosuchworkspace/spaces",
      bearer("othertoken01", "otherkey", "other-secret"),
    ),
    404,
    "not_found",
    notFound,
  );
  // The same words whether the workspace exists or not: no leak.
  assert.equal(message.replace("acme", "X"), unknown.replace("nosuchworkspace", "X"));
});

Deno.test("bad input: an unknown workspace answers 404", async () => {
  await expectBoth(
    await get("/batch/nosuchworkspace/spaces"),
    404,
    "not_found",
    notFound,
  );
});

Deno.test("bad input: an unknown workspace without credentials answers 401, not 404", async () => {
  await expectBoth(
    await get("/batch/nosuchworkspace/spaces", null),
    401,
    "unauthorized",
    bearerRejectionMessage.missing,
  );
});

Deno.test("bad input: an empty workspace name answers 404 saying it is missing", async () => {
  await expectBoth(
    await get("/batch//spaces"),
    404,
    "not_found",
    /^The workspace is missing from the path "\/batch\/\/spaces"/,
  );
});

Deno.test("bad input: a workspace name of 101 characters answers 400 naming workspace", async () => {
  await expectBoth(
    await get(`/batch/${"a".repeat(101)}/spaces`),
    400,
    "bad_request",
    /^Invalid path parameter workspace: workspace must be 1 to 100 letters/,
  );
});

Deno.test("bad input: a very long workspace name answers 400 naming workspace", async () => {
  await expectBoth(
    await get(`/batch/${"w".repeat(20_000)}/spaces`),
    400,
    "bad_request",
    /^Invalid path parameter workspace: it is far too long/,
  );
});

Deno.test("bad input: a workspace full of odd characters answers 400 naming workspace", async () => {
  for (const name of ["%3Cscript%3E", "a%20b", "%E2%9C%93", ".hidden", "-acme", "a'b\"c", "%00"]) {
    await expectBoth(
      await get(`/batch/${name}/spaces`),
      400,
      "bad_request",
      /^Invalid path parameter workspace: /,
    );
  }
});

Deno.test("bad input: a workspace that is not valid percent-encoding answers 400", async () => {
  await expectBoth(
    await get("/batch/%ZZ%/spaces"),
    400,
    "bad_request",
    /^Invalid path parameter workspace: it is not valid percent-encoded text/,
  );
});

Deno.test("bad input: the development token itself works (control)", async () => {
  const both = await get("/batch/acme/spaces?per_page=5", DEV_AUTH);
  for (const response of [both.inProcess, both.socket]) {
    assert.equal(response.status, 200);
    assert.equal((await response.json()).spaces.length, 5);
  }
});

Deno.test({
  name: "bad input: (close the shared server)",
  fn: () => server.close(),
});
