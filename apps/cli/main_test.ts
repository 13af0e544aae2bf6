/**
 * `main.ts` runs the CLI in its own process (no launcher), and a Ctrl-C as a
 * terminal sends it (SIGINT to the whole process group) stops it cleanly.
 */
import assert from "node:assert/strict";
import { cleanEnv, MAIN, ROOT, runCli } from "./_testing.ts";

const decoder = new TextDecoder();

/** A Discovery API stand-in whose page 1 answers and page 2 never does. */
const hangingServer = () => {
  const pending: Array<() => void> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    const page = Number(url.searchParams.get("page") ?? "1");
    if (page > 1) {
      return new Promise<Response>((resolve) =>
        pending.push(() => resolve(new Response("{}", { status: 503 })))
      );
    }
    const spaces = Array.from({ length: 4 }, (_, i) => ({
      id: i + 1,
      token: `t${i + 1}`,
      name: null,
      description: null,
      space_type: "custom",
      space_url: `/api/acme/spaces/t${i + 1}`,
    }));
    return Response.json({
      pagination: { page: 1, per_page: 4, count: 4, total_pages: 3, total_count: 12 },
      spaces,
      _links: {},
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: async () => {
      for (const release of pending) release();
      await server.shutdown();
    },
  };
};

const childrenOf = async (pid: number): Promise<ReadonlyArray<string>> => {
  try {
    const text = await Deno.readTextFile(`/proc/${pid}/task/${pid}/children`);
    return text.trim() === "" ? [] : text.trim().split(/\s+/);
  } catch {
    return [];
  }
};

Deno.test("main.ts runs the CLI in its own process: no second process, the same answers", async () => {
  const version = await runCli(["--version"]);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^mode-discovery v\d+\.\d+\.\d+\n$/);
  const noCredentials = await runCli(["reports", "list", "--workspace", "acme"], {
    MODE_TOKEN: "",
    MODE_ACCESS_KEY: "",
    MODE_ACCESS_SECRET: "",
  });
  assert.equal(noCredentials.code, 3, noCredentials.stderr);
  assert.match(noCredentials.stderr, /no credentials: set MODE_TOKEN/);

  const api = hangingServer();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "collections", "list", "--workspace", "acme", "--format", "ndjson"],
    env: cleanEnv({
      MODE_BASE_URL: api.url,
      MODE_TOKEN: "t",
      MODE_ACCESS_KEY: "k",
      MODE_ACCESS_SECRET: "s",
    }),
    clearEnv: true,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.getReader();
    let out = "";
    while (out.split("\n").length <= 4) {
      const { value, done } = await reader.read();
      if (done) break;
      out += decoder.decode(value);
    }
    assert.equal(out.split("\n").filter((l) => l !== "").length, 4, "page 1 is out");
    assert.deepEqual(await childrenOf(child.pid), [], "the CLI started no other process");
    reader.releaseLock();
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 143);
    await child.stdout.cancel();
    await child.stderr.cancel();
  } finally {
    await api.close();
  }
});

Deno.test("the CLI answers the same from its cached bundle as from its sources", async () => {
  for (
    const args of [["--help"], ["reports", "list", "--help"], [
      "collections",
      "list",
      "--per-page",
      "0",
    ]]
  ) {
    const bundled = await runCli(args);
    const sources = await runCli(args, { MODE_CLI_BUNDLE: "off" });
    assert.deepEqual(bundled, sources, args.join(" "));
  }
  const manifest = JSON.parse(
    await Deno.readTextFile(new URL("./.bundle/current.json", import.meta.url)),
  );
  assert.ok(
    manifest.inputs.includes("apps/cli/src/Cli.ts"),
    "the manifest lists the CLI's modules",
  );
  assert.ok(manifest.inputs.includes("packages/core/src/DiscoveryClient.ts"));
});

Deno.test("without leave to write the cache, the CLI still runs", async () => {
  const result = await runCli(["--version"], {}, ["--allow-read", "--allow-env"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^mode-discovery v\d+\.\d+\.\d+\n$/);
});

Deno.test("Ctrl-C as a terminal sends it (SIGINT to the process group): exit 130, no partial --output", async () => {
  const api = hangingServer();
  const dir = await Deno.makeTempDir({ prefix: "mode-discovery-ctrl-c-" });
  const output = `${dir}/collections.ndjson`;
  // setsid puts the CLI in a process group of its own, as a shell does with a foreground job.
  const child = new Deno.Command("setsid", {
    args: [
      Deno.execPath(),
      "run",
      "-A",
      MAIN,
      "collections",
      "list",
      "--workspace",
      "acme",
      "-o",
      output,
    ],
    env: cleanEnv({
      MODE_BASE_URL: api.url,
      MODE_TOKEN: "t",
      MODE_ACCESS_KEY: "k",
      MODE_ACCESS_SECRET: "s",
    }),
    clearEnv: true,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const deadline = Date.now() + 30_000;
    const temporary = async () => {
      for await (const entry of Deno.readDir(dir)) if (entry.name.endsWith(".tmp")) return true;
      return false;
    };
    while (!(await temporary())) {
      assert.ok(Date.now() < deadline, "the listing never started writing");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    Deno.kill(-child.pid, "SIGINT");
    const result = await child.output();
    const stderr = decoder.decode(result.stderr);
    assert.equal(result.code, 130, stderr);
    assert.doesNotMatch(stderr, /error/i, "a clean stop, not a failure");
    const left: Array<string> = [];
    for await (const entry of Deno.readDir(dir)) left.push(entry.name);
    assert.deepEqual(left, [], "neither the file nor its temporary file");
  } finally {
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});
