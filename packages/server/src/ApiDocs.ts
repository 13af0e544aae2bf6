/**
 * The API's documentation: `/openapi.json`, generated from core's
 * `DiscoveryApi` with `OpenApi.fromApi`, and `/docs`, a Scalar reference
 * page with its script inlined and web fonts turned off, so it renders with
 * no internet access.
 *
 * @module
 */
import * as Layer from "effect/Layer";
import * as HttpRouter from "effect/http/HttpRouter";
import * as HttpServer from "effect/http/HttpServer";
import * as HttpApiScalar from "effect/http-api/HttpApiScalar";
import * as OpenApi from "effect/http-api/OpenApi";
import { DiscoveryApi } from "@mode-discovery/core";

let openApiText: string | undefined;

/**
 * The OpenAPI document of core's `DiscoveryApi`, as JSON text (built once).
 *
 * @example
 * ```ts
 * import { openApiJson } from "@mode-discovery/server";
 * JSON.parse(openApiJson()).paths["/batch/{workspace}/spaces"].get.summary;
 * // => "List collections for a workspace"
 * ```
 */
export const openApiJson = (): string =>
  openApiText ??= JSON.stringify(OpenApi.fromApi(DiscoveryApi));

/** System fonts for the docs page, since Scalar's own fonts would come from its CDN. */
const SYSTEM_FONTS = `:root {
  --scalar-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --scalar-font-code: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
}`;

let docsHtml: Promise<string> | undefined;

const renderDocs = async (): Promise<string> => {
  const web = HttpRouter.toWebHandler(
    HttpApiScalar.layer(DiscoveryApi, {
      path: "/docs",
      scalar: {
        withDefaultFonts: false,
        customCss: SYSTEM_FONTS,
        defaultOpenAllTags: true,
        // Scalar settings newer than effect's `ScalarConfig` type: no developer toolbar
        // (it appears on localhost), no telemetry.
        ...({ showDeveloperTools: "never", telemetry: false } as Record<string, unknown>),
      },
    }).pipe(Layer.provide(HttpServer.layerServices)),
    { disableLogger: true },
  );
  try {
    const response = await web.handler(new Request("http://localhost/docs"));
    if (response.status !== 200) throw new Error(`the docs page rendered with ${response.status}`);
    return await response.text();
  } finally {
    await web.dispose();
  }
};

/**
 * The HTML of the `/docs` page (rendered on first use, then kept): Scalar's
 * API reference of core's `DiscoveryApi`, script inlined, no web fonts, no
 * request to any other host.
 *
 * @example
 * ```ts
 * import { docsPage } from "@mode-discovery/server";
 * (await docsPage()).includes("/batch/{workspace}/spaces"); // => true
 * ```
 */
export const docsPage = (): Promise<string> => {
  docsHtml ??= renderDocs().catch((error) => {
    docsHtml = undefined;
    throw error;
  });
  return docsHtml;
};
