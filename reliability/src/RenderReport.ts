/**
 * The whole RELIABILITY.md: the machine, a summary table, each part, and
 * the defects found.
 *
 * @module
 */
import { type Section, table } from "./Report.ts";

/** A defect found by the reliability work, with the test that shows it. */
export interface Finding {
  readonly title: string;
  readonly where: string;
  readonly detail: string;
  readonly test: string;
}

/**
 * Defects found so far. Each has a failing test in
 * `reliability/src/Findings_test.ts`, fixed since and kept as regression tests.
 */
export const FINDINGS: ReadonlyArray<Finding> = [
  {
    title: "A `ResponseDecodeError` message quotes the whole offending value",
    where: "packages/core/src/_responseError.ts (`decodeError`)",
    detail:
      "The Schema issue's text (`Expected string, got <value>`) is used as it is, so a 2xx page with a megabyte value in a wrongly typed field gives a 1,000,306-character message (a 100,000-key object: 1.5 million). The CLI cuts its error line at 600 characters; library callers who log `error.message` get the megabyte. Fixed: the detail is cut to 200 characters.",
    test: '"finding: a ResponseDecodeError quotes the whole offending value"',
  },
  {
    title:
      "A non-2xx answer to `signature_tokens` holding the new token has its `access_secret` quoted",
    where: "packages/core/src/_responseError.ts (`apiErrorFromResponse`)",
    detail:
      "A body that is JSON but not `{id, message}` is quoted (120 characters) in the error. For `POST .../signature_tokens` that body may be the created token (a gateway that rewrites the status, a 502 after the token was made): its `access_secret` then lands in the error message and in `tokens create`'s error line (the CLI scrubs only the secrets it was given). Fixed: bodies of the signature-token call are never quoted.",
    test:
      '"finding: a non-2xx answer to signature_tokens that holds a token has its access_secret quoted"',
  },
  {
    title: "After the page size shrank on page 1, every listing said the data changed",
    where: "packages/core/src/_walk.ts (`totalsPages`, `WalkState.take`)",
    detail:
      "Page 1 fetched with shrinking was the join of its halves and kept the last half's pagination (`per_page` 250, `total_pages` 5 for 1,200 members), while the later units were rewritten to the unit size (`per_page` 1000, `total_pages` 2); `take` compares `total_pages` too, so `totalsDrifted` was true with `total_count` unchanged: the client's summary, `members list` (its drift warning) and `snapshot` (`totals_drifted` 1 and its warning) reported a change that did not happen, and the unscaled `total_pages` made the walk fetch units past the end (13 or 14 members requests at 250 for the 10 pages of 2,500 members). Fixed: page 1 read as smaller pages counts in the page size asked for.",
    test:
      '"finding: after the page size shrinks on page 1, the listing says the totals drifted (they did not)", and the adaptive part (no listing reports a change, no page past the end)',
  },
  {
    title:
      "The snapshot's temporary file had a rollback journal on disk, which a SIGKILL left beside FILE",
    where: "apps/cli/src/SnapshotDatabase.ts (`createWriter`)",
    detail:
      "`PRAGMA journal_mode = OFF` has no effect under Deno 2.9.6's `node:sqlite` (it answers `delete`), so the file said to be written without a journal had one, `.FILE.<pid>.<hex>.tmp-journal`, which a killed snapshot left beside FILE (the next snapshot removed it with the temporary file). Fixed: the journal is kept in memory (`journal_mode = MEMORY`, checked).",
    test: "the durability part (no kill of a snapshot leaves a journal beside FILE)",
  },
  {
    title:
      "A page whose array held another resource's rows was accepted when they carried a key and a token",
    where: "packages/core (the item schemas from `Field.ts`)",
    detail:
      "Every field but the key and the token is optional and unknown fields are dropped, so any object with an `id` and a `token` decoded: a `members` page holding charts was written as members with every member field null (`members list` exited 0), and 22 of the 30 pairings of Bad input decoded. Fixed in part: a row with none of the resource's fields but its key and token, and fields the resource does not have, is refused (the rest is the next finding).",
    test:
      '"finding: a members page whose array holds charts decoded as members with every field null", and the bad-input part',
  },
  {
    title:
      "Rows of another resource that share a field with this one were still taken as this resource's",
    where:
      "packages/core/src/Resource.ts (`foreignItem`), used by the client's page decoder and the server's NDJSON import",
    detail:
      "A row was refused only when it had none of the resource's fields but its key and token: a `reports` page holding collections (which have a report's `name` and `description`) was written as reports with the other fields null (`reports list` exited 0), and 10 of the 30 pairings of Bad input still decoded, all sharing a field (`name`, `description`, `space_id`, `report_id`, ...). Fixed: a row that also has fields the resource does not have, every one of its fields being another resource's, is refused naming that resource; a row of the resource with a field the model does not know yet is still taken. None of the 30 pairings decodes.",
    test:
      '"finding: a reports page whose array holds collections decoded as reports (they share name and description)", the page decoder\'s property test, and the bad-input part',
  },
  {
    title:
      "The summaries miscounted the page-size shrinks, and the snapshot's did not mention them",
    where:
      "apps/cli/src/Summary.ts, apps/cli/src/SnapshotCommand.ts (`summaryLines`), core's `pageSizeShrinks`",
    detail:
      "`pageSizeShrinks` counts the pages read as two smaller ones (page 1 at 1000, then page 1 at 500 and page 2 at 500: 3), but `members list` said `page size halved 3 times, to 250`, as if 1000 had been halved three times; `snapshot` said nothing of it (only `snapshot_resources.page_size_shrinks`). Fixed: `(3 pages split into smaller ones, down to 250)`, the snapshot's second line names the pages split per resource, and the docs say what the count is.",
    test: "the adaptive part (the summary line of `members list`)",
  },
  {
    title: "`--requests-per-second 4` met `MODE_RATE_LIMIT=40/10s` with no margin",
    where:
      "packages/core/src/_request.ts (`HttpClient.withRateLimiter`, token bucket of 1 per 250 ms)",
    detail:
      "The run passed (no 429), but full windows let exactly 40 requests through and arrivals came closer than 250 ms apart: effect's in-memory token bucket computes each request's delay when it is admitted, from the bucket's theoretical refill times, so a request sent late is followed by one less than 250 ms later, and a fixed window counting 41 answers a 429. Fixed: the client spaces requests a twentieth more than 1/rps apart (262.5 ms at 4 per second).",
    test: "the rate-limit part (pages per window, smallest gap between arrivals)",
  },
];

/** Behaviour outside reliability/ that looks wrong or fragile, reported and not fixed here. */
export interface OpenFinding {
  readonly title: string;
  readonly where: string;
  readonly detail: string;
  readonly repro: string;
}

/** What this work reports to the code's owners (see the part each names for its figures). */
export const OPEN_FINDINGS: ReadonlyArray<OpenFinding> = [];

const git = async (args: ReadonlyArray<string>): Promise<string> => {
  try {
    const out = await new Deno.Command("git", {
      args: [...args],
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
};

const machine = async (): Promise<string> => {
  let cpu = "";
  try {
    cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.+)/)?.[1] ?? "";
  } catch {
    // not Linux
  }
  let load = "";
  try {
    load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    // not Linux
  }
  const commit = await git(["rev-parse", "--short", "HEAD"]);
  const dirty = (await git(["status", "--porcelain"])) === "" ? "" : " (with uncommitted changes)";
  return [
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; commit ${
      commit || "unknown"
    }${dirty}`,
    `- Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} CPUs${
      cpu === "" ? "" : ` (${cpu})`
    }${load === "" ? "" : `, load average at the end ${load}`}`,
    "- Everything on loopback (127.0.0.1); every process started is stopped at the end.",
  ].join("\n");
};

/** Renders the report of `sections`. */
export const renderReport = async (
  sections: ReadonlyArray<Section>,
  options: { readonly short: boolean; readonly partial: boolean; readonly totalSeconds: number },
): Promise<string> => {
  const scope = options.short
    ? "the short version (test sizes), not the figures of record"
    : options.partial
    ? "some parts only"
    : "the full version";
  return [
    "# Reliability",
    "",
    "<!-- Written by `deno task reliability`; edit reliability/src/*.ts instead. -->",
    "",
    `How mode-discovery holds up when things break, for every resource (collections, reports, queries, charts, report stats, members) and for whole-workspace snapshots: faults injected into every kind of response, data changing under a listing, random and hostile input to server and client, load, secrets hunted for in every output (snapshot SQLite files included), processes killed in the middle of a write, a server rate limit, pages that fail above a size, and answers of the wrong shape. This is ${scope}, run in ${
      (options.totalSeconds / 60).toFixed(1)
    } minutes. Every part is checked, not only measured: a figure below is a run that passed its checks unless it says **FAILED**.`,
    "",
    await machine(),
    "",
    "## Summary",
    "",
    table(
      ["part", "result", "time", "reproduce"],
      sections.map((s) => [
        `[${s.title}](#${s.title.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")})`,
        s.ok ? "pass" : "**FAILED**",
        `${s.seconds.toFixed(0)} s`,
        `\`${s.command}\``,
      ]),
    ),
    "",
    "- Everything: `deno task reliability` (rewrites this file; exits 1 if a check fails).",
    "- The short version runs with the other tests: `deno task test` (or `deno test -A reliability`).",
    "- The load part needs `wrk` (`apt-get install -y wrk`); it fails, saying so, when wrk is missing.",
    "",
    ...sections.flatMap((s) => [
      `## ${s.title}`,
      "",
      `Reproduce: \`${s.command}\` (${s.seconds.toFixed(0)} s).`,
      "",
      s.body,
      "",
    ]),
    "## Findings",
    "",
    "Defects found by this work in code outside reliability/, each fixed since and kept as a regression test in `reliability/src/Findings_test.ts` (`deno test -A reliability/src/Findings_test.ts`) or in the part named:",
    "",
    ...FINDINGS.map((f, i) => `${i + 1}. **${f.title}.** ${f.where}. ${f.detail} Test: ${f.test}.`),
    "",
    OPEN_FINDINGS.length === 0
      ? "Open: none. Behaviour of code outside reliability/ that a run passes but that looks wrong or fragile is listed here, with a reproduction, until its owners change it."
      : "Open: behaviour of code outside reliability/ that this run passed but that looks wrong or fragile, reported to its owners with a reproduction, not fixed here:",
    "",
    ...OPEN_FINDINGS.map((f, i) =>
      `${FINDINGS.length + i + 1}. **${f.title}.** ${f.where}. ${f.detail} Reproduce: ${f.repro}`
    ),
    "",
  ].join("\n");
};
