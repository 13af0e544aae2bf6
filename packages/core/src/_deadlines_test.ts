import assert from "node:assert/strict";
import { Deadlines } from "./_deadlines.ts";

/** Resolves when `done()` is true, polling; rejects after `capMs`. */
const until = async (done: () => boolean, capMs = 5_000): Promise<void> => {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > capMs) throw new Error(`not done within ${capMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

Deno.test("Deadlines: a deadline expires once it has passed, not before", async () => {
  const deadlines = new Deadlines();
  let expired = 0;
  const started = performance.now();
  let expiredAfter = 0;
  deadlines.add(40, () => {
    expired++;
    expiredAfter = performance.now() - started;
  });
  assert.equal(expired, 0);
  await until(() => expired > 0);
  assert.ok(expiredAfter >= 39, `expired after ${expiredAfter} ms`);
  assert.equal(deadlines.size, 0);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(expired, 1);
});

Deno.test("Deadlines: a removed deadline never expires, the others still do", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const first = deadlines.add(10, () => expired.push("first"));
  deadlines.add(30, () => expired.push("second"));
  deadlines.remove(first);
  deadlines.remove(first);
  await until(() => expired.length > 0);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(expired, ["second"]);
});

Deno.test("Deadlines: an earlier deadline added later expires first", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const late = deadlines.add(60_000, () => expired.push("late"));
  deadlines.add(20, () => expired.push("early"));
  await until(() => expired.length > 0);
  assert.deepEqual(expired, ["early"]);
  assert.equal(deadlines.size, 1);
  deadlines.remove(late);
});

Deno.test("Deadlines: many deadlines at once all expire, in one pass or several", async () => {
  const deadlines = new Deadlines();
  let expired = 0;
  for (let i = 0; i < 100; i++) deadlines.add(5 + (i % 7) * 5, () => expired++);
  await until(() => expired === 100);
  assert.equal(deadlines.size, 0);
});

Deno.test("Deadlines: once its deadlines are removed, a process exits at once", async () => {
  const module = new URL("./_deadlines.ts", import.meta.url).href;
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Deadlines } from ${JSON.stringify(module)};
       const deadlines = new Deadlines();
       const first = deadlines.add(60_000, () => console.log("expired"));
       const second = deadlines.add(90_000, () => console.log("expired"));
       await new Promise((resolve) => setTimeout(resolve, 20));
       deadlines.remove(first);
       deadlines.remove(second);
       console.log("done");`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  assert.equal(new TextDecoder().decode(output.stderr), "");
  assert.equal(new TextDecoder().decode(output.stdout), "done\n");
  assert.equal(output.code, 0);
  assert.ok(elapsed < 30_000, `the process waited ${elapsed} ms for a removed deadline`);
});

Deno.test("Deadlines: a deadline waiting keeps a process alive until it expires or is removed", async () => {
  const module = new URL("./_deadlines.ts", import.meta.url).href;
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Deadlines } from ${JSON.stringify(module)};
       const deadlines = new Deadlines();
       deadlines.remove(deadlines.add(60_000, () => console.log("removed, yet expired")));
       const late = deadlines.add(120_000, () => console.log("late expired"));
       deadlines.add(50, () => {
         console.log("expired");
         deadlines.remove(late);
       });`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(output.stderr), "");
  assert.equal(new TextDecoder().decode(output.stdout), "expired\n");
  assert.equal(output.code, 0);
});
