import assert from "node:assert/strict";
import { AdminCredentials, base64Encode, SignatureCredentials } from "@mode-discovery/core";
import { Redactor } from "./Redactor.ts";

Deno.test("the redactor scrubs every part of the credentials and their header values", () => {
  const redactor = Redactor.empty
    .addSignature(
      SignatureCredentials.fromStrings({
        token: "tok-1234",
        accessKey: "key-5678",
        accessSecret: "sec-9abc",
      }),
    )
    .addAdmin(AdminCredentials.fromStrings({ apiKey: "api-key-1", apiSecret: "api-secret-2" }));
  const bearer = base64Encode("tok-1234:key-5678:sec-9abc");
  const basic = base64Encode("api-key-1:api-secret-2");
  assert.equal(
    redactor.scrub(
      `a tok-1234 b key-5678 c sec-9abc d ${bearer} e api-key-1 f api-secret-2 g ${basic}`,
    ),
    "a <redacted> b <redacted> c <redacted> d <redacted> e <redacted> f <redacted> g <redacted>",
  );
});

Deno.test("the redactor leaves short values alone rather than mangling words", () => {
  assert.equal(Redactor.empty.add(["s", "ab"]).scrub("sabs"), "sabs");
  assert.equal(Redactor.empty.scrub("nothing known"), "nothing known");
});
