/**
 * SynchronizationTimeout (SPEC §2.5): a server with a timeout above 0 runs a full sync that often, besides
 * the one at start-up. The option is in minutes, so this test waits a real minute (in parallel with the
 * other test files).
 */
import { beforeAll, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { eventually, startServer } from "../testing/servers";

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 3 });
});

it("runs a full sync every SynchronizationTimeout minutes, taken from its row (the flag only registers it)", async () => {
  const b = new Builder(database.sql);
  const t = await b.tenant();
  const sw = await b.switch(t);
  await b.site({ switchDbid: sw });
  await b.wholePerson(t, { logins: [sw] });
  const server = await startServer(database, "Timed", ["--timeout", "1"]);
  const [row] = await database.sql`select sync_timeout_min from wfm.servers where name = 'Timed'`;
  expect(row!.sync_timeout_min).toBe(1);
  const scheduled = await eventually(async () => {
    const runs = await database.sql`select trigger, status from wfm.sync_runs where server = 'Timed' and kind = 'full' order by id`;
    return runs.length >= 2 ? runs : undefined;
  }, "the scheduled full sync", 120_000);
  expect(scheduled.map((r) => r.trigger).slice(0, 2)).toEqual(["startup", "schedule"]);
  expect(await server.stop()).toBe(0);
});
