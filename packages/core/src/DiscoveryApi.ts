/**
 * The HttpApi contract of Mode's Discovery API: endpoints, parameters,
 * security, errors and statuses. The server (apps/edge) implements it with
 * `HttpApiBuilder`; clients are derived from it.
 *
 * @module
 */
import * as Context from "effect/Context";
import * as HttpApi from "effect/http-api/HttpApi";
import * as HttpApiEndpoint from "effect/http-api/HttpApiEndpoint";
import * as HttpApiGroup from "effect/http-api/HttpApiGroup";
import * as HttpApiMiddleware from "effect/http-api/HttpApiMiddleware";
import * as HttpApiSecurity from "effect/http-api/HttpApiSecurity";
import * as OpenApi from "effect/http-api/OpenApi";
import { BadRequest, NotFound, RateLimited, ServerError, Unauthorized } from "./DiscoveryError.ts";
import { PageRequestFromQuery, PageRequestWithSpacesFromQuery } from "./Pagination.ts";
import type * as Resource from "./Resource.ts";
import { resources } from "./Resources.ts";
import { SignatureToken, SignatureTokenRequest } from "./SignatureToken.ts";
import { SIGNATURE_TOKENS_PATH, WorkspaceName } from "./Routes.ts";

/**
 * Who a valid signature token speaks for. Provided to handlers by the
 * {@link SignatureAuth} middleware.
 */
export class SignaturePrincipal extends Context.Service<SignaturePrincipal, {
  /** The workspace the token belongs to. */
  readonly workspace: string;
  /** The token's public identifier (never a secret). */
  readonly token: string;
}>()("mode-discovery/SignaturePrincipal") {}

/**
 * Who valid admin API credentials speak for. Provided to handlers by the
 * {@link AdminAuth} middleware.
 */
export class AdminPrincipal extends Context.Service<AdminPrincipal, {
  /** The workspace whose admin the API key belongs to. */
  readonly workspace: string;
  /** The id of the admin user the key belongs to. */
  readonly userId: number;
}>()("mode-discovery/AdminPrincipal") {}

/**
 * Bearer authentication with a signature token:
 * `Authorization: Bearer base64(token:access_key:access_secret)`.
 *
 * **Details**
 *
 * Missing, malformed, wrong or expired credentials fail with 401
 * `unauthorized`; credentials of another workspace with 404 `not_found`.
 */
export class SignatureAuth extends HttpApiMiddleware.Service<SignatureAuth, {
  provides: SignaturePrincipal;
}>()("mode-discovery/SignatureAuth", {
  error: [Unauthorized, NotFound, RateLimited],
  security: { bearer: HttpApiSecurity.bearer },
}) {}

/**
 * HTTP Basic authentication with a workspace admin's API key and secret.
 */
export class AdminAuth extends HttpApiMiddleware.Service<AdminAuth, {
  provides: AdminPrincipal;
}>()("mode-discovery/AdminAuth", {
  error: [Unauthorized, NotFound],
  security: { basic: HttpApiSecurity.basic },
}) {}

/**
 * Turns a request that fails decoding (query, path or body) into a 400
 * `bad_request` whose message names the parameter or field.
 */
export class RequestValidation extends HttpApiMiddleware.Service<RequestValidation>()(
  "mode-discovery/RequestValidation",
  { error: BadRequest },
) {}

/**
 * The `list` endpoint of a resource: `GET /batch/:workspace/{segment}` with
 * `page`, `per_page` and (where the resource takes it) `include_spaces`.
 *
 * @example
 * ```ts
 * import { listEndpoint, reports } from "@mode-discovery/core";
 * listEndpoint(reports).name; // => "listReports"
 * ```
 */
export const listEndpoint = <R extends Resource.Any>(resource: R) =>
  HttpApiEndpoint.get(resource.endpointName, resource.path, {
    params: { workspace: WorkspaceName },
    query: resource.includeSpaces
      ? PageRequestWithSpacesFromQuery.fields
      : PageRequestFromQuery.fields,
    success: resource.page,
    error: [BadRequest, Unauthorized, NotFound, RateLimited, ServerError],
  })
    .middleware(SignatureAuth)
    .annotate(OpenApi.Summary, `List ${resource.plural} for a workspace`)
    .annotate(
      OpenApi.Description,
      `${resource.description} Returns a paginated list of every one of a workspace's ${resource.plural}, in ascending \`${resource.key}\` order, under the array key \`${resource.segment}\`. Follow \`_links.next_page\` or request \`page=2..total_pages\`. A page past the end answers 200 with an empty array.` +
        (resource.includeSpaces
          ? ` Items in members' personal collections are left out unless \`include_spaces=all\`; \`total_count\` counts what the request can see.`
          : ` \`include_spaces\` is not taken (ignored).`),
    );

/**
 * `POST /batch/:workspace/signature_tokens`: creates a signature token, with
 * an admin API key and secret as HTTP Basic credentials.
 */
export const createSignatureToken = HttpApiEndpoint.post(
  "createSignatureToken",
  SIGNATURE_TOKENS_PATH,
  {
    params: { workspace: WorkspaceName },
    payload: SignatureTokenRequest,
    success: SignatureToken,
    error: [BadRequest, Unauthorized, NotFound, ServerError],
  },
)
  .middleware(AdminAuth)
  .annotate(OpenApi.Summary, "Create a signature token")
  .annotate(
    OpenApi.Description,
    "Creates a read-only signature token for the batch API. Authenticate with HTTP Basic " +
      "auth: a workspace admin's API key as the user and API secret as the password. The " +
      "response is the only time the access_secret is shown.",
  );

/** The `list` endpoint of resource `R`. */
export type ListEndpoint<R extends Resource.Any> = ReturnType<typeof listEndpoint<R>>;

type ListEndpoints<T extends ReadonlyArray<Resource.Any>> = {
  readonly [I in keyof T]: T[I] extends Resource.Any ? ListEndpoint<T[I]> : never;
};

const listEndpoints = resources.map(listEndpoint) as unknown as ListEndpoints<typeof resources>;

/**
 * The `batch` group: the Discovery API's endpoints.
 */
export class BatchGroup extends HttpApiGroup.make("batch")
  .add(...listEndpoints)
  .add(createSignatureToken)
  .annotate(OpenApi.Description, "Mode's read-only batch Discovery API.") {}

/**
 * The Discovery API contract, for `HttpApiBuilder` (server),
 * `HttpApiClient` and `OpenApi.fromApi`.
 *
 * @example
 * ```ts
 * import * as OpenApi from "effect/http-api/OpenApi";
 * import { DiscoveryApi } from "@mode-discovery/core";
 * const spec = OpenApi.fromApi(DiscoveryApi);
 * ```
 */
export class DiscoveryApi extends HttpApi.make("mode-discovery")
  .add(BatchGroup)
  .middleware(RequestValidation)
  .annotate(OpenApi.Title, "Mode Discovery API")
  .annotate(OpenApi.Version, "1.0.0")
  .annotate(
    OpenApi.Description,
    "Mode's read-only batch Discovery API: list a workspace's collections (spaces), reports, " +
      "queries, charts, report stats and members with page/per_page pagination and `_links`. " +
      "Errors are `{id, message}`.",
  ) {}
