/**
 * SynchronizationTimeout (SPEC §2.5): a server with a timeout above 0 runs a full sync that often, besides
 * the one at start-up. The option is in minutes; this server's minute is 2 s (the runtime's `minuteMs`, 60 s
 * unless a test shortens it), so the test waits seconds, not minutes. It runs the server in this process:
 * what it proves — the flag registers the timeout, the loop schedules from the row, every interval — needs no
 * process of its own.
 */
import { beforeAll, expect, it } from "vitest";
import type { Database } from "../db/client";
import type { RunTrigger } from "../sync/runs";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { eventually } from "../testing/servers";
import { parseServerFlags } from "./options";
import { WfmServer } from "./runtime";

const MINUTE_MS = 2_000;

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

  const flags = parseServerFlags(["--name", "Timed", "--timeout", "1"]);
  const server = new WfmServer({ flags, databaseUrl: database.url, minuteMs: MINUTE_MS, pollMs: 100 });
  const runs: { trigger: RunTrigger; status?: string; startedAt: number; finishedAt?: number }[] = [];
  server.events.on("sync:full:start", ({ trigger }) => void runs.push({ trigger, startedAt: Date.now() }));
  server.events.on("sync:full:finish", ({ result }) => Object.assign(runs.at(-1)!, { status: result.status, finishedAt: Date.now() }));
  await server.start();
  try {
    const [row] = await database.sql`select sync_timeout_min from wfm.servers where name = 'Timed'`;
    expect(row!.sync_timeout_min).toBe(1);
    await eventually(async () => runs.filter((r) => r.finishedAt).length >= 3, "two scheduled full syncs", 60_000);
    expect(runs.slice(0, 3).map((r) => [r.trigger, r.status])).toEqual([
      ["startup", "succeeded"],
      ["schedule", "succeeded"],
      ["schedule", "succeeded"],
    ]);
    // Each one a whole minute (of this server's) after the last one ended, not sooner.
    for (const i of [1, 2]) expect(runs[i]!.startedAt - runs[i - 1]!.finishedAt!).toBeGreaterThanOrEqual(MINUTE_MS);
    const recorded = await database.sql`select trigger from wfm.sync_runs where server = 'Timed' and kind = 'full' order by id limit 3`;
    expect(recorded.map((r) => r.trigger)).toEqual(["startup", "schedule", "schedule"]);
  } finally {
    await server.stop();
  }
  expect(await server.finished()).toBe(0);
});
