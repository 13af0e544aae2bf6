import assert from "node:assert/strict";
import { resources } from "@mode-discovery/core";
import type * as Core from "@mode-discovery/core";
import { createClient } from "./Client.ts";
import { BadRequestError, ModeDiscoveryError } from "./Errors.ts";
import { type LastPageNext, ServerStartError, startServer } from "./Server.ts";

/** Compiles only when `A` and `B` are assignable both ways. */
const sameShape = <A, B>(_proof: [A] extends [B] ? ([B] extends [A] ? true : false) : false) => {};
sameShape<LastPageNext, Core.LastPageNext>(true);

Deno.test("startServer serves a seeded workspace over node:http to the client", async () => {
  const server = await startServer({ seed: "acme:1500,other:2", lastPageNext: "self" });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(server.workspaces, [
      { workspace: "acme", count: 1500 },
      { workspace: "other", count: 2 },
    ]);
    assert.equal(server.clientOptions.workspace, "acme");
    const client = createClient({ ...server.clientOptions, env: {} });
    const all = await client.collections.list().toArray({ limit: 1500 });
    assert.equal(all.length, 1500);
    const last = await client.collections.page({ page: 2 });
    assert.equal(last._links.next_page?.href, "/batch/acme/spaces?page=2&per_page=1000");
    const anonymous = await fetch(`${server.url}/batch/acme/spaces`);
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).id, "unauthorized");
  } finally {
    await server.close();
  }
  await server.close();
});

Deno.test("startServer serves every resource of the seeded world, counts as seeded", async () => {
  const server = await startServer({
    seed: [{ workspace: "acme", count: 40, counts: { reports: 30, members: 5 } }],
  });
  try {
    assert.deepEqual(server.workspaces, [
      { workspace: "acme", count: 40, counts: { reports: 30, members: 5 } },
    ]);
    const auth = `Bearer ${
      btoa(
        `${server.credentials.token}:${server.credentials.accessKey}:${server.credentials.accessSecret}`,
      )
    }`;
    const expected = {
      spaces: 40,
      reports: 30,
      queries: 80,
      charts: 80,
      report_stats: 30,
      members: 5,
    };
    for (const resource of resources) {
      const response = await fetch(
        `${server.url}/batch/acme/${resource.segment}?per_page=1${
          resource.includeSpaces ? "&include_spaces=all" : ""
        }`,
        { headers: { authorization: auth } },
      );
      assert.equal(response.status, 200, resource.name);
      const body = await response.json();
      assert.equal(
        body.pagination.total_count,
        expected[resource.segment as keyof typeof expected],
        resource.name,
      );
      assert.equal(body[resource.segment].length, 1);
    }
  } finally {
    await server.close();
  }
});

Deno.test("startServer refuses bad options with errors naming them", async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ seed: "acme" }, /Invalid seed: "acme" has no ":count"/],
    [{ seed: "acme:-1" }, /Invalid seed/],
    [{ seed: "acme:3:widgets=1" }, /Invalid seed: "widgets" in acme: there is no such key/],
    [{ seed: [{ workspace: "acme", count: 3, counts: { reports: -1 } }] }, /count of reports/],
    [{ seed: 12 }, /Invalid option seed/],
    [{ port: 70000 }, /Invalid option port/],
    [{ hostname: 0 }, /Invalid option hostname/],
    [{ lastPageNext: "never" }, /lastPageNext/],
    [{ credentials: { token: "a:b", accessKey: "k", accessSecret: "s" } }, /token must not/],
    [{ credentials: { token: "t" } }, /accessKey must be a non-empty string/],
    [{ sede: "acme:1" }, /Unknown option "sede" of startServer/],
  ];
  for (const [options, message] of cases) {
    const error = await startServer(options as never).catch((e) => e);
    assert.ok(error instanceof BadRequestError, `${JSON.stringify(options)}: ${error}`);
    assert.match(error.message, message);
  }
});

Deno.test("startServer on a port in use is a ServerStartError saying so", async () => {
  const first = await startServer({ seed: "acme:1" });
  try {
    const error = await startServer({ port: first.port }).catch((e) => e);
    assert.ok(error instanceof ServerStartError);
    assert.ok(error instanceof ModeDiscoveryError);
    assert.match(
      error.message,
      new RegExp(`127\\.0\\.0\\.1:${first.port}: the port is already in use`),
    );
  } finally {
    await first.close();
  }
});
