import assert from "node:assert/strict";
import { base64Encode, parseBearer } from "@mode-discovery/core";
import { bearerToken } from "./_bearerToken.ts";

Deno.test("bearer token: agrees with core's parseBearer on the token of valid values", () => {
  for (
    const creds of [
      "devtoken0001:devkey:dev:secret:with:colons",
      "a:b:c",
      "tok:key:sec",
      "töken-ünicode:key:secret",
      "t0123456789abcdef0123456789abcdef:k:s",
    ]
  ) {
    const header = `Bearer ${base64Encode(creds)}`;
    const parsed = parseBearer(header);
    assert.ok(parsed._tag === "Parsed");
    assert.equal(bearerToken(header), parsed.token, creds);
    assert.equal(bearerToken(`  bearer   ${base64Encode(creds)} `), parsed.token);
  }
});

Deno.test("bearer token: no token from values that name none", () => {
  for (
    const header of [
      null,
      "",
      "Basic YTpi",
      "Bearer",
      "Bearer !!!",
      `Bearer ${base64Encode(":key:secret")}`,
      `Bearer ${base64Encode("no-colon-at-all")}`,
    ]
  ) {
    assert.equal(bearerToken(header), undefined, String(header));
  }
});
