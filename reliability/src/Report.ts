/**
 * RELIABILITY.md: each part's figures as Markdown, with the command that
 * reproduces them.
 *
 * @module
 */
import { ALL_FAULTS, CHAOS_FAULTS, type ChaosResult } from "./Chaos.ts";
import type { ClientFuzzResult } from "./ClientFuzz.ts";
import type { DriftResult } from "./Drift.ts";
import type { DurabilityResult } from "./Durability.ts";
import type { LoadResult, WrkResult } from "./Load.ts";
import type { SecretsResult } from "./Secrets.ts";
import type { ServerFuzzResult } from "./ServerFuzz.ts";
import { type CaseCounts, describeCounts } from "./_counts.ts";
import type { Plans } from "./Plans.ts";

/** A part of the report. */
export interface Section {
  readonly key: string;
  readonly title: string;
  /** Whether every check of the part held. */
  readonly ok: boolean;
  /** Markdown body: what was checked, the figures. */
  readonly body: string;
  /** How to run just this part. */
  readonly command: string;
  readonly seconds: number;
}

const n = (x: number): string => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const ms = (x: number): string =>
  x >= 100 ? `${n(x)} ms` : `${x.toLocaleString("en-US", { maximumFractionDigits: 1 })} ms`;
const s = (msValue: number): string => `${(msValue / 1000).toFixed(1)} s`;

/** A Markdown table. */
export const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");

/** The chaos listing. */
export const chaosBody = (r: ChaosResult, plan: Plans["chaos"]): string => {
  const rows = r.runs.map((run) => [
    String(run.seed),
    String(run.exitCode),
    n(run.requests),
    `${Math.round(run.faultedShare * 100)}%`,
    n(run.injected),
    describeCounts(Object.fromEntries(Object.entries(run.byKind).filter(([k]) => k !== "delay"))),
    n(run.delayed),
    n(run.retries),
    run.retries === run.injected ? "yes" : "**no**",
    n(run.rows),
    run.sha256 === r.expected.sha256 ? "yes" : "**no**",
    s(run.ms),
  ]);
  const a = r.allFaults;
  return [
    `The CLI, as a subprocess, lists a ${
      n(plan.collections)
    }-collection workspace (\`--per-page ${plan.perPage} --concurrency ${plan.concurrency} --max-retries ${plan.maxRetries} --output FILE\`) from the edge server, whose fault injection (\`MODE_FAULTS=${CHAOS_FAULTS},seed=S\`) fails about 16% of the responses (429 with \`Retry-After: 1\`, 500, 503, a connection dropped after the headers, a body cut short) and delays about 4%. Each run must exit 0 with exactly the seeded collections (sorted ids equal, and the SHA-256 of the NDJSON equal to the seed's, computed without server or client: ${
      r.expected.sha256.slice(0, 16)
    }…, ${
      n(r.expected.rows)
    } rows), and the retries in the CLI's summary must equal the failures the server injected (its stats, cross-checked with its access log).`,
    "",
    table(
      [
        "seed",
        "exit",
        "requests",
        "faulted",
        "failures injected",
        "by kind",
        "delays",
        "CLI retries",
        "retries = failures",
        "rows",
        "NDJSON exact",
        "time",
      ],
      rows,
    ),
    "",
    `Every response failing (\`MODE_FAULTS=${ALL_FAULTS}\`, \`--max-retries ${a.maxRetries}\`): exit ${a.exitCode} after exactly ${a.requests} requests (the first and ${a.maxRetries} retries, last failure \`${a.lastFault}\`), in ${
      s(a.ms)
    } including the CLI's start-up; no output file and no temporary file left; one line on stderr:`,
    "",
    "```",
    a.errorLine.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:PORT"),
    "```",
  ].join("\n");
};

/** The drift run. */
export const driftBody = (r: DriftResult, plan: Plans["drift"]): string =>
  [
    `The CLI lists a ${
      n(plan.collections)
    }-collection workspace (\`--per-page ${plan.perPage} --concurrency ${plan.concurrency}\`) while the server's test hook (\`onResponse\`) adds ${
      n(plan.added)
    } collections with the smallest free ids (in front of the pages already read) once page ${plan.addAfterPage} is answered, and removes the first ${
      n(plan.removed)
    } once page ${plan.removeAfterPage} is answered.`,
    "",
    table(["check", "result"], [
      ["exit code", String(r.exitCode)],
      ["rows written", n(r.rows)],
      ["collections listed twice", "0"],
      ["collections listed that never existed", "0"],
      ["final data", `${n(r.final)} collections (was ${n(r.initial)})`],
      [
        "final collections the changing run missed",
        `${n(r.missed)} (moved while it read: the warning says so)`,
      ],
      ["warning", `\`${r.warning}\``],
      ["summary", `\`${r.summary.replace(/to \/tmp\/\S+/, "to FILE")}\``],
      [
        "re-run on stable data",
        `exit ${r.rerun.exitCode}, ${n(r.rerun.rows)} rows, ${
          r.rerun.exact ? "byte for byte the stored data" : "**differs**"
        }, no warning`,
      ],
    ]),
  ].join("\n");

const countsRow = (label: string, c: CaseCounts): Array<string> => [
  label,
  n(c.cases),
  n(c.requests),
  describeCounts(c.outcomes),
];

/** Client fuzzing. */
export const clientFuzzBody = (r: ClientFuzzResult): string =>
  [
    "Core's `DiscoveryClient` (`collections.page`, `collections.list` with both strategies, `signatureTokens.create`) fed answers made by fast-check: valid pages and tokens, the same with 1 to 4 mutations (keys dropped, values of the wrong type, nulls, huge or fractional numbers, `__proto__`/`constructor` keys, values wrapped in arrays), bodies damaged as text (cut short, a NUL, a byte order mark, trailing garbage), random JSON, text and HTML, pages of 10,000 to 60,000 rows, nesting 1,000 to 1,000,000 levels deep, with random statuses, `Retry-After` and `Location` headers. Every case must end (no hang, 20 s limit) in a decoded value or one typed core error (`DiscoveryError`: never a defect), with a message without stack trace or secret; in memory, a page core's `CollectionsPage` Schema accepts must be returned exactly as Schema decodes it (a differential check of the client's fast decoder), and a 400/401/403/404/405 must give its error class. A listing never emits an id twice.",
    "",
    table(["transport", "cases", "requests", "outcomes"], [
      countsRow("in memory (`HttpClient.make`)", r.inMemory),
      countsRow("`Deno.serve` on 127.0.0.1", r.overHttp),
      countsRow("raw TCP answers that break HTTP", r.overRawTcp),
    ]),
    "",
    `Input kinds in memory: ${describeCounts(r.inMemory.kinds)}. Raw TCP kinds: ${
      describeCounts(r.overRawTcp.kinds)
    }. Longest error message: ${
      n(r.inMemory.longestMessage)
    } characters (see Findings). fast-check seed ${r.seed}.`,
  ].join("\n");

/** Server fuzzing. */
export const serverFuzzBody = (r: ServerFuzzResult): string =>
  [
    "Requests made by fast-check over the server's whole input surface: methods (standard, lower case, unknown tokens), paths (the two routes with odd case, slashes and workspaces: percent-encoded bytes, `%zz`, `..`, 20,000-character names, random segments), queries (`page`/`per_page` as every kind of number and not-number, repeated, 2,000 pairs), headers (valid, wrong, malformed and 16 KB `Authorization` values, Basic for Bearer, random headers with bytes 0x80 to 0xFF), and bodies (the token request with mutations, random JSON and bytes, 70 KB, 100,000-deep nesting, invalid UTF-8). Every answer must be JSON with `Content-Type: application/json`: a page or a token that core's schemas decode, or an `{id, message}` error (4xx, a known id, no stack trace); never a 5xx, never a secret, and no request may hang (10 s) or crash the server process.",
    "",
    table(["transport", "cases", "outcomes (status and id)"], [
      ["in process (`handler.fetch`)", n(r.inProcess.cases), describeCounts(r.inProcess.outcomes)],
      [
        "`fetch` to a server process",
        n(r.overFetch.cases),
        describeCounts(r.overFetch.outcomes),
      ],
      [
        "raw HTTP/1.1 bytes to the same process",
        n(r.overRawTcp.cases),
        describeCounts(r.overRawTcp.outcomes),
      ],
    ]),
    "",
    `The server process logged ${r.unexpectedLogLines.length} unexpected failures and was still running at the end. fast-check seed ${r.seed}.`,
  ].join("\n");

const wrkRow = (label: string, w: WrkResult): Array<string> => [
  label,
  n(w.requests),
  n(w.requestsPerSec),
  describeCounts(w.statuses),
  n(w.socketErrors),
  ms(w.p50Ms),
  ms(w.p99Ms),
  ms(w.maxMs),
];

/** The load run. */
export const loadBody = (r: LoadResult, plan: Plans["load"]): string =>
  [
    `wrk (\`-t${plan.threads} -c${plan.connections}\`) against the server process (\`apps/edge/serve.ts\`, as \`deno task serve\` runs it) on 127.0.0.1, cycling through every page of a ${
      n(plan.collections)
    }-collection workspace at \`per_page=${plan.perPage}\`, wrk and the server sharing the machine.`,
    "",
    table(["run", "requests", "req/s", "statuses", "socket errors", "p50", "p99", "max"], [
      wrkRow(`${plan.durationSec} s, no rate limit`, r.plain),
      wrkRow(
        `${plan.rateDurationSec} s, \`MODE_RATE_LIMIT=${plan.rateLimit}\`, one token`,
        r.limited.heavy,
      ),
    ]),
    "",
    `With the limit on, the token under load got ${n(r.limited.heavyOk)} pages (at most ${
      n(r.limited.heavyAllowedAtMost)
    } allowed over the run's windows) and ${
      n(r.limited.heavy429)
    } answers 429 \`rate_limited\` (\`Retry-After: ${r.limited.retryAfter}\`); meanwhile ${plan.otherTokens} other tokens each asked for a page every ${plan.otherIntervalMs} ms: ${
      n(r.limited.othersRequests)
    } requests, statuses ${describeCounts(r.limited.others)}, p99 ${ms(r.limited.othersP99Ms)}.`,
    "",
    "Commands (`AUTH` is `Bearer base64(token:key:secret)`):",
    "",
    "```sh",
    r.plainCommand.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:8787"),
    r.limited.heavyCommand.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:8787"),
    "```",
  ].join("\n");

/** The secrets run. */
export const secretsBody = (r: SecretsResult): string =>
  [
    "Known values for everything secret (the development token's token, access key and access secret, the admin API key and secret, a wrong secret, and the secrets of three tokens created on the way: two by `tokens create`, one by `POST .../signature_tokens`). Every CLI command runs with `--verbose` (list in each format, to stdout and to files, with filters; page; tokens create to stdout and to a file; list with `--credentials-file`; `mirror` (also with a wrong secret and with `--credentials-file`) and `import`, each into a KV file of its own; `serve` with the access log on, asked for a page and refused; `--help`), also failing in every way (wrong secret, wrong admin secret, other workspace, unreachable server, bad flag, unwritable output, malformed credentials file). Every server route is called with the access log on: pages, HEAD, wrong and malformed credentials (the secret as a raw bearer, Basic for Bearer), secrets in the query string, injected 429 and 503, token creation (right and wrong), 405, 404, `/healthz`, `/openapi.json`, `/docs`. Then every captured byte and every file written is searched for each value in clear, percent-encoded and base64 at each of the 3 alignments (so inside a Bearer or Basic header too), as UTF-8 and UTF-16LE in files. A created token's secret is allowed only where it is shown by design: the stdout of the `tokens create` that made it, its `--output` file (mode 0600), and the API's answer to the POST.",
    "",
    table(["what", "figure"], [
      ["CLI runs", `${n(r.cliRuns)} (exit codes: ${describeCounts(r.exitCodes)})`],
      [
        "direct server requests",
        `${n(r.serverRequests)} (statuses: ${describeCounts(r.statuses)})`,
      ],
      ["secret values searched", n(r.secrets)],
      [
        "bytes searched (outputs, logs, answers, files)",
        `${n(r.bytesSearched)} in ${n(r.filesSearched)} files and the captured streams`,
      ],
      ["KV files searched for secrets in clear", `${n(r.kvFiles)} (${n(r.kvBytes)} bytes)`],
      [
        "hits",
        r.hits.length === 0
          ? "**0**"
          : r.hits.map((h) => `${h.secret} (${h.form}) in ${h.where}`).join("; "),
      ],
    ]),
    "",
    "Not covered by design: a value placed in the URL path or in a body field is data to the server, which cannot know it is secret (the access log keeps paths, a 400 may quote a bad field); the query string is covered (its values are redacted in the log).",
  ].join("\n");

/** The durability run. */
export const durabilityBody = (r: DurabilityResult): string => {
  const rows = r.writers.flatMap((w) =>
    w.kills.map((k) => [
      w.writer,
      n(w.writeMs),
      `${Math.round(k.fraction * 100)}%`,
      n(k.afterMs),
      k.found,
      k.pending > 0 ? `yes (${k.pending} pending version)` : "no (after the swap)",
    ])
  );
  return [
    `A store holding an old copy of a workspace (${
      n(r.oldCount)
    } collections) is overwritten with a new one (${
      n(r.newCount)
    } collections) by \`mode-discovery import\`, by \`mode-discovery mirror\` (from an edge server), and by the server re-seeding at start-up (\`MODE_SEED\` changed). Each writer is first run to the end to time its write phase (from its first write to the KV file to its end), then killed with SIGKILL at points spread over that phase. After each kill the KV file is opened again: it must hold the old copy or the new one, whole (every row, compared by the SHA-256 of its NDJSON), never a mix. Then a server process is started on the last killed file and the CLI lists the workspace from it (it must serve the copy found), and the writer runs again to the end (the new copy, exactly).`,
    "",
    table([
      "writer",
      "write phase (ms)",
      "kill at",
      "ms into the write",
      "store held",
      "killed mid-write",
    ], rows),
    "",
    r.writers.map((w) =>
      `- ${w.writer}: ${
        w.restartServed === "not checked"
          ? "no restart check"
          : `the restarted server served the ${w.restartServed} copy`
      }; ${
        w.recovered === undefined
          ? "not written again"
          : w.recovered
          ? "writing again gave the new copy exactly"
          : "writing again gave **a wrong copy**"
      }.`
    ).join("\n"),
  ].join("\n");
};
