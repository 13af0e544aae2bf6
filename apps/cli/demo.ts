/**
 * `deno task demo`: serves a seeded workspace in-process and lists it with
 * `mode-discovery collections list`, over real HTTP on loopback.
 *
 * @module
 */
import { runDemo } from "./src/Demo.ts";

if (import.meta.main) Deno.exit(await runDemo());
