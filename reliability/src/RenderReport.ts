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
];

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
    `How mode-discovery holds up when things break: faults injected into every kind of response, data changing under a listing, random and hostile input to server and client, load, secrets hunted for in every output, and processes killed in the middle of a write. This is ${scope}, run in ${
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
    "Defects found by this work in code outside reliability/, each fixed since and kept as a regression test in `reliability/src/Findings_test.ts` (`deno test -A reliability/src/Findings_test.ts`):",
    "",
    ...FINDINGS.map((f, i) => `${i + 1}. **${f.title}.** ${f.where}. ${f.detail} Test: ${f.test}.`),
    "",
  ].join("\n");
};
