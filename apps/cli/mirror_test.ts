/**
 * `mode-discovery mirror` and `mode-discovery import` as a user runs them:
 * subprocesses writing the KV file a server then serves, compared page by
 * page, byte for byte, with the server they came from.
 */
import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import { base64Encode, SignatureCredentials } from "@mode-discovery/core";
import {
  EdgeSettings,
  KvLocation,
  openKvStore,
  readWorkspace,
  startEdgeServer,
} from "@mode-discovery/edge";
import {
  AWKWARD,
  AWKWARD_WORKSPACE,
  CREDENTIALS,
  CREDENTIALS_ENV,
  runCli,
  type RunResult,
  startAwkwardEdge,
} from "./_testing.ts";

const AUTH = `Bearer ${
  base64Encode(`${CREDENTIALS.token}:${CREDENTIALS.accessKey}:${CREDENTIALS.accessSecret}`)
}`;

const assertNoSecret = (result: RunResult) => {
  for (const secret of [...Object.values(CREDENTIALS), AUTH.slice(7)]) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
  }
};

const assertError = (result: RunResult, code: number, pattern: RegExp) => {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
};

/** The stored collections of `workspace` in the KV file at `path`. */
const stored = async (path: string, workspace: string) => {
  const { store, close } = await openKvStore(KvLocation.path(path));
  try {
    return {
      rows: await Effect.runPromise(readWorkspace(store, workspace)),
      info: await Effect.runPromise(store.workspace(workspace)),
    };
  } finally {
    close();
  }
};

const page = async (base: string, workspace: string, n: number, perPage: number) => {
  const response = await fetch(`${base}/batch/${workspace}/spaces?page=${n}&per_page=${perPage}`, {
    headers: { authorization: AUTH },
  });
  assert.equal(response.status, 200);
  return await response.text();
};

Deno.test("mirror: a workspace copied through the CLI is served byte for byte as its source serves it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-mirror-test-" });
  const kvPath = `${dir}/edge.kv`;
  const source = await startAwkwardEdge();
  try {
    const result = await runCli(
      ["mirror", "--from", source.url, "--workspace", AWKWARD_WORKSPACE, "--per-page", "7"],
      { ...CREDENTIALS_ENV, MODE_KV_PATH: kvPath },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      new RegExp(
        `^${AWKWARD.length} collections in \\d+ pages, 0 retries, .+\\. Stored as awkward in ${kvPath} \\(a new workspace\\)\\.\\n$`,
      ),
    );
    assertNoSecret(result);
    // Serve the mirrored KV file with a token of that workspace.
    const mirror = await startEdgeServer({
      port: 0,
      settings: EdgeSettings.make({
        kv: KvLocation.path(kvPath),
        seed: [{ workspace: AWKWARD_WORKSPACE, count: 0 }],
        devCredentials: SignatureCredentials.fromStrings(CREDENTIALS),
      }),
      log: () => {},
    });
    try {
      let compared = 0;
      for (const perPage of [1000, 5, 3]) {
        for (let n = 1; n <= Math.ceil(AWKWARD.length / perPage) + 1; n++) {
          assert.equal(
            await page(mirror.url, AWKWARD_WORKSPACE, n, perPage),
            await page(source.url, AWKWARD_WORKSPACE, n, perPage),
            `page ${n} at per_page ${perPage}`,
          );
          compared++;
        }
      }
      const expected = [1000, 5, 3].reduce((n, pp) => n + Math.ceil(AWKWARD.length / pp) + 1, 0);
      assert.equal(compared, expected);
      assert.ok(AWKWARD.length > 5, "several pages at the small sizes");
    } finally {
      await mirror.close();
    }
    // Mirroring again replaces the copy, and says so.
    const again = await runCli(
      ["mirror", "--from", source.url, "--workspace", AWKWARD_WORKSPACE, "--quiet"],
      { ...CREDENTIALS_ENV, MODE_KV_PATH: kvPath },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, "");
    assert.equal((await stored(kvPath, AWKWARD_WORKSPACE)).info?.source, `mirror:${source.url}`);
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mirror: bad settings and refused credentials fail with one line and change nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-mirror-test-" });
  const kvPath = `${dir}/edge.kv`;
  const source = await startAwkwardEdge();
  try {
    const args = ["mirror", "--from", source.url, "--workspace", AWKWARD_WORKSPACE];
    const results = await Promise.all([
      runCli(args, CREDENTIALS_ENV),
      runCli(args, { ...CREDENTIALS_ENV, MODE_KV_PATH: ":memory:" }),
      runCli(["mirror", "--from", "app.mode.com", "--workspace", "acme"], {
        ...CREDENTIALS_ENV,
        MODE_KV_PATH: kvPath,
      }),
      runCli([...args, "--base-url", source.url], { ...CREDENTIALS_ENV, MODE_KV_PATH: kvPath }),
      runCli(args, { ...CREDENTIALS_ENV, MODE_ACCESS_SECRET: "wrong-0b7d", MODE_KV_PATH: kvPath }),
    ]);
    assertError(
      results[0],
      2,
      /^error: mirror writes into the Deno KV file .* MODE_KV_PATH is not set/,
    );
    assertError(results[1], 2, /MODE_KV_PATH is :memory: \(gone when the command exits\)/);
    assertError(results[2], 2, /^error: --from "app\.mode\.com": it is not an absolute URL/);
    assertError(results[3], 2, /--base-url is not used by mirror/);
    assertError(results[4], 3, /^error: unauthorized: /);
    for (const result of results) assertNoSecret(result);
    assert.equal((await stored(kvPath, AWKWARD_WORKSPACE)).info, undefined, "nothing written");
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("import: the CLI's own NDJSON output imports back whole; a bad line refuses it all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-import-test-" });
  const kvPath = `${dir}/edge.kv`;
  const source = await startAwkwardEdge();
  try {
    const listed = await runCli(
      [
        "collections",
        "list",
        "--workspace",
        AWKWARD_WORKSPACE,
        "--format",
        "ndjson",
        "-o",
        `${dir}/all.ndjson`,
        "--base-url",
        source.url,
      ],
      CREDENTIALS_ENV,
    );
    assert.equal(listed.code, 0, listed.stderr);
    const imported = await runCli(
      ["import", `${dir}/all.ndjson`, "--workspace", "copy"],
      { MODE_KV_PATH: kvPath },
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stderr,
      new RegExp(
        `^${AWKWARD.length} collections imported from .*all\\.ndjson as copy into .* \\(a new workspace\\)`,
      ),
    );
    const first = await stored(kvPath, "copy");
    assert.deepEqual(first.rows, [...AWKWARD].sort((a, b) => a.id - b.id));
    assert.equal(first.info?.source, "import:all.ndjson");

    // A file with one bad line in the middle: refused whole, the copy stays.
    const lines = (await Deno.readTextFile(`${dir}/all.ndjson`)).trimEnd().split("\n");
    lines.splice(4, 1, lines[4].replace('"space_type":', '"space_type":17,"x":'));
    await Deno.writeTextFile(`${dir}/bad.ndjson`, lines.slice(1).join("\n") + "\n");
    const refused = await runCli(
      ["import", `${dir}/bad.ndjson`, "--workspace", "copy"],
      { MODE_KV_PATH: kvPath },
    );
    assertError(
      refused,
      2,
      /^error: import refused, nothing was written: .*bad\.ndjson line 4: not a collection: field space_type: /,
    );
    const after = await stored(kvPath, "copy");
    assert.deepEqual(after.rows, first.rows);
    assert.equal(after.info?.version, first.info?.version);

    const missing = await runCli(["import", `${dir}/nope.ndjson`, "--workspace", "copy"], {
      MODE_KV_PATH: kvPath,
    });
    assertError(missing, 9, /cannot read .*nope\.ndjson: no such file/);
    const noWorkspace = await runCli(["import", `${dir}/all.ndjson`], { MODE_KV_PATH: kvPath });
    assertError(noWorkspace, 2, /no workspace: pass --workspace NAME/);
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});
