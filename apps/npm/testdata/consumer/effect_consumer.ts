// A strict TypeScript consumer of the Effect entry, with the project's own effect installed
// (type-checked by npm_test.ts). It is compiled, never run.
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Stream from "effect/Stream";
import * as FetchHttpClient from "effect/http/FetchHttpClient";
import {
  type Collection,
  Credentials,
  DiscoveryClient,
  type DiscoveryError,
  NotFound,
} from "mode-discovery/effect";

export const count: Effect.Effect<number, DiscoveryError | NotFound> = Effect.gen(function* () {
  const client = yield* DiscoveryClient;
  const first: Collection | undefined = (yield* client.collections.page({ workspace: "acme" }))
    .spaces[0];
  const total = yield* Stream.runCount(client.collections.list({ workspace: "acme" }));
  return total + (first?.id ?? 0);
}).pipe(
  Effect.provide(
    DiscoveryClient.layer({ baseUrl: "http://127.0.0.1:8787" }).pipe(
      Layer.provide(Credentials.layer({ token: "t", accessKey: "k", accessSecret: "s" })),
      Layer.provide(FetchHttpClient.layer),
    ),
  ),
);
