import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import {
  BadRequest,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  PaginationError,
  RateLimited,
  ResponseDecodeError,
  ServerError,
  Unauthorized,
} from "./DiscoveryError.ts";

Deno.test("API errors encode to Mode's {id, message} body with no _tag", () => {
  const cases = [
    [new BadRequest({ id: "bad_request", message: "m" }), "bad_request", 400],
    [new Unauthorized({ id: "unauthorized", message: "m" }), "unauthorized", 401],
    [new Forbidden({ id: "forbidden", message: "m" }), "forbidden", 403],
    [new NotFound({ id: "not_found", message: "m" }), "not_found", 404],
    [new MethodNotAllowed({ id: "method_not_allowed", message: "m" }), "method_not_allowed", 405],
    [RateLimited.withRetryAfter("m", 7), "rate_limited", 429],
  ] as const;
  for (const [error, id, status] of cases) {
    const schema = error.constructor as unknown as Schema.Codec<unknown, unknown> & {
      status: number;
    };
    assert.deepEqual(Schema.encodeSync(schema)(error), { id, message: "m" });
    assert.equal(schema.status, status);
    assert.ok(error instanceof Error);
  }
});

Deno.test("API errors decode from a wire body and can be caught by tag", async () => {
  const decoded = Schema.decodeUnknownSync(NotFound)({ id: "not_found", message: "gone" });
  assert.ok(decoded instanceof NotFound);
  const result = await Effect.runPromise(
    Effect.fail(decoded).pipe(Effect.catchTag("NotFound", (e) => Effect.succeed(e.message))),
  );
  assert.equal(result, "gone");
  assert.equal(
    Schema.decodeUnknownExit(NotFound)({ id: "unauthorized", message: "x" })._tag,
    "Failure",
    "the id must match the class",
  );
});

Deno.test("RateLimited keeps Retry-After and ServerError keeps its status", () => {
  assert.equal(RateLimited.withRetryAfter("slow down", 12).retryAfterSeconds, 12);
  const e = ServerError.withStatus(503, "service_unavailable", "try later");
  assert.equal(e.status, 503);
  assert.equal(e.message, "try later");
});

Deno.test("client errors carry what a user needs to act", () => {
  const decode = new ResponseDecodeError({
    url: "http://127.0.0.1/batch/acme/spaces?page=3&per_page=10",
    page: 3,
    status: 200,
    path: ["spaces", 2, "id"],
    message: "Expected an integer",
  });
  assert.equal(decode._tag, "ResponseDecodeError");
  assert.deepEqual(decode.path, ["spaces", 2, "id"]);
  const loop = new PaginationError({ reason: "loop", href: "/x", message: "next_page repeats" });
  assert.equal(loop.message, "next_page repeats");
});

Deno.test("the status-to-id map comes from the error classes", async () => {
  const { apiErrorClasses, errorIdForStatus, errorBody } = await import("./DiscoveryError.ts");
  for (const error of apiErrorClasses) assert.equal(errorIdForStatus(error.status), error.id);
  assert.equal(errorIdForStatus(431), "bad_request");
  assert.equal(errorIdForStatus(413), "bad_request");
  assert.equal(errorIdForStatus(502), "server_error");
  assert.deepEqual(JSON.parse(errorBody("not_found", "No.")), { id: "not_found", message: "No." });
});
