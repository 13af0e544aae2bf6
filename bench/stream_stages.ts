/**
 * What stream stages per page cost a listing, with nothing else in the way:
 * 100 pages of 1,000 items, each page an answer that comes in on a
 * microtask, taken in order and consumed a page at a time with
 * `Stream.runForEachArray` (as bench/our_list.ts consumes the client).
 *
 * - `stages`: the shape the client's totals walk had before it became one
 *   pull: `Stream.paginate` over the answers, then map, takeUntil, concat,
 *   unwrap, filter and flattenArray, with `onExit` for the summary.
 * - `pull`: one `Channel.fromTransform` pull giving each page as a chunk,
 *   the shape of the walk now (`pulledTotals` in packages/core/src/_walk.ts).
 * - `loop`: a plain `await` loop, no effect at all.
 *
 * Usage: `deno run bench/stream_stages.ts stages|pull|loop`, one shape per
 * process, so that the first run is cold (nothing compiled yet) as in a
 * listing. It prints the cold run and the median of 10 warm runs, in ms,
 * and the checksum of the items (the same for every shape).
 *
 * @module
 */
import * as Cause from "effect/Cause";
import * as Channel from "effect/Channel";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import * as Stream from "effect/Stream";

type Item = { readonly id: number };
type Chunk = readonly [Item, ...Array<Item>];

const PAGES = 100;
const pages: ReadonlyArray<Chunk> = Array.from(
  { length: PAGES },
  (_, p) => Array.from({ length: 1000 }, (_, i) => ({ id: p * 1000 + i })) as unknown as Chunk,
);

/** Page `p`'s answer, in on a microtask. */
const answer = (p: number): Promise<Chunk> =>
  new Promise((resolve) => queueMicrotask(() => resolve(pages[p])));

const answerEffect = (p: number): Effect.Effect<Chunk> =>
  Effect.callback<Chunk>((resume) => {
    answer(p).then((items) => resume(Effect.succeed(items)));
  });

const stages = (): Stream.Stream<Item> => {
  let done = false;
  const taken = Stream.paginate<number, readonly [number, Chunk]>(
    0,
    (p) =>
      Effect.map(answerEffect(p), (items) =>
        [
          [[p, items] as const],
          p + 1 < PAGES ? Option.some(p + 1) : Option.none(),
        ] as const),
  );
  return Stream.unwrap(Effect.succeed(taken.pipe(
    Stream.map(([p, items]): ReadonlyArray<Item> => {
      if (p === PAGES - 1) done = true;
      return items;
    }),
    Stream.takeUntil(() => done),
    Stream.concat(Stream.suspend(() => Stream.empty)),
  ))).pipe(
    Stream.filter((batch): batch is Chunk => batch.length > 0),
    Stream.flattenArray,
    Stream.onExit(() => Effect.void),
  );
};

const pull = (): Stream.Stream<Item> =>
  Stream.fromChannel(Channel.fromTransform(() =>
    Effect.sync(() => {
      let p = 0;
      return Effect.suspend(() => p >= PAGES ? Cause.done() : answerEffect(p++));
    })
  ));

const consume = (stream: Stream.Stream<Item>): Promise<number> =>
  Effect.runPromise(Effect.suspend(() => {
    let sum = 0;
    return Effect.as(
      Stream.runForEachArray(stream, (batch) =>
        Effect.sync(() => {
          for (const item of batch) sum += item.id;
        })),
      Effect.sync(() => sum),
    ).pipe(Effect.flatten);
  }));

const loop = async (): Promise<number> => {
  let sum = 0;
  for (let p = 0; p < PAGES; p++) {
    for (const item of await answer(p)) sum += item.id;
  }
  return sum;
};

const shapes: Record<string, () => Promise<number>> = {
  stages: () => consume(stages()),
  pull: () => consume(pull()),
  loop,
};

const shape = Deno.args[0] ?? "";
const run = shapes[shape];
if (run === undefined) {
  console.error(
    `stream_stages: give one shape, stages, pull or loop (not ${JSON.stringify(shape)})`,
  );
  Deno.exit(2);
}
let started = performance.now();
const checksum = await run();
const cold = performance.now() - started;
const warm: Array<number> = [];
for (let i = 0; i < 10; i++) {
  started = performance.now();
  if (await run() !== checksum) throw new Error(`${shape}: a different checksum`);
  warm.push(performance.now() - started);
}
warm.sort((a, b) => a - b);
console.log(
  `${shape}: cold ${cold.toFixed(1)} ms, warm ${
    warm[5].toFixed(1)
  } ms (median of 10), checksum ${checksum}`,
);
