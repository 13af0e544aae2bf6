/**
 * The Discovery API client as the command uses it: over `fetch`, with
 * `--verbose` request lines going to the run's diagnostics.
 *
 * @internal
 * @module
 */
import type * as Effect from "effect/Effect";
import type { SignatureCredentials } from "@mode-discovery/core/Credentials";
import { DiscoveryClient, type DiscoveryClientShape } from "@mode-discovery/core/DiscoveryClient";
import type { ClientOptionError } from "@mode-discovery/core/DiscoveryError";
import type { Diagnostics } from "./Diagnostics.ts";

/** Builds the client for one run. */
export const makeClient = (options: {
  readonly baseUrl: string;
  readonly credentials?: SignatureCredentials | undefined;
  readonly maxRetries?: number | undefined;
  readonly requestsPerSecond?: number | undefined;
  readonly diagnostics: Diagnostics;
}): Effect.Effect<DiscoveryClientShape, ClientOptionError> =>
  DiscoveryClient.make({
    baseUrl: options.baseUrl,
    maxRetries: options.maxRetries,
    requestsPerSecond: options.requestsPerSecond,
    credentials: options.credentials,
    onRequest: (event) => options.diagnostics.request(event),
  });
