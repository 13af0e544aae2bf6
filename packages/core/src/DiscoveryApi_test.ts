import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as HttpRouter from "effect/http/HttpRouter";
import * as HttpServer from "effect/http/HttpServer";
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder";
import type * as HttpApiGroup from "effect/http-api/HttpApiGroup";
import * as OpenApi from "effect/http-api/OpenApi";
import {
  AdminAuth,
  DiscoveryApi,
  type RequestValidation,
  SignatureAuth,
  SignaturePrincipal,
} from "./DiscoveryApi.ts";
import { paginationInfo } from "./Pagination.ts";
import { RequestValidationLayer } from "./RequestValidation.ts";
import { resources } from "./Resources.ts";

Deno.test("OpenApi.fromApi documents every endpoint, its parameters, errors and security", async (t) => {
  const spec = OpenApi.fromApi(DiscoveryApi);
  assert.equal(spec.info.title, "Mode Discovery API");
  for (const resource of resources) {
    await t.step(resource.name, () => {
      const list = spec.paths[`/batch/{workspace}/${resource.segment}`]?.get;
      assert.ok(list, `GET /batch/{workspace}/${resource.segment} is documented`);
      assert.equal(list.summary, `List ${resource.plural} for a workspace`);
      const params = (list.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
      assert.deepEqual(
        params,
        [
          "path:workspace",
          "query:page",
          "query:per_page",
          ...(resource.includeSpaces ? ["query:include_spaces"] : []),
        ].sort(),
      );
      for (const status of [200, 400, 401, 404, 429]) {
        assert.ok(list.responses[status], `status ${status} documented`);
      }
      assert.ok(list.security?.some((s) => "bearer" in s));
      assert.ok(spec.components.schemas[resource.title], `schema ${resource.title} is named`);
    });
  }
  const names = Object.keys(spec.components.schemas);
  for (const name of ["Collection", "Report", "NotFound", "Unauthorized", "BadRequest"]) {
    assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
  }
  assert.equal(names.some((name) => name.endsWith("Encoded")), false, names.join(", "));
  const create = spec.paths["/batch/{workspace}/signature_tokens"]?.post;
  assert.ok(create, "POST /batch/{workspace}/signature_tokens is documented");
  assert.ok(create.security?.some((s) => "basic" in s));
  assert.match(JSON.stringify(spec), /4146/, "the reference example is in the document");
});

// A minimal server over the contract, to exercise the request validation middleware.
// deno-lint-ignore no-explicit-any
type AnyHandlers = any;
const handlers = HttpApiBuilder.group(
  DiscoveryApi,
  "batch",
  (h) =>
    resources.reduce(
      (all: AnyHandlers, resource) =>
        all.handle(
          resource.endpointName,
          ({ query }: { query: { page: number; per_page: number } }) =>
            Effect.succeed({
              pagination: paginationInfo({
                page: query.page,
                perPage: query.per_page,
                totalCount: 0,
              }),
              [resource.segment]: [],
              _links: {},
            }),
        ),
      h,
    ).handle("createSignatureToken", () => Effect.die("not used")),
) as unknown as Layer.Layer<
  HttpApiGroup.Service<"mode-discovery", "batch">,
  never,
  SignatureAuth | AdminAuth | RequestValidation
>;
const auth = Layer.succeed(SignatureAuth, {
  bearer: (effect) =>
    Effect.provideService(effect, SignaturePrincipal, { workspace: "acme", token: "t" }),
});
const admin = Layer.succeed(AdminAuth, { basic: () => Effect.die("not used") });

Deno.test("a request that fails decoding gets a 400 bad_request naming the parameter", async (t) => {
  const app = HttpApiBuilder.layer(DiscoveryApi).pipe(
    Layer.provide(handlers.pipe(Layer.provide([auth, admin, RequestValidationLayer]))),
    Layer.provide(HttpServer.layerServices),
  );
  const { handler, dispose } = HttpRouter.toWebHandler(app, { disableLogger: true });
  try {
    const cases: Array<[string, RegExp]> = [
      ["per_page=0", /per_page: got "0"\. per_page must be a whole number from 1 to 1000/],
      ["per_page=abc", /per_page: got "abc"/],
      ["per_page=", /per_page: got an empty value/],
      ["per_page=1&per_page=2", /per_page: given 2 times\. Give it once/],
      ["page=0", /page: got "0"\. page must be a whole number of 1 or more/],
      ["reports?include_spaces=ALL", /include_spaces: got "ALL"\. include_spaces must be all/],
      ["queries?include_spaces=", /include_spaces: got an empty value/],
      ["charts?include_spaces=all&include_spaces=all", /include_spaces: given 2 times/],
      ["report_stats?include_spaces=none", /include_spaces: got "none"/],
    ];
    for (const [query, message] of cases) {
      await t.step(query, async () => {
        const path = query.includes("?") ? query : `spaces?${query}`;
        const response = await handler(new Request(`http://x/batch/acme/${path}`));
        assert.equal(response.status, 400);
        assert.match(response.headers.get("content-type") ?? "", /application\/json/);
        const body = await response.json();
        assert.equal(body.id, "bad_request");
        assert.match(body.message, message);
        assert.deepEqual(Object.keys(body).sort(), ["id", "message"]);
      });
    }
    await t.step("a workspace with odd characters names the path parameter", async () => {
      const response = await handler(new Request("http://x/batch/%3Cscript%3E/spaces"));
      assert.equal(response.status, 400);
      assert.match((await response.json()).message, /path parameter workspace/);
    });
    await t.step("collections and members ignore include_spaces", async () => {
      for (const segment of ["spaces", "members"]) {
        const response = await handler(
          new Request(`http://x/batch/acme/${segment}?include_spaces=none`),
        );
        assert.equal(response.status, 200, segment);
        await response.body?.cancel();
      }
    });
    await t.step("a valid request passes through", async () => {
      const response = await handler(new Request("http://x/batch/acme/spaces?page=2&per_page=5"));
      assert.equal(response.status, 200);
      assert.deepEqual((await response.json()).pagination.page, 2);
    });
  } finally {
    await dispose();
  }
});
