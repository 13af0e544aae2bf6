/**
 * Renders a collections page from pre-encoded rows, with core's page math.
 *
 * @internal
 * @module
 */
import { type LastPageNext, pageLinks, paginationInfo, totalPages } from "@mode-discovery/core";
import type { PageSlice } from "./CollectionStore.ts";

const encoder = new TextEncoder();
const COMMA = 0x2c;

/**
 * The JSON body of a page as UTF-8: `pagination`, `spaces`, `_links`, in
 * the order and form core's `CollectionsPage` schema encodes them. The
 * rows are copied once from the store's pre-encoded fragments.
 */
export const renderPage = (
  slice: PageSlice,
  page: number,
  perPage: number,
  lastPageNext: LastPageNext,
): Uint8Array => {
  const head = encoder.encode(
    `{"pagination":${
      JSON.stringify(paginationInfo({ page, perPage, totalCount: slice.totalCount }))
    },"spaces":[`,
  );
  const tail = encoder.encode(
    `],"_links":${
      JSON.stringify(
        pageLinks({
          workspace: slice.workspace,
          page,
          perPage,
          totalPages: totalPages(slice.totalCount, perPage),
          lastPageNext,
        }),
      )
    }}`,
  );
  const fragments = slice.spaces;
  let length = head.length + tail.length + Math.max(0, fragments.length - 1);
  for (const fragment of fragments) length += fragment.length;
  const body = new Uint8Array(length);
  body.set(head, 0);
  let offset = head.length;
  for (let i = 0; i < fragments.length; i++) {
    if (i > 0) body[offset++] = COMMA;
    body.set(fragments[i], offset);
    offset += fragments[i].length;
  }
  body.set(tail, offset);
  return body;
};

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
