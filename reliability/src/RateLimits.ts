/**
 * Rate limits end to end: the server process at `MODE_RATE_LIMIT=40/10s`
 * (fixed windows per signature token), and the CLI taking a snapshot of a
 * seeded workspace through it, twice: as it comes (the client meets the
 * limit, gets 429s and retries them after `Retry-After`), and with
 * `--requests-per-second` at the limit's own rate. Both must complete with
 * exactly the seeded data and no 429 shown to the user, within 1.2x of
 * the time the limit allows (pages / the limit's requests per second); at
 * `--requests-per-second` the server must answer no 429 at all (its
 * `/healthz` `rateLimited` count). The server's access log tells how the
 * requests fell into the limit's windows.
 *
 * @module
 */
import assert from "node:assert/strict";
import { base64Encode, SIGNATURE_TOKENS_PATH, workspacePath } from "@mode-discovery/core";
import type { SeedWorkspace } from "@mode-discovery/server";
import { apiRequests, health } from "./_accessLog.ts";
import { checkTables, readSnapshot, type TableCheck } from "./_snapshotFile.ts";
import { cliEnv, devCredentialsSetting, filesIn, retriesOf, worldOf } from "./_world.ts";
import { runCliProcess, startEdgeProcess } from "./Processes.ts";

/** The signature token the first snapshot uses. */
export const RATE_CREDENTIALS = {
  token: "rate-token-4c1e",
  accessKey: "rate-key-90ab",
  accessSecret: "rate-secret-27fd",
} as const;

/** The admin key that creates the token of the second snapshot (its own windows). */
const RATE_ADMIN = { apiKey: "rate-admin-11", apiSecret: "rate-admin-secret-5e" } as const;

/** Sizes of the rate-limit run. */
export interface RateLimitPlan {
  /** `acme:<collections>`: the other resources follow from it. */
  readonly collections: number;
  readonly perPage: number;
  readonly concurrency: number;
  /** `MODE_RATE_LIMIT`, such as `40/10s`. */
  readonly rateLimit: string;
  /** `--requests-per-second` of the second snapshot (the limit's own rate). */
  readonly requestsPerSecond: number;
  /** `--per-page` of the second snapshot (default `perPage`). */
  readonly budgetedPerPage?: number | undefined;
  /** How much longer than the limit allows a snapshot may take. */
  readonly tolerance: number;
}

/** One snapshot through the limit. */
export interface RateRun {
  /** `no client budget` or `--requests-per-second N`. */
  readonly mode: string;
  readonly perPage: number;
  readonly exitCode: number;
  /** Pages read (200 answers). */
  readonly pages: number;
  /** Requests the server answered 429 during the run (`/healthz` `rateLimited`). */
  readonly rateLimited: number;
  /** 429s in the access log (must equal the above). */
  readonly logged429: number;
  /** Retries in the CLI's summary. */
  readonly retries: number;
  /** Wall time of the CLI, start-up included, ms. */
  readonly ms: number;
  /** What the limit allows: pages / (requests per second of the limit), ms. */
  readonly idealMs: number;
  /** 200s per window of the limit (first and last partly used). */
  readonly perWindow: ReadonlyArray<number>;
  /** Smallest gap between two requests' arrivals, ms. */
  readonly minGapMs: number;
  /** Lines on stderr that mention a 429 or the rate limit (must be none). */
  readonly rateLines: ReadonlyArray<string>;
  readonly summary: ReadonlyArray<string>;
  readonly tables: ReadonlyArray<TableCheck>;
}

/** What the rate-limit run found. */
export interface RateLimitResult {
  readonly seed: string;
  readonly rateLimit: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly runs: ReadonlyArray<RateRun>;
}

const windowOf = (rateLimit: string): { limit: number; windowMs: number } => {
  const match = /^(\d+)\/(\d*)(ms|s|m)?$/.exec(rateLimit);
  assert.ok(match !== null, `rate limit ${rateLimit} not understood`);
  const n = match[2] === "" ? 1 : Number(match[2]);
  const unit = match[3] === "ms" ? 1 : match[3] === "m" ? 60_000 : 1000;
  return { limit: Number(match[1]), windowMs: n * unit };
};

/** Creates a signature token through the API with the admin key; returns its credentials. */
const createToken = async (url: string, workspace: string) => {
  const response = await fetch(`${url}${workspacePath(SIGNATURE_TOKENS_PATH, workspace)}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${base64Encode(`${RATE_ADMIN.apiKey}:${RATE_ADMIN.apiSecret}`)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      signature_token: {
        name: "rate limit check",
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
      },
    }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `creating a token: ${text.slice(0, 200)}`);
  const token = JSON.parse(text) as { token: string; access_key: string; access_secret: string };
  return { token: token.token, accessKey: token.access_key, accessSecret: token.access_secret };
};

/** The whole rate-limit run. */
export const runRateLimits = async (plan: RateLimitPlan): Promise<RateLimitResult> => {
  const seed: SeedWorkspace = { workspace: "acme", count: plan.collections };
  const world = worldOf(seed);
  const { limit, windowMs } = windowOf(plan.rateLimit);
  const perSecond = limit / (windowMs / 1000);
  const server = await startEdgeProcess({
    MODE_SEED: `acme:${plan.collections}`,
    MODE_DEV_CREDENTIALS: devCredentialsSetting(RATE_CREDENTIALS),
    MODE_DEV_ADMIN: `${RATE_ADMIN.apiKey}:${RATE_ADMIN.apiSecret}`,
    MODE_RATE_LIMIT: plan.rateLimit,
    MODE_ACCESS_LOG: "on",
  }, { limitMs: 900_000 });
  const dir = await Deno.makeTempDir({ prefix: "reliability-rate-" });
  try {
    const runs: Array<RateRun> = [];
    const modes = [
      {
        mode: "no client budget",
        perPage: plan.perPage,
        args: [] as Array<string>,
        credentials: RATE_CREDENTIALS,
      },
      {
        mode: `--requests-per-second ${plan.requestsPerSecond}`,
        perPage: plan.budgetedPerPage ?? plan.perPage,
        args: ["--requests-per-second", String(plan.requestsPerSecond)],
        // A token of its own: the first snapshot's windows do not count against it.
        credentials: await createToken(server.url, "acme"),
      },
    ];
    for (const { mode, perPage, args, credentials } of modes) {
      const before = await health(server.url);
      const logFrom = server.child.stdout().length;
      const output = `${dir}/acme-${runs.length + 1}.sqlite`;
      const done = await runCliProcess(
        [
          "snapshot",
          "--workspace",
          "acme",
          "--output",
          output,
          "--per-page",
          String(plan.perPage),
          "--concurrency",
          String(plan.concurrency),
          ...args,
        ],
        cliEnv(server.url, credentials),
        900_000,
      );
      const after = await health(server.url);
      // The access log line of the last answer may still be on its way.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const events = apiRequests(server.child.stdout().slice(logFrom));
      const label = `snapshot, ${mode}`;
      assert.equal(done.code, 0, `${label}: exit ${done.code}: ${done.stderr.slice(-800)}`);
      const contents = readSnapshot(output);
      const tables = await checkTables(contents, world);
      for (const t of tables) {
        assert.ok(t.exact, `${label}: table ${t.resource} is not the seed's (${t.rows} rows)`);
      }
      const pages = events.filter((e) => e.status === 200).length;
      const logged429 = events.filter((e) => e.status === 429).length;
      const rateLimited = after.rateLimited - before.rateLimited;
      assert.equal(logged429, rateLimited, `${label}: access log and /healthz disagree`);
      assert.equal(
        pages,
        contents.resources.reduce((n, r) => n + r.pages_read, 0),
        `${label}: pages in the access log and in snapshot_resources`,
      );
      const rateLines = done.stderr.split("\n").filter((l) => /429|rate.?limit/i.test(l));
      assert.deepEqual(rateLines, [], `${label}: the user saw the rate limit`);
      const idealMs = (pages / perSecond) * 1000;
      assert.ok(
        done.ms <= plan.tolerance * idealMs,
        `${label}: ${
          Math.round(done.ms)
        } ms for ${pages} pages, more than ${plan.tolerance} x the ${
          Math.round(idealMs)
        } ms the limit allows`,
      );
      const windows = new Map<number, number>();
      for (const e of events) {
        if (e.status !== 200) continue;
        const w = Math.floor(e.at / windowMs);
        windows.set(w, (windows.get(w) ?? 0) + 1);
      }
      const times = events.map((e) => e.at).sort((a, b) => a - b);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      const perWindow = [...windows.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
      assert.ok(
        perWindow.every((n) => n <= limit),
        `${label}: a window let more than ${limit} through: ${perWindow.join(", ")}`,
      );
      if (args.length > 0) {
        assert.equal(
          rateLimited,
          0,
          `${label}: the server answered ${rateLimited} requests 429 (requests per window: ${
            perWindow.join(", ")
          }; smallest gap between arrivals ${Math.min(...gaps)} ms)`,
        );
      }
      runs.push({
        mode,
        perPage,
        exitCode: done.code,
        pages,
        rateLimited,
        logged429,
        retries: retriesOf(done.stderr) ?? -1,
        ms: done.ms,
        idealMs,
        perWindow,
        minGapMs: gaps.length === 0 ? 0 : Math.min(...gaps),
        rateLines,
        summary: done.stderr.trimEnd().split("\n").filter((l) => l !== ""),
        tables,
      });
      assert.deepEqual(
        (await filesIn(dir)).filter((f) => !f.endsWith(".sqlite")),
        [],
        `${label}: files left`,
      );
    }
    return {
      seed: `acme:${plan.collections}`,
      rateLimit: plan.rateLimit,
      limit,
      windowMs,
      runs,
    };
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
};
