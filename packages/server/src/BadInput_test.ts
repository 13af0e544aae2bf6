/**
 * The list of bad input, one test each (and each on every resource
 * path): status, id and message, in process and over a real socket.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Redacted from "effect/Redacted";
import { bearerRejectionMessage, invalidParameterMessage, resources } from "@mode-discovery/core";
import { EXPIRED_SIGNATURE_MESSAGE, WRONG_SIGNATURE_MESSAGE } from "./Auth.ts";
import { bearer, DEV, DEV_AUTH, expectError, listen, startTestServer } from "./_testing.ts";

// One server for the whole file; each test only reads, in-process and over a real socket.
const edge = await startTestServer();
const socket = listen(edge.fetch);
await Effect.runPromise(edge.credentials.putSignatureToken("acme", {
  token: "expired00001",
  accessKey: "oldkey",
  accessSecret: Redacted.make("old-secret"),
  name: "expired token",
  creatorId: 1,
  organizationId: 1,
  expiresAt: new Date(Date.now() - 60_000),
}));
await Effect.runPromise(edge.credentials.putSignatureToken("other", {
  token: "othertoken01",
  accessKey: "otherkey",
  accessSecret: Redacted.make("other-secret"),
  name: "other workspace token",
  creatorId: 1,
  organizationId: 2,
  expiresAt: null,
}));

/** GET `path` in-process and over the socket; both answers, for the same checks. */
const get = async (path: string, authorization: string | null = DEV_AUTH) => {
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  const inProcess = await edge.fetch(new Request(`http://edge.test${path}`, { headers }));
  const over = await fetch(`${socket.url}${path}`, { headers });
  return new Both(inProcess, over);
};

/** Every resource path segment, and the resources that take `include_spaces`. */
const SEGMENTS = resources.map((r) => r.segment);
const SPACES = resources.filter((r) => r.includeSpaces).map((r) => r.segment);

/** One test per resource: `name` on `/batch/<workspace>/<segment>`. */
const everyResource = (
  name: string,
  f: (segment: string) => Promise<void>,
  segments = SEGMENTS,
) => {
  for (const segment of segments) Deno.test(`bad input: ${name} (${segment})`, () => f(segment));
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

const badQuery = (
  name: string,
  query: string,
  parameter: string,
  given: Array<string>,
  segments = SEGMENTS,
) =>
  everyResource(`${name} answers 400 naming ${parameter}`, async (segment) => {
    await expectBoth(
      await get(`/batch/acme/${segment}?${query}`),
      400,
      "bad_request",
      invalidParameterMessage(parameter, given),
    );
  }, segments);

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
badQuery("include_spaces ALL", "include_spaces=ALL", "include_spaces", ["ALL"], SPACES);
badQuery("include_spaces none", "include_spaces=none", "include_spaces", ["none"], SPACES);
badQuery("include_spaces empty", "include_spaces=", "include_spaces", [""], SPACES);
badQuery(
  "repeated include_spaces",
  "include_spaces=all&include_spaces=all",
  "include_spaces",
  ["all", "all"],
  SPACES,
);

everyResource("include_spaces is only named when the resource takes it", async (segment) => {
  const message = await expectBoth(
    await get(`/batch/acme/${segment}?include_spaces=ALL`),
    400,
    "bad_request",
    /^Invalid query parameter include_spaces: got "ALL"\. include_spaces must be all/,
  );
  assert.match(message, /left out\.$/);
}, SPACES);

everyResource("per_page 1001 message says what per_page takes", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}?per_page=1001`),
    400,
    "bad_request",
    /per_page must be a whole number from 1 to 1000/,
  );
});

everyResource("no Authorization answers 401 saying how to authenticate", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, null),
    401,
    "unauthorized",
    bearerRejectionMessage.missing,
  );
});

everyResource("a scheme other than Bearer answers 401", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, `Basic ${btoa("a:b")}`),
    401,
    "unauthorized",
    bearerRejectionMessage.scheme,
  );
});

everyResource("invalid base64 answers 401", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, "Bearer not*base64!"),
    401,
    "unauthorized",
    bearerRejectionMessage.base64,
  );
});

everyResource("two parts answers 401", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, `Bearer ${btoa("token:key")}`),
    401,
    "unauthorized",
    bearerRejectionMessage.parts,
  );
});

everyResource("empty parts answer 401", async (segment) => {
  for (const value of ["::", "t::s", ":k:s", "t:k:"]) {
    await expectBoth(
      await get(`/batch/acme/${segment}`, `Bearer ${btoa(value)}`),
      401,
      "unauthorized",
      bearerRejectionMessage["empty-part"],
    );
  }
});

everyResource("a wrong secret answers 401 without saying which part", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, bearer(DEV.token, DEV.accessKey, "wrong")),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

everyResource("a wrong access key answers 401", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, bearer(DEV.token, "nokey", DEV.accessSecret)),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

everyResource("an unknown token answers 401", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, bearer("nosuchtoken1", DEV.accessKey, DEV.accessSecret)),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

everyResource("an expired token answers 401 saying it expired", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, bearer("expired00001", "oldkey", "old-secret")),
    401,
    "unauthorized",
    EXPIRED_SIGNATURE_MESSAGE,
  );
});

everyResource("an expired token with a wrong secret does not learn it expired", async (segment) => {
  await expectBoth(
    await get(`/batch/acme/${segment}`, bearer("expired00001", "oldkey", "guess")),
    401,
    "unauthorized",
    WRONG_SIGNATURE_MESSAGE,
  );
});

const notFound =
  /^Workspace "(acme|other|nosuchworkspace)" was not found, or these credentials do not give access to it\.$/;

everyResource("a token of another workspace answers 404", async (segment) => {
  const message = await expectBoth(
    await get(`/batch/acme/${segment}`, bearer("othertoken01", "otherkey", "other-secret")),
    404,
    "not_found",
    notFound,
  );
  const unknown = await expectBoth(
    await get(
      `/batch/nosuchworkspace/${segment}`,
      bearer("othertoken01", "otherkey", "other-secret"),
    ),
    404,
    "not_found",
    notFound,
  );
  // The same words whether the workspace exists or not: no leak.
  assert.equal(message.replace("acme", "X"), unknown.replace("nosuchworkspace", "X"));
});

everyResource("an unknown workspace answers 404", async (segment) => {
  await expectBoth(
    await get(`/batch/nosuchworkspace/${segment}`),
    404,
    "not_found",
    notFound,
  );
});

everyResource("an unknown workspace without credentials answers 401, not 404", async (segment) => {
  await expectBoth(
    await get(`/batch/nosuchworkspace/${segment}`, null),
    401,
    "unauthorized",
    bearerRejectionMessage.missing,
  );
});

everyResource("an empty workspace name answers 404 saying it is missing", async (segment) => {
  await expectBoth(
    await get(`/batch//${segment}`),
    404,
    "not_found",
    new RegExp(
      `^The workspace is missing from the path "/batch//${segment}": use /batch/\\{workspace\\}/${segment} `,
    ),
  );
});

everyResource(
  "a workspace name of 101 characters answers 400 naming workspace",
  async (segment) => {
    await expectBoth(
      await get(`/batch/${"a".repeat(101)}/${segment}`),
      400,
      "bad_request",
      /^Invalid path parameter workspace: workspace must be 1 to 100 letters/,
    );
  },
);

everyResource("a very long workspace name answers 400 naming workspace", async (segment) => {
  await expectBoth(
    await get(`/batch/${"w".repeat(20_000)}/${segment}`),
    400,
    "bad_request",
    /^Invalid path parameter workspace: it is far too long/,
  );
});

everyResource(
  "a workspace full of odd characters answers 400 naming workspace",
  async (segment) => {
    for (
      const name of ["%3Cscript%3E", "a%20b", "%E2%9C%93", ".hidden", "-acme", "a'b\"c", "%00"]
    ) {
      await expectBoth(
        await get(`/batch/${name}/${segment}`),
        400,
        "bad_request",
        /^Invalid path parameter workspace: /,
      );
    }
  },
);

everyResource("a workspace that is not valid percent-encoding answers 400", async (segment) => {
  await expectBoth(
    await get(`/batch/%ZZ%/${segment}`),
    400,
    "bad_request",
    /^Invalid path parameter workspace: it is not valid percent-encoded text/,
  );
});

everyResource("the development token itself works (control)", async (segment) => {
  const both = await get(`/batch/acme/${segment}?per_page=5`, DEV_AUTH);
  for (const response of [both.inProcess, both.socket]) {
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body[segment].length, Math.min(5, body.pagination.total_count));
    assert.ok(body.pagination.total_count > 0);
  }
});

Deno.test({
  name: "bad input: (close the shared server)",
  fn: async () => {
    await socket.close();
    await edge.close();
  },
});
