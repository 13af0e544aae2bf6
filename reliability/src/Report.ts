/**
 * RELIABILITY.md: each part's figures as Markdown, with the command that
 * reproduces them.
 *
 * @module
 */
import {
  ALL_FAULTS,
  CHAOS_FAULTS,
  CHAOS_WORKSPACE,
  type ChaosResult,
  seedOfSize,
} from "./Chaos.ts";
import { seedSetting } from "./_world.ts";
import type { ClientFuzzResult } from "./ClientFuzz.ts";
import type { DriftResult } from "./Drift.ts";
import type { DurabilityResult } from "./Durability.ts";
import type { LoadResult, WrkResult } from "./Load.ts";
import type { SecretsResult } from "./Secrets.ts";
import type { ServerFuzzResult } from "./ServerFuzz.ts";
import type { RateLimitResult } from "./RateLimits.ts";
import type { AdaptiveResult } from "./AdaptivePageSize.ts";
import type { BadInputResult } from "./BadInput.ts";
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

const faultKinds = (byKind: Readonly<Record<string, number>>): string =>
  describeCounts(Object.fromEntries(Object.entries(byKind).filter(([k]) => k !== "delay"))) ||
  "none";

/** The chaos listing. */
export const chaosBody = (r: ChaosResult, plan: Plans["chaos"]): string => {
  const rows = r.runs.map((run) => [
    run.what === "snapshot" ? "**snapshot**" : `\`${run.what} list\``,
    String(run.seed),
    String(run.exitCode),
    n(run.requests),
    `${Math.round(run.faultedShare * 100)}%`,
    n(run.injected),
    faultKinds(run.byKind),
    n(run.delayed),
    n(run.retries),
    run.retries === run.injected ? "yes" : "**no**",
    n(run.rows),
    run.exact ? "yes" : "**no**",
    s(run.ms),
  ]);
  const w = plan.world;
  const snapshots = r.runs.filter((run) => run.what === "snapshot");
  const tables = snapshots[0]?.tables ?? [];
  return [
    `The CLI, as a subprocess, lists each resource of a seeded workspace (${
      n(w.collections)
    } collections, ${n(w.reports)} reports and as many report stats, ${n(w.queries)} queries, ${
      n(w.charts)
    } charts, ${n(w.members)} members: \`MODE_SEED=${
      seedSetting(seedOfSize(CHAOS_WORKSPACE, w))
    }\`) with \`<resource> list --per-page ${plan.perPage} --concurrency ${plan.concurrency} --max-retries ${plan.maxRetries} --output FILE\`, and takes snapshots of the whole workspace with \`snapshot --per-page ${plan.perPage} --concurrency ${plan.concurrency} --max-retries ${plan.maxRetries} --output FILE.sqlite\`, from the edge server, whose fault injection (\`MODE_FAULTS=${CHAOS_FAULTS},seed=S\`) fails about 16% of the responses (429 with \`Retry-After: 1\`, 500, 503, a connection dropped after the headers, a body cut short) and delays about 4%. Each run must exit 0 with exactly the seeded rows: for a listing, the keys in order and the SHA-256 of the NDJSON equal to the seed's, computed without server or client (items in members' personal collections left out, as the API does without \`include_spaces\`); for a snapshot, every one of the six tables equal to the seed's row for row (\`PRAGMA integrity_check\` ok, no orphans). The retries in the CLI's summary (for a snapshot, also the sum of \`snapshot_resources.retries\`) must equal the failures the server injected (its stats, cross-checked with its access log), and nothing but FILE may be left in its directory.`,
    "",
    table(
      ["resource", "rows", "SHA-256 of the NDJSON"],
      r.expected.map((e) => [
        `\`${e.resource}\``,
        n(e.rows),
        `${e.sha256.slice(0, 16)}…`,
      ]),
    ),
    "",
    table(
      [
        "run",
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
        "exact",
        "time",
      ],
      rows,
    ),
    "",
    tables.length === 0
      ? ""
      : `Tables of the snapshot (seed ${snapshots[0].seed}): ${
        tables.map((t) => `${t.resource} ${n(t.rows)}`).join(", ")
      }, each exactly the seed's; orphans ${n(snapshots[0].orphans ?? 0)}.`,
    "",
    ...r.allFaults.flatMap((a) => [
      `Every response failing (\`MODE_FAULTS=${ALL_FAULTS}\`, \`${a.what} --max-retries ${a.maxRetries}\`): exit ${a.exitCode} after ${
        n(a.requests)
      } requests (${
        a.what === "snapshot"
          ? `the six resources' first pages at once, each tried at most ${
            a.maxRetries + 1
          } times; the first to give up ends the others`
          : `exactly the first and ${a.maxRetries} retries`
      }, last failure \`${a.lastFault}\`), in ${
        s(a.ms)
      } including the CLI's start-up; no output file, temporary file or lock left; one line on stderr:`,
      "",
      "```",
      a.errorLine.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:PORT"),
      "```",
      "",
    ]),
    "Commands:",
    "",
    "```sh",
    ...r.commands,
    "```",
  ].join("\n");
};

/** The drift run. */
export const driftBody = (r: DriftResult, plan: Plans["drift"]): string => {
  const cell = (f: (run: DriftResult["runs"][number]) => string) => r.runs.map(f);
  return [
    `The CLI lists the ${
      r.runs.map((run) => run.resource).join(" and then the ")
    } of a workspace of ${
      n(plan.collections)
    } of each (\`<resource> list --per-page ${plan.perPage} --concurrency ${plan.concurrency}\`, reports with \`--include-spaces all\` so that every stored report is listed) while the server's test hook (\`onResponse\`) adds ${
      n(plan.added)
    } items with the smallest free keys (in front of the pages already read) once page ${plan.addAfterPage} is answered, and removes the first ${
      n(plan.removed)
    } once page ${plan.removeAfterPage} is answered.`,
    "",
    table(["check", ...r.runs.map((run) => `\`${run.resource} list\``)], [
      ["exit code", ...cell((run) => String(run.exitCode))],
      ["rows written", ...cell((run) => n(run.rows))],
      ["listed twice", ...cell(() => "0")],
      ["listed that never existed", ...cell(() => "0")],
      ["final data", ...cell((run) => `${n(run.final)} (was ${n(run.initial)})`)],
      [
        "final items the changing run missed",
        ...cell((run) => `${n(run.missed)} (moved while it read: the warning says so)`),
      ],
      ["warning", ...cell((run) => `\`${run.warning}\``)],
      ["summary", ...cell((run) => `\`${run.summary.replace(/to \/tmp\/\S+/, "to FILE")}\``)],
      [
        "re-run on stable data",
        ...cell((run) =>
          `exit ${run.rerun.exitCode}, ${n(run.rerun.rows)} rows, ${
            run.rerun.exact ? "byte for byte the stored data" : "**differs**"
          }, no warning`
        ),
      ],
    ]),
  ].join("\n");
};

const countsRow = (label: string, c: CaseCounts): Array<string> => [
  label,
  n(c.cases),
  n(c.requests),
  describeCounts(c.outcomes),
];

/** Client fuzzing. */
export const clientFuzzBody = (r: ClientFuzzResult): string =>
  [
    "Core's `DiscoveryClient` (`page` and `list` of every resource by its descriptor, `list` with both strategies, `signatureTokens.create`) fed answers made by fast-check from each resource's own schema: valid pages of collections, reports, queries, charts, report stats and members (every field of its kind, the lenient forms the reference allows: ids as strings of digits, nulls, missing fields, the aliases `total_views_count` and `last_day_enagaged`) and tokens, the same with 1 to 4 mutations (keys dropped, values of the wrong type, nulls, huge or fractional numbers, `__proto__`/`constructor` keys, values wrapped in arrays), bodies damaged as text (cut short, a NUL, a byte order mark, trailing garbage), random JSON, text and HTML, pages of 10,000 to 120,000 rows, nesting 1,000 to 1,000,000 levels deep, with random statuses, `Retry-After` and `Location` headers. Every case must end (no hang, 20 s limit) in a decoded value or one typed core error (`DiscoveryError`: never a defect), with a message without stack trace or secret; in memory, a page the resource's own page Schema accepts must be returned exactly as Schema decodes it (a differential check of the client's generated fast decoder, for every resource), a 2xx page that Schema refuses must be a `ResponseDecodeError`, and a 400/401/403/404/405 must give its error class. A listing never emits a key twice.",
    "",
    table(["transport", "cases", "requests", "outcomes"], [
      countsRow("in memory (`HttpClient.make`)", r.inMemory),
      countsRow("`Deno.serve` on 127.0.0.1", r.overHttp),
      countsRow("raw TCP answers that break HTTP", r.overRawTcp),
    ]),
    "",
    `Cases per resource in memory: ${describeCounts(r.inMemory.resources)}; over \`Deno.serve\`: ${
      describeCounts(r.overHttp.resources)
    }; over raw TCP: ${describeCounts(r.overRawTcp.resources)}.`,
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
    "Requests made by fast-check over the server's whole input surface: methods (standard, lower case, unknown tokens), paths (every route: the six resources' `/batch/{ws}/spaces`, `/reports`, `/queries`, `/charts`, `/report_stats`, `/members`, and `/signature_tokens`, with odd case, slashes and workspaces: percent-encoded bytes, `%zz`, `..`, 20,000-character names, random segments), queries (`page`/`per_page` as every kind of number and not-number, `include_spaces` as `all` and every other value, repeated, 2,000 pairs), headers (valid, wrong, malformed and 16 KB `Authorization` values, Basic for Bearer, random headers with bytes 0x80 to 0xFF), and bodies (the token request with mutations, random JSON and bytes, 70 KB, 100,000-deep nesting, invalid UTF-8). Every answer must be JSON with `Content-Type: application/json`: a page that the page Schema of the resource of its path decodes, a token, or an `{id, message}` error (4xx, a known id, no stack trace); never a 5xx, never a secret, and no request may hang (10 s) or crash the server process.",
    "",
    table(["transport", "cases", "outcomes (status and id; 200 by resource)"], [
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
    `Cases per route in process: ${describeCounts(r.inProcess.resources)}.`,
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
    `wrk (\`-t${plan.threads} -c${plan.connections}\`) against the server process (\`apps/edge/serve.ts\`, as \`deno task serve\` runs it) on 127.0.0.1, seeded with \`MODE_SEED=acme:${plan.collections}\`, each connection cycling through the six resource routes and through every page of each at \`per_page=${plan.perPage}\` (${
      r.routes.map((route) => `\`${route.path}\` ${n(route.pages)} pages`).join(", ")
    }), wrk and the server sharing the machine. No request may fail: every answer 200, no socket error.`,
    "",
    table(["run", "requests", "req/s", "statuses", "socket errors", "p50", "p99", "max"], [
      wrkRow(`${plan.durationSec} s, no rate limit`, r.plain),
      wrkRow(
        `${plan.rateDurationSec} s, \`MODE_RATE_LIMIT=${plan.rateLimit}\`, one token`,
        r.limited.heavy,
      ),
    ]),
    "",
    `Requests sent per route without the limit: ${
      r.routes.map((route) =>
        `\`${route.path.split("/").at(-1)}\` ${n(r.plain.sent[route.path] ?? 0)}`
      )
        .join(", ")
    }.`,
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
    "Known values for everything secret (the development token's token, access key and access secret, the admin API key and secret, a wrong secret, and the secrets of three tokens created on the way: two by `tokens create`, one by `POST .../signature_tokens`). Every CLI command runs with `--verbose`: `list` of every resource (collections in each format, to stdout and to files, with filters; reports to CSV and NDJSON, with and without `--include-spaces all`; queries as JSON; charts to a JSON file; report stats as a table; members to NDJSON), `page` (collections, members, report stats with `--include-spaces all`), `tokens create` to stdout and to a file, `list` with `--credentials-file`, `snapshot` (plain, and `--include-spaces all --requests-per-second`), `diff` of the two snapshots in each format, a snapshot killed with SIGKILL half-way (what it left beside FILE kept and searched), `mirror` (also with a wrong secret and with `--credentials-file`) and `import` (one file, and several resources at once), each into a KV file of its own, `serve` with the access log on, asked for a page and refused, `--help`; also failing in every way (wrong secret for a listing, a page and a snapshot, wrong admin secret, other workspace, unreachable server for a listing and a snapshot, bad flag, unwritable output, a snapshot into a missing directory and over a file that is not a snapshot, malformed credentials file for a listing and a snapshot). Every server route is called with the access log on: pages of every resource (with `include_spaces=all` where it is taken), HEAD, wrong and malformed credentials (the secret as a raw bearer, Basic for Bearer), secrets in the query string, injected 429 and 503, token creation (right and wrong), 405, 404, `/healthz`, `/openapi.json`, `/docs`. Then every captured byte and every file written is searched for each value in clear, percent-encoded and base64 at each of the 3 alignments (so inside a Bearer or Basic header too), as UTF-8 and UTF-16LE in files; the snapshot files (SQLite, and what the killed snapshot left) for every value, the token and access key included. A created token's secret is allowed only where it is shown by design: the stdout of the `tokens create` that made it, its `--output` file (mode 0600), and the API's answer to the POST.",
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
      [
        "snapshot files searched for every value",
        `${n(r.snapshotFiles.length)} (${n(r.snapshotBytes)} bytes): ${
          describeCounts(tallyOf(r.snapshotFiles.map(snapshotFileKind)))
        }`,
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

const snapshotFileKind = (name: string): string =>
  name.endsWith(".lock")
    ? "lock"
    : /\.tmp-journal$/.test(name)
    ? "temporary file's journal"
    : name.endsWith(".tmp")
    ? "temporary file"
    : "snapshot";

const tallyOf = (xs: ReadonlyArray<string>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
};

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
  const sn = r.snapshot;
  const snapshotRows = [...sn.kills].sort((a, b) => a.afterMs - b.afterMs).map((k) => [
    n(k.afterMs),
    k.when,
    k.phase === "starting"
      ? "starting (no temporary file yet)"
      : k.phase === "writing"
      ? "writing the temporary file"
      : "FILE replaced",
    `${k.found}, whole`,
    k.left.length === 0 ? "nothing" : k.left.join(", "),
    n(k.cleaned),
  ]);
  const leftAny = sn.kills.filter((k) => k.left.length > 0).length;
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
    "",
    "### The snapshot file",
    "",
    `\`mode-discovery snapshot --workspace dur --output FILE\` writes over a FILE that holds a snapshot of \`${sn.oldSeed}\` (${
      n(sn.oldRows)
    } rows in six tables), reading a server seeded with \`${sn.newSeed}\` (${
      n(sn.newRows)
    } rows). Run to the end it takes ${
      n(sn.runMs)
    } ms from its start (its temporary file appears at ${n(sn.tempAtMs)} ms, FILE is replaced at ${
      n(sn.renameAtMs)
    } ms). It is then killed with SIGKILL ${sn.kills.length} times: ${
      sn.kills.filter((k) => k.when === "random").length
    } at random points of that run (seeded ${sn.seed}), and once as soon as FILE is seen replaced. Before each run FILE is the old snapshot again, and whatever earlier kills left beside it stays. After each kill FILE must be a SQLite file that \`PRAGMA integrity_check\` finds ok and whose six tables equal, row for row, either the old snapshot's or the new one's (computed from the seeds), never a mix.`,
    "",
    table([
      "killed at (ms)",
      "when",
      "the run was",
      "FILE held",
      "left beside FILE by the kill",
      "earlier leftovers this run removed",
    ], snapshotRows),
    "",
    `${n(leftAny)} of the ${sn.kills.length} kills left files beside FILE (${
      [...new Set(sn.kills.flatMap((k) => k.left))].map((kind) =>
        kind === "temporary file"
          ? "the killed process's temporary file `.FILE.<pid>.<hex>.tmp`"
          : kind === "lock"
          ? "`FILE.lock` holding its pid"
          : `\`${kind}\``
      ).join(", ")
    }); a later run removed them before writing (the temporary files of processes that are gone, and a lock whose process is gone). The run to the end after the last kill removed ${
      n(sn.final.removed)
    } leftover${
      sn.final.removed === 1 ? "" : "s"
    }, exited ${sn.final.exitCode} with the ${sn.final.found} snapshot whole, and left ${
      sn.final.left.length === 0 ? "**nothing** beside FILE" : `**${sn.final.left.join(", ")}**`
    }.`,
  ].join("\n");
};

/** The rate limits end to end. */
export const rateLimitBody = (r: RateLimitResult, plan: Plans["rateLimit"]): string =>
  [
    `The server process (\`apps/edge/serve.ts\`) with \`MODE_SEED=${r.seed}\` and \`MODE_RATE_LIMIT=${r.rateLimit}\` (fixed windows of ${
      n(r.windowMs / 1000)
    } s per signature token), and the CLI taking a snapshot of the workspace through it: \`snapshot --per-page ${plan.perPage} --concurrency ${plan.concurrency}\` as it comes (no client budget: it meets the limit, is answered 429 with \`Retry-After\`, and retries), then with \`--requests-per-second ${plan.requestsPerSecond}\`${
      (plan.budgetedPerPage ?? plan.perPage) === plan.perPage
        ? ""
        : ` and \`--per-page ${plan.budgetedPerPage}\``
    } (with a second token, so that the first run's windows do not count). Each must exit 0 with every table exactly the seed's, show the user no 429 (no line on stderr mentions it), and take at most ${plan.tolerance}x what the limit allows: its pages / ${
      n(r.limit / (r.windowMs / 1000))
    } per second. With \`--requests-per-second\` the server must answer no 429 at all (\`/healthz\` \`rateLimited\`, cross-checked with the access log).`,
    "",
    table(
      [
        "snapshot",
        "exit",
        "pages",
        "time (CLI, start-up included)",
        "the limit allows",
        "ratio",
        "429s answered by the server",
        "CLI retries",
        "pages per window",
        "smallest gap between arrivals",
      ],
      r.runs.map((run) => [
        `\`${run.mode}\``,
        String(run.exitCode),
        n(run.pages),
        s(run.ms),
        s(run.idealMs),
        `${(run.ms / run.idealMs).toFixed(2)}x`,
        n(run.rateLimited),
        n(run.retries),
        run.perWindow.join(", "),
        ms(run.minGapMs),
      ]),
    ),
    "",
    ...r.runs.map((run) =>
      `- \`${run.mode}\`: tables ${
        run.tables.map((t) => `${t.resource} ${n(t.rows)}`).join(", ")
      }, each exactly the seed's; stderr: ${
        run.summary.map((l) => `\`${l.replace(/written to \S+/, "written to FILE")}\``).join(" ")
      }`
    ),
  ].join("\n");

/** The adaptive page size end to end. */
export const adaptiveBody = (r: AdaptiveResult): string =>
  [
    `The server process (\`apps/edge/serve.ts\`) with \`MODE_SEED=${r.seed}\` (${
      n(r.members)
    } members) and \`MODE_FAULTS=${r.faults}\`: every members request of more than 250 per page is answered 503 \`Backend read error\` with \`Retry-After: 1\`, so the first page at the default 1000 fails every time. The members are listed at the default page size by the client in this process (\`DiscoveryClient\` \`members.list\`, \`maxRetries ${r.maxRetries}\`), by \`mode-discovery members list --max-retries ${r.maxRetries}\` and by \`mode-discovery snapshot --max-retries ${r.maxRetries}\`. Each must end with exactly the seeded members (SHA-256 of the NDJSON, or the snapshot's table), in order; the access log must show every members request above 250 answered 503 (the 1000-member page asked ${
      r.maxRetries + 1
    } times: the first attempt and each retry), every one at 250 answered 200; and each failing page must cost its retries, then one split into the two pages of half its size (server's injected 503s = shrinks x ${
      r.maxRetries + 1
    }, retries = shrinks x ${r.maxRetries}).`,
    "",
    table(
      [
        "listing",
        "members",
        "exact",
        "shrinks",
        "retries",
        "503s injected",
        "members requests (per_page, status)",
        "reported as",
        "time",
      ],
      r.runs.map((run) => [
        run.via,
        n(run.rows),
        run.exact ? "yes" : "**no**",
        n(run.shrinks),
        n(run.retries),
        n(run.injected),
        describeCounts(run.requests),
        `\`${run.summary}\``,
        s(run.ms),
      ]),
    ),
    "",
    `The snapshot's other tables, each exactly the seed's and never shrunk: ${
      r.otherTables.map((t) => `${t.resource} ${n(t.rows)}`).join(", ")
    }. Its lines on stderr: ${r.snapshotSummary.map((l) => `\`${l}\``).join(" ")}`,
    "",
    r.runs.some((run) => run.driftReported !== undefined)
      ? `The members did not change during these listings (their \`total_count\` stayed ${
        n(r.members)
      }), yet ${
        r.runs.filter((run) => run.driftReported !== undefined).map((run) =>
          `${run.via} said they did (${run.driftReported})`
        ).join("; ")
      }: see Findings.`
      : "No listing reported a change of the members (none happened).",
  ].join("\n");

/** Bad input end to end. */
export const badInputBody = (r: BadInputResult): string => {
  const refused = r.wrongKind.filter((c) => c.result === "refused");
  const accepted = r.wrongKind.filter((c) => c.result === "accepted");
  return [
    `The CLI against the edge server (\`MODE_SEED=${r.seed}\`, every resource) behind a proxy that rewrites its answers the way a misbehaving server would, and with a report removed from the store while its stat stays. Each run's output is compared with the seed's rows (computed without server or client).`,
    "",
    table(
      ["bad input", "command", "exit", "what happened"],
      r.checks.map((c) => [
        c.input,
        `\`${c.command}\``,
        String(c.exitCode),
        c.outcome.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT"),
      ]),
    ),
    "",
    `In memory, through the client (\`page\` of each resource answered with 5 rows of each other resource under its array key): ${refused.length} of ${r.wrongKind.length} pairings are refused with a \`ResponseDecodeError\` (${
      refused.map((c) => `${c.page} holding ${c.holds} at \`${c.detail}\``).join(", ")
    })${
      accepted.length === 0
        ? "; none is accepted."
        : `; ${accepted.length} are **accepted**: the reference makes every field but the key and the token optional and drops unknown ones, so another resource's rows that carry its key and token and share one of its fields decode as rows of this one with the rest null (see Findings):`
    }`,
    "",
    accepted.length === 0
      ? ""
      : table(["page of", "holding", "result"], accepted.map((c) => [c.page, c.holds, c.detail])),
  ].join("\n");
};
