/**
 * The settings of a `DiscoveryClient`: `ClientOptions` with their defaults
 * filled in and checked, and the base URL parsed.
 *
 * @internal
 * @module
 */
import { ClientOptionError } from "./DiscoveryError.ts";
import type { ClientOptions } from "./DiscoveryClient.ts";

/** Mode's production base URL (also exported by DiscoveryClient.ts). */
export const PRODUCTION_BASE_URL = "https://app.mode.com";

/** Defaults of the numeric client options. */
export const DEFAULTS = {
  maxRetries: 5,
  timeoutMs: 30_000,
  backoffBaseMs: 250,
  backoffMaxMs: 10_000,
  maxRetryAfterSeconds: 60,
  concurrency: 4,
  maxPages: 100_000,
} as const;

/** The options `resolveSettings` reads: the settings fields of `ClientOptions`. */
export type SettingsInput = Pick<
  ClientOptions,
  | "baseUrl"
  | "maxRetries"
  | "timeoutMs"
  | "requestsPerSecond"
  | "backoffBaseMs"
  | "backoffMaxMs"
  | "maxRetryAfterSeconds"
  | "traceRequests"
>;

/** Client options with every default applied. */
export interface Settings {
  readonly baseUrl: URL;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly requestsPerSecond: number | undefined;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxRetryAfterSeconds: number;
  readonly traceRequests: boolean;
}

const shown = (value: unknown): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
};

/** The message for a client option that is not acceptable. */
export const invalidOption = (name: string, value: unknown, takes: string): ClientOptionError =>
  new ClientOptionError({
    option: name,
    message: `Invalid client option ${name}: got ${shown(value)}. ${takes}`,
  });

/**
 * Why a base URL is refused, or `undefined` when it is usable: an absolute
 * `http:` or `https:` URL without user name, password, query or fragment.
 */
export const baseUrlProblem = (input: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return "it is not an absolute URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `it uses ${url.protocol.slice(0, -1)}: only http and https are supported`;
  }
  if (url.username !== "" || url.password !== "") {
    return "it carries a user name or password; credentials go in MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET, never in the URL";
  }
  if (url.search !== "" || url.hash !== "") return "it has a query or fragment";
  return undefined;
};

/** A base URL in a safe form for messages: no user name, password, query or fragment. */
export const describeUrl = (input: string): string => {
  try {
    const url = new URL(input);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return shown(input.replace(/\/\/[^/@]*@/, "//<redacted>@"));
  }
};

const checkNumber = (
  name: keyof SettingsInput,
  value: number | undefined,
  fallback: number,
  ok: (n: number) => boolean,
  takes: string,
): number | ClientOptionError => {
  if (value === undefined) return fallback;
  return typeof value === "number" && ok(value) ? value : invalidOption(name, value, takes);
};

/**
 * Applies the defaults to `ClientOptions` and checks them; the first bad
 * option comes back as a `ClientOptionError` naming it.
 */
export const resolveSettings = (input: SettingsInput): Settings | ClientOptionError => {
  const base = input.baseUrl ?? PRODUCTION_BASE_URL;
  const problem = baseUrlProblem(base);
  if (problem !== undefined) {
    return invalidOption(
      "baseUrl",
      describeUrl(base),
      `The base URL is refused because ${problem}. Use a URL such as ${PRODUCTION_BASE_URL} or http://127.0.0.1:8787 (MODE_BASE_URL).`,
    );
  }
  const int = (n: number) => Number.isSafeInteger(n);
  const maxRetries = checkNumber(
    "maxRetries",
    input.maxRetries,
    DEFAULTS.maxRetries,
    (n) => int(n) && n >= 0 && n <= 100,
    `Use a whole number from 0 to 100 (default ${DEFAULTS.maxRetries}).`,
  );
  if (maxRetries instanceof ClientOptionError) return maxRetries;
  const timeoutMs = checkNumber(
    "timeoutMs",
    input.timeoutMs,
    DEFAULTS.timeoutMs,
    (n) => Number.isFinite(n) && n > 0,
    `Use a number of milliseconds above 0 (default ${DEFAULTS.timeoutMs}).`,
  );
  if (timeoutMs instanceof ClientOptionError) return timeoutMs;
  const backoffBaseMs = checkNumber(
    "backoffBaseMs",
    input.backoffBaseMs,
    DEFAULTS.backoffBaseMs,
    (n) => Number.isFinite(n) && n >= 0,
    `Use a number of milliseconds of 0 or more (default ${DEFAULTS.backoffBaseMs}).`,
  );
  if (backoffBaseMs instanceof ClientOptionError) return backoffBaseMs;
  const backoffMaxMs = checkNumber(
    "backoffMaxMs",
    input.backoffMaxMs,
    Math.max(DEFAULTS.backoffMaxMs, backoffBaseMs),
    (n) => Number.isFinite(n) && n >= backoffBaseMs,
    `Use a number of milliseconds of at least backoffBaseMs (${backoffBaseMs}); default ${DEFAULTS.backoffMaxMs}.`,
  );
  if (backoffMaxMs instanceof ClientOptionError) return backoffMaxMs;
  const maxRetryAfterSeconds = checkNumber(
    "maxRetryAfterSeconds",
    input.maxRetryAfterSeconds,
    DEFAULTS.maxRetryAfterSeconds,
    (n) => Number.isFinite(n) && n >= 0,
    `Use a number of seconds of 0 or more (default ${DEFAULTS.maxRetryAfterSeconds}).`,
  );
  if (maxRetryAfterSeconds instanceof ClientOptionError) return maxRetryAfterSeconds;
  const rps = input.requestsPerSecond;
  if (rps !== undefined && !(typeof rps === "number" && Number.isFinite(rps) && rps > 0)) {
    return invalidOption(
      "requestsPerSecond",
      rps,
      "Use a number of requests per second above 0, or leave it unset for no client-side limit.",
    );
  }
  return {
    baseUrl: new URL(base),
    maxRetries,
    timeoutMs,
    requestsPerSecond: rps,
    backoffBaseMs,
    backoffMaxMs,
    maxRetryAfterSeconds,
    traceRequests: input.traceRequests === true,
  };
};
