import assert from "node:assert/strict";
import { runSecrets } from "./Secrets.ts";

Deno.test("secrets: no CLI output, server log, answer, error or file (snapshot SQLite files included) holds a secret; the KV holds none in clear", async () => {
  const result = await runSecrets();
  assert.deepEqual(result.hits, []);
  assert.ok(result.cliRuns >= 30);
  assert.ok(result.kvFiles > 0 && result.kvBytes > 0, "the KV file was searched");
  assert.ok(
    result.snapshotFiles.some((f) => f.endsWith(".sqlite")),
    "snapshot files were searched",
  );
  assert.ok(
    result.snapshotFiles.some((f) => f.endsWith(".tmp")),
    "a killed snapshot's temporary file",
  );
});
