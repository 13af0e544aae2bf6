import assert from "node:assert/strict";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as HttpRouter from "effect/http/HttpRouter";
import * as HttpServer from "effect/http/HttpServer";
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder";
import * as OpenApi from "effect/http-api/OpenApi";
import { AdminAuth, DiscoveryApi, SignatureAuth, SignaturePrincipal } from "./DiscoveryApi.ts";
import { paginationInfo } from "./Pagination.ts";
import { RequestValidationLayer } from "./RequestValidation.ts";

Deno.test("OpenApi.fromApi documents both endpoints, their parameters, errors and security", () => {
  const spec = OpenApi.fromApi(DiscoveryApi);
  assert.equal(spec.info.title, "Mode Discovery API");
  const list = spec.paths["/batch/{workspace}/spaces"]?.get;
  assert.ok(list, "GET /batch/{workspace}/spaces is documented");
  assert.equal(list.summary, "List collections for a workspace");
  const params = (list.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
  assert.deepEqual(params, ["path:workspace", "query:page", "query:per_page"]);
  for (const status of [200, 400, 401, 404, 429]) {
    assert.ok(list.responses[status], `status ${status} documented`);
  }
  assert.ok(list.security?.some((s) => "bearer" in s));
  const create = spec.paths["/batch/{workspace}/signature_tokens"]?.post;
  assert.ok(create, "POST /batch/{workspace}/signature_tokens is documented");
  assert.ok(create.security?.some((s) => "basic" in s));
  assert.match(JSON.stringify(spec), /4146/, "the reference example is in the document");
});

// A minimal server over the contract, to exercise the request validation middleware.
const handlers = HttpApiBuilder.group(
  DiscoveryApi,
  "batch",
  (h) =>
    h.handle("listSpaces", ({ query }) =>
      Effect.succeed({
        pagination: paginationInfo({ page: query.page, perPage: query.per_page, totalCount: 0 }),
        spaces: [],
        _links: {},
      })).handle("createSignatureToken", () => Effect.die("not used")),
);
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
    ];
    for (const [query, message] of cases) {
      await t.step(query, async () => {
        const response = await handler(new Request(`http://x/batch/acme/spaces?${query}`));
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
    await t.step("a valid request passes through", async () => {
      const response = await handler(new Request("http://x/batch/acme/spaces?page=2&per_page=5"));
      assert.equal(response.status, 200);
      assert.deepEqual((await response.json()).pagination.page, 2);
    });
  } finally {
    await dispose();
  }
});
