/**
 * The edge server on a socket: `Deno.serve` around {@link makeEdgeHandler}.
 * The one starter other apps use (the CLI's `serve` and demo).
 *
 * @module
 */
import {
  type EdgeHandler,
  type EdgeHandlerOptions,
  EdgeStartupError,
  makeEdgeHandler,
} from "./EdgeHandler.ts";
import { DEFAULT_PORT } from "./EdgeSettings.ts";

/** Options of {@link startEdgeServer}: the handler's options plus where to listen. */
export interface EdgeServerOptions extends EdgeHandlerOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  readonly hostname?: string | undefined;
  /** Port; 0 picks a free one. Default 8787. */
  readonly port?: number | undefined;
}

/** A listening edge server. */
export interface EdgeServer {
  /** Base URL, such as `http://127.0.0.1:8787` (no trailing slash). */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** The handler behind the socket (its `listings` change what the server answers). */
  readonly handler: EdgeHandler;
  /** Stops listening, waits for requests in flight, then disposes the handler. */
  readonly close: () => Promise<void>;
}

/**
 * Starts the edge server on `hostname:port` (default `127.0.0.1:8787`).
 *
 * **When to use**
 *
 * Serve the API locally (the CLI's `serve`, demos, benchmarks) or test over
 * a real socket with `port: 0`.
 *
 * **Details**
 *
 * Rejects with an {@link EdgeStartupError} whose one-line message says what
 * failed: the KV could not be opened, seeding failed, or the port is taken.
 *
 * @example
 * ```ts
 * import { EdgeSettings, startEdgeServer } from "@mode-discovery/edge";
 * const server = await startEdgeServer({
 *   port: 0,
 *   settings: EdgeSettings.make({ seed: [{ workspace: "acme", count: 4146 }] }),
 * });
 * console.log(server.url); // http://127.0.0.1:<port>
 * await server.close();
 * ```
 */
export const startEdgeServer = async (options: EdgeServerOptions = {}): Promise<EdgeServer> => {
  const hostname = options.hostname ?? "127.0.0.1";
  const requestedPort = options.port ?? DEFAULT_PORT;
  const handler = await makeEdgeHandler(options);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname, port: requestedPort, onListen: () => {} }, handler.fetch);
  } catch (error) {
    await handler.dispose();
    const reason = error instanceof Deno.errors.AddrInUse
      ? `port ${requestedPort} on ${hostname} is already in use; set PORT to a free port`
      : error instanceof Error
      ? error.message.split("\n")[0]
      : String(error);
    throw new EdgeStartupError({
      message: `Cannot listen on ${hostname}:${requestedPort}: ${reason}`,
    });
  }
  const port = server.addr.port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    handler,
    close: () =>
      closing ??= (async () => {
        await server.shutdown();
        await handler.dispose();
      })(),
  };
};
