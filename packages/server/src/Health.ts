/**
 * `/healthz`: a small JSON answer for Deno Deploy and load balancers. No
 * authentication, no secrets, no workspace names.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { JSON_CONTENT_TYPE } from "./_render.ts";

/** The server package's version, reported by `/healthz`. */
export const SERVER_VERSION: string = denoConfig.version;

/** How long the store check may take before `/healthz` answers 503. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * Answers `/healthz`: 200 `{"status": "ok", ...}` when the store answers,
 * else 503 `{"status": "unavailable", ...}`.
 *
 * **Details**
 *
 * `probe` checks the store (one small read); `details` adds fields that
 * hold no secret (the rate limit in force, fault counts). The body never
 * names a workspace, a token or a setting's secret value.
 *
 * @example
 * ```ts
 * import { healthResponse } from "@mode-discovery/server";
 * const response = await healthResponse({ probe: () => Promise.resolve(), startedAt: Date.now() });
 * (await response.json()).status; // => "ok"
 * ```
 */
export const healthResponse = async (options: {
  readonly probe: () => Promise<unknown>;
  readonly startedAt: number;
  readonly details?: (() => Record<string, unknown>) | undefined;
}): Promise<Response> => {
  let store = "ok";
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      options.probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    store = "unavailable";
  } finally {
    clearTimeout(timer);
  }
  const ok = store === "ok";
  return new Response(
    JSON.stringify({
      status: ok ? "ok" : "unavailable",
      version: SERVER_VERSION,
      uptimeSeconds: Math.floor((Date.now() - options.startedAt) / 1000),
      checks: { store },
      ...options.details?.(),
    }),
    {
      status: ok ? 200 : 503,
      headers: {
        "content-type": JSON_CONTENT_TYPE,
        "cache-control": "no-store",
        ...(ok ? {} : { "retry-after": "1" }),
      },
    },
  );
};
