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

/** A text source giving `pieces` in order. */
const source = (pieces: ReadonlyArray<string>) => (emit: (piece: string) => void) => {
  for (const piece of pieces) emit(piece);
};

Deno.test("Utf8Sink writes a source's pieces in order as UTF-8, in one write", async () => {
  const out = recorder();
  const sink = new Utf8Sink(out.write);
  const pieces = ["Ventes — T3\n", "数据分析 📊\n", "", "plain\n"];
  await sink.write(source(pieces));
  assert.equal(out.text(), pieces.join(""));
  assert.equal(out.calls(), 1);
  await sink.write("and a string\n");
  assert.equal(out.text(), `${pieces.join("")}and a string\n`);
});

Deno.test("Utf8Sink writes everything through a writer that takes a few bytes a call", async () => {
  const out = recorder(7);
  const sink = new Utf8Sink(out.write);
  const text = "é📊中".repeat(50);
  await sink.write(source([text, text]));
  assert.equal(out.text(), text + text);
});

Deno.test("Utf8Sink writes texts larger than its buffer, and pieces too large to buffer, in order", async () => {
  const out = recorder();
  const sink = new Utf8Sink(out.write);
  const rows = Array.from({ length: 100 }, (_, i) => `${i}:${"ü".repeat(16_000)}\n`);
  await sink.write(source(rows));
  assert.equal(out.text(), rows.join(""));
  await sink.write("next\n");
  assert.equal(out.text(), `${rows.join("")}next\n`);

  const huge = recorder();
  const hugeSink = new Utf8Sink(huge.write);
  const piece = "x".repeat(23_000_000);
  await hugeSink.write(source(["a\n", piece, "b\n", "c\n"]));
  const text = huge.text();
  assert.equal(text.length, piece.length + 6);
  assert.ok(text.startsWith("a\nxxx") && text.endsWith("xxxb\nc\n"));
});

Deno.test("Utf8Sink: writes made while one is under way come out whole, in order", async () => {
  const out = recorder(1_000);
  const sink = new Utf8Sink(out.write);
  const first = "a".repeat(10_000);
  const second = ["b".repeat(5_000), "c".repeat(5_000)];
  const third = "d".repeat(10);
  await Promise.all([sink.write(first), sink.write(source(second)), sink.write(third)]);
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

Deno.test("Utf8Sink: a source that throws writes none of its text", async () => {
  const out = recorder();
  const sink = new Utf8Sink(out.write);
  await assert.rejects(
    sink.write((emit) => {
      emit("half of a page\n");
      throw new Error("bad row");
    }),
    /bad row/,
  );
  await sink.write("after\n");
  assert.equal(out.text(), "after\n");
});
