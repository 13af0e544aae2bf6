/**
 * The edge server for `deno serve` and Deno Deploy: `export default { fetch }`.
 *
 * **Details**
 *
 * The handler is built on the first request, from the environment
 * (`EdgeSettings.fromConfig`), so importing this module reads nothing. If
 * the settings are bad, the one-line reason is logged once and every
 * request answers 503 `server_error`.
 *
 * ```sh
 * deno serve --allow-net --allow-env --allow-read --allow-write apps/edge/main.ts
 * ```
 *
 * @module
 */
import { Effect } from "effect";
import { EdgeSettings } from "./src/EdgeSettings.ts";
import { type EdgeHandler, makeEdgeHandler } from "./src/EdgeHandler.ts";
import { errorResponse } from "./src/_render.ts";

let handler: Promise<EdgeHandler | undefined> | undefined;

const start = async (): Promise<EdgeHandler | undefined> => {
  try {
    const settings = await Effect.runPromise(EdgeSettings.fromConfig);
    return await makeEdgeHandler({ settings });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return undefined;
  }
};

/** Answers one request with the edge handler, building it on first use. */
const fetch = async (request: Request): Promise<Response> => {
  const edge = await (handler ??= start());
  return edge === undefined
    ? errorResponse(
      503,
      "server_error",
      "The server is not configured correctly; its log says which setting is wrong.",
    )
    : edge.fetch(request);
};

/** The handler `deno serve` and Deno Deploy call for every request. */
export default { fetch } satisfies Deno.ServeDefaultExport;
