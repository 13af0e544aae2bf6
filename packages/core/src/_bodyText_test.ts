import assert from "node:assert/strict";
import { readBody } from "./_bodyText.ts";

const encoder = new TextEncoder();

/** `response`'s body read and decoded at once. */
const bodyText = (response: Response): Promise<string> =>
  readBody(response).then((body) => body.text());

/** A response whose body arrives in `chunks`, each its own read. */
const chunked = (chunks: ReadonlyArray<Uint8Array>): Response =>
  new Response(
    new ReadableStream<Uint8Array>({
      type: "bytes",
      start: (controller) => {
        for (const chunk of chunks) controller.enqueue(chunk.slice());
        controller.close();
      },
    }),
  );

/** `text` cut into pieces of `size` bytes. */
const pieces = (text: string, size: number): Array<Uint8Array> => {
  const bytes = encoder.encode(text);
  const out: Array<Uint8Array> = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};

Deno.test("readBody reads a body in many pieces, as response.text() does", async (t) => {
  const cases = [
    { name: "empty", text: "" },
    { name: "one piece", text: JSON.stringify({ spaces: [{ id: 1, name: "Ünïcode ✓" }] }) },
    // Over the first buffer (512 KiB) and past several doublings.
    { name: "about 3 MB", text: JSON.stringify({ d: "é".repeat(1_500_000) }) },
    // Over the largest buffer kept for reuse.
    { name: "about 6 MB", text: "x".repeat(6 * 1024 * 1024 + 17) },
  ];
  for (const { name, text } of cases) {
    await t.step(name, async () => {
      // A multi-byte character split across two pieces is decoded whole.
      assert.equal(await bodyText(chunked(pieces(text, 7_777))), text);
      assert.equal(await bodyText(new Response(text)), text);
    });
  }
});

Deno.test("readBody drops a BOM and replaces malformed bytes, as response.text() does", async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d, 0xe2, 0x82]);
  assert.equal(await bodyText(chunked([bytes])), await new Response(bytes).text());
  assert.equal(await bodyText(chunked([bytes])), "{\ufffd}\ufffd");
});

Deno.test("readBody of a response without a body is empty", async () => {
  assert.equal(await bodyText(new Response(null, { status: 204 })), "");
});

Deno.test("readBody rejects when the body fails midway, and the next body reads whole", async () => {
  const failing = new Response(
    new ReadableStream<Uint8Array>({
      type: "bytes",
      pull: (controller) => {
        controller.enqueue(encoder.encode('{"spaces":['));
        controller.error(new TypeError("connection reset"));
      },
    }),
  );
  await assert.rejects(bodyText(failing), /connection reset/);
  assert.equal(await bodyText(chunked(pieces('{"spaces":[]}', 3))), '{"spaces":[]}');
});

Deno.test("bodies read one after another do not share bytes", async () => {
  // Read all first, decoded after: each keeps its own buffer until decoded.
  const texts = Array.from({ length: 12 }, (_, i) => `${i}:`.padEnd(100_000 + i * 1_000, "abc"));
  const read = await Promise.all(texts.map((text) => readBody(chunked(pieces(text, 65_536)))));
  assert.deepEqual(read.map((body) => body.text()), texts);
  // Buffers given back are reused: a shorter body after a longer one reads only its own bytes.
  assert.equal(await bodyText(chunked([encoder.encode("short")])), "short");
});

Deno.test("a body decodes once; one let go of cannot be decoded", async (t) => {
  const kinds = [
    { name: "a byte stream", make: (text: string) => chunked([encoder.encode(text)]) },
    { name: "another stream", make: (text: string) => new Response(text) },
  ];
  for (const { name, make } of kinds) {
    await t.step(name, async () => {
      const body = await readBody(make("once"));
      assert.equal(body.text(), "once");
      assert.throws(() => body.text(), /decoded or let go of already/);
      const dropped = await readBody(make("dropped"));
      dropped.release();
      dropped.release();
      assert.throws(() => dropped.text(), /decoded or let go of already/);
    });
  }
});
