import assert from "node:assert/strict";
import { hmacSha256, sha256, sha256Hex } from "./_sha256.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));

Deno.test("sha256: the FIPS 180-4 examples", () => {
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256: agrees with Web Crypto at every length around the block edges", async () => {
  for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097]) {
    const message = random(length);
    const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", message));
    assert.equal(hex(sha256(message)), hex(expected), `length ${length}`);
  }
});

Deno.test("hmac-sha256: agrees with Web Crypto for short, block-sized and long keys", async () => {
  for (const keyLength of [0, 16, 32, 64, 65, 200]) {
    const key = random(keyLength);
    const mac = hmacSha256(key);
    const webKey = keyLength === 0 ? undefined : await crypto.subtle.importKey(
      "raw",
      key,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    for (const length of [0, 1, 63, 64, 100, 300]) {
      const message = random(length);
      if (webKey === undefined) {
        // Web Crypto refuses an empty HMAC key; RFC 2104 pads it with zeros like any short key.
        assert.equal(hex(mac(message)), hex(hmacSha256(new Uint8Array(64))(message)));
        continue;
      }
      const expected = new Uint8Array(await crypto.subtle.sign("HMAC", webKey, message));
      assert.equal(hex(mac(message)), hex(expected), `key ${keyLength}, message ${length}`);
    }
  }
});
