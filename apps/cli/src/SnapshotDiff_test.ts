import assert from "node:assert/strict";
import { members, queries, reports, reportStats } from "@mode-discovery/core";
import { diffSnapshots } from "./SnapshotDiff.ts";
import { world, writeSnapshot } from "./SnapshotDatabase_test.ts";

Deno.test("diff: exactly the rows added, removed and changed, with the fields that changed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSnapshot(`${dir}/old.sqlite`, world());
    const edited = world();
    edited.get(reports)![0].name = "Revenue (EMEA)";
    edited.get(reports)![0].last_viewed_at = "2026-11-30T00:00:00.000Z";
    edited.get(queries)!.splice(1, 1);
    edited.get(members)!.push({ id: 11, token: "m11", state: "active", member_email: "li@x.com" });
    edited.get(reportStats)![0].editors_emails = ["ana@x.com"];
    await writeSnapshot(`${dir}/new.sqlite`, edited);

    const changes = [...diffSnapshots(`${dir}/old.sqlite`, `${dir}/new.sqlite`)];
    const brief = changes.map((c) =>
      `${c.resource} ${c.change} ${c.key} ${Object.keys(c.fields).join(",")}`
    );
    assert.deepEqual(
      brief.filter((line) => !line.includes(" added ") && !line.includes(" removed ")),
      [
        "reports changed 100 name,last_viewed_at",
        "report_stats changed 100 editors_emails",
      ],
    );
    assert.ok(
      brief.includes(`queries removed 1001 ${queries.columns.map((c) => c.name).join(",")}`),
    );
    assert.ok(brief.some((line) => line.startsWith("members added 11 ")));
    const name = changes.find((c) => c.change === "changed" && c.resource === "reports")!;
    assert.deepEqual(name.fields.name, { old: "Revenue", new: "Revenue (EMEA)" });
    assert.equal(name.token, "r100");
    const stats = changes.find((c) => c.resource === "report_stats")!;
    assert.deepEqual(stats.fields.editors_emails, {
      old: ["ana@x.com", "li@x.com"],
      new: ["ana@x.com"],
    });

    const ignoring = [...diffSnapshots(`${dir}/old.sqlite`, `${dir}/new.sqlite`, {
      resources: [reports],
      ignore: ["last_viewed_at"],
    })];
    assert.deepEqual(ignoring.map((c) => Object.keys(c.fields)), [["name"]]);
    const generator = diffSnapshots(`${dir}/old.sqlite`, `${dir}/old.sqlite`);
    let next = generator.next();
    while (!next.done) next = generator.next();
    assert.ok(next.value.every((c) => c.added === 0 && c.removed === 0 && c.changed === 0));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
