/**
 * The settings of a kept-fresh mirror (Deno Deploy's `Deno.cron`):
 * `MODE_MIRROR_FROM`, `MODE_MIRROR_WORKSPACE`, `MODE_MIRROR_SCHEDULE` and
 * the upstream signature token in `MODE_TOKEN`, `MODE_ACCESS_KEY` and
 * `MODE_ACCESS_SECRET`.
 *
 * @module
 */
import * as Schema from "effect/Schema";
import { SignatureCredentials, WORKSPACE_RULE, WorkspaceName } from "@mode-discovery/core";
import {
  mirrorUrlProblem,
  quoteSetting,
  type SettingsError,
  settingsError,
} from "@mode-discovery/server";

/** Where and how often a mirror is refreshed. */
export interface MirrorSettings {
  /** Base URL of the API to copy from, such as `https://app.mode.com`. */
  readonly from: string;
  /** The workspace to copy (and the name it is stored under). */
  readonly workspace: string;
  /** The upstream signature token. */
  readonly credentials: SignatureCredentials;
  /** A cron schedule (five fields, UTC). */
  readonly schedule: string;
}

/** The schedule used when `MODE_MIRROR_SCHEDULE` is unset: every 15 minutes. */
export const DEFAULT_MIRROR_SCHEDULE = "*/15 * * * *";

/** The variables of the scheduled mirror job. */
export const MIRROR_VARIABLES = [
  "MODE_MIRROR_FROM",
  "MODE_MIRROR_WORKSPACE",
  "MODE_MIRROR_SCHEDULE",
  "MODE_TOKEN",
  "MODE_ACCESS_KEY",
  "MODE_ACCESS_SECRET",
] as const;

const CRON_FIELD = /^[0-9*,/-]+$/;

/**
 * Reads the mirror settings with `read` (an environment lookup; empty
 * counts as unset). `undefined` when `MODE_MIRROR_FROM` is unset and no
 * other mirror variable is set.
 *
 * @example
 * ```ts
 * import { readMirrorSettings } from "@mode-discovery/edge";
 * const env: Record<string, string> = {
 *   MODE_MIRROR_FROM: "https://app.mode.com", MODE_MIRROR_WORKSPACE: "acme",
 *   MODE_TOKEN: "t", MODE_ACCESS_KEY: "k", MODE_ACCESS_SECRET: "s",
 * };
 * const settings = readMirrorSettings((name) => env[name]);
 * ```
 */
export const readMirrorSettings = (
  read: (name: string) => string | undefined,
): MirrorSettings | undefined | SettingsError => {
  const get = (name: string) => {
    const value = read(name)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const from = get("MODE_MIRROR_FROM");
  const workspace = get("MODE_MIRROR_WORKSPACE");
  const schedule = get("MODE_MIRROR_SCHEDULE");
  if (from === undefined) {
    const stray = workspace !== undefined
      ? "MODE_MIRROR_WORKSPACE"
      : schedule !== undefined
      ? "MODE_MIRROR_SCHEDULE"
      : undefined;
    return stray === undefined
      ? undefined
      : settingsError(stray, "it needs MODE_MIRROR_FROM, the base URL to mirror from.");
  }
  const problem = mirrorUrlProblem(from);
  if (problem !== undefined) {
    return settingsError(
      "MODE_MIRROR_FROM",
      `${problem}; give a base URL such as https://app.mode.com.`,
    );
  }
  if (workspace === undefined) {
    return settingsError(
      "MODE_MIRROR_WORKSPACE",
      "it is not set; MODE_MIRROR_FROM needs the workspace to mirror (its username).",
    );
  }
  if (!Schema.is(WorkspaceName)(workspace)) {
    return settingsError(
      "MODE_MIRROR_WORKSPACE",
      `${quoteSetting(workspace)} is not a workspace username (${WORKSPACE_RULE}).`,
    );
  }
  const parts = ["MODE_TOKEN", "MODE_ACCESS_KEY", "MODE_ACCESS_SECRET"] as const;
  const missing = parts.filter((name) => get(name) === undefined);
  if (missing.length > 0) {
    return settingsError(
      missing[0],
      `${missing.join(", ")} ${
        missing.length === 1 ? "is" : "are"
      } not set; MODE_MIRROR_FROM needs the upstream signature token in MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET.`,
    );
  }
  const cron = schedule ?? DEFAULT_MIRROR_SCHEDULE;
  const fields = cron.split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => CRON_FIELD.test(field))) {
    return settingsError(
      "MODE_MIRROR_SCHEDULE",
      `${
        quoteSetting(cron)
      } is not a cron schedule: give five fields (minute hour day month weekday, UTC) such as ${DEFAULT_MIRROR_SCHEDULE}.`,
    );
  }
  return {
    from: from.replace(/\/+$/, ""),
    workspace,
    credentials: SignatureCredentials.fromStrings({
      token: get("MODE_TOKEN")!,
      accessKey: get("MODE_ACCESS_KEY")!,
      accessSecret: get("MODE_ACCESS_SECRET")!,
    }),
    schedule: cron,
  };
};
