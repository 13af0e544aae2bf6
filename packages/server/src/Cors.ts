/**
 * CORS for browsers (`MODE_CORS_ORIGINS`): preflights, and the headers that
 * let a page on an allowed origin call the API with an `Authorization`
 * header and `withCredentials`, as the reference page's XMLHttpRequest
 * example does.
 *
 * @module
 */
import { Forbidden } from "@mode-discovery/core";
import type { FetchHandler } from "./FetchHandler.ts";
import { quoteSetting, type SettingsError, settingsError } from "./SettingsError.ts";
import { errorResponse } from "./_render.ts";

/** The origins allowed to call the API from a browser. */
export type CorsOrigins =
  | { readonly _tag: "Any" }
  | { readonly _tag: "List"; readonly origins: ReadonlySet<string> };

/**
 * Parses `MODE_CORS_ORIGINS`: origins separated by commas
 * (`https://app.example.com,http://localhost:5173`), or `*` for any origin
 * (the caller's origin is echoed, as credentials require).
 *
 * @example
 * ```ts
 * import { parseCorsOrigins } from "@mode-discovery/server";
 * parseCorsOrigins("http://localhost:5173, https://app.example.com");
 * // => { _tag: "List", origins: Set { "http://localhost:5173", "https://app.example.com" } }
 * ```
 */
export const parseCorsOrigins = (
  text: string,
  variable = "MODE_CORS_ORIGINS",
): CorsOrigins | SettingsError => {
  const help = "give origins separated by commas, such as " +
    "https://app.example.com,http://localhost:5173 (scheme, host and port only), or * for any";
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === "*") return { _tag: "Any" };
  const origins = new Set<string>();
  for (const entry of entries) {
    if (entry === "") return settingsError(variable, `an entry is empty; ${help}.`);
    if (entry === "*") return settingsError(variable, `* must stand alone; ${help}.`);
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return settingsError(variable, `${quoteSetting(entry)} is not an http(s) origin; ${help}.`);
    }
    const extra = url.pathname !== "/" || url.search !== "" || url.hash !== "" ||
      url.username !== "" || url.password !== "" || /[?#]/.test(entry);
    if (extra) {
      return settingsError(
        variable,
        `${
          quoteSetting(entry)
        } is not an origin (it has a path, query or user name: the origin is ${
          quoteSetting(url.origin)
        }); ${help}.`,
      );
    }
    origins.add(url.origin);
  }
  return { _tag: "List", origins };
};

/** Describes the allowed origins for the start-up line. */
export const describeCorsOrigins = (origins: CorsOrigins): string =>
  origins._tag === "Any" ? "CORS for any origin" : `CORS for ${[...origins.origins].join(" ")}`;

/** Methods a browser may use on the API. */
export const CORS_METHODS = "GET, HEAD, POST";
/** Request headers a browser may send: the reference example's, and the fault header. */
export const CORS_ALLOW_HEADERS = "Authorization, Content-Type, Accept, X-Mode-Fault";
/** Response headers a page's script may read besides the simple ones. */
export const CORS_EXPOSE_HEADERS = "Retry-After, X-Mode-Fault, Allow";

const allowed = (origins: CorsOrigins, origin: string): boolean =>
  origins._tag === "Any" || origins.origins.has(origin);

/** Adds headers to a response (copying it when its headers are immutable). */
const decorate = (response: Response, headers: Record<string, string>): Response => {
  try {
    for (const [name, value] of Object.entries(headers)) {
      if (name === "vary") response.headers.append(name, value);
      else response.headers.set(name, value);
    }
    return response;
  } catch {
    const copy = new Headers(response.headers);
    for (const [name, value] of Object.entries(headers)) copy.set(name, value);
    return new Response(response.body, { status: response.status, headers: copy });
  }
};

/**
 * Wraps a handler with CORS for `origins`.
 *
 * **Details**
 *
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
 *   from an allowed origin answers 204 with `Access-Control-Allow-Origin` set
 *   to that origin (never `*`: `withCredentials` forbids it),
 *   `Access-Control-Allow-Credentials: true`, the methods
 *   {@link CORS_METHODS}, the headers {@link CORS_ALLOW_HEADERS} and
 *   `Access-Control-Max-Age: 600`. From any other origin it answers 403
 *   `forbidden` with none of those headers, so the browser blocks the call.
 * - Every other request from an allowed origin gets the same
 *   `Access-Control-Allow-Origin` and `-Credentials`, and
 *   `Access-Control-Expose-Headers` ({@link CORS_EXPOSE_HEADERS}), on its
 *   answer, errors included. Every answer says `Vary: Origin`.
 *
 * @example
 * ```ts
 * import { parseCorsOrigins, withCors } from "@mode-discovery/server";
 * const origins = parseCorsOrigins("http://localhost:5173");
 * if (!(origins instanceof Error)) {
 *   const fetch = withCors(() => Promise.resolve(new Response("{}")), origins);
 *   const preflight = await fetch(new Request("http://x/batch/acme/spaces", {
 *     method: "OPTIONS",
 *     headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" },
 *   }));
 *   preflight.status; // => 204
 * }
 * ```
 */
export const withCors =
  (next: FetchHandler, origins: CorsOrigins): FetchHandler => async (request) => {
    const origin = request.headers.get("origin");
    if (
      request.method === "OPTIONS" && origin !== null &&
      request.headers.has("access-control-request-method")
    ) {
      await request.body?.cancel();
      if (!allowed(origins, origin)) {
        return errorResponse(
          Forbidden.status,
          Forbidden.id,
          `Origin ${
            JSON.stringify(origin.slice(0, 200))
          } may not call this API from a browser: the server allows ${
            origins._tag === "Any" ? "any origin" : [...origins.origins].join(", ")
          } (MODE_CORS_ORIGINS).`,
          { vary: "Origin" },
        );
      }
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-credentials": "true",
          "access-control-allow-methods": CORS_METHODS,
          "access-control-allow-headers": CORS_ALLOW_HEADERS,
          "access-control-max-age": "600",
          vary: "Origin",
        },
      });
    }
    const response = await next(request);
    if (origin === null || !allowed(origins, origin)) return decorate(response, { vary: "Origin" });
    return decorate(response, {
      "access-control-allow-origin": origin,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": CORS_EXPOSE_HEADERS,
      vary: "Origin",
    });
  };
