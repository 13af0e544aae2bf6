/**
 * The server's access log (`MODE_ACCESS_LOG=on`, one JSON line per
 * request on a server process's stdout) read back: what arrived when, with
 * what status, and the server's `/healthz` counts.
 *
 * @internal
 * @module
 */

/** One logged API request. */
export interface LoggedRequest {
  /** Arrival, epoch milliseconds. */
  readonly at: number;
  readonly path: string;
  readonly status: number;
  readonly page?: number | undefined;
  readonly perPage?: number | undefined;
  readonly fault?: string | undefined;
}

/** The API requests (`/batch/...`) of an access log text, in the order logged. */
export const apiRequests = (log: string): Array<LoggedRequest> => {
  const out: Array<LoggedRequest> = [];
  for (const line of log.split("\n")) {
    if (!line.startsWith("{")) continue;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof event.path !== "string" || !event.path.startsWith("/batch/")) continue;
    out.push({
      at: Date.parse(String(event.time)),
      path: event.path,
      status: Number(event.status),
      page: typeof event.page === "number" ? event.page : undefined,
      perPage: typeof event.perPage === "number" ? event.perPage : undefined,
      fault: typeof event.fault === "string" ? event.fault : undefined,
    });
  }
  return out;
};

/** The server's `/healthz` answer: its rate-limit and fault counts. */
export interface Health {
  readonly rateLimited: number;
  readonly faults?: {
    readonly injected: number;
    readonly byKind: Readonly<Record<string, number>>;
  } | undefined;
}

/** Reads `/healthz` of the server at `url`. */
export const health = async (url: string): Promise<Health> => {
  const response = await fetch(`${url}/healthz`);
  const body = await response.json() as Partial<Health>;
  return { rateLimited: body.rateLimited ?? 0, faults: body.faults };
};
