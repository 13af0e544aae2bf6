/**
 * What the server did with a request, as an event (for hooks and tests)
 * and as one structured JSON line (the access log, `MODE_ACCESS_LOG`).
 * Secrets never appear: no header is logged, and query values other than
 * `page`, `per_page` and `include_spaces` are replaced by `REDACTED`.
 *
 * @module
 */

/** One request the server answered. Holds no secret. */
export interface RequestEvent {
  /** When the request arrived (ISO 8601). */
  readonly time: string;
  /** HTTP method. */
  readonly method: string;
  /** Path, without the query (cut after 200 characters). */
  readonly path: string;
  /** The query with every value but `page`'s, `per_page`'s and `include_spaces`'s redacted; absent when empty. */
  readonly query?: string | undefined;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Milliseconds until the answer was ready (its headers; the body may still be streaming). */
  readonly ms: number;
  /** The workspace of a `/batch/{workspace}/...` path. */
  readonly workspace?: string | undefined;
  /** `page` of the query, when it is a whole number. */
  readonly page?: number | undefined;
  /** `per_page` of the query, when it is a whole number. */
  readonly perPage?: number | undefined;
  /** The injected fault, when there was one (`503`, `reset`, `delay=300ms`, ...). */
  readonly fault?: string | undefined;
}

const WORKSPACE = /^\/+batch\/+([^/]+)/i;
/** Query parameters whose values are logged (none is a secret); every other value is redacted. */
const KEPT = new Set(["page", "per_page", "include_spaces"]);

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}...` : text);

/**
 * Describes a request and its answer as a {@link RequestEvent}.
 *
 * @example
 * ```ts
 * import { describeRequest } from "@mode-discovery/server";
 * const event = describeRequest(
 *   new Request("http://x/batch/acme/spaces?page=2&per_page=100&secret=s3"),
 *   new Response("{}", { status: 200 }),
 *   3.2,
 *   new Date(0),
 * );
 * event.query; // => "page=2&per_page=100&secret=REDACTED"
 * event.workspace; // => "acme"
 * ```
 */
export const describeRequest = (
  request: Request,
  response: Response,
  ms: number,
  at: Date,
): RequestEvent => {
  const url = request.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const rest = pathStart < 0 ? "/" : url.slice(pathStart);
  const hash = rest.indexOf("#");
  const target = hash < 0 ? rest : rest.slice(0, hash);
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  const queryText = mark < 0 ? "" : target.slice(mark + 1);
  let page: number | undefined;
  let perPage: number | undefined;
  const query = queryText === "" ? undefined : queryText.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0) return cut(name, 40);
    const value = pair.slice(eq + 1);
    if (KEPT.has(name)) {
      const number = /^[0-9]{1,9}$/.test(value) ? Number(value) : undefined;
      if (name === "page") page ??= number;
      else if (name === "per_page") perPage ??= number;
      return `${name}=${cut(value, 20)}`;
    }
    return `${cut(name, 40)}=REDACTED`;
  }).join("&");
  const match = WORKSPACE.exec(path);
  return {
    time: at.toISOString(),
    method: request.method.slice(0, 20),
    path: cut(path, 200),
    query: query === undefined ? undefined : cut(query, 300),
    status: response.status,
    ms: Math.round(ms * 100) / 100,
    workspace: match === null ? undefined : cut(decoded(match[1]), 100),
    page,
    perPage,
    fault: response.headers.get("x-mode-fault") ?? undefined,
  };
};

/**
 * The access log line of an event: one compact JSON object, fields without
 * a value left out.
 *
 * @example
 * ```ts
 * import { accessLogLine } from "@mode-discovery/server";
 * accessLogLine({ time: "1970-01-01T00:00:00.000Z", method: "GET", path: "/healthz", status: 200, ms: 0.4 });
 * // => '{"time":"1970-01-01T00:00:00.000Z","method":"GET","path":"/healthz","status":200,"ms":0.4}'
 * ```
 */
export const accessLogLine = (event: RequestEvent): string => JSON.stringify(event);

/** A sink of lines that writes them in batches. */
export interface LineBuffer {
  /** Queues one line (without its newline). */
  readonly line: (text: string) => void;
  /** Writes every queued line now. */
  readonly flush: () => void;
}

/**
 * Batches lines for `write` (for example a synchronous write to standard output): queued
 * lines are written together once the current burst of work is done (a
 * zero-delay timer), or at once when `maxLines` are waiting. One write per
 * batch instead of one per request keeps the access log from costing the
 * server a large share of its throughput.
 *
 * @example
 * ```ts
 * import { lineBuffer } from "@mode-discovery/server";
 * const log = lineBuffer((text) => console.log(text.trimEnd()));
 * log.line('{"path":"/healthz"}');
 * log.flush();
 * ```
 */
export const lineBuffer = (write: (text: string) => void, maxLines = 512): LineBuffer => {
  let queued: Array<string> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queued.length === 0) return;
    const text = `${queued.join("\n")}\n`;
    queued = [];
    write(text);
  };
  return {
    line: (text) => {
      queued.push(text);
      if (queued.length >= maxLines) flush();
      else timer ??= setTimeout(flush, 0);
    },
    flush,
  };
};
