/**
 * The runtime adapter of the server entry: a `node:http` server in front of
 * a web fetch handler (`Request` in, `Response` out).
 *
 * @internal
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BadRequest, errorBody, ServerError } from "@mode-discovery/core";
import { bodyTooLargeResponse, MAX_BODY_BYTES, readBodyAtMost } from "@mode-discovery/server";

/** A listening `node:http` server. */
export interface NodeListener {
  /** The port bound. */
  readonly port: number;
  /** Stops accepting connections, lets requests in flight finish, and closes idle ones. */
  readonly close: () => Promise<void>;
}

const plainError = (response: ServerResponse, status: number, id: string, message: string) => {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = errorBody(id, message);
  response.writeHead(status, { "content-type": "application/json" });
  response.end(body);
};

/** Turns one `node:http` exchange into a `Request`, and the handler's `Response` back. */
const bridge = (
  handler: (request: Request) => Promise<Response>,
  origin: string,
) =>
async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
  const controller = new AbortController();
  outgoing.on("close", () => {
    if (!outgoing.writableFinished) controller.abort(new Error("the client went away"));
  });
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  const method = incoming.method ?? "GET";
  let body: Uint8Array<ArrayBuffer> | undefined;
  let refused: Response | undefined;
  if (method !== "GET" && method !== "HEAD") {
    body = await readBodyAtMost(incoming, MAX_BODY_BYTES);
    // The server's own answer to a body over its limit.
    if (body === undefined) refused = bodyTooLargeResponse();
  }
  let url: URL;
  try {
    url = new URL(incoming.url ?? "/", origin);
  } catch {
    plainError(
      outgoing,
      BadRequest.status,
      BadRequest.id,
      "The request target is not a valid URL path.",
    );
    return;
  }
  const response = refused ??
    await handler(new Request(url, { method, headers, body, signal: controller.signal }));
  const out: Record<string, string | Array<string>> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  const bytes = method === "HEAD" || response.body === null
    ? undefined
    : new Uint8Array(await response.arrayBuffer());
  if (bytes !== undefined) out["content-length"] = String(bytes.length);
  outgoing.writeHead(response.status, out);
  outgoing.end(bytes);
};

/**
 * Serves `handler` on `hostname:port` with `node:http` (port 0 picks a free
 * one). Rejects when the address cannot be bound.
 */
export const listen = (
  handler: (request: Request) => Promise<Response>,
  options: { readonly hostname: string; readonly port: number },
): Promise<NodeListener> =>
  new Promise((resolve, reject) => {
    let origin = "http://localhost";
    const server = createServer((incoming, outgoing) => {
      bridge(handler, origin)(incoming, outgoing).catch((error) => {
        plainError(
          outgoing,
          ServerError.status,
          ServerError.id,
          `The server failed to answer: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    });
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      const port = (server.address() as AddressInfo).port;
      const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
      origin = `http://${host}:${port}`;
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close: () =>
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
