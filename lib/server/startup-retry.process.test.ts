/**
 * A start-up full sync that fails is tried again, after 5 s, then 10 s, … (runtime.ts, fullSync), and
 * real-time sync waits for it. The fault is a real one: the server connects as a role that may not write
 * wfm.sync_cursors, which every full sync writes last in its transaction, so the run fails and keeps
 * nothing; once the grant is given, the next try succeeds. Waits on the server's log and the database,
 * never on sleeps — the backoffs themselves take 15 s.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { caughtUp, eventually, onEvent, startServer } from "../testing/servers";
import type { ServerProcess } from "./process";

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 3 });
});

it("tries a failed start-up full sync again after 5 s, then 10 s, and syncs once it can; real-time waits for it", async () => {
  const { sql } = database;
  const b = new Builder(sql);
  const t = await b.tenant();
  const sw = await b.switch(t);
  await b.site({ switchDbid: sw });
  const ann = await b.wholePerson(t, { logins: [sw] });
  await b.server("Retry", 2);

  // A role like the product's own, except that it may not move a cursor.
  const role = `wfm_retry_${randomBytes(4).toString("hex")}`;
  await sql.unsafe(`create role ${role} login password '${role}'`);
  let server: ServerProcess | undefined;
  try {
    await sql.unsafe(`grant usage on schema wfm, cfg to ${role}`);
    await sql.unsafe(`grant all on all tables in schema wfm, cfg to ${role}`);
    await sql.unsafe(`grant all on all sequences in schema wfm, cfg to ${role}`);
    await sql.unsafe(`revoke insert, update on wfm.sync_cursors from ${role}`);
    const url = new URL(database.url);
    url.username = role;
    url.password = role;
    server = await startServer({ url: url.toString() } as Database, "Retry");

    const fullRuns = () =>
      sql<{ id: number; trigger: string; status: string; error: string | null; startedAt: Date; finishedAt: Date | null }[]>`
        select id, trigger, status, error, started_at as "startedAt", finished_at as "finishedAt"
          from wfm.sync_runs where server = 'Retry' and kind = 'full' order by id`;
    await server.waitForLine(onEvent("sync:full:retry", { trigger: "startup", failures: 1, inMs: 5_000 }));
    const [first] = await fullRuns();
    expect(first).toMatchObject({ trigger: "startup", status: "failed", error: expect.stringContaining("permission denied for table sync_cursors") });
    expect(await b.agent(ann)).toBeUndefined(); // the failed run kept nothing
    // A change while the sync is due: real-time leaves it to the full sync rather than start without one.
    await sql`update cfg.persons set first_name = 'Meanwhile' where dbid = ${ann}`;

    // Still failing: tried again no sooner than 5 s later, and the next wait is twice as long.
    await server.waitForLine(onEvent("sync:full:retry", { trigger: "startup", failures: 2, inMs: 10_000 }), 60_000);
    await sql.unsafe(`grant insert, update on wfm.sync_cursors to ${role}`);
    const runs = await eventually(async () => {
      const rows = await fullRuns();
      return rows.length >= 3 && rows[2]!.status !== "running" ? rows : undefined;
    }, "the third try of the start-up full sync", 60_000);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ["startup", "failed"],
      ["startup", "failed"],
      ["startup", "succeeded"],
    ]);
    const gap = (i: number) => runs[i]!.startedAt.getTime() - runs[i - 1]!.finishedAt!.getTime();
    expect(gap(1)).toBeGreaterThanOrEqual(5_000);
    expect(gap(2)).toBeGreaterThanOrEqual(10_000);
    expect(await b.agent(ann)).toMatchObject({ firstName: "Meanwhile", siteId: expect.any(Number), terminationDate: null });
    expect(server.lines.filter(onEvent("realtime:stuck"))).toEqual([]);

    // Real-time runs only after that: a change now is applied.
    await sql`update cfg.persons set last_name = 'After' where dbid = ${ann}`;
    await caughtUp(sql, "Retry");
    expect(await b.agent(ann)).toMatchObject({ lastName: "After" });
    expect(await server.stop()).toBe(0);
  } finally {
    await server?.kill();
    await sql.unsafe(`drop owned by ${role}`);
    await sql.unsafe(`drop role ${role}`);
  }
});
