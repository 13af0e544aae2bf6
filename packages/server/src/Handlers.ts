/**
 * The handlers of core's `batch` group: one list handler for every
 * resource of core's list (the same code for each, looped over
 * `resources`), and signature token creation.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import type * as Layer from "effect/Layer";
import * as HttpServerResponse from "effect/http/HttpServerResponse";
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder";
import type * as HttpApiGroup from "effect/http-api/HttpApiGroup";
import {
  type AdminAuth,
  AdminPrincipal,
  type AnyResource,
  BadRequest,
  DiscoveryApi,
  type IncludeSpaces,
  type LastPageNext,
  type RequestValidation,
  resources,
  type SignatureAuth,
  SignaturePrincipal,
} from "@mode-discovery/core";
import { CredentialStore } from "./CredentialStore.ts";
import { type ListingAddress, ListingStore } from "./ListingStore.ts";
import { JSON_CONTENT_TYPE, renderPage } from "./_render.ts";
import { storeFailureResponse, workspaceNotFound } from "./_responses.ts";

/** What the handlers need besides the stores. */
export interface BatchHandlersOptions {
  /** The last page's `next_page` quirk. */
  readonly lastPageNext: LastPageNext;
  /** Clock in epoch milliseconds (to check `expires_at`). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** A group's handlers seen without their per-endpoint types. */
interface UntypedHandlers {
  readonly handle: (name: string, handler: unknown) => UntypedHandlers;
}

/** The decoded request of any list endpoint. */
interface ListRequest {
  readonly params: { readonly workspace: string };
  readonly query: {
    readonly page: number;
    readonly per_page: number;
    readonly include_spaces?: IncludeSpaces | undefined;
  };
}

/**
 * The `batch` group of `DiscoveryApi`, implemented on the stores.
 *
 * **Details**
 *
 * - Each resource's `list<Name>` endpoint is served by the same handler:
 *   it answers with the page's pre-encoded JSON (an `HttpServerResponse`,
 *   skipping Schema encoding on the hot path); the body is exactly what the
 *   resource's page schema encodes to (tested for every resource).
 * - Credentials of another workspace, and a workspace the store does not
 *   hold, answer the same 404.
 * - `createSignatureToken` also requires `expires_at` to be in the future.
 */
export const batchHandlers = (
  options: BatchHandlersOptions,
): Layer.Layer<
  HttpApiGroup.Service<"mode-discovery", "batch">,
  never,
  ListingStore | CredentialStore | SignatureAuth | AdminAuth | RequestValidation
> =>
  HttpApiBuilder.group(DiscoveryApi, "batch", (handlers) =>
    Effect.gen(function* () {
      const listings = yield* ListingStore;
      const credentials = yield* CredentialStore;
      const now = options.now ?? Date.now;
      const list = (resource: AnyResource) => ({ params, query }: ListRequest) =>
        Effect.gen(function* () {
          const principal = yield* SignaturePrincipal;
          if (principal.workspace !== params.workspace) {
            return yield* workspaceNotFound(params.workspace);
          }
          const address: ListingAddress = {
            resource,
            workspace: params.workspace,
            page: query.page,
            perPage: query.per_page,
            includeSpaces: query.include_spaces,
          };
          const read = yield* Effect.result(listings.page(address));
          if (read._tag === "Failure") return storeFailureResponse(read.failure);
          if (read.success === undefined) return yield* workspaceNotFound(params.workspace);
          return HttpServerResponse.text(renderPage(read.success, address, options.lastPageNext), {
            contentType: JSON_CONTENT_TYPE,
          });
        });
      const withTokens = handlers.handle("createSignatureToken", ({ params, payload }) =>
        Effect.gen(function* () {
          const admin = yield* AdminPrincipal;
          if (admin.workspace !== params.workspace) {
            return yield* workspaceNotFound(params.workspace);
          }
          const info = yield* Effect.result(listings.workspace(params.workspace));
          if (info._tag === "Failure") return storeFailureResponse(info.failure);
          if (info.success === undefined) {
            return yield* workspaceNotFound(params.workspace);
          }
          const request = payload.signature_token;
          const expiresAt = Date.parse(request.expires_at);
          if (!(expiresAt > now())) {
            return yield* new BadRequest({
              id: BadRequest.id,
              message: `Invalid body field signature_token.expires_at: ${
                JSON.stringify(request.expires_at)
              } is not in the future. Give a later ISO 8601 time such as ${
                new Date(now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 19)
              }Z.`,
            });
          }
          const created = yield* Effect.result(credentials.createSignatureToken(params.workspace, {
            name: request.name,
            creatorId: admin.userId,
            organizationId: info.success.organizationId,
            expiresAt: new Date(expiresAt),
          }));
          if (created._tag === "Failure") {
            return storeFailureResponse(created.failure);
          }
          return created.success;
        }));
      // One handler for every list endpoint. The group's types track endpoints one at a
      // time, so the loop goes through an untyped builder; the result names them all.
      type Endpoints = (typeof handlers)["~EndpointsByIdentifier"];
      type Requirements = typeof withTokens extends
        HttpApiBuilder.Handlers<infer R, Endpoints, infer _> ? R
        : never;
      let builder = withTokens as unknown as UntypedHandlers;
      for (const resource of resources) {
        builder = builder.handle(resource.endpointName, list(resource));
      }
      return builder as unknown as HttpApiBuilder.Handlers<
        Requirements,
        Endpoints,
        keyof Endpoints
      >;
    }));
