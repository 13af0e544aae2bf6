/**
 * Renders a page of any resource from pre-encoded rows, with core's page
 * math and links, and the `{id, message}` error answers, with core's
 * `errorBody`.
 *
 * @internal
 * @module
 */
import {
  errorBody,
  type LastPageNext,
  pageLinks,
  paginationInfo,
  totalPages,
} from "@mode-discovery/core";
import type { ListingAddress, PageSlice } from "./ListingStore.ts";

/**
 * The JSON body of a page: `pagination`, the resource's array, `_links`, in
 * the order and form the resource's page schema encodes them, the rows
 * taken as they are from the store's pre-encoded fragments.
 */
export const renderPage = (
  slice: PageSlice,
  address: ListingAddress,
  lastPageNext: LastPageNext,
): string => {
  const { page, perPage } = address;
  return `{"pagination":${
    JSON.stringify(paginationInfo({ page, perPage, totalCount: slice.totalCount }))
  },"${address.resource.segment}":[${slice.rows.join(",")}],"_links":${
    JSON.stringify(
      pageLinks(
        {
          route: address.resource,
          workspace: address.workspace,
          page,
          perPage,
          includeSpaces: address.includeSpaces,
        },
        totalPages(slice.totalCount, perPage),
        lastPageNext,
      ),
    )
  }}`;
};

/** The content type of every API answer. */
export const JSON_CONTENT_TYPE = "application/json";

/** A JSON `{id, message}` error response (core's `errorBody`). */
export const errorResponse = (
  status: number,
  id: string,
  message: string,
  headers?: Record<string, string>,
): Response =>
  new Response(errorBody(id, message), {
    status,
    headers: { "content-type": JSON_CONTENT_TYPE, ...headers },
  });
