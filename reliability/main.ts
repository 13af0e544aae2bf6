/**
 * `deno task reliability`: the full reliability runs (chaos listing of
 * every resource and of a snapshot, data changing under the walk, fuzzing
 * of server and client, load, secrets, durability, rate limits end to
 * end, the adaptive page size end to end, bad input) and RELIABILITY.md
 * with every figure and how to reproduce it.
 *
 * ```sh
 * deno task reliability                   # everything, full size (~15 min): rewrites RELIABILITY.md
 * deno task reliability --only chaos,load # some parts, full size: report on stdout only
 * deno task reliability --short           # every part at test size: report on stdout only
 * ```
 *
 * Parts: chaos, drift, fuzz-server, fuzz-client, load, secrets, durability,
 * rate-limit, adaptive, bad-input.
 * Every child process runs under a time limit and is killed when the run
 * ends or is interrupted. Exits 1 when any check failed (the report says
 * which).
 *
 * @module
 */
import { runAdaptive } from "./src/AdaptivePageSize.ts";
import { runBadInput } from "./src/BadInput.ts";
import { runChaos } from "./src/Chaos.ts";
import { fuzzClient } from "./src/ClientFuzz.ts";
import { runDrift } from "./src/Drift.ts";
import { runDurability } from "./src/Durability.ts";
import { runLoad } from "./src/Load.ts";
import { FULL, type Plans, SHORT } from "./src/Plans.ts";
import { stopAll } from "./src/Processes.ts";
import { runRateLimits } from "./src/RateLimits.ts";
import {
  adaptiveBody,
  badInputBody,
  chaosBody,
  clientFuzzBody,
  driftBody,
  durabilityBody,
  loadBody,
  rateLimitBody,
  secretsBody,
  type Section,
  serverFuzzBody,
} from "./src/Report.ts";
import { renderReport } from "./src/RenderReport.ts";
import { runSecrets } from "./src/Secrets.ts";
import { fuzzServer } from "./src/ServerFuzz.ts";

interface Part {
  readonly key: string;
  readonly title: string;
  readonly run: (plans: Plans) => Promise<string>;
}

const PARTS: ReadonlyArray<Part> = [
  {
    key: "chaos",
    title: "Chaos listing",
    run: async (p) => chaosBody(await runChaos(p.chaos), p.chaos),
  },
  {
    key: "drift",
    title: "Data changing under the walk",
    run: async (p) => driftBody(await runDrift(p.drift), p.drift),
  },
  {
    key: "fuzz-server",
    title: "Fuzzing the server",
    run: async (p) => serverFuzzBody(await fuzzServer(p.serverFuzz)),
  },
  {
    key: "fuzz-client",
    title: "Fuzzing the client's response decoding",
    run: async (p) => clientFuzzBody(await fuzzClient(p.clientFuzz)),
  },
  { key: "load", title: "Load", run: async (p) => loadBody(await runLoad(p.load), p.load) },
  { key: "secrets", title: "Secrets", run: async () => secretsBody(await runSecrets()) },
  {
    key: "durability",
    title: "Durability",
    run: async (p) => durabilityBody(await runDurability(p.durability)),
  },
  {
    key: "rate-limit",
    title: "Rate limits end to end",
    run: async (p) => rateLimitBody(await runRateLimits(p.rateLimit), p.rateLimit),
  },
  {
    key: "adaptive",
    title: "Adaptive page size end to end",
    run: async (p) => adaptiveBody(await runAdaptive(p.adaptive)),
  },
  {
    key: "bad-input",
    title: "Bad input",
    run: async (p) => badInputBody(await runBadInput(p.badInput)),
  },
];

const usage = () => {
  console.error(
    `usage: deno task reliability [--short] [--only ${PARTS.map((p) => p.key).join(",")}]`,
  );
  Deno.exit(2);
};

const args = [...Deno.args];
let only: Set<string> | undefined;
let short = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--short") short = true;
  else if (args[i] === "--only" && i + 1 < args.length) only = new Set(args[++i].split(","));
  else if (args[i].startsWith("--only=")) only = new Set(args[i].slice(7).split(","));
  else usage();
}
for (const key of only ?? []) {
  if (!PARTS.some((p) => p.key === key)) {
    console.error(`error: unknown part ${JSON.stringify(key)}`);
    usage();
  }
}

const onSignal = () => {
  stopAll().finally(() => Deno.exit(130));
};
Deno.addSignalListener("SIGINT", onSignal);
Deno.addSignalListener("SIGTERM", onSignal);

const plans = short ? SHORT : FULL;
const started = Date.now();
const sections: Array<Section> = [];
for (const part of PARTS) {
  if (only !== undefined && !only.has(part.key)) continue;
  console.error(`reliability: ${part.key} ...`);
  const t0 = performance.now();
  let body: string;
  let ok = true;
  try {
    body = await part.run(plans);
  } catch (error) {
    ok = false;
    const message = error instanceof Error ? error.message : String(error);
    body = `**FAILED**:\n\n\`\`\`\n${message.slice(0, 4000)}\n\`\`\``;
  } finally {
    await stopAll();
  }
  const seconds = (performance.now() - t0) / 1000;
  console.error(`reliability: ${part.key} ${ok ? "ok" : "FAILED"} (${seconds.toFixed(1)} s)`);
  sections.push({
    key: part.key,
    title: part.title,
    ok,
    body,
    command: `deno task reliability --only ${part.key}`,
    seconds,
  });
}

const report = await renderReport(sections, {
  short,
  partial: only !== undefined,
  totalSeconds: (Date.now() - started) / 1000,
});
if (only === undefined && !short) {
  const file = new URL("../RELIABILITY.md", import.meta.url).pathname;
  await Deno.writeTextFile(file, report);
  // Tables aligned and prose wrapped as `deno fmt --check` (in `deno task check`) wants them.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", file] }).output();
  console.error("reliability: wrote RELIABILITY.md");
} else {
  console.log(report);
}
Deno.exit(sections.every((s) => s.ok) ? 0 : 1);
