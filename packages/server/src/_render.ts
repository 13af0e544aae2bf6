/**
 * Renders a collections page from pre-encoded rows, with core's page math.
 *
 * @internal
 * @module
 */
import { type LastPageNext, pageLinks, paginationInfo, totalPages } from "@mode-discovery/core";
import type { PageSlice } from "./CollectionStore.ts";

/**
 * The JSON body of a page: `pagination`, `spaces`, `_links`, in the order
 * and form core's `CollectionsPage` schema encodes them, the rows taken as
 * they are from the store's pre-encoded fragments.
 */
export const renderPage = (
  slice: PageSlice,
  page: number,
  perPage: number,
  lastPageNext: LastPageNext,
): string =>
  `{"pagination":${
    JSON.stringify(paginationInfo({ page, perPage, totalCount: slice.totalCount }))
  },"spaces":[${slice.spaces.join(",")}],"_links":${
    JSON.stringify(
      pageLinks({
        workspace: slice.workspace,
        page,
        perPage,
        totalPages: totalPages(slice.totalCount, perPage),
        lastPageNext,
      }),
    )
  }}`;

/** The content type of every response. */
export const JSON_CONTENT_TYPE = "application/json";

/** A JSON `{id, message}` error response. */
export const errorResponse = (
  status: number,
  id: string,
  message: string,
  headers?: Record<string, string>,
): Response =>
  new Response(JSON.stringify({ id, message }), {
    status,
    headers: { "content-type": JSON_CONTENT_TYPE, ...headers },
  });
