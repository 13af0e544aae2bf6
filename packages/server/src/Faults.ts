/**
 * Fault injection for testing clients (`MODE_FAULTS`, and the
 * `X-Mode-Fault` request header): error statuses, 429 with `Retry-After`,
 * dropped connections, truncated bodies and added latency, drawn from a
 * seeded random sequence so a run can be repeated exactly; and pages of a
 * resource that fail above a size (`slow-above=members:250`), as Mode's
 * `/members` does for large workspaces.
 *
 * @module
 */
import {
  type AnyResource,
  BadRequest,
  DEFAULT_PER_PAGE,
  errorIdForStatus,
  findResource,
  resources,
  ServerError,
} from "@mode-discovery/core";
import type { FetchHandler } from "./FetchHandler.ts";
import { quoteSetting, type SettingsError, settingsError } from "./SettingsError.ts";
import { seededRandom } from "./Seed.ts";
import { parseDuration, showDuration } from "./_duration.ts";
import { errorResponse } from "./_render.ts";
import { routeOfPath } from "./_routes.ts";

/** What a failing fault does to the request (at most one per request). */
export type FaultOutcome =
  | { readonly _tag: "Status"; readonly status: number }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Truncate" };

/** The faults to inject, with their probabilities. */
export interface FaultSpec {
  /** Failing faults; their probabilities add up to at most 1 (one draw picks at most one). */
  readonly outcomes: ReadonlyArray<
    { readonly outcome: FaultOutcome; readonly probability: number }
  >;
  /** Added latencies; their probabilities add up to at most 1 (a second draw picks at most one). */
  readonly delays: ReadonlyArray<{ readonly ms: number; readonly probability: number }>;
  /** Seed of the random sequence; `undefined` picks one at start (shown in the log and stats). */
  readonly seed: number | undefined;
  /**
   * Resources whose pages fail with 503 above a `per_page`
   * (`slow-above=members:250`); none when absent.
   */
  readonly slowAbove?: ReadonlyArray<SlowAbove> | undefined;
}

/** Pages of `resource` with more than `size` items per page fail with 503 (a slow backend). */
export interface SlowAbove {
  /** The resource whose large pages fail. */
  readonly resource: AnyResource;
  /** The largest `per_page` that still answers. */
  readonly size: number;
}

/** The name of a slow-above fault, as in the settings: `slow-above=members:250`. */
export const slowAboveName = (slow: SlowAbove): string =>
  `slow-above=${slow.resource.cliName}:${slow.size}`;

/** A `slow-above=<resource>:<size>` entry, or why it is not one. */
const parseSlowAbove = (text: string): SlowAbove | string => {
  const body = text.trim().slice("slow-above=".length);
  const colon = body.lastIndexOf(":");
  const names = resources.map((r) => r.cliName).join(", ");
  const usage =
    `give slow-above=<resource>:<size> such as slow-above=members:250 (resources ${names})`;
  if (colon < 0) return `${quoteSetting(text.trim())} has no ":size"; ${usage}`;
  const resource = findResource(body.slice(0, colon).trim());
  if (resource === undefined) {
    return `${quoteSetting(body.slice(0, colon).trim())} is not a resource; ${usage}`;
  }
  const sizeText = body.slice(colon + 1).trim();
  if (!/^[0-9]{1,4}$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > 999) {
    return `the size of ${
      quoteSetting(text.trim())
    } is not a whole number from 1 to 999 (pages of more items fail); ${usage}`;
  }
  return { resource, size: Number(sizeText) };
};

const isSlowAbove = (text: string): boolean => text.trim().toLowerCase().startsWith("slow-above=");

/** The request header that asks for one fault: `503`, `429`, `reset`, `truncate`, `delay=200ms`. */
export const FAULT_HEADER = "x-mode-fault";

/** Statuses a fault may answer with: core's error statuses and any 5xx. */
const FAULT_STATUSES = new Set([400, 401, 403, 404, 405, 429]);
const isFaultStatus = (status: number) =>
  FAULT_STATUSES.has(status) || (status >= 500 && status <= 599);

/** Longest added latency: 60 s in `MODE_FAULTS`, 30 s from the header. */
const MAX_DELAY_MS = 60_000;
const MAX_HEADER_DELAY_MS = 30_000;

/** The name of a fault as in the settings and the `X-Mode-Fault` response header. */
export const faultName = (outcome: FaultOutcome): string =>
  outcome._tag === "Status" ? String(outcome.status) : outcome._tag.toLowerCase();

type Item =
  | { readonly _tag: "Outcome"; readonly outcome: FaultOutcome }
  | { readonly _tag: "Delay"; readonly ms: number };

/** A fault name (`503`, `reset`, `truncate`, `delay=300ms`), or why it is not one. */
const parseItem = (text: string, maxDelayMs: number): Item | string => {
  const name = text.trim().toLowerCase();
  if (name === "reset") return { _tag: "Outcome", outcome: { _tag: "Reset" } };
  if (name === "truncate") return { _tag: "Outcome", outcome: { _tag: "Truncate" } };
  if (/^[0-9]{3}$/.test(name)) {
    const status = Number(name);
    return isFaultStatus(status)
      ? { _tag: "Outcome", outcome: { _tag: "Status", status } }
      : `${status} is not a fault status (use 400, 401, 403, 404, 405, 429 or 500 to 599)`;
  }
  if (name.startsWith("delay=")) {
    const ms = parseDuration(name.slice(6));
    if (ms === undefined) {
      return `${quoteSetting(text.trim())} has no valid duration (such as delay=300ms or delay=2s)`;
    }
    if (ms > maxDelayMs) {
      return `${quoteSetting(text.trim())} is longer than the ${
        showDuration(maxDelayMs)
      } a delay may be`;
    }
    return { _tag: "Delay", ms };
  }
  return `${
    quoteSetting(text.trim())
  } is not a fault (use a status such as 503 or 429, reset, truncate or delay=<duration>)`;
};

const PROBABILITY =
  /^(?:(0(?:\.[0-9]{1,6})?|1(?:\.0{1,6})?|\.[0-9]{1,6})|([0-9]{1,3}(?:\.[0-9]{1,4})?)%)$/;

/**
 * Parses `MODE_FAULTS`: comma-separated `fault:probability` entries and an
 * optional `seed=N`, such as
 * `503:0.1,429:0.05,reset:0.02,truncate:0.02,delay=300ms:0.1,seed=42`.
 *
 * **Details**
 *
 * A fault is an HTTP status (400, 401, 403, 404, 405, 429 or 500 to 599),
 * `reset`, `truncate` or `delay=<duration>` (at most 60s). A probability is
 * from 0 to 1 (`0.1`) or a percentage (`10%`). The failing faults' (not the
 * delays') probabilities may add up to at most 1, and so may the delays'.
 * `header` alone turns on only the `X-Mode-Fault` request header. Anything
 * else is refused with a message naming the entry; nothing is ignored.
 *
 * @example
 * ```ts
 * import { parseFaults } from "@mode-discovery/server";
 * parseFaults("503:0.1,delay=300ms:50%,seed=42");
 * // => { outcomes: [{ outcome: { _tag: "Status", status: 503 }, probability: 0.1 }],
 * //      delays: [{ ms: 300, probability: 0.5 }], seed: 42 }
 * ```
 */
export const parseFaults = (
  text: string,
  variable = "MODE_FAULTS",
): FaultSpec | SettingsError => {
  const help = "give fault:probability entries separated by commas, such as " +
    "503:0.1,429:0.05,reset:0.02,truncate:0.02,delay=300ms:0.1,seed=42, and slow-above=members:250 " +
    "(or header)";
  const outcomes: Array<FaultSpec["outcomes"][number]> = [];
  const delays: Array<FaultSpec["delays"][number]> = [];
  const slowAbove: Array<SlowAbove> = [];
  const seen = new Set<string>();
  let seed: number | undefined;
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.length === 1 && entries[0].toLowerCase() === "header") {
    return { outcomes, delays, seed: 0 };
  }
  for (const entry of entries) {
    if (entry === "") return settingsError(variable, `an entry is empty; ${help}.`);
    if (isSlowAbove(entry)) {
      const slow = parseSlowAbove(entry);
      if (typeof slow === "string") return settingsError(variable, `${slow}.`);
      if (slowAbove.some((s) => s.resource === slow.resource)) {
        return settingsError(
          variable,
          `slow-above is given twice for ${slow.resource.cliName}; give it once.`,
        );
      }
      slowAbove.push(slow);
      continue;
    }
    if (entry.toLowerCase().startsWith("seed=")) {
      const value = entry.slice(5).trim();
      if (!/^[0-9]{1,10}$/.test(value) || Number(value) > 0xffffffff) {
        return settingsError(
          variable,
          `the seed ${quoteSetting(value)} is not a whole number from 0 to 4294967295; ${help}.`,
        );
      }
      if (seed !== undefined) return settingsError(variable, `seed is given twice; ${help}.`);
      seed = Number(value);
      continue;
    }
    if (entry.toLowerCase() === "header") {
      return settingsError(variable, `header must stand alone; ${help}.`);
    }
    const colon = entry.lastIndexOf(":");
    if (colon < 0) {
      return settingsError(variable, `${quoteSetting(entry)} has no ":probability"; ${help}.`);
    }
    const item = parseItem(entry.slice(0, colon), MAX_DELAY_MS);
    if (typeof item === "string") return settingsError(variable, `${item}; ${help}.`);
    const probabilityText = entry.slice(colon + 1).trim();
    const match = PROBABILITY.exec(probabilityText);
    const probability = match === null
      ? Number.NaN
      : match[1] !== undefined
      ? Number(match[1])
      : Number(match[2]) / 100;
    if (!(probability >= 0 && probability <= 1)) {
      return settingsError(
        variable,
        `the probability of ${quoteSetting(entry.slice(0, colon))} is ${
          quoteSetting(probabilityText)
        }; it must be from 0 to 1 (such as 0.05) or a percentage (such as 5%).`,
      );
    }
    const name = item._tag === "Delay" ? `delay=${item.ms}` : faultName(item.outcome);
    if (seen.has(name)) {
      return settingsError(variable, `${quoteSetting(entry)} is listed twice; ${help}.`);
    }
    seen.add(name);
    if (item._tag === "Delay") delays.push({ ms: item.ms, probability });
    else outcomes.push({ outcome: item.outcome, probability });
  }
  const sum = (list: ReadonlyArray<{ readonly probability: number }>) =>
    list.reduce((total, x) => total + x.probability, 0);
  if (sum(outcomes) > 1 + 1e-9) {
    return settingsError(
      variable,
      `the probabilities of the failing faults add up to ${
        Math.round(sum(outcomes) * 1e6) / 1e6
      }, more than 1 (one request gets at most one of them).`,
    );
  }
  if (sum(delays) > 1 + 1e-9) {
    return settingsError(
      variable,
      `the probabilities of the delays add up to ${
        Math.round(sum(delays) * 1e6) / 1e6
      }, more than 1 (one request gets at most one of them).`,
    );
  }
  return slowAbove.length === 0
    ? { outcomes, delays, seed }
    : { outcomes, delays, seed, slowAbove };
};

/** Describes a fault spec for the start-up line: `503:0.1, delay=300ms:0.1, seed 42`. */
export const describeFaults = (spec: FaultSpec, seed = spec.seed): string => {
  const parts = [
    ...spec.outcomes.map((o) => `${faultName(o.outcome)}:${o.probability}`),
    ...spec.delays.map((d) => `delay=${showDuration(d.ms)}:${d.probability}`),
    ...(spec.slowAbove ?? []).map(slowAboveName),
  ];
  return parts.length === 0
    ? "faults on request only (X-Mode-Fault)"
    : `faults ${parts.join(",")} seed ${seed}`;
};

/** What one request is asked to suffer: at most one failing fault, one delay, one slow-above. */
export interface FaultChoice {
  /** The failing fault (a status, `reset`, `truncate`), if any. */
  readonly outcome?: FaultOutcome | undefined;
  /** Milliseconds to wait before answering, if any. */
  readonly delayMs?: number | undefined;
  /** The slow-above fault asked for (by the header), if any. */
  readonly slowAbove?: SlowAbove | undefined;
}

/** The faults asked for by one `X-Mode-Fault` header, or why the header is wrong. */
export const parseFaultHeader = (value: string): FaultChoice | string => {
  let outcome: FaultOutcome | undefined;
  let delayMs: number | undefined;
  let slowAbove: SlowAbove | undefined;
  for (const part of value.split(",")) {
    if (isSlowAbove(part)) {
      const slow = parseSlowAbove(part);
      if (typeof slow === "string") return slow;
      if (slowAbove !== undefined) return "it asks for two slow-above faults";
      slowAbove = slow;
      continue;
    }
    const item = parseItem(part, MAX_HEADER_DELAY_MS);
    if (typeof item === "string") return item;
    if (item._tag === "Delay") {
      if (delayMs !== undefined) return "it asks for two delays";
      delayMs = item.ms;
    } else {
      if (outcome !== undefined) return "it asks for two failing faults; ask for one";
      outcome = item.outcome;
    }
  }
  return {
    ...(outcome === undefined ? {} : { outcome }),
    ...(delayMs === undefined ? {} : { delayMs }),
    ...(slowAbove === undefined ? {} : { slowAbove }),
  };
};

/** How many faults were injected, by kind. */
export interface FaultStats {
  /**
   * Requests that were made to fail: an error status, a dropped connection
   * or a truncated body (delays not included): what a client sees as a
   * failure and may retry.
   */
  readonly injected: number;
  /** Requests that were delayed. */
  readonly delayed: number;
  /** Counts by fault name: `503`, `429`, `reset`, `truncate`, `delay`, `slow-above`. */
  readonly byKind: Readonly<Record<string, number>>;
  /** The seed of the random sequence in use. */
  readonly seed: number;
}

/** Options of {@link FaultInjector}. */
export interface FaultInjectorOptions {
  /** Waits `ms` milliseconds (default `setTimeout`). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

const API_PATH = /^\/+batch\//i;

/** The `per_page` a request asks for (default 1000), or `undefined` when it is not one whole number. */
const perPageOf = (url: string): number | undefined => {
  const mark = url.indexOf("?");
  if (mark < 0) return DEFAULT_PER_PAGE;
  const hash = url.indexOf("#", mark);
  const values = new URLSearchParams(url.slice(mark + 1, hash < 0 ? undefined : hash))
    .getAll("per_page");
  if (values.length === 0) return DEFAULT_PER_PAGE;
  return values.length === 1 && /^[0-9]{1,7}$/.test(values[0]) ? Number(values[0]) : undefined;
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Injects the faults of a {@link FaultSpec} into the API's requests.
 *
 * **When to use**
 *
 * The server handler builds one from `MODE_FAULTS`; use one directly to wrap
 * any fetch handler of your own.
 *
 * **Details**
 *
 * Only `GET` and `POST` requests under `/batch/` are touched (never
 * `/healthz`, `/docs`, `/openapi.json` or CORS preflights). Each request
 * draws two numbers from the seeded sequence, one for a failing fault and
 * one for a delay, so the n-th request gets the same faults for the same
 * seed. An `X-Mode-Fault` request header (`503`, `429`, `reset`,
 * `truncate`, `delay=200ms`, or a delay and one failing fault separated by
 * a comma) replaces the draw for that request. A faulted answer carries an
 * `X-Mode-Fault` response header naming what was done:
 *
 * - a status: that status with an `{id, message}` body saying the failure
 *   was injected (429 and 503 with `Retry-After: 1`); the request is not
 *   handled;
 * - `reset`: the request is handled, its status and headers are sent, and
 *   the connection is closed before any of the body (a client sees a
 *   network error reading the body);
 * - `truncate`: the same, but half of the body is sent under a
 *   `Content-Length` of the whole;
 * - `delay=<ms>`: the request waits that long first.
 *
 * @example
 * ```ts
 * import { FaultInjector, parseFaults } from "@mode-discovery/server";
 * const spec = parseFaults("503:0.5,seed=1");
 * if (!(spec instanceof Error)) {
 *   const injector = new FaultInjector(spec);
 *   const fetch = injector.wrap(() => Promise.resolve(Response.json({ ok: true })));
 *   await fetch(new Request("http://x/batch/acme/spaces", { headers: { "x-mode-fault": "503" } }));
 *   injector.stats().injected; // => 1
 * }
 * ```
 */
export class FaultInjector {
  readonly #spec: FaultSpec;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #seed: number;
  readonly #byKind: Record<string, number> = {};
  #injected = 0;
  #delayed = 0;

  /** An injector of `spec`. */
  constructor(spec: FaultSpec, options: FaultInjectorOptions = {}) {
    this.#spec = spec;
    this.#seed = spec.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
    this.#random = seededRandom(`mode-discovery faults ${this.#seed}`);
    this.#sleep = options.sleep ?? sleepFor;
  }

  /** The seed in use (the spec's, or the one picked at start). */
  get seed(): number {
    return this.#seed;
  }

  /** Faults injected so far. */
  stats(): FaultStats {
    return {
      injected: this.#injected,
      delayed: this.#delayed,
      byKind: { ...this.#byKind },
      seed: this.#seed,
    };
  }

  #count(kind: string): void {
    this.#byKind[kind] = (this.#byKind[kind] ?? 0) + 1;
  }

  #draw(): FaultChoice {
    const a = this.#random();
    const b = this.#random();
    let outcome: FaultOutcome | undefined;
    let delayMs: number | undefined;
    let at = 0;
    for (const o of this.#spec.outcomes) {
      at += o.probability;
      if (a < at) {
        outcome = o.outcome;
        break;
      }
    }
    at = 0;
    for (const d of this.#spec.delays) {
      at += d.probability;
      if (b < at) {
        delayMs = d.ms;
        break;
      }
    }
    return { outcome, delayMs };
  }

  /**
   * The slow-above fault that fails this request (the header's, else the
   * settings' for its resource) and the `per_page` it asked for.
   */
  #slowFor(
    request: Request,
    asked: SlowAbove | undefined,
  ): { readonly fault: SlowAbove; readonly perPage: number } | undefined {
    const configured = this.#spec.slowAbove ?? [];
    if (asked === undefined && configured.length === 0) return undefined;
    if (request.method !== "GET") return undefined;
    const pathStart = request.url.indexOf("/", request.url.indexOf("//") + 2);
    const mark = request.url.indexOf("?", pathStart);
    const resource = routeOfPath(request.url.slice(pathStart, mark < 0 ? undefined : mark))?.route
      .resource;
    if (resource === undefined) return undefined;
    const fault = asked?.resource === resource
      ? asked
      : configured.find((s) => s.resource === resource);
    const perPage = perPageOf(request.url);
    return fault !== undefined && perPage !== undefined && perPage > fault.size
      ? { fault, perPage }
      : undefined;
  }

  /** Wraps `next` so the API's requests get the faults. */
  wrap(next: FetchHandler): FetchHandler {
    return async (request) => {
      if (request.method !== "GET" && request.method !== "POST") return next(request);
      const pathStart = request.url.indexOf("/", request.url.indexOf("//") + 2);
      const path = pathStart < 0 ? "/" : request.url.slice(pathStart);
      if (!API_PATH.test(path)) return next(request);
      const asked = request.headers.get(FAULT_HEADER);
      let chosen: FaultChoice;
      if (asked !== null) {
        const parsed = parseFaultHeader(asked);
        if (typeof parsed === "string") {
          await request.body?.cancel();
          return errorResponse(
            BadRequest.status,
            BadRequest.id,
            `Invalid header X-Mode-Fault: ${parsed}. It takes a status (such as 503 or 429), reset, truncate, delay=<duration> (at most 30s) or slow-above=<resource>:<size>, or a delay and one of the others separated by commas.`,
          );
        }
        chosen = parsed;
      } else {
        chosen = this.#draw();
      }
      const slow = this.#slowFor(request, chosen.slowAbove);
      const names: Array<string> = [];
      if (chosen.delayMs !== undefined) {
        this.#delayed++;
        this.#count("delay");
        names.push(`delay=${showDuration(chosen.delayMs)}`);
        await this.#sleep(chosen.delayMs);
      }
      if (slow !== undefined) {
        this.#injected++;
        this.#count("slow-above");
        names.push(slowAboveName(slow.fault));
        await request.body?.cancel();
        return errorResponse(
          503,
          ServerError.id,
          `Backend read error: reading ${slow.fault.resource.plural} ${slow.perPage} at a time timed out. Injected fault (${
            slowAboveName(slow.fault)
          } in MODE_FAULTS or the X-Mode-Fault header): pages of more than ${slow.fault.size} ${slow.fault.resource.plural} fail, as large workspaces' /members does on Mode; ask for per_page ${slow.fault.size} or less.`,
          { "x-mode-fault": names.join(", "), "retry-after": "1" },
        );
      }
      const outcome = chosen.outcome;
      if (outcome === undefined) {
        const response = await next(request);
        return names.length === 0 ? response : withHeader(response, names.join(", "));
      }
      this.#injected++;
      this.#count(faultName(outcome));
      names.push(faultName(outcome));
      const label = names.join(", ");
      if (outcome._tag === "Status") {
        await request.body?.cancel();
        const retry = outcome.status === 429 || outcome.status === 503;
        return errorResponse(
          outcome.status,
          errorIdForStatus(outcome.status),
          `Injected fault: HTTP ${outcome.status}. The server was asked to fail this request (MODE_FAULTS or the X-Mode-Fault header) to test clients; it is not a real failure.`,
          { "x-mode-fault": label, ...(retry ? { "retry-after": "1" } : {}) },
        );
      }
      const response = await next(request);
      const body = new Uint8Array(await response.arrayBuffer());
      const sent = outcome._tag === "Reset"
        ? 0
        : Math.min(Math.floor(body.length / 2), Math.max(body.length - 1, 0));
      const headers = new Headers(response.headers);
      headers.set("content-length", String(Math.max(body.length, 1)));
      headers.set("x-mode-fault", label);
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            if (sent > 0) controller.enqueue(body.slice(0, sent));
            controller.close();
          },
        }),
        { status: response.status, headers },
      );
    };
  }
}

/** `response` with an `X-Mode-Fault` header added (copied when its headers are immutable). */
const withHeader = (response: Response, value: string): Response => {
  try {
    response.headers.set("x-mode-fault", value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set("x-mode-fault", value);
    return new Response(response.body, { status: response.status, headers });
  }
};
