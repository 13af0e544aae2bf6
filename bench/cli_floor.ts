/**
 * The floor of any effect/cli program streaming a listing to NDJSON (issue
 * 14's "CLI to NDJSON within 1.5x the raw loop"): the minimal effect/cli
 * program of bench/minimal_cli.ts, on the CLI's Deno services, whose one
 * subcommand runs the raw loop of bench/baseline_list.ts writing NDJSON.
 * No decoding, retries or checks of ours: what it costs over the raw loop
 * (whole process, wall) is loading and running effect/cli, which any CLI
 * built on it pays before doing any of its own work.
 *
 * ```sh
 * MODE_TOKEN=t MODE_ACCESS_KEY=k MODE_ACCESS_SECRET=s \
 *   deno run -A bench/cli_floor.ts list --base-url http://127.0.0.1:8787 --workspace bench \
 *   --per-page 1000 --concurrency 4 [--segment spaces] [--key id]
 * ```
 *
 * @module
 */
import * as Effect from "effect/Effect";
import * as Command from "effect/cli/Command";
import * as Flag from "effect/cli/Flag";
import * as DenoCliServices from "../apps/cli/src/DenoCliServices.ts";
import { authorizationFromEnv, rawListing } from "./baseline_list.ts";

const list = Command.make(
  "list",
  {
    baseUrl: Flag.String("base-url"),
    workspace: Flag.String("workspace"),
    perPage: Flag.Int("per-page").pipe(Flag.withDefault(1000)),
    concurrency: Flag.Int("concurrency").pipe(Flag.withDefault(4)),
    segment: Flag.String("segment").pipe(Flag.withDefault("spaces")),
    key: Flag.String("key").pipe(Flag.withDefault("id")),
  },
  (flags) =>
    Effect.promise(() =>
      rawListing({
        ...flags,
        includeSpaces: "",
        ndjson: true,
        authorization: authorizationFromEnv(),
      })
    ),
).pipe(Command.withDescription("The raw loop to NDJSON."));

const floor = Command.make("cli-floor").pipe(
  Command.withDescription("A minimal effect/cli program streaming a listing to NDJSON."),
  Command.withSubcommands([list]),
);

await Effect.runPromise(
  Command.runWith(floor, { version: "0.0.0" })(Deno.args).pipe(
    Effect.provide(DenoCliServices.layer),
  ),
);
