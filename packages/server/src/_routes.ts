/**
 * The API's routes as the server matches them outside the HttpApi router,
 * all derived from core (`resources`, `WORKSPACE_PATTERN`,
 * `SIGNATURE_TOKENS_PATH`): the fast path's exact match of a plain page
 * URL, and the router-style match (any letter case, extra and trailing
 * slashes) of the fallback's 404/405 and of the faults.
 *
 * @internal
 * @module
 */
import {
  type AnyResource,
  openApiPath,
  resources,
  SIGNATURE_TOKENS_PATH,
  SIGNATURE_TOKENS_SEGMENT,
  WORKSPACE_PATTERN,
} from "@mode-discovery/core";

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `http(s)://host/batch/{workspace}/{segment}` with an optional query, in canonical form. */
const LIST_URL = new RegExp(
  `^https?://[^/?#]+/batch/(${WORKSPACE_PATTERN})/(${
    resources.map((r) => escape(r.segment)).join("|")
  })(?:\\?([^#]*))?$`,
);

const bySegment = new Map<string, AnyResource>(resources.map((r) => [r.segment, r]));

/** A plain page URL taken apart: the workspace, the resource and the raw query. */
export interface ListUrl {
  readonly workspace: string;
  readonly resource: AnyResource;
  /** The query without its `?`; `undefined` when there is none. */
  readonly query: string | undefined;
}

/**
 * `url` as a page request of a resource, when it is in canonical form
 * (lowercase segment, no extra slash, a workspace by the rule); else
 * `undefined` (the HttpApi router then decides).
 */
export const matchListUrl = (url: string): ListUrl | undefined => {
  const match = LIST_URL.exec(url);
  if (match === null) return undefined;
  return { workspace: match[1], resource: bySegment.get(match[2])!, query: match[3] };
};

/** A route of the API: its path segment, the methods it takes and, for a list, its resource. */
export interface Route {
  readonly segment: string;
  readonly allow: ReadonlyArray<string>;
  readonly resource: AnyResource | undefined;
}

const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ...resources.map((resource): [string, Route] => [
    resource.segment,
    { segment: resource.segment, allow: ["GET", "HEAD"], resource },
  ]),
  [SIGNATURE_TOKENS_SEGMENT, {
    segment: SIGNATURE_TOKENS_SEGMENT,
    allow: ["POST"],
    resource: undefined,
  }],
]);

/** `/batch/{workspace}/{segment}` as the router reads it: any case, extra and trailing slashes. */
const ROUTE_PATH = /^\/+batch\/+([^/]+)\/+([^/]+)\/*$/i;
/** `/batch//{segment}`: a route with its workspace left out. */
const NO_WORKSPACE_PATH = /^\/+batch\/*\/([^/]+)\/*$/i;

/** The route a path names (router-style), with its raw workspace segment. */
export const routeOfPath = (
  path: string,
): { readonly route: Route; readonly workspace: string } | undefined => {
  const match = ROUTE_PATH.exec(path);
  if (match === null) return undefined;
  const route = ROUTES.get(match[2].toLowerCase());
  return route === undefined ? undefined : { route, workspace: match[1] };
};

/** The route of a path whose workspace segment is empty (`/batch//spaces`). */
export const routeWithoutWorkspace = (path: string): Route | undefined => {
  if (!/\/\//.test(path)) return undefined;
  const match = NO_WORKSPACE_PATH.exec(path);
  return match === null ? undefined : ROUTES.get(match[1].toLowerCase());
};

/** Every route in words, for a 404: `GET /batch/{workspace}/spaces, ... and POST ...`. */
export const ROUTE_LIST: string = `The API has ${
  resources.map((r) => `GET ${openApiPath(r.path)}`).join(", ")
} and POST ${openApiPath(SIGNATURE_TOKENS_PATH)}.`;
