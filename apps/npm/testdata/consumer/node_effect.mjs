// node:test suite of the Effect entry, run by npm_test.ts once effect is installed beside the
// packed mode-discovery tarball. The services must work with the project's own effect.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Effect, Layer, Stream } from "effect";
import { FetchHttpClient } from "effect/http";
import { Credentials, DiscoveryClient, NotFound, Unauthorized } from "mode-discovery/effect";
import { startServer } from "mode-discovery/server";

let server;
before(async () => {
  server = await startServer({ seed: "acme:1234" });
});
after(() => server.close());

const live = (credentials) =>
  DiscoveryClient.layer({ baseUrl: server.url }).pipe(
    Layer.provide(Credentials.layer(credentials)),
    Layer.provide(FetchHttpClient.layer),
  );

test("DiscoveryClient lists the seeded workspace with the user's effect", async () => {
  const count = await Effect.runPromise(
    Effect.gen(function* () {
      const client = yield* DiscoveryClient;
      return yield* Stream.runCount(client.collections.list({ workspace: "acme", perPage: 500 }));
    }).pipe(Effect.provide(live(server.credentials))),
  );
  assert.equal(count, 1234);
});

test("failures are core's tagged errors, catchable by tag", async () => {
  const result = await Effect.runPromise(
    Effect.gen(function* () {
      const client = yield* DiscoveryClient;
      return yield* client.collections.page({ workspace: "nope" });
    }).pipe(
      Effect.catchTag("NotFound", (error) => Effect.succeed(error)),
      Effect.provide(live(server.credentials)),
    ),
  );
  assert.ok(result instanceof NotFound);
  assert.equal(result.id, "not_found");
  const wrong = await Effect.runPromise(
    Effect.gen(function* () {
      const client = yield* DiscoveryClient;
      return yield* Effect.flip(client.collections.page({ workspace: "acme" }));
    }).pipe(Effect.provide(live({ ...server.credentials, accessSecret: "nope" }))),
  );
  assert.ok(wrong instanceof Unauthorized);
});
