/**
 * Real-time cases the random model does not generate: a renamed switch that has free logins (logins outlive
 * their persons). The batch must touch only the persons who hold a login there, and move the cursor. And what
 * keeps a batch to a few milliseconds: its steps are prepared once per session, not planned at every batch.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createClient, type Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { runFullSync } from "./engine";
import { applyFeedBatch, newFeedSession } from "./realtime";

let database: Database;
let feed: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  feed = createClient(database.url, { max: 1 });
  return () => feed.close();
});

describe("real-time sync", () => {
  it("applies a renamed switch that has free logins on it", async () => {
    const { sql } = database;
    const b = new Builder(sql);
    await b.server("Feed", 2);
    const t = await b.tenant();
    const sw = await b.switch(t, "SW-Free");
    const held = await b.wholePerson(t, { logins: [sw], firstName: "Held" });
    const leaver = await b.wholePerson(t, { logins: [sw] });
    await sql`delete from cfg.persons where dbid = ${leaver}`; // its login stays, free
    await b.site({ switchDbid: sw, server: "Feed", name: "Free Site" });
    expect((await runFullSync(sql, { server: "Feed", trigger: "manual" })).status).toBe("succeeded");
    expect(await sql`select count(*)::int as n from cfg.agent_logins where switch_dbid = ${sw} and person_dbid is null`).toEqual([{ n: 1 }]);

    await sql`update cfg.switches set name = 'SW-Renamed' where dbid = ${sw}`;
    const batch = await applyFeedBatch(feed.sql, newFeedSession(), { server: "Feed", runId: null });
    expect(batch.changes).toBe(1);
    const [{ seq }] = (await sql`select seq from cfg.change_counter`) as unknown as [{ seq: number }];
    expect(await sql`select last_seq from wfm.sync_cursors where server = 'Feed'`).toEqual([{ last_seq: seq }]);
    expect(await sql`select site_id is not null as placed from wfm.agents where cfg_dbid = ${held}`).toEqual([{ placed: true }]);
  });

  it("prepares its steps once per session: the steps without parameters too", async () => {
    const { sql } = database;
    const b = new Builder(sql);
    await b.server("Prepared", 2);
    const t = await b.tenant();
    const person = await b.wholePerson(t, { firstName: "Once" });
    expect((await runFullSync(sql, { server: "Prepared", trigger: "manual" })).status).toBe("succeeded");
    const session = createClient(database.url, { max: 1, session: true });
    try {
      const feedSession = newFeedSession();
      let runId: number | null = null;
      for (let i = 0; i < 3; i++) {
        await sql`update cfg.persons set first_name = ${`Once ${i}`} where dbid = ${person}`;
        runId = (await applyFeedBatch(session.sql, feedSession, { server: "Prepared", runId })).runId;
      }
      expect(await sql`select first_name from wfm.agents where cfg_dbid = ${person}`).toEqual([{ first_name: "Once 2" }]);
      // postgres.js sends an unsafe query without parameters by the simple protocol, which prepares nothing.
      const prepared = (await session.sql<{ statement: string }[]>`select statement from pg_prepared_statements`).map((r) => r.statement.trim());
      for (const step of ["insert into feed_persons", "insert into sync_level_diff", "select count(*)::int as n from feed_batch"]) {
        expect(prepared.filter((s) => s.startsWith(step)), step).toHaveLength(1);
      }
    } finally {
      await session.close();
    }
  });
});
