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
