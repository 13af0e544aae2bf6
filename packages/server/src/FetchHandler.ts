/**
 * `FetchHandler`: the shape every handler and policy of the edge server
 * shares.
 *
 * @module
 */

/**
 * A fetch handler: `Request` in, `Response` out. Wrap one to add
 * middleware: `(next: FetchHandler) => FetchHandler`.
 *
 * @example
 * ```ts
 * import type { FetchHandler } from "@mode-discovery/server";
 * const hello: FetchHandler = () => Promise.resolve(new Response("hi"));
 * ```
 */
export type FetchHandler = (request: Request) => Promise<Response>;
