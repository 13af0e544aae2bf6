import assert from "node:assert/strict";
import { accessLogLine, describeRequest } from "./AccessLog.ts";

Deno.test("access log: a line has method, path, status, duration and workspace, no secret", () => {
  const request = new Request(
    "http://edge.test/batch/acme%2Dco/spaces?page=3&per_page=100&token=s3cret&access_secret=x#frag",
    { headers: { authorization: "Bearer c2VjcmV0OnNlY3JldDpzZWNyZXQ=", cookie: "session=abc" } },
  );
  const response = new Response("{}", { status: 200, headers: { "x-mode-fault": "delay=300ms" } });
  const line = accessLogLine(describeRequest(request, response, 12.3456, new Date(0)));
  assert.deepEqual(JSON.parse(line), {
    time: "1970-01-01T00:00:00.000Z",
    method: "GET",
    path: "/batch/acme%2Dco/spaces",
    query: "page=3&per_page=100&token=REDACTED&access_secret=REDACTED",
    status: 200,
    ms: 12.35,
    workspace: "acme-co",
    page: 3,
    perPage: 100,
    fault: "delay=300ms",
  });
  for (const secret of ["s3cret", "c2VjcmV0", "session", "abc", "frag"]) {
    assert.ok(!line.includes(secret), `${secret} in ${line}`);
  }
  assert.ok(!line.includes("\n"));
});

Deno.test("access log: long or odd paths are cut; other routes have no workspace", () => {
  const long = describeRequest(
    new Request(`http://edge.test/${"a".repeat(500)}`),
    new Response(null, { status: 404 }),
    1,
    new Date(0),
  );
  assert.equal(long.path.length, 203);
  assert.equal(long.workspace, undefined);
  const health = describeRequest(
    new Request("http://edge.test/healthz", { method: "HEAD" }),
    new Response(null),
    0.5,
    new Date(0),
  );
  assert.deepEqual(JSON.parse(accessLogLine(health)), {
    time: "1970-01-01T00:00:00.000Z",
    method: "HEAD",
    path: "/healthz",
    status: 200,
    ms: 0.5,
  });
});
