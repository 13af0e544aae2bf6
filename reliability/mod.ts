/**
 * @mode-discovery/reliability: the reliability and security checks of the
 * whole project, run end to end for every resource and the snapshot: chaos
 * listing through injected faults, data changing under a listing, fuzzing
 * of the server's input and the client's decoding, load with wrk, secrets
 * hunted for in every output, SIGKILL in the middle of writes, rate limits,
 * the adaptive page size, and bad input. `deno task reliability` runs the
 * full version and writes RELIABILITY.md; the `*_test.ts` files run the
 * short version with `deno task test`.
 *
 * @example
 * ```ts
 * import { runChaos, SHORT } from "@mode-discovery/reliability";
 * const result = await runChaos(SHORT.chaos);
 * result.runs[0].retries === result.runs[0].injected; // => true
 * ```
 *
 * @module
 */
export * from "./src/Plans.ts";
export * from "./src/Processes.ts";
export * from "./src/Chaos.ts";
export * from "./src/Drift.ts";
export * from "./src/ClientFuzz.ts";
export * from "./src/ServerFuzz.ts";
export * from "./src/Load.ts";
export * from "./src/Secrets.ts";
export * from "./src/Durability.ts";
export * from "./src/RateLimits.ts";
export * from "./src/AdaptivePageSize.ts";
export * from "./src/BadInput.ts";
export * from "./src/Report.ts";
export * from "./src/RenderReport.ts";
