/**
 * Secrets never leak: every CLI command and every server route runs with
 * known secret values (the development token, the admin key and secret,
 * tokens created on the way), with `--verbose` and the access log on, on
 * success and on every kind of failure; then every byte of stdout, stderr,
 * the server's logs, the answers, the error messages and the files written
 * is searched for those values, in clear, percent-encoded and base64 (as in
 * the bearer and basic headers). The KV file must hold no secret in clear.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  base64Encode,
  collections,
  members,
  reportStats,
  resources,
  SIGNATURE_TOKENS_PATH,
  workspacePath,
} from "@mode-discovery/core";
import { filesUnder, type Hit, scanBytes, scanText, type Secret } from "./_secretScan.ts";
import { CLI_MAIN, type Finished, runCliProcess, spawn, startEdgeProcess } from "./Processes.ts";

/** The known secrets (distinct, so a hit says which one leaked). */
export const KNOWN = {
  token: "sx-devtoken-Hq2w",
  accessKey: "sx-devkey-Lp8v",
  accessSecret: "sx-devsecret:Zk4t:colon",
  apiKey: "sx-adminkey-Rb6n",
  apiSecret: "sx-adminsecret-Wf3j",
} as const;

const WORKSPACE = "secrets";

/** One captured output, and which secrets it may legitimately hold. */
interface Capture {
  readonly where: string;
  readonly text: string;
  /** Names of secrets allowed here (a created token shown once, by design). */
  readonly allowed?: ReadonlyArray<string>;
}

/** A loopback port nothing listens on (taken, then released). */
const closedPort = (): number => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
};

/** One CLI run of the secrets check. */
interface CliJob {
  readonly label: string;
  readonly args: ReadonlyArray<string>;
  readonly env?: Record<string, string> | undefined;
  /** The exit code it must end with. */
  readonly code: number;
  readonly allowed?: ReadonlyArray<string> | undefined;
}

/** Runs `f` over `items`, at most `size` at once; results in order. */
const pool = async <A, B>(
  items: ReadonlyArray<A>,
  size: number,
  f: (item: A) => Promise<B>,
): Promise<Array<B>> => {
  const out = new Array<B>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
};

/** What the secrets run did and found. */
export interface SecretsResult {
  /** CLI invocations made. */
  readonly cliRuns: number;
  /** Exit codes seen, by code. */
  readonly exitCodes: Readonly<Record<string, number>>;
  /** HTTP requests sent straight to the server. */
  readonly serverRequests: number;
  /** Statuses of those, by status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Bytes searched: captured outputs and files (KV files apart). */
  readonly bytesSearched: number;
  readonly filesSearched: number;
  /** KV files searched for secrets in clear, and their size. */
  readonly kvFiles: number;
  readonly kvBytes: number;
  /** Snapshot files searched (SQLite files, a killed snapshot's temporary, journal and lock). */
  readonly snapshotFiles: ReadonlyArray<string>;
  readonly snapshotBytes: number;
  readonly secrets: number;
  readonly hits: ReadonlyArray<Hit>;
}

const bearerOf = (token: string, key: string, secret: string) =>
  `Bearer ${base64Encode(`${token}:${key}:${secret}`)}`;

/** The whole secrets run in a fresh temporary directory. */
export const runSecrets = async (): Promise<SecretsResult> => {
  const dir = await Deno.makeTempDir({ prefix: "reliability-secrets-" });
  const captures: Array<Capture> = [];
  const secrets: Array<Secret> = [
    { name: "dev token", value: KNOWN.token },
    { name: "dev access key", value: KNOWN.accessKey },
    { name: "dev access secret", value: KNOWN.accessSecret },
    { name: "admin API key", value: KNOWN.apiKey },
    { name: "admin API secret", value: KNOWN.apiSecret },
    { name: "bearer value", value: `${KNOWN.token}:${KNOWN.accessKey}:${KNOWN.accessSecret}` },
    { name: "basic value", value: `${KNOWN.apiKey}:${KNOWN.apiSecret}` },
    { name: "wrong secret", value: "sx-wrongsecret-Yt5c" },
  ];
  const exitCodes: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  let cliRuns = 0;
  let serverRequests = 0;
  const kvPath = `${dir}/edge.kv`;
  const server = await startEdgeProcess({
    MODE_KV_PATH: kvPath,
    MODE_SEED: `${WORKSPACE}:350`,
    MODE_DEV_CREDENTIALS: `${KNOWN.token}:${KNOWN.accessKey}:${KNOWN.accessSecret}`,
    MODE_DEV_ADMIN: `${KNOWN.apiKey}:${KNOWN.apiSecret}`,
    MODE_ACCESS_LOG: "on",
    MODE_FAULTS: "header",
    MODE_RATE_LIMIT: "100000/10s",
  });
  const devEnv = {
    MODE_BASE_URL: server.url,
    MODE_WORKSPACE: WORKSPACE,
    MODE_TOKEN: KNOWN.token,
    MODE_ACCESS_KEY: KNOWN.accessKey,
    MODE_ACCESS_SECRET: KNOWN.accessSecret,
    MODE_API_KEY: KNOWN.apiKey,
    MODE_API_SECRET: KNOWN.apiSecret,
  };
  const cli = async (
    label: string,
    args: ReadonlyArray<string>,
    env: Record<string, string> = devEnv,
    allowed?: ReadonlyArray<string>,
  ): Promise<Finished> => {
    const done = await runCliProcess(["--verbose", ...args], env);
    cliRuns++;
    exitCodes[done.code] = (exitCodes[done.code] ?? 0) + 1;
    captures.push({ where: `${label}: stdout`, text: done.stdout, allowed });
    captures.push({ where: `${label}: stderr`, text: done.stderr });
    return done;
  };
  const call = async (
    label: string,
    path: string,
    init: RequestInit = {},
    allowed?: ReadonlyArray<string>,
  ) => {
    const response = await fetch(`${server.url}${path}`, init);
    const body = await response.text();
    serverRequests++;
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    captures.push({
      where: `${label}: answer ${response.status}`,
      text: `${headers}\n\n${body}`,
      allowed,
    });
    return { status: response.status, body };
  };

  try {
    // The CLI: every command, on success and on failure (independent runs 4 at a time).
    const list = ["collections", "list", "--workspace", WORKSPACE];
    const tokenFile = `${dir}/token.json`;
    const create = (name: string, more: ReadonlyArray<string> = []) => [
      "tokens",
      "create",
      "--workspace",
      WORKSPACE,
      "--name",
      name,
      "--expires-at",
      "2099-01-01T00:00:00Z",
      ...more,
    ];
    const wrong = { ...devEnv, MODE_ACCESS_SECRET: "sx-wrongsecret-Yt5c" };
    const wrongAdmin = { ...devEnv, MODE_API_SECRET: "sx-wrongsecret-Yt5c" };
    const unreachable = { ...devEnv, MODE_BASE_URL: `http://127.0.0.1:${closedPort()}` };
    const badFile = `${dir}/input-bad-credentials.json`;
    await Deno.writeTextFile(
      badFile,
      `{"token":"${KNOWN.token}","access_key":1,"access_secret":"${KNOWN.accessSecret}"}`,
    );
    const fileEnv = { MODE_BASE_URL: server.url };
    const jobs: Array<CliJob> = [
      ...["ndjson", "table"].map((format) => ({
        label: `list --format ${format}`,
        args: [...list, "--format", format, "--per-page", "100"],
        code: 0,
      })),
      ...["all.csv", "all.json", "all.ndjson"].map((file) => ({
        label: `list -o ${file}`,
        args: [...list, "--output", `${dir}/${file}`],
        code: 0,
      })),
      {
        label: "list --type --limit",
        args: [...list, "--type", "custom", "--limit", "7", "--format", "json"],
        code: 0,
      },
      {
        label: "page",
        args: ["collections", "page", "--workspace", WORKSPACE, "--page", "2", "--per-page", "10"],
        code: 0,
      },
      {
        label: "tokens create (stdout)",
        args: create("leak check one"),
        code: 0,
        allowed: ["created token 1 secret"],
      },
      {
        label: "tokens create -o",
        args: create("leak check two", ["--output", tokenFile]),
        code: 0,
      },
      { label: "list, wrong secret", args: list, env: wrong, code: 3 },
      { label: "page, wrong secret", args: ["collections", "page"], env: wrong, code: 3 },
      {
        label: "list, other workspace",
        args: ["collections", "list", "--workspace", "nope"],
        code: 4,
      },
      {
        label: "tokens create, wrong admin secret",
        args: create("leak check three"),
        env: wrongAdmin,
        code: 3,
      },
      {
        label: "list, unreachable",
        args: [...list, "--max-retries", "0"],
        env: unreachable,
        code: 6,
      },
      { label: "list, bad flag", args: [...list, "--per-page", "0"], code: 2 },
      {
        label: "list, unwritable output",
        args: [...list, "--output", `${dir}/missing-dir/x.csv`],
        code: 9,
      },
      {
        label: "list, malformed credentials file",
        args: [...list, "--credentials-file", badFile],
        env: fileEnv,
        code: 3,
      },
      { label: "help", args: ["--help"], code: 0 },
      // Every other resource, in every format, to stdout and to files.
      {
        label: "reports list -o csv",
        args: ["reports", "list", "--workspace", WORKSPACE, "-o", `${dir}/reports.csv`],
        code: 0,
      },
      {
        label: "reports list -o ndjson, include-spaces all",
        args: [
          "reports",
          "list",
          "--workspace",
          WORKSPACE,
          "--include-spaces",
          "all",
          "-o",
          `${dir}/reports.ndjson`,
        ],
        code: 0,
      },
      {
        label: "queries list --format json",
        args: ["queries", "list", "--workspace", WORKSPACE, "--format", "json", "--per-page", "50"],
        code: 0,
      },
      {
        label: "charts list --include-spaces all -o json",
        args: [
          "charts",
          "list",
          "--workspace",
          WORKSPACE,
          "--include-spaces",
          "all",
          "-o",
          `${dir}/charts.json`,
        ],
        code: 0,
      },
      {
        label: "report-stats list --format table",
        args: ["report-stats", "list", "--workspace", WORKSPACE, "--format", "table"],
        code: 0,
      },
      {
        label: "members list -o ndjson",
        args: ["members", "list", "--workspace", WORKSPACE, "-o", `${dir}/members.ndjson`],
        code: 0,
      },
      {
        label: "members page",
        args: ["members", "page", "--workspace", WORKSPACE, "--page", "1", "--per-page", "5"],
        code: 0,
      },
      {
        label: "report-stats page --include-spaces all",
        args: ["report-stats", "page", "--workspace", WORKSPACE, "--include-spaces", "all"],
        code: 0,
      },
      { label: "members list, wrong secret", args: ["members", "list"], env: wrong, code: 3 },
      // Snapshots: success, every failure, and the files they write.
      {
        label: "snapshot",
        args: ["snapshot", "--workspace", WORKSPACE, "-o", `${dir}/snap.sqlite`],
        code: 0,
      },
      {
        label: "snapshot --include-spaces all --requests-per-second",
        args: [
          "snapshot",
          "--workspace",
          WORKSPACE,
          "--include-spaces",
          "all",
          "--requests-per-second",
          "200",
          "--per-page",
          "100",
          "-o",
          `${dir}/snap-all.sqlite`,
        ],
        code: 0,
      },
      {
        label: "snapshot, wrong secret",
        args: ["snapshot", "--workspace", WORKSPACE, "-o", `${dir}/refused.sqlite`],
        env: wrong,
        code: 3,
      },
      {
        label: "snapshot, unreachable",
        args: ["snapshot", "--max-retries", "0", "-o", `${dir}/unreachable.sqlite`],
        env: unreachable,
        code: 6,
      },
      {
        label: "snapshot, missing directory",
        args: ["snapshot", "--workspace", WORKSPACE, "-o", `${dir}/missing-dir/x.sqlite`],
        code: 9,
      },
      {
        label: "snapshot, malformed credentials file",
        args: [
          "snapshot",
          "--workspace",
          WORKSPACE,
          "--credentials-file",
          badFile,
          "-o",
          `${dir}/b.sqlite`,
        ],
        env: fileEnv,
        code: 3,
      },
    ];
    const results = await pool(jobs, 4, async (job) => {
      const done = await cli(job.label, job.args, job.env ?? devEnv, job.allowed);
      assert.equal(done.code, job.code, `${job.label}: exit ${done.code}: ${done.stderr}`);
      return done;
    });
    const createdOut = results[jobs.findIndex((j) => j.label === "tokens create (stdout)")];
    const first = JSON.parse(createdOut.stdout) as Record<string, string>;
    secrets.push({ name: "created token 1 secret", value: first.access_secret });
    secrets.push({
      name: "created token 1 bearer value",
      value: `${first.token}:${first.access_key}:${first.access_secret}`,
    });
    const second = JSON.parse(await Deno.readTextFile(tokenFile)) as Record<string, string>;
    secrets.push({ name: "created token 2 secret", value: second.access_secret });
    secrets.push({
      name: "created token 2 bearer value",
      value: `${second.token}:${second.access_key}:${second.access_secret}`,
    });
    const viaFile = await cli("list --credentials-file", [
      ...list,
      "--credentials-file",
      tokenFile,
      "--output",
      `${dir}/via-file.ndjson`,
    ], fileEnv);
    assert.equal(viaFile.code, 0, `list --credentials-file: ${viaFile.stderr}`);

    // mirror and import write into a KV file of their own (searched below like the others).
    const mirrorEnv = { ...devEnv, MODE_KV_PATH: `${dir}/mirror.kv` };
    const mirrored = await cli("mirror", [
      "mirror",
      "--from",
      server.url,
      "--workspace",
      WORKSPACE,
    ], mirrorEnv);
    assert.equal(mirrored.code, 0, `mirror: ${mirrored.stderr}`);
    const refusedMirror = await cli("mirror, wrong secret", [
      "mirror",
      "--from",
      server.url,
      "--workspace",
      WORKSPACE,
    ], { ...mirrorEnv, MODE_ACCESS_SECRET: "sx-wrongsecret-Yt5c" });
    assert.equal(refusedMirror.code, 3, `mirror, wrong secret: ${refusedMirror.stderr}`);
    const mirrorViaFile = await cli("mirror --credentials-file", [
      "mirror",
      "--from",
      server.url,
      "--workspace",
      WORKSPACE,
      "--credentials-file",
      tokenFile,
    ], { MODE_KV_PATH: `${dir}/mirror.kv` });
    assert.equal(mirrorViaFile.code, 0, `mirror --credentials-file: ${mirrorViaFile.stderr}`);
    const imported = await cli("import", [
      "import",
      `${dir}/all.ndjson`,
      "--workspace",
      "imported",
    ], { ...devEnv, MODE_KV_PATH: `${dir}/import.kv` });
    assert.equal(imported.code, 0, `import: ${imported.stderr}`);
    const importedMore = await cli("import of several resources", [
      "import",
      `reports=${dir}/reports.ndjson`,
      `members=${dir}/members.ndjson`,
      `collections=${dir}/all.ndjson`,
      "--workspace",
      "imported-more",
    ], { ...devEnv, MODE_KV_PATH: `${dir}/import.kv` });
    assert.equal(importedMore.code, 0, `import of several resources: ${importedMore.stderr}`);

    // Snapshots compared, a snapshot over a file that is not one, and one killed half-way.
    for (const format of ["table", "ndjson", "json"]) {
      const diffed = await cli(`diff --format ${format}`, [
        "diff",
        `${dir}/snap.sqlite`,
        `${dir}/snap-all.sqlite`,
        "--format",
        format,
      ]);
      assert.equal(diffed.code, 0, `diff: ${diffed.stderr}`);
    }
    await Deno.writeTextFile(`${dir}/input-not-a-snapshot.sqlite`, "not a snapshot\n");
    const clobber = await cli("snapshot over a file that is not one", [
      "snapshot",
      "--workspace",
      WORKSPACE,
      "-o",
      `${dir}/input-not-a-snapshot.sqlite`,
    ]);
    assert.equal(clobber.code, 2, `snapshot over a non-snapshot: ${clobber.stderr}`);
    captures.push(...await killedSnapshot(dir, devEnv));

    // The CLI's own server, with access log and verbose.
    captures.push(...await cliServe(dir));

    // Server routes straight over HTTP: success, failure, built-in routes, secrets in odd places.
    const bearer = bearerOf(KNOWN.token, KNOWN.accessKey, KNOWN.accessSecret);
    const basic = `Basic ${base64Encode(`${KNOWN.apiKey}:${KNOWN.apiSecret}`)}`;
    const spaces = workspacePath(collections.path, WORKSPACE);
    const tokens = workspacePath(SIGNATURE_TOKENS_PATH, WORKSPACE);
    await call("GET spaces", `${spaces}?per_page=5`, { headers: { authorization: bearer } });
    await call("HEAD spaces", spaces, { method: "HEAD", headers: { authorization: bearer } });
    await call("GET spaces, wrong secret", spaces, {
      headers: { authorization: bearerOf(KNOWN.token, KNOWN.accessKey, "sx-wrongsecret-Yt5c") },
    });
    await call("GET spaces, secret as a raw bearer", spaces, {
      headers: { authorization: `Bearer ${KNOWN.accessSecret}` },
    });
    await call("GET spaces, basic instead of bearer", spaces, {
      headers: { authorization: basic },
    });
    await call(
      "GET spaces, secret in the query",
      `${spaces}?access_secret=${encodeURIComponent(KNOWN.accessSecret)}&token=${KNOWN.token}`,
      {
        headers: { authorization: bearer },
      },
    );
    await call("GET spaces, bad page", `${spaces}?page=zero`, {
      headers: { authorization: bearer },
    });
    await call("GET spaces, injected 503", spaces, {
      headers: { authorization: bearer, "x-mode-fault": "503" },
    });
    await call("GET spaces, injected 429", spaces, {
      headers: { authorization: bearer, "x-mode-fault": "429" },
    });
    const tokenBody = (name: string) =>
      JSON.stringify({
        signature_token: {
          name,
          expires_at: "2099-01-01T00:00:00Z",
          auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
        },
      });
    const createdByApi = await call("POST token", tokens, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: tokenBody("leak check four"),
    }, ["created token 3 secret"]);
    assert.equal(createdByApi.status, 200, createdByApi.body);
    const third = JSON.parse(createdByApi.body) as Record<string, string>;
    secrets.push({ name: "created token 3 secret", value: third.access_secret });
    await call("GET spaces, created token", spaces, {
      headers: { authorization: bearerOf(third.token, third.access_key, third.access_secret) },
    });
    await call("POST token, wrong admin secret", tokens, {
      method: "POST",
      headers: {
        authorization: `Basic ${base64Encode(`${KNOWN.apiKey}:sx-wrongsecret-Yt5c`)}`,
        "content-type": "application/json",
      },
      body: tokenBody("leak check five"),
    });
    await call("POST token, bad body", tokens, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ signature_token: { name: "x", expires_at: "yesterday" } }),
    });
    await call("POST token, bearer instead of basic", tokens, {
      method: "POST",
      headers: { authorization: bearer, "content-type": "application/json" },
      body: tokenBody("leak check six"),
    });
    for (const resource of resources) {
      const path = workspacePath(resource.path, WORKSPACE);
      await call(`GET ${resource.segment}`, `${path}?per_page=7`, {
        headers: { authorization: bearer },
      });
      if (resource.includeSpaces) {
        await call(`GET ${resource.segment}, include_spaces=all`, `${path}?include_spaces=all`, {
          headers: { authorization: bearer },
        });
      }
      await call(`GET ${resource.segment}, wrong secret`, path, {
        headers: { authorization: bearerOf(KNOWN.token, KNOWN.accessKey, "sx-wrongsecret-Yt5c") },
      });
    }
    await call("HEAD members", workspacePath(members.path, WORKSPACE), {
      method: "HEAD",
      headers: { authorization: bearer },
    });
    await call("GET report_stats, injected 503", workspacePath(reportStats.path, WORKSPACE), {
      headers: { authorization: bearer, "x-mode-fault": "503" },
    });
    await call("PUT spaces", spaces, { method: "PUT", headers: { authorization: bearer } });
    await call("unknown route", `/nope?secret=${KNOWN.apiSecret}`, {
      headers: { authorization: basic },
    });
    await call("healthz", "/healthz");
    await call("openapi", "/openapi.json");
    await call("docs", "/docs");
  } finally {
    const stopped = await server.stop();
    captures.push({ where: "server stdout (access log)", text: stopped.stdout });
    captures.push({ where: "server stderr", text: stopped.stderr });
  }

  // Search everything.
  const hits: Array<Hit> = [];
  let bytesSearched = 0;
  for (const capture of captures) {
    bytesSearched += new TextEncoder().encode(capture.text).length;
    const allowed = new Set(capture.allowed ?? []);
    hits.push(
      ...scanText(capture.text, secrets.filter((s) => !allowed.has(s.name)), capture.where),
    );
  }
  const files = await filesUnder(dir);
  const isKv = (path: string) => /\.kv(-wal|-shm|-journal)?$/.test(path);
  let kvBytes = 0;
  let filesSearched = 0;
  // Snapshot files (SQLite, and what a killed snapshot leaves): every secret, in every form.
  const isSnapshotFile = (name: string) =>
    /\.sqlite$|\.tmp(-journal|-wal|-shm)?$|\.lock$/.test(name);
  const snapshotFiles: Array<string> = [];
  let snapshotBytes = 0;
  // The KV holds token ids and access keys by design (they are looked up), never a secret.
  const kvSecrets = secrets.filter((s) => /secret|bearer|basic/.test(s.name));
  for (const file of files) {
    if (isKv(file.path)) {
      kvBytes += file.bytes.length;
      hits.push(...scanBytes(file.bytes, kvSecrets, file.path.slice(dir.length + 1)));
      continue;
    }
    filesSearched++;
    bytesSearched += file.bytes.length;
    const name = file.path.slice(dir.length + 1);
    if (name.startsWith("input-")) continue; // written by this check, not by the program
    if (isSnapshotFile(name)) {
      snapshotFiles.push(name.replace(/\.\d+\.[0-9a-f]+\.tmp/, ".<pid>.<hex>.tmp"));
      snapshotBytes += file.bytes.length;
    }
    const allowed = name === "token.json"
      ? new Set(["created token 2 secret", "created token 2 bearer value"])
      : new Set<string>();
    hits.push(...scanBytes(file.bytes, secrets.filter((s) => !allowed.has(s.name)), name));
  }
  await Deno.remove(dir, { recursive: true });
  return {
    cliRuns,
    exitCodes,
    serverRequests,
    statuses,
    bytesSearched,
    filesSearched,
    kvFiles: files.filter((f) => isKv(f.path)).length,
    kvBytes,
    snapshotFiles: snapshotFiles.sort(),
    snapshotBytes,
    secrets: secrets.length,
    hits,
  };
};

/**
 * `mode-discovery snapshot --verbose` killed with SIGKILL while it writes:
 * its output is captured, and the temporary, journal and lock files it
 * leaves stay in `dir` to be searched with the rest.
 */
const killedSnapshot = async (
  dir: string,
  env: Record<string, string>,
): Promise<Array<Capture>> => {
  const killedDir = `${dir}/killed`;
  await Deno.mkdir(killedDir);
  const child = spawn(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI_MAIN,
      "--verbose",
      "snapshot",
      "--workspace",
      WORKSPACE,
      "--per-page",
      "20",
      "--requests-per-second",
      "100",
      "-o",
      `${killedDir}/killed.sqlite`,
    ],
    env,
    limitMs: 60_000,
  });
  const deadline = Date.now() + 30_000;
  let temp = false;
  while (!temp && Date.now() < deadline && !child.exited()) {
    for await (const entry of Deno.readDir(killedDir)) {
      if (entry.name.endsWith(".tmp")) temp = true;
    }
    if (!temp) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  child.kill("SIGKILL");
  const done = await child.done;
  assert.ok(temp, `the snapshot wrote no temporary file: ${done.stderr.slice(-400)}`);
  assert.equal(done.signal, "SIGKILL", `the snapshot ended before it was killed: ${done.stderr}`);
  return [
    { where: "snapshot killed half-way: stdout", text: done.stdout },
    { where: "snapshot killed half-way: stderr", text: done.stderr },
  ];
};

/** `mode-discovery serve --verbose`: one page and one token request, then Ctrl-C. */
const cliServe = async (dir: string): Promise<Array<Capture>> => {
  const child = spawn(Deno.execPath(), {
    args: ["run", "-A", CLI_MAIN, "--verbose", "serve", "--port", "0"],
    env: {
      MODE_KV_PATH: `${dir}/serve.kv`,
      MODE_SEED: `${WORKSPACE}:20`,
      MODE_DEV_CREDENTIALS: `${KNOWN.token}:${KNOWN.accessKey}:${KNOWN.accessSecret}`,
      MODE_DEV_ADMIN: `${KNOWN.apiKey}:${KNOWN.apiSecret}`,
      MODE_ACCESS_LOG: "on",
    },
    limitMs: 60_000,
  });
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (url === undefined && Date.now() < deadline && !child.exited()) {
    url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(child.stdout() + child.stderr())?.[1];
    if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.ok(url !== undefined, `serve did not print its URL: ${child.stdout()} ${child.stderr()}`);
  const answers: Array<Capture> = [];
  const page = await fetch(`${url}${workspacePath(collections.path, WORKSPACE)}?per_page=3`, {
    headers: { authorization: bearerOf(KNOWN.token, KNOWN.accessKey, KNOWN.accessSecret) },
  });
  answers.push({ where: "cli serve: GET spaces", text: await page.text() });
  const refused = await fetch(`${url}${workspacePath(collections.path, WORKSPACE)}`, {
    headers: { authorization: bearerOf(KNOWN.token, KNOWN.accessKey, "sx-wrongsecret-Yt5c") },
  });
  answers.push({ where: "cli serve: GET spaces, wrong secret", text: await refused.text() });
  child.kill("SIGINT");
  const done = await child.done;
  assert.equal(done.code, 0, `serve after Ctrl-C: ${done.stderr}`);
  return [
    ...answers,
    { where: "cli serve: stdout", text: done.stdout },
    { where: "cli serve: stderr", text: done.stderr },
  ];
};
