/**
 * Link safety: resolving a `_links` href against the base URL, refusing
 * anything that leaves the base URL's origin, and a key that recognises the
 * same page however its href is spelled.
 *
 * @internal
 * @module
 */
import { PaginationError } from "./DiscoveryError.ts";
import { parsePageHref } from "./Pagination.ts";

const shown = (href: string): string =>
  JSON.stringify(href.length > 200 ? `${href.slice(0, 200)}...` : href);

/** Where an href came from: a page's `_links.next_page`, or a redirect's `Location`. */
export type HrefSource = "next_page" | "redirect";

const hrefName = (via: HrefSource): string =>
  via === "next_page" ? "the server's next_page link" : "the server's redirect (Location)";

const advice = (via: HrefSource): string =>
  via === "next_page"
    ? `List with strategy "totals", which builds page URLs itself, or fix the server's links.`
    : "If that origin is the right one, set the base URL (MODE_BASE_URL) to it.";

/**
 * The absolute URL of an href from the server, resolved against `against`
 * (default: the base URL).
 *
 * **Details**
 *
 * Fails with `PaginationError`:
 * - `cross-origin` when the result has another scheme, host or port than
 *   `base` (nothing may be sent there: the request would carry the token);
 * - `invalid-href` when it is not a URL, or carries a user name or password.
 *
 * @example
 * ```ts
 * resolveLink("/batch/acme/spaces?page=2&per_page=10", new URL("http://127.0.0.1:8787"));
 * // => URL http://127.0.0.1:8787/batch/acme/spaces?page=2&per_page=10
 * ```
 */
export const resolveLink = (
  href: string,
  base: URL,
  options?: { readonly against?: URL | undefined; readonly via?: HrefSource | undefined },
): URL | PaginationError => {
  const via = options?.via ?? "next_page";
  let url: URL;
  try {
    url = new URL(href, options?.against ?? base);
  } catch {
    return new PaginationError({
      reason: "invalid-href",
      href,
      message: `Refused to follow ${hrefName(via)} ${shown(href)}: it is not a valid URL. ${
        advice(via)
      }`,
    });
  }
  if (url.origin !== base.origin || url.origin === "null") {
    return new PaginationError({
      reason: "cross-origin",
      href,
      message: `Refused to follow ${hrefName(via)} ${
        shown(href)
      }: it points at ${url.protocol}//${url.host}, not at the base URL's origin ${base.origin}, and following it would send your credentials elsewhere. Nothing was sent there. ${
        advice(via)
      }`,
    });
  }
  if (url.username !== "" || url.password !== "") {
    return new PaginationError({
      reason: "invalid-href",
      href: href.replace(/\/\/[^/@]*@/, "//<redacted>@"),
      message: `Refused to follow ${hrefName(via)}: it carries a user name or password. ${
        advice(via)
      }`,
    });
  }
  url.hash = "";
  return url;
};

/**
 * A key equal for two URLs of the same page, however the query is ordered
 * or encoded: `segment|workspace|page|per_page|include_spaces` for a page
 * link, else the URL itself.
 *
 * @example
 * ```ts
 * linkKey(new URL("http://h/batch/acme/spaces?per_page=10&page=2")) ===
 *   linkKey(new URL("http://h/batch/acme/spaces?page=2&per_page=10")); // => true
 * ```
 */
export const linkKey = (url: URL): string => {
  const parsed = parsePageHref(`${url.pathname}${url.search}`);
  return parsed === undefined
    ? `url|${url.href}`
    : `page|${parsed.segment}|${parsed.workspace}|${parsed.page}|${parsed.per_page}|${
      parsed.include_spaces ?? ""
    }`;
};
