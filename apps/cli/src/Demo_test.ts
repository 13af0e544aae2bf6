import assert from "node:assert/strict";
import { textOf, type TextOut } from "./CliIO.ts";
import { headOut } from "./Demo.ts";

Deno.test("headOut passes the first lines through and counts the rest", async () => {
  const seen: Array<string> = [];
  const target: TextOut = {
    isTerminal: false,
    write: (t) => Promise.resolve(void seen.push(textOf(t))),
    writeSync: (t) => void seen.push(t),
  };
  const head = headOut(target, 3);
  await head.out.write("one\ntw");
  await head.out.write("o\nthree\nfour\n");
  head.out.writeSync("five\nsix");
  assert.deepEqual(seen, ["one\n", "two\nthree\n"]);
  assert.equal(head.hiddenLines(), 3);
});
