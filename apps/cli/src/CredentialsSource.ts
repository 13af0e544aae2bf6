/**
 * Where the command gets credentials: a signature token from
 * `--credentials-file` or `MODE_TOKEN`/`MODE_ACCESS_KEY`/`MODE_ACCESS_SECRET`,
 * and the admin API key from `MODE_API_KEY`/`MODE_API_SECRET`. Secrets are
 * never taken from a flag's value, and never appear in a message.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { AdminCredentials, SignatureCredentials } from "@mode-discovery/core/Credentials";
import { CredentialsError, FileError } from "./CliFailure.ts";
import { readErrorReason } from "./_readError.ts";

/** Signature credentials and where they came from (for `--verbose`). */
export interface LoadedCredentials {
  /** The credentials, every part `Redacted`. */
  readonly credentials: SignatureCredentials;
  /** `--credentials-file PATH` or `MODE_TOKEN, MODE_ACCESS_KEY, MODE_ACCESS_SECRET`. */
  readonly source: string;
}

const FILE_FIELDS = ["token", "access_key", "access_secret"] as const;
const ENV_FIELDS = ["MODE_TOKEN", "MODE_ACCESS_KEY", "MODE_ACCESS_SECRET"] as const;

const FILE_SHAPE = "a JSON object with string fields token, access_key and access_secret " +
  "(the JSON printed by 'mode-discovery tokens create' is one)";

const checkParts = (
  parts: { readonly token: string; readonly accessKey: string; readonly accessSecret: string },
  names: { readonly token: string; readonly accessKey: string },
  where: string,
): Effect.Effect<SignatureCredentials, CredentialsError> => {
  for (const [value, name] of [[parts.token, names.token], [parts.accessKey, names.accessKey]]) {
    if (value.includes(":")) {
      return Effect.fail(
        new CredentialsError({
          message: `${where}: ${name} contains ':', which a signature token never does. ` +
            "Check that the values were copied whole and in the right fields.",
        }),
      );
    }
  }
  return Effect.succeed(SignatureCredentials.fromStrings(parts));
};

/**
 * Reads signature credentials from a JSON file.
 *
 * **Details**
 *
 * Accepts the signature token JSON that `tokens create` prints, or any
 * object with non-empty string fields `token`, `access_key` and
 * `access_secret` (other fields are ignored). Messages name the file and
 * the field, never a value.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { readCredentialsFile } from "@mode-discovery/cli";
 * const program = readCredentialsFile("token.json");
 * ```
 */
export const readCredentialsFile = (
  path: string,
): Effect.Effect<LoadedCredentials, CredentialsError | FileError> =>
  Effect.gen(function* () {
    const where = `--credentials-file ${path}`;
    const text = yield* Effect.tryPromise({
      try: () => Deno.readTextFile(path),
      catch: (error) =>
        new FileError({
          path,
          message: `cannot read ${where}: ${
            readErrorReason(error)
          }. Give the path of ${FILE_SHAPE}.`,
        }),
    });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return yield* new CredentialsError({
        message: `${where} is not valid JSON: it must be ${FILE_SHAPE}.`,
      });
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      return yield* new CredentialsError({ message: `${where} must be ${FILE_SHAPE}.` });
    }
    const record = data as Record<string, unknown>;
    const wrong = FILE_FIELDS.filter((f) => typeof record[f] !== "string" || record[f] === "");
    if (wrong.length > 0) {
      return yield* new CredentialsError({
        message: `${where} has no usable ${wrong.join(", ")} (${
          wrong.length === 1 ? "it must be a" : "each must be a"
        } non-empty string): it must be ${FILE_SHAPE}.`,
      });
    }
    const credentials = yield* checkParts(
      {
        token: record.token as string,
        accessKey: record.access_key as string,
        accessSecret: record.access_secret as string,
      },
      { token: "token", accessKey: "access_key" },
      where,
    );
    return { credentials, source: where };
  });

/**
 * Signature credentials from `--credentials-file` when given, else from
 * `MODE_TOKEN`, `MODE_ACCESS_KEY` and `MODE_ACCESS_SECRET`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { loadSignatureCredentials } from "@mode-discovery/cli";
 * const env: Record<string, string> = { MODE_TOKEN: "t", MODE_ACCESS_KEY: "k", MODE_ACCESS_SECRET: "s" };
 * Effect.runPromise(loadSignatureCredentials(Option.none(), (n) => env[n]));
 * ```
 */
export const loadSignatureCredentials = (
  file: Option.Option<string>,
  env: (name: string) => string | undefined,
): Effect.Effect<LoadedCredentials, CredentialsError | FileError> => {
  if (Option.isSome(file)) return readCredentialsFile(file.value);
  const values = ENV_FIELDS.map((name) => env(name) ?? "");
  const missing = ENV_FIELDS.filter((_, i) => values[i] === "");
  if (missing.length === ENV_FIELDS.length) {
    return Effect.fail(
      new CredentialsError({
        message: "no credentials: set MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET, " +
          "or pass --credentials-file FILE (the JSON printed by 'mode-discovery tokens create').",
      }),
    );
  }
  if (missing.length > 0) {
    return Effect.fail(
      new CredentialsError({
        message: `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set: ` +
          "set all of MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET, " +
          "or pass --credentials-file FILE.",
      }),
    );
  }
  return checkParts(
    { token: values[0], accessKey: values[1], accessSecret: values[2] },
    { token: "MODE_TOKEN", accessKey: "MODE_ACCESS_KEY" },
    "the environment",
  ).pipe(Effect.map((credentials) => ({ credentials, source: ENV_FIELDS.join(", ") })));
};

/**
 * The admin API key and secret from `MODE_API_KEY` and `MODE_API_SECRET`
 * (for `tokens create`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { loadAdminCredentials } from "@mode-discovery/cli";
 * const env: Record<string, string> = { MODE_API_KEY: "key", MODE_API_SECRET: "secret" };
 * Effect.runSync(loadAdminCredentials((n) => env[n]));
 * ```
 */
export const loadAdminCredentials = (
  env: (name: string) => string | undefined,
): Effect.Effect<AdminCredentials, CredentialsError> => {
  const apiKey = env("MODE_API_KEY") ?? "";
  const apiSecret = env("MODE_API_SECRET") ?? "";
  const missing = [apiKey === "" && "MODE_API_KEY", apiSecret === "" && "MODE_API_SECRET"]
    .filter((x): x is string => x !== false);
  if (missing.length > 0) {
    return Effect.fail(
      new CredentialsError({
        message: `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set: ` +
          "'tokens create' needs a workspace admin's API key in MODE_API_KEY and its secret " +
          "in MODE_API_SECRET (a workspace admin creates them in Mode's workspace settings).",
      }),
    );
  }
  if (apiKey.includes(":")) {
    return Effect.fail(
      new CredentialsError({
        message: "MODE_API_KEY contains ':', which an API key never does: " +
          "check that MODE_API_KEY and MODE_API_SECRET hold the key and the secret.",
      }),
    );
  }
  return Effect.succeed(AdminCredentials.fromStrings({ apiKey, apiSecret }));
};
