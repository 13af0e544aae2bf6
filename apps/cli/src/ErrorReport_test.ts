import assert from "node:assert/strict";
import {
  BadRequest,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  PaginationError,
  RateLimited,
  ResponseDecodeError,
  ServerError,
  TimeoutError,
  TransportError,
  Unauthorized,
} from "@mode-discovery/core";
import { CredentialsError, FileError, ServeError, UsageError } from "./CliFailure.ts";
import { OutputClosed } from "./CliIO.ts";
import { describeFailure } from "./ErrorReport.ts";
import { ExitCode } from "./ExitCode.ts";
import { Redactor } from "./Redactor.ts";

Deno.test("every failure class maps to its documented exit code", () => {
  const cases: ReadonlyArray<readonly [unknown, number, string]> = [
    [new UsageError({ message: "no workspace." }), ExitCode.Usage, "no workspace."],
    [
      new BadRequest({ id: "bad_request", message: "per_page" }),
      ExitCode.Usage,
      "bad request: per_page.",
    ],
    [new CredentialsError({ message: "no credentials." }), ExitCode.Auth, "no credentials."],
    [new Unauthorized({ id: "unauthorized", message: "x" }), ExitCode.Auth, "unauthorized: x."],
    [new Forbidden({ id: "forbidden", message: "x" }), ExitCode.Auth, "forbidden: x."],
    [new NotFound({ id: "not_found", message: "x" }), ExitCode.NotFound, "not found: x."],
    [RateLimited.withRetryAfter("x", 1), ExitCode.RateLimited, "rate limited: x."],
    [new TransportError({ url: "u", message: "x" }), ExitCode.Network, "network: x."],
    [new TimeoutError({ url: "u", timeoutMs: 1, message: "x" }), ExitCode.Network, "timeout: x."],
    [ServerError.withStatus(502, "server_error", "x"), ExitCode.Server, "server error: x."],
    [
      new ResponseDecodeError({ url: "u", status: 200, path: [], message: "x" }),
      ExitCode.BadResponse,
      "bad response: x.",
    ],
    [
      new MethodNotAllowed({ id: "method_not_allowed", message: "x" }),
      ExitCode.BadResponse,
      "bad response: x.",
    ],
    [
      new PaginationError({ reason: "loop", message: "x" }),
      ExitCode.BadResponse,
      "bad pagination: x.",
    ],
    [new FileError({ path: "p", message: "cannot write p." }), ExitCode.File, "cannot write p."],
    [new ServeError({ message: "port in use." }), ExitCode.Network, "port in use."],
    [new OutputClosed(), ExitCode.Ok, ""],
  ];
  for (const [error, code, message] of cases) {
    assert.deepEqual(describeFailure(error), { code, message });
  }
});

Deno.test("anything else is an internal error (exit 1) asking for a report", () => {
  const report = describeFailure(new TypeError("x is undefined"));
  assert.equal(report.code, ExitCode.Internal);
  assert.equal(
    report.message,
    "unexpected internal error: x is undefined. This is a bug: rerun with --verbose and report the output.",
  );
  assert.equal(describeFailure("boom").code, ExitCode.Internal);
});

Deno.test("messages become one line, with secrets scrubbed", () => {
  const redactor = Redactor.empty.add(["s3cr3t-value"]);
  const report = describeFailure(
    new Unauthorized({ id: "unauthorized", message: "bad\nsecret s3cr3t-value\r\n\x1b[31mhere" }),
    { redactor },
  );
  assert.equal(report.message, "unauthorized: bad secret <redacted> [31mhere.");
});
