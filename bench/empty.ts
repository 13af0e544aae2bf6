// An empty script: the start-up baseline (`deno run bench/empty.ts`).
export {};
