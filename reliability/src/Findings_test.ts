/**
 * Defects the reliability work found in packages/core, one test each,
 * reduced to the smallest input that shows it; fixed in
 * packages/core/src/_responseError.ts, kept as regression tests (see
 * RELIABILITY.md, "Findings").
 */
import assert from "node:assert/strict";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import * as HttpClient from "effect/http/HttpClient";
import * as HttpClientResponse from "effect/http/HttpClientResponse";
import { AdminCredentials, DiscoveryClient, SignatureCredentials } from "@mode-discovery/core";

/** Runs `use` against a client whose every request is answered with `status` and `body`. */
const failureOf = async (
  status: number,
  body: string,
  use: (
    client: Effect.Success<ReturnType<typeof DiscoveryClient.make>>,
  ) => Effect.Effect<unknown, unknown>,
): Promise<{ readonly _tag: string; readonly message: string }> => {
  const http = HttpClient.make((request) =>
    Effect.sync(() => HttpClientResponse.fromWeb(request, new Response(body, { status })))
  );
  const exit = await Effect.runPromiseExit(
    Effect.flatMap(
      DiscoveryClient.make({
        baseUrl: "http://findings.test",
        maxRetries: 0,
        credentials: SignatureCredentials.fromStrings({
          token: "t",
          accessKey: "k",
          accessSecret: "s",
        }),
      }),
      use,
    ).pipe(Effect.provideService(HttpClient.HttpClient, http)),
  );
  assert.ok(Exit.isFailure(exit), "the call should fail");
  const error = Cause.findErrorOption(exit.cause);
  assert.ok(Option.isSome(error), "a typed error");
  return error.value as { _tag: string; message: string };
};

const PAGINATION = '"pagination":{"page":1,"per_page":1,"count":1,"total_pages":1,"total_count":1}';

Deno.test("finding: a ResponseDecodeError quotes the whole offending value (a 1 MB message)", async () => {
  // packages/core/src/_responseError.ts decodeError: the Schema issue's message
  // ("Expected string, got [...]") is used as is, so a megabyte value in a
  // wrong-typed field becomes a megabyte error message (the CLI cuts its line
  // at 600 characters; library callers logging error.message do not).
  const body = `{${PAGINATION},"spaces":[{"id":1,"token":["${
    "a".repeat(1_000_000)
  }"],"name":null,"description":null,"space_type":"custom","space_url":"/api/x/spaces/t"}]}`;
  const error = await failureOf(200, body, (c) => c.collections.page({ workspace: "acme" }));
  assert.equal(error._tag, "ResponseDecodeError");
  assert.ok(
    error.message.length <= 2_000,
    `the message is ${error.message.length.toLocaleString("en-US")} characters long`,
  );
});

Deno.test("finding: a non-2xx answer to signature_tokens that holds a token has its access_secret quoted", async () => {
  // packages/core/src/_responseError.ts apiErrorFromResponse: a body that is
  // JSON but not {id, message} is quoted (120 characters) in the message. For
  // POST signature_tokens that body may be the created token (a gateway that
  // rewrites the status, a 502 after the token was made), so its
  // access_secret lands in the error (and in `tokens create`'s error line).
  const secret = "s3cr3t-0f-the-new-token";
  const body = JSON.stringify({ token: "t0k", access_key: "key", access_secret: secret });
  const error = await failureOf(502, body, (c) =>
    c.signatureTokens.create({
      workspace: "acme",
      admin: AdminCredentials.fromStrings({ apiKey: "admin", apiSecret: "admin-secret" }),
      name: "nightly export",
      expiresAt: "2099-01-01T00:00:00Z",
    }));
  assert.equal(error._tag, "ServerError");
  assert.ok(!error.message.includes(secret), `the message holds the secret: ${error.message}`);
});

Deno.test({
  name:
    "finding: after the page size shrinks on page 1, the listing says the totals drifted (they did not)",
  fn: async () => {
    // packages/core/src/_walk.ts totalsPages: page 1 fetched with shrinking was the join of
    // its halves and kept the last half's pagination (per_page 250, total_pages 5), while
    // the later units were rewritten to the unit size (per_page 1000, total_pages 2), so
    // WalkState.take saw total_pages change: totalsDrifted, the CLI's drift warning, and
    // units past the end fetched. Fixed: page 1 read as smaller pages counts in the size asked.
    const { EdgeSettings, parseFaults, startEdgeServer } = await import("@mode-discovery/edge");
    const Stream = await import("effect/Stream");
    const FetchHttpClient = await import("effect/http/FetchHttpClient");
    const credentials = { token: "t", accessKey: "k", accessSecret: "s" };
    const faults = parseFaults("slow-above=members:250");
    if (faults instanceof Error) throw faults;
    const server = await startEdgeServer({
      hostname: "127.0.0.1",
      port: 0,
      log: () => {},
      settings: EdgeSettings.make({
        seed: [{ workspace: "acme", count: 300, counts: { members: 1200 } }],
        devCredentials: SignatureCredentials.fromStrings(credentials),
        faults,
      }),
    });
    try {
      let drifted: boolean | undefined;
      let shrinks = 0;
      const items = await Effect.runPromise(
        Effect.flatMap(
          DiscoveryClient.make({
            baseUrl: server.url,
            credentials: SignatureCredentials.fromStrings(credentials),
            maxRetries: 0,
          }),
          (client) =>
            Stream.runCollect(client.members.list({
              workspace: "acme",
              onSummary: (s) => {
                drifted = s.totalsDrifted;
                shrinks = s.pageSizeShrinks;
              },
            })),
        ).pipe(Effect.provide(FetchHttpClient.layer)),
      );
      assert.equal(items.length, 1200);
      assert.ok(shrinks > 0);
      assert.equal(drifted, false, "total_count stayed 1200, yet totalsDrifted is true");
    } finally {
      await server.close();
    }
  },
});

Deno.test("finding: a members page whose array holds charts decoded as members with every field null", async () => {
  // packages/core (the item schemas from Field.ts): every field but the key and the token
  // is optional and unknown fields are dropped, so any object with an id and a token was a
  // member (22 of the 30 pairings of one resource's page holding another's rows passed).
  // Fixed in part: a row with none of the resource's fields but its key and token, and
  // fields it does not have, is refused (the next test covers the rest).
  const chart = {
    id: 40001,
    token: "c0ffee000001",
    chart_type: "bar",
    chart_title: "Weekly",
    query_id: 20001,
    report_id: 1001,
    space_id: 170,
  };
  const body = JSON.stringify({
    pagination: { page: 1, per_page: 1, count: 1, total_pages: 1, total_count: 1 },
    members: [chart],
    _links: {},
  });
  const error = await failureOf(200, body, (c) => c.members.page({ workspace: "acme" })).catch(
    (e: unknown) => ({ _tag: "accepted", message: String(e) }),
  );
  assert.equal(error._tag, "ResponseDecodeError", "a chart was accepted as a member");
});

Deno.test({
  name:
    "finding: a reports page whose array holds collections decoded as reports (they share name and description)",
  fn: async () => {
    // packages/core/src/Resource.ts foreignItem refused a row only when it had none of the
    // resource's fields but the key and the token; a collection has a report's `name` and
    // `description`, so it was taken as a report with the 12 other fields null (10 of the 30
    // pairings passed). Fixed: a row whose every field is another resource's, with fields
    // this one does not have, is refused too.
    const collection = {
      id: 170,
      token: "5pac3000001a",
      name: "Marketing",
      description: null,
      space_type: "custom",
      space_url: "/api/acme/spaces/5pac3000001a",
    };
    const body = JSON.stringify({
      pagination: { page: 1, per_page: 1, count: 1, total_pages: 1, total_count: 1 },
      reports: [collection],
      _links: {},
    });
    const error = await failureOf(200, body, (c) => c.reports.page({ workspace: "acme" })).catch(
      (e: unknown) => ({ _tag: "accepted", message: String(e) }),
    );
    assert.equal(error._tag, "ResponseDecodeError", "a collection was accepted as a report");
  },
});
