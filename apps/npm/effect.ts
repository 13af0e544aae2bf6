/**
 * `mode-discovery/effect`: the Effect-native API, for projects built on
 * Effect. The same services, schemas and errors as `@mode-discovery/core`:
 * `DiscoveryClient` (a `Context.Service` with `layer` and `layerConfig`),
 * `Credentials`, the Schema models (`Collection`, `CollectionsPage`, ...),
 * the `DiscoveryApi` HttpApi definition and the tagged errors.
 *
 * **Details**
 *
 * This entry imports `effect` (a peer dependency, `^4.1.0`) from your
 * project, so its services and schemas are the ones your program runs.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import * as Layer from "effect/Layer";
 * import * as Stream from "effect/Stream";
 * import { Credentials, DiscoveryClient } from "mode-discovery/effect";
 *
 * const count = Effect.gen(function* () {
 *   const client = yield* DiscoveryClient;
 *   return yield* Stream.runCount(client.collections.list({ workspace: "acme" }));
 * }).pipe(
 *   Effect.provide(DiscoveryClient.layerConfig().pipe(Layer.provide(Credentials.layerConfig))),
 * );
 * ```
 *
 * @module
 */
export * from "@mode-discovery/core";
