/**
 * The start-up baseline of `mode-discovery --help` (issue 14): the smallest
 * effect/cli program with one subcommand, run on the same Deno services as
 * the CLI (apps/cli's `DenoCliServices`), importing effect by module as the
 * project does. What `mode-discovery --help` costs beyond this is the CLI's
 * own.
 *
 * ```sh
 * deno run -A bench/minimal_cli.ts --help
 * deno run -A bench/minimal_cli.ts hello --name Ada   # prints "hello, Ada"
 * ```
 *
 * @module
 */
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import * as Command from "effect/cli/Command";
import * as Flag from "effect/cli/Flag";
import * as DenoCliServices from "../apps/cli/src/DenoCliServices.ts";

const hello = Command.make(
  "hello",
  { name: Flag.String("name").pipe(Flag.withDescription("Who to greet")) },
  ({ name }) => Console.log(`hello, ${name}`),
).pipe(Command.withDescription("Greet someone."));

const minimal = Command.make("minimal").pipe(
  Command.withDescription("A minimal effect/cli program with one subcommand."),
  Command.withSubcommands([hello]),
);

await Effect.runPromise(
  Command.runWith(minimal, { version: "0.0.0" })(Deno.args).pipe(
    Effect.provide(DenoCliServices.layer),
  ),
);
