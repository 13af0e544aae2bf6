/**
 * HTTP/1.1 over a raw TCP socket: send bytes `fetch` would refuse or
 * normalise (any request target, header bytes, duplicate headers), read the
 * whole answer (`Connection: close`) and parse it.
 *
 * @internal
 * @module
 */

/** A parsed raw answer. */
export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const indexOfCrlfCrlf = (bytes: Uint8Array): number => {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
};

const dechunk = (bytes: Uint8Array): Uint8Array => {
  const parts: Array<Uint8Array> = [];
  const latin1 = new TextDecoder("latin1");
  let at = 0;
  while (at < bytes.length) {
    let eol = at;
    while (eol + 1 < bytes.length && !(bytes[eol] === 13 && bytes[eol + 1] === 10)) eol++;
    const size = parseInt(latin1.decode(bytes.subarray(at, eol)).split(";")[0], 16);
    if (!Number.isFinite(size)) throw new Error("bad chunk size in the answer");
    if (size === 0) break;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return concat(parts);
};

/** Parses a complete HTTP/1.1 answer. Throws when it is not one. */
export const parseAnswer = (bytes: Uint8Array): RawAnswer => {
  const end = indexOfCrlfCrlf(bytes);
  if (end < 0) throw new Error(`no complete answer head in ${bytes.length} bytes`);
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, end)).split("\r\n");
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (statusLine === null) throw new Error(`bad status line ${JSON.stringify(head[0])}`);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(end + 4);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  else if (headers["content-length"] !== undefined) {
    body = body.subarray(0, Number(headers["content-length"]));
  }
  return { status: Number(statusLine[1]), headers, body };
};

/**
 * Sends `request` (the whole HTTP/1.1 message) to `127.0.0.1:port`, reads
 * until the server closes, and parses the answer. Rejects after `timeoutMs`.
 */
export const rawExchange = async (
  port: number,
  request: Uint8Array,
  timeoutMs: number,
): Promise<RawAnswer> => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }, timeoutMs);
  const parts: Array<Uint8Array> = [];
  let timedOut = true;
  try {
    let written = 0;
    while (written < request.length) written += await conn.write(request.subarray(written));
    const buffer = new Uint8Array(65_536);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      parts.push(buffer.slice(0, n));
    }
    timedOut = false;
  } catch (error) {
    if (parts.length === 0) {
      throw new Error(
        `the connection failed before any answer: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
  const bytes = concat(parts);
  if (bytes.length === 0) throw new Error("the server closed the connection without an answer");
  const answer = parseAnswer(bytes);
  if (timedOut && answer.body.length === 0 && answer.status !== 204) {
    throw new Error(`no complete answer within ${timeoutMs} ms`);
  }
  return answer;
};

/** Builds an HTTP/1.1 request message with `Connection: close` and a `Content-Length`. */
export const rawRequest = (options: {
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array | undefined;
}): Uint8Array => {
  const body = options.body ?? new Uint8Array();
  const lines = [
    `${options.method} ${options.target} HTTP/1.1`,
    "host: 127.0.0.1",
    "connection: close",
    ...options.headers.map(([name, value]) => `${name}: ${value}`),
    ...(body.length > 0 || options.method === "POST" ? [`content-length: ${body.length}`] : []),
  ];
  // latin1: each char of a header value below U+0100 is one byte, as on the wire.
  const head = lines.join("\r\n") + "\r\n\r\n";
  const headBytes = new Uint8Array(head.length);
  for (let i = 0; i < head.length; i++) headBytes[i] = head.charCodeAt(i) & 0xff;
  return concat([headBytes, body]);
};
