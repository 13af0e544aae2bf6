/**
 * `mode-discovery` as a user runs it: `deno run -A apps/cli/main.ts` in a
 * subprocess, against a real edge server (and, for failures in the middle of
 * a walk, a small hand-written server). Independent runs go in parallel.
 */
import assert from "node:assert/strict";
import { base64Encode, type Collection } from "@mode-discovery/core";
import { startFakeApi } from "./_fake_api.ts";
import { readCsv } from "./_csv_reader.ts";
import {
  ADMIN,
  AWKWARD,
  AWKWARD_WORKSPACE,
  CREDENTIALS,
  CREDENTIALS_ENV,
  listDir,
  runCli,
  type RunResult,
  startAwkwardEdge,
  startCli,
  startHangUpServer,
  until,
} from "./_testing.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

const WRONG_SECRET = "wrong-secret-0b7d";

/** Every secret the tests hand the command: none may ever show in its output. */
const SECRETS = [
  ...Object.values(CREDENTIALS),
  base64Encode(`${CREDENTIALS.token}:${CREDENTIALS.accessKey}:${CREDENTIALS.accessSecret}`),
  ADMIN.apiKey,
  ADMIN.apiSecret,
  base64Encode(`${ADMIN.apiKey}:${ADMIN.apiSecret}`),
  WRONG_SECRET,
];

const assertNoSecret = (args: ReadonlyArray<string>, result: RunResult) => {
  for (const secret of SECRETS) {
    assert.ok(!result.stdout.includes(secret), `stdout of '${args.join(" ")}' holds a secret`);
    assert.ok(!result.stderr.includes(secret), `stderr of '${args.join(" ")}' holds a secret`);
  }
};

/** Runs the CLI, and checks that no secret is in anything it printed. */
const cli = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = await runCli(args, env);
  assertNoSecret(args, result);
  return result;
};

const golden = async (name: string, actual: string) => {
  const url = new URL(name, TESTDATA);
  if (UPDATE) await Deno.writeTextFile(url, actual);
  assert.equal(actual, await Deno.readTextFile(url), `output differs from testdata/${name}`);
};

/** Asserts exit code and a single `error: ...` line on stderr, no stack trace. */
const assertError = (result: RunResult, code: number, includes: ReadonlyArray<string | RegExp>) => {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got: ${result.stderr}`);
  assert.match(lines[0], /^error: /);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  for (const part of includes) {
    if (typeof part === "string") assert.ok(lines[0].includes(part), `${lines[0]} has ${part}`);
    else assert.match(lines[0], part);
  }
  assert.equal(result.stdout, "", "nothing on stdout");
};

const ids = (ndjson: string) =>
  ndjson.trimEnd().split("\n").map((line) => (JSON.parse(line) as Collection).id);

const tempDir = () => Deno.makeTempDir({ prefix: "mode-discovery-cli-test-" });

Deno.test("mode-discovery against a real edge server", async (t) => {
  const server = await startAwkwardEdge();
  const base = ["--base-url", server.url];
  const list = ["collections", "list", "--workspace", AWKWARD_WORKSPACE, ...base];
  const dir = await tempDir();
  try {
    await t.step(
      "each format matches its golden file, across 4 pages of awkward text",
      async () => {
        // ndjson is asked for by default: stdout is not a terminal.
        const formats = ["table", "json", undefined, "csv"] as const;
        const results = await Promise.all(
          formats.map((format) =>
            cli(
              [...list, "--per-page", "6", ...(format === undefined ? [] : ["--format", format])],
              CREDENTIALS_ENV,
            )
          ),
        );
        for (const [i, format] of formats.entries()) {
          assert.equal(results[i].code, 0, results[i].stderr);
          assert.match(results[i].stderr, /^20 collections in 4 pages, 0 retries, [\d.]+ m?s\.\n$/);
          const name = format === "table" ? "table.txt" : format ?? "ndjson";
          await golden(`awkward.${name}`, results[i].stdout);
        }
        const [table, json, ndjson, csv] = results.map((r) => r.stdout);
        // JSON and NDJSON carry every value exactly, unicode and escapes included.
        assert.deepEqual(JSON.parse(json), AWKWARD);
        assert.deepEqual(ndjson.trimEnd().split("\n").map((l) => JSON.parse(l)), AWKWARD);
        // CSV reads back with a strict RFC 4180 reader; null is an empty field.
        const records = readCsv(csv);
        assert.deepEqual(records[0], [
          "id",
          "token",
          "name",
          "description",
          "space_type",
          "space_url",
        ]);
        assert.deepEqual(
          records.slice(1),
          AWKWARD.map((c) => [
            String(c.id),
            c.token,
            c.name ?? "",
            c.description ?? "",
            c.space_type,
            c.space_url,
          ]),
        );
        assert.ok(csv.includes('"Sales, ""EMEA"" & APAC"'));
        assert.ok(csv.includes('"Line one\nline two"'));
        // The table shows control characters as escapes: nothing can reach the terminal raw.
        // deno-lint-ignore no-control-regex
        assert.doesNotMatch(table, /[\x00-\x08\x0b-\x1f\x7f\u202e]/);
        // Multi-line text shows its first line, marked as cut.
        assert.ok(table.includes("Line one…"));
        assert.ok(table.includes("\\u001b[31mred\\u001b"));
        assert.ok(table.includes("売上ダッシュボード"));
        assert.equal(table.trimEnd().split("\n").length, AWKWARD.length + 1);
      },
    );

    await t.step("--type filters by space_type and --limit stops after N rows", async () => {
      const [typed, limited, both, small] = await Promise.all([
        cli(
          [...list, "--per-page", "6", "--type", "private", "--format", "ndjson"],
          CREDENTIALS_ENV,
        ),
        cli([...list, "--per-page", "6", "--limit", "8", "--format", "ndjson"], CREDENTIALS_ENV),
        cli(
          [...list, "--type", "community", "--limit", "2", "--format", "ndjson"],
          CREDENTIALS_ENV,
        ),
        cli([...list, "--limit", "3", "--format", "ndjson"], CREDENTIALS_ENV),
      ]);
      // Without --per-page a limit under a page asks for pages of the limit:
      // three rows cost a request of three, not of a thousand.
      assert.deepEqual(ids(small.stdout), AWKWARD.slice(0, 3).map((c) => c.id));
      assert.match(small.stderr, /^3 collections in 1 page, 0 retries, /);
      // With --type every row read may be dropped: the default page size stays.
      assert.match(both.stderr, /^2 collections written \(of 20 read in 1 page, 0 retries, /);
      const privateIds = AWKWARD.filter((c) => c.space_type === "private").map((c) => c.id);
      assert.deepEqual(ids(typed.stdout), privateIds);
      assert.match(
        typed.stderr,
        new RegExp(
          `^${privateIds.length} collections written \\(of 20 read in 4 pages, 0 retries, `,
        ),
      );
      assert.deepEqual(ids(limited.stdout), AWKWARD.slice(0, 8).map((c) => c.id));
      assert.deepEqual(ids(both.stdout), [105, 116]);
      for (const r of [typed, limited, both, small]) assert.equal(r.code, 0, r.stderr);
    });

    await t.step("--output writes the file whole, format from its extension", async () => {
      const path = `${dir}/all.csv`;
      const result = await cli([...list, "--per-page", "6", "--output", path], CREDENTIALS_ENV);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(
        result.stderr,
        new RegExp(`^20 collections in 4 pages, .*, written to ${path}\\.\\n$`),
      );
      assert.equal(
        await Deno.readTextFile(path),
        await Deno.readTextFile(new URL("awkward.csv", TESTDATA)),
      );
      assert.deepEqual(await listDir(dir), ["all.csv"]);
      await Deno.remove(path);
    });

    await t.step("collections page prints one raw page as JSON", async () => {
      const result = await cli(
        [
          "collections",
          "page",
          "--workspace",
          AWKWARD_WORKSPACE,
          "--page",
          "2",
          "--per-page",
          "6",
          ...base,
        ],
        CREDENTIALS_ENV,
      );
      assert.equal(result.code, 0, result.stderr);
      const page = JSON.parse(result.stdout);
      assert.deepEqual(page.pagination, {
        page: 2,
        per_page: 6,
        count: 6,
        total_pages: 4,
        total_count: 20,
      });
      assert.deepEqual(page.spaces, AWKWARD.slice(6, 12));
      assert.equal(page._links.next_page.href, "/batch/awkward/spaces?page=3&per_page=6");
    });

    await t.step(
      "tokens create prints the token JSON that --credentials-file accepts",
      async () => {
        const adminEnv = { MODE_API_KEY: ADMIN.apiKey, MODE_API_SECRET: ADMIN.apiSecret };
        const create = ["tokens", "create", "--workspace", AWKWARD_WORKSPACE, ...base];
        const tokenFile = `${dir}/token.json`;
        const [printed, written, badName, noAdmin] = await Promise.all([
          cli(
            [...create, "--name", "cli test token", "--expires-at", "2099-01-01T00:00:00Z"],
            adminEnv,
          ),
          cli([
            ...create,
            "--name",
            "cli file token",
            "--expires-at",
            "2099-01-01T00:00:00Z",
            "--output",
            tokenFile,
          ], adminEnv),
          cli([...create, "--name", "abc", "--expires-at", "2099-01-01T00:00:00Z"], adminEnv),
          cli([...create, "--name", "cli test token", "--expires-at", "2099-01-01T00:00:00Z"]),
        ]);
        assert.equal(printed.code, 0, printed.stderr);
        const token = JSON.parse(printed.stdout);
        assert.equal(token.name, "cli test token");
        assert.equal(typeof token.access_secret, "string");
        assert.ok(!printed.stderr.includes(token.access_secret), "the new secret only on stdout");
        assert.equal(written.code, 0, written.stderr);
        assert.equal(written.stdout, "");
        assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600);
        assertError(badName, 2, ["--name"]);
        assertError(noAdmin, 3, ["MODE_API_KEY and MODE_API_SECRET are not set"]);

        const printedFile = `${dir}/printed.json`;
        await Deno.writeTextFile(printedFile, printed.stdout);
        const minimalFile = `${dir}/minimal.json`;
        await Deno.writeTextFile(minimalFile, JSON.stringify(CREDENTIALS_FILE));
        const withFiles = await Promise.all(
          [printedFile, minimalFile].map((file) =>
            cli([...list, "--credentials-file", file, "--limit", "2", "--format", "ndjson"])
          ),
        );
        for (const r of withFiles) {
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(ids(r.stdout), [101, 102]);
        }
      },
    );

    await t.step("every failure is one line and its documented exit code", async () => {
      const wrongSecret = { ...CREDENTIALS_ENV, MODE_ACCESS_SECRET: WRONG_SECRET };
      const hangUp = startHangUpServer();
      const [usage, noWorkspace, unauthorized, noCredentials, notFound, network, noFile, noDir] =
        await Promise.all([
          cli([...list, "--format", "xml"], CREDENTIALS_ENV),
          cli(["collections", "list", ...base], CREDENTIALS_ENV),
          cli([...list, "--verbose"], wrongSecret),
          cli(list),
          cli(["collections", "list", "--workspace", "nope", ...base], CREDENTIALS_ENV),
          cli(
            [
              "collections",
              "list",
              "--workspace",
              "x",
              "--base-url",
              hangUp.url,
              "--max-retries",
              "0",
            ],
            CREDENTIALS_ENV,
          ),
          cli([...list, "--credentials-file", `${dir}/missing.json`]),
          cli([...list, "--output", `${dir}/no/such/dir/out.csv`], CREDENTIALS_ENV),
        ]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /^error: Invalid value for flag --format: "xml"/);
      assert.match(usage.stderr, /\nRun 'mode-discovery collections list --help' for usage\.\n$/);
      assertError(noWorkspace, 2, ["no workspace: pass --workspace NAME or set MODE_WORKSPACE"]);
      // 401: what was asked, what the server said, what to do.
      assert.equal(unauthorized.code, 3);
      const line401 = unauthorized.stderr.trimEnd().split("\n").at(-1)!;
      assert.match(
        line401,
        new RegExp(
          `^error: unauthorized: GET ${server.url}/batch/awkward/spaces\\?page=1&per_page=1000 answered 401 .*Check MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET`,
        ),
      );
      assertError(noCredentials, 3, ["no credentials: set MODE_TOKEN"]);
      // 404: names the workspace and what to check.
      assertError(notFound, 4, [
        `error: not found: GET ${server.url}/batch/nope/spaces?page=1&per_page=1000 answered 404`,
        "Check the workspace name",
      ]);
      await hangUp.close();
      assertError(network, 6, ["error: network: "]);
      assertError(noFile, 9, [`cannot read --credentials-file ${dir}/missing.json: no such file`]);
      assertError(noDir, 9, [`cannot create --output ${dir}/no/such/dir/out.csv`]);
      assert.deepEqual(await listDir(dir), ["minimal.json", "printed.json", "token.json"]);
    });

    await t.step("--verbose shows requests and settings, never a secret", async () => {
      const result = await cli([...list, "--limit", "1", "--verbose"], CREDENTIALS_ENV);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `^base URL ${server.url}; workspace awkward; collections; credentials from MODE_TOKEN, MODE_ACCESS_KEY, MODE_ACCESS_SECRET; format ndjson\\n`,
        ),
      );
      assert.match(
        result.stderr,
        // --limit under a page without --per-page: the page asked for holds no more.
        /\n> GET http:\/\/127\.0\.0\.1:\d+\/batch\/awkward\/spaces\?page=1&per_page=1 -> 200 \(/,
      );
    });

    await t.step("--help documents the exit codes; --version; --completions", async () => {
      const [help, version, completions] = await Promise.all([
        cli(["--help"]),
        cli(["collections", "list", "--version"]),
        cli(["--completions", "bash"]),
      ]);
      assert.equal(help.code, 0);
      for (const code of ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "130", "143"]) {
        assert.match(help.stdout, new RegExp(`\\n  ${code} +\\S`), `exit code ${code} in --help`);
      }
      assert.match(help.stdout, /ENVIRONMENT\n {2}MODE_BASE_URL/);
      assert.equal(version.code, 0);
      assert.equal(version.stdout, "mode-discovery v0.1.0\n");
      assert.equal(completions.code, 0);
      assert.match(completions.stdout, /complete .*mode-discovery/);
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

const CREDENTIALS_FILE = {
  token: CREDENTIALS.token,
  access_key: CREDENTIALS.accessKey,
  access_secret: CREDENTIALS.accessSecret,
};

const FAKE = Array.from({ length: 12 }, (_, i): Collection => ({
  id: 1 + i,
  token: `fake${i}`,
  name: `Fake, "${i}"`,
  description: null,
  space_type: "custom",
  space_url: `/api/fake/spaces/fake${i}`,
}));

Deno.test("walks that change or fail midway: a warning, or no file left behind", async (t) => {
  const dir = await tempDir();
  const failing = (failure: Parameters<typeof startFakeApi>[0]["failure"], failAfterPage = 2) =>
    startFakeApi({
      workspace: "fake",
      collections: FAKE,
      credentials: CREDENTIALS,
      failAfterPage,
      failure,
    });
  const html = failing({ _tag: "Html" });
  const status500 = failing({ _tag: "Status", status: 500, id: "server_error" }, 0);
  const status429 = failing({ _tag: "Status", status: 429, id: "rate_limited" }, 0);
  const growing = startFakeApi({
    workspace: "fake",
    collections: FAKE,
    credentials: CREDENTIALS,
    addedAfterPage1: [{ ...FAKE[0], id: 99, token: "added" }],
  });
  const listFake = (api: { url: string }) => [
    "collections",
    "list",
    "--workspace",
    "fake",
    "--base-url",
    api.url,
    "--per-page",
    "4",
    "--max-retries",
    "1",
  ];
  try {
    await t.step("bad page 3: exit 8, no new file, an existing file untouched", async () => {
      await Deno.writeTextFile(`${dir}/existing.csv`, "previous\n");
      const [fresh, existing, server, rate] = await Promise.all([
        cli([...listFake(html), "--output", `${dir}/new.csv`], CREDENTIALS_ENV),
        cli([...listFake(html), "--output", `${dir}/existing.csv`], CREDENTIALS_ENV),
        cli([...listFake(status500), "--output", `${dir}/server.csv`], CREDENTIALS_ENV),
        cli([...listFake(status429), "--output", `${dir}/rate.csv`], CREDENTIALS_ENV),
      ]);
      assertError(fresh, 8, ["error: bad response: GET ", "page=3&per_page=4 answered 200"]);
      assertError(existing, 8, ["error: bad response: "]);
      assertError(server, 7, ["error: server error: ", "answered 500"]);
      assertError(rate, 5, ["error: rate limited: ", "answered 429"]);
      assert.deepEqual(await listDir(dir), ["existing.csv"]);
      assert.equal(await Deno.readTextFile(`${dir}/existing.csv`), "previous\n");
    });

    await t.step("totals that change during the walk bring a warning", async () => {
      const result = await cli([...listFake(growing), "--format", "ndjson"], CREDENTIALS_ENV);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(ids(result.stdout), [...FAKE.map((c) => c.id), 99]);
      assert.match(
        result.stderr,
        /\nwarning: the workspace changed during the listing \(total_count 12 -> 13\): /,
      );
    });
  } finally {
    await Promise.all([html.close(), status500.close(), status429.close(), growing.close()]);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("output streams before the last page; Ctrl-C and SIGTERM clean up", async (t) => {
  const dir = await tempDir();
  const api = startFakeApi({
    workspace: "fake",
    collections: FAKE,
    credentials: CREDENTIALS,
    failAfterPage: 1,
    failure: { _tag: "Hang" },
  });
  const args = [
    "collections",
    "list",
    "--workspace",
    "fake",
    "--base-url",
    api.url,
    "--per-page",
    "4",
  ];
  try {
    await t.step(
      "page 1 is on stdout while page 2 is still pending; SIGINT exits 130",
      async () => {
        const live = startCli([...args, "--format", "ndjson"], CREDENTIALS_ENV);
        await until(() => live.stdout().split("\n").length > 4);
        assert.deepEqual(ids(live.stdout()), [1, 2, 3, 4]);
        live.kill("SIGINT");
        const result = await live.finish();
        assertNoSecret(args, result);
        assert.equal(result.code, 130, result.stderr);
        assert.equal(result.stderr, "");
      },
    );

    await t.step(
      "interrupted --output leaves neither the file nor its temporary file",
      async () => {
        const runs = (["SIGINT", "SIGTERM"] as const).map((signal) => ({
          signal,
          path: `${dir}/${signal}.ndjson`,
        }));
        const lives = runs.map(({ path }) =>
          startCli([...args, "--output", path], CREDENTIALS_ENV)
        );
        // Wait until both temporary files exist: the walk is under way.
        await until(async () =>
          (await listDir(dir)).filter((n) => n.endsWith(".tmp")).length === 2
        );
        runs.forEach(({ signal }, i) => lives[i].kill(signal));
        const results = await Promise.all(lives.map((live) => live.finish()));
        results.forEach((result) => assertNoSecret(args, result));
        assert.equal(results[0].code, 130, results[0].stderr);
        assert.equal(results[1].code, 143, results[1].stderr);
        assert.deepEqual(await listDir(dir), []);
      },
    );
  } finally {
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve runs the edge server until Ctrl-C", async () => {
  const dev = {
    token: "serve-tok-1a2b",
    accessKey: "serve-key-3c4d",
    accessSecret: "serve-secret-5e6f",
  };
  const live = startCli(["serve", "--port", "0"], {
    MODE_SEED: "demo:25",
    MODE_DEV_CREDENTIALS: `${dev.token}:${dev.accessKey}:${dev.accessSecret}`,
  });
  await until(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(live.stdout()));
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(live.stdout())![1];
  const response = await fetch(`${url}/batch/demo/spaces?per_page=10`, {
    headers: {
      authorization: `Bearer ${base64Encode(`${dev.token}:${dev.accessKey}:${dev.accessSecret}`)}`,
    },
  });
  const page = await response.json();
  assert.equal(response.status, 200);
  assert.equal(page.pagination.total_count, 25);
  live.kill("SIGINT");
  const result = await live.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "SIGINT: shutting down.\n");
  const logged = result.stdout.split("\n").filter((line) => line.startsWith("{"));
  assert.equal(logged.length, 1, `one access log line: ${result.stdout}`);
  assert.equal(JSON.parse(logged[0]).path, "/batch/demo/spaces");
  for (const secret of Object.values(dev)) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
  }
  const bad = await cli(["serve", "--port", "0"], { MODE_SEED: "demo" });
  assertError(bad, 2, ["Invalid MODE_SEED"]);
});
