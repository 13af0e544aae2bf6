import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import { DEFAULT_BASE_URL } from "@mode-discovery/core";
import { environmentVariables } from "./Environment.ts";
import { checkPageFlag, resolveBaseUrl, resolveWorkspace } from "./Settings.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

const message = <A, E extends { message: string }>(effect: Effect.Effect<A, E>): string => {
  const exit = Effect.runSyncExit(effect);
  assert.ok(Exit.isFailure(exit) && exit.cause.reasons[0]._tag === "Fail");
  return exit.cause.reasons[0].error.message;
};

Deno.test("the base URL: --base-url, else MODE_BASE_URL, else Mode's", () => {
  const none = Option.none<string>();
  assert.equal(Effect.runSync(resolveBaseUrl(none, env({}))), DEFAULT_BASE_URL);
  assert.equal(
    Effect.runSync(resolveBaseUrl(none, env({ MODE_BASE_URL: "http://127.0.0.1:8787/" }))),
    "http://127.0.0.1:8787",
  );
  assert.equal(
    Effect.runSync(
      resolveBaseUrl(
        Option.some("https://proxy.example/mode/"),
        env({ MODE_BASE_URL: "http://x" }),
      ),
    ),
    "https://proxy.example/mode",
  );
  assert.ok(
    message(resolveBaseUrl(Option.some("nope"), env({}))).startsWith(
      '--base-url "nope" is not a URL',
    ),
  );
  assert.ok(
    message(resolveBaseUrl(none, env({ MODE_BASE_URL: "ftp://x" }))).startsWith(
      'MODE_BASE_URL "ftp://x" is not http or https',
    ),
  );
  assert.ok(
    message(resolveBaseUrl(Option.some("https://u:p@x"), env({}))).includes(
      "must not contain a user name or password",
    ),
  );
  assert.ok(
    message(resolveBaseUrl(Option.some("https://x/?a=1"), env({}))).includes(
      "must not have a query",
    ),
  );
});

Deno.test("plain http to another host is allowed with a warning; loopback is not warned about", () => {
  const warnings: Array<string> = [];
  const warn = (m: string) => void warnings.push(m);
  Effect.runSync(resolveBaseUrl(Option.some("http://localhost:8787"), env({}), warn));
  Effect.runSync(resolveBaseUrl(Option.some("http://127.0.0.1:8787"), env({}), warn));
  assert.equal(warnings.length, 0);
  Effect.runSync(resolveBaseUrl(Option.some("http://mode.internal"), env({}), warn));
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0].includes("credentials travel unencrypted"));
});

Deno.test("the workspace: --workspace, else MODE_WORKSPACE, checked against core's rule", () => {
  assert.equal(
    Effect.runSync(resolveWorkspace(Option.some("acme"), env({ MODE_WORKSPACE: "x" }))),
    "acme",
  );
  assert.equal(
    Effect.runSync(resolveWorkspace(Option.none(), env({ MODE_WORKSPACE: " demo " }))),
    "demo",
  );
  assert.ok(
    message(resolveWorkspace(Option.none(), env({}))).startsWith(
      "no workspace: pass --workspace NAME",
    ),
  );
  assert.ok(
    message(resolveWorkspace(Option.some("a/b"), env({}))).startsWith(
      '--workspace "a/b" is not valid: workspace must be',
    ),
  );
});

Deno.test("the documented environment names the default base URL", () => {
  const baseUrl = environmentVariables.find(([name]) => name === "MODE_BASE_URL");
  assert.ok(baseUrl?.[1].includes(DEFAULT_BASE_URL));
});

Deno.test("--per-page and --page are checked against core's rules, naming the flag", () => {
  assert.equal(Effect.runSync(checkPageFlag("--per-page", Option.some(1000))), 1000);
  assert.equal(Effect.runSync(checkPageFlag("--page", Option.none())), undefined);
  assert.equal(
    message(checkPageFlag("--per-page", Option.some(1001))),
    "--per-page 1001: per_page must be a whole number from 1 to 1000 (default 1000).",
  );
  assert.ok(message(checkPageFlag("--page", Option.some(0))).startsWith("--page 0: page must be"));
});

Deno.test("--include-spaces takes only all, and only where the resource takes it", async () => {
  const { collections, members, reports } = await import("@mode-discovery/core");
  const { checkIncludeSpaces } = await import("./Settings.ts");
  assert.equal(Effect.runSync(checkIncludeSpaces(Option.some("all"), reports)), "all");
  assert.equal(Effect.runSync(checkIncludeSpaces(Option.none(), collections)), undefined);
  for (const bad of ["ALL", "none", ""]) {
    assert.match(
      message(checkIncludeSpaces(Option.some(bad), reports)),
      /--include-spaces takes only all/,
    );
  }
  assert.match(
    message(checkIncludeSpaces(Option.some("all"), collections)),
    /collections do not take --include-spaces: personal collections are always listed/,
  );
  assert.match(
    message(checkIncludeSpaces(Option.some("all"), members)),
    /members do not take --include-spaces: they are never in members' personal collections/,
  );
});
