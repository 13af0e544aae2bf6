/**
 * The handlers of core's `batch` group: list a workspace's collections and
 * create signature tokens, on a {@link CollectionStore}.
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
  BadRequest,
  DiscoveryApi,
  type LastPageNext,
  type RequestValidation,
  type SignatureAuth,
  SignaturePrincipal,
} from "@mode-discovery/core";
import { CollectionStore } from "./CollectionStore.ts";
import { JSON_CONTENT_TYPE, renderPage } from "./_render.ts";
import { storeFailureResponse, workspaceNotFound } from "./_responses.ts";

/** What the handlers need besides the store. */
export interface BatchHandlersOptions {
  /** The last page's `next_page` quirk. */
  readonly lastPageNext: LastPageNext;
  /** Clock in epoch milliseconds (to check `expires_at`). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/**
 * The `batch` group of `DiscoveryApi`, implemented on the store.
 *
 * **Details**
 *
 * - `listSpaces` answers with the page's pre-encoded JSON (an
 *   `HttpServerResponse`, skipping Schema encoding on the hot path); the
 *   body is exactly what `CollectionsPage` encodes to (tested).
 * - Credentials of another workspace, and a workspace the store does not
 *   hold, answer the same 404.
 * - `createSignatureToken` also requires `expires_at` to be in the future.
 */
export const batchHandlers = (
  options: BatchHandlersOptions,
): Layer.Layer<
  HttpApiGroup.Service<"mode-discovery", "batch">,
  never,
  CollectionStore | SignatureAuth | AdminAuth | RequestValidation
> =>
  HttpApiBuilder.group(DiscoveryApi, "batch", (handlers) =>
    Effect.gen(function* () {
      const store = yield* CollectionStore;
      const now = options.now ?? Date.now;
      return handlers
        .handle("listSpaces", ({ params, query }) =>
          Effect.gen(function* () {
            const principal = yield* SignaturePrincipal;
            if (principal.workspace !== params.workspace) {
              return yield* workspaceNotFound(params.workspace);
            }
            const read = yield* Effect.result(
              store.page(params.workspace, query.page, query.per_page),
            );
            if (read._tag === "Failure") return storeFailureResponse(read.failure);
            if (read.success === undefined) return yield* workspaceNotFound(params.workspace);
            return HttpServerResponse.text(
              renderPage(read.success, query.page, query.per_page, options.lastPageNext),
              { contentType: JSON_CONTENT_TYPE },
            );
          }))
        .handle("createSignatureToken", ({ params, payload }) =>
          Effect.gen(function* () {
            const admin = yield* AdminPrincipal;
            if (admin.workspace !== params.workspace) {
              return yield* workspaceNotFound(params.workspace);
            }
            const info = yield* Effect.result(store.workspace(params.workspace));
            if (info._tag === "Failure") return storeFailureResponse(info.failure);
            if (info.success === undefined) return yield* workspaceNotFound(params.workspace);
            const request = payload.signature_token;
            const expiresAt = Date.parse(request.expires_at);
            if (!(expiresAt > now())) {
              return yield* new BadRequest({
                id: "bad_request",
                message: `Invalid body field signature_token.expires_at: ${
                  JSON.stringify(request.expires_at)
                } is not in the future. Give a later ISO 8601 time such as ${
                  new Date(now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 19)
                }Z.`,
              });
            }
            const created = yield* Effect.result(store.createSignatureToken(params.workspace, {
              name: request.name,
              creatorId: admin.userId,
              expiresAt: new Date(expiresAt),
            }));
            if (created._tag === "Failure") return storeFailureResponse(created.failure);
            return created.success;
          }));
    }));
