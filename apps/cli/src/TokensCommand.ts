/**
 * `mode-discovery tokens create`: creates a signature token with a
 * workspace admin's API key and secret, and prints it as JSON, the form
 * `--credentials-file` reads.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import {
  IsoTimestamp,
  SignatureToken,
  SignatureTokenRequest,
} from "@mode-discovery/core/SignatureToken";
import * as AtomicFile from "./AtomicFile.ts";
import { UsageError } from "./CliFailure.ts";
import { type CliIO, writeStdout } from "./CliIO.ts";
import { loadAdminCredentials } from "./CredentialsSource.ts";
import { type CommandFailed, withFailureContext } from "./ErrorReport.ts";
import type { SharedFlags, TokensCreateFlags } from "./Flags.ts";
import { Redactor } from "./Redactor.ts";
import { resolveBaseUrl, resolveWorkspace } from "./Settings.ts";
import { makeClient } from "./_client.ts";
import { schemaProblem } from "./_schema.ts";
import { withDiagnostics } from "./_command.ts";

const encodeToken = Schema.encodeSync(SignatureToken);
const TokenName = SignatureTokenRequest.fields.signature_token.fields.name;

/**
 * Checks `--name` and `--expires-at` against core's schemas before anything
 * is sent; `--expires-at` must also be in the future.
 */
export const checkTokenFlags = (
  name: string,
  expiresAt: string,
  now: number = Date.now(),
): Effect.Effect<void, UsageError> => {
  const nameProblem = schemaProblem(TokenName, name);
  if (nameProblem !== undefined) {
    return Effect.fail(
      new UsageError({ message: `--name ${JSON.stringify(name.slice(0, 80))}: ${nameProblem}.` }),
    );
  }
  const expiryProblem = schemaProblem(IsoTimestamp, expiresAt);
  if (expiryProblem !== undefined) {
    return Effect.fail(new UsageError({ message: `--expires-at: ${expiryProblem}.` }));
  }
  if (Date.parse(expiresAt) <= now) {
    return Effect.fail(
      new UsageError({
        message: `--expires-at ${expiresAt} is not in the future: give a later time, ` +
          "such as 2027-01-01T00:00:00Z.",
      }),
    );
  }
  return Effect.void;
};

/**
 * Runs `tokens create` with parsed flags.
 *
 * **Details**
 *
 * The admin API key and secret come from `MODE_API_KEY` and
 * `MODE_API_SECRET` only. The token JSON (the one time its `access_secret`
 * is shown) goes to stdout, or with `--output FILE` to a new file readable
 * only by its owner (mode 0600), written whole or not at all.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Option from "effect/Option";
 * import { CliIO, createToken } from "@mode-discovery/cli";
 * const program = createToken(
 *   { workspace: Option.some("demo"), name: "nightly export", expiresAt: "2027-01-01T00:00:00Z", output: Option.none() },
 *   { baseUrl: Option.none(), credentialsFile: Option.none(), maxRetries: Option.none(), verbose: false, quiet: false },
 * ).pipe(Effect.provideService(CliIO, CliIO.deno()));
 * ```
 */
export const createToken = (
  flags: TokensCreateFlags,
  shared: SharedFlags,
): Effect.Effect<void, CommandFailed, CliIO> =>
  withDiagnostics(shared, (io, diagnostics) =>
    Effect.gen(function* () {
      const baseUrl = yield* resolveBaseUrl(shared.baseUrl, io.env, (m) => diagnostics.warn(m));
      const workspace = yield* resolveWorkspace(flags.workspace, io.env);
      yield* checkTokenFlags(flags.name, flags.expiresAt);
      const admin = yield* loadAdminCredentials(io.env);
      diagnostics.redact(Redactor.empty.addAdmin(admin));
      diagnostics.verbose(
        `base URL ${baseUrl}; workspace ${workspace}; admin key from MODE_API_KEY, MODE_API_SECRET`,
      );
      const client = yield* makeClient({
        baseUrl,
        maxRetries: Option.getOrUndefined(shared.maxRetries),
        diagnostics,
      });
      const token = yield* client.signatureTokens.create({
        workspace,
        admin,
        name: flags.name,
        expiresAt: flags.expiresAt,
      });
      const json = `${JSON.stringify(encodeToken(token), null, 2)}\n`;
      if (Option.isSome(flags.output)) {
        const path = flags.output.value;
        yield* Effect.scoped(Effect.gen(function* () {
          const file = yield* AtomicFile.open(path, { mode: 0o600 });
          yield* file.write(json);
          yield* file.commit;
        }));
        diagnostics.info(
          `Created signature token ${JSON.stringify(token.name)} (expires ${token.expires_at}) ` +
            `in ${path}. Use it with --credentials-file ${path}.`,
        );
      } else {
        yield* writeStdout(json);
        diagnostics.info(
          `Created signature token ${JSON.stringify(token.name)} (expires ${token.expires_at}). ` +
            "Its access_secret is shown only this once: save the JSON to a file and pass it " +
            "with --credentials-file FILE.",
        );
      }
    }).pipe(withFailureContext(() => ({ redactor: diagnostics.currentRedactor }))));
