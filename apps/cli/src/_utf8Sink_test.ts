import assert from "node:assert/strict";
import { Utf8Sink } from "./_utf8Sink.ts";

/** A writer that keeps every byte, taking at most `most` bytes a call (as a pipe may). */
const recorder = (most = Infinity) => {
  const chunks: Array<Uint8Array> = [];
  let calls = 0;
  const write = (bytes: Uint8Array): Promise<number> => {
    calls++;
    const n = Math.min(bytes.length, most);
    chunks.push(bytes.slice(0, n));
    return Promise.resolve(n);
  };
  const text = () => {
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  };
  return { write, text, calls: () => calls };
};

Deno.test("Utf8Sink writes pieces in order as UTF-8, in one write when they fit", async () => {
  const out = recorder();
  const sink = new Utf8Sink(out.write);
  const pieces = ["Ventes — T3\n", "数据分析 📊\n", "", "plain\n"];
  await sink.write(pieces);
  assert.equal(out.text(), pieces.join(""));
  assert.equal(out.calls(), 1);
  await sink.write("and a string\n");
  assert.equal(out.text(), `${pieces.join("")}and a string\n`);
});

Deno.test("Utf8Sink writes everything through a writer that takes a few bytes a call", async () => {
  const out = recorder(7);
  const sink = new Utf8Sink(out.write);
  const text = "é📊中".repeat(50);
  await sink.write([text, text]);
  assert.equal(out.text(), text + text);
});

Deno.test("Utf8Sink writes more pieces than its buffer holds, and a piece larger than it", async () => {
  const many = recorder();
  const manySink = new Utf8Sink(many.write);
  const pieces = Array.from({ length: 100 }, (_, i) => `${i}:${"ü".repeat(16_000)}\n`);
  await manySink.write(pieces);
  assert.equal(many.text(), pieces.join(""));
  assert.ok(many.calls() > 1, "written out as the buffer fills");

  const large = recorder();
  const largeSink = new Utf8Sink(large.write);
  const piece = "x".repeat(3 << 20);
  await largeSink.write(["a\n", piece, "b\n"]);
  assert.equal(large.text(), `a\n${piece}b\n`);
});

Deno.test("Utf8Sink: writes made while one is under way come out whole, in order", async () => {
  const out = recorder(1_000);
  const sink = new Utf8Sink(out.write);
  const first = "a".repeat(10_000);
  const second = ["b".repeat(5_000), "c".repeat(5_000)];
  const third = "d".repeat(10);
  await Promise.all([sink.write(first), sink.write(second), sink.write(third)]);
  assert.equal(out.text(), first + second.join("") + third);
});

Deno.test("Utf8Sink: a failed write fails its caller only; later writes go out", async () => {
  let fail = true;
  const kept: Array<string> = [];
  const sink = new Utf8Sink((bytes) => {
    if (fail) return Promise.reject(new Error("disk full"));
    kept.push(new TextDecoder().decode(bytes));
    return Promise.resolve(bytes.length);
  });
  await assert.rejects(sink.write("lost\n"), /disk full/);
  fail = false;
  await sink.write("kept\n");
  assert.deepEqual(kept, ["kept\n"]);
});
