/**
 * The common frame of a command's implementation: the run's streams and
 * its diagnostics (quiet/verbose from the shared flags).
 *
 * @internal
 * @module
 */
import * as Effect from "effect/Effect";
import type { CredentialsError, FileError } from "./CliFailure.ts";
import { CliIO, type CliIOShape } from "./CliIO.ts";
import { type LoadedCredentials, loadSignatureCredentials } from "./CredentialsSource.ts";
import { Diagnostics } from "./Diagnostics.ts";
import type { SharedFlags } from "./Flags.ts";
import { Redactor } from "./Redactor.ts";

/**
 * Runs `body` with the run's `CliIO` and a `Diagnostics` made from the
 * shared flags.
 */
export const withDiagnostics = <A, E, R>(
  shared: SharedFlags,
  body: (io: CliIOShape, diagnostics: Diagnostics) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R | CliIO> =>
  Effect.gen(function* () {
    const io = yield* CliIO;
    return yield* body(io, Diagnostics.make(io, shared));
  });

/**
 * Loads the signature credentials (`--credentials-file`, else the
 * environment) and redacts them from every later diagnostic line.
 */
export const loadRedactedCredentials = (
  shared: SharedFlags,
  io: CliIOShape,
  diagnostics: Diagnostics,
): Effect.Effect<LoadedCredentials, CredentialsError | FileError> =>
  Effect.gen(function* () {
    const loaded = yield* loadSignatureCredentials(shared.credentialsFile, io.env);
    diagnostics.redact(Redactor.empty.addSignature(loaded.credentials));
    return loaded;
  });
