/**
 * A real WFM Server of a second configuration source (SPEC §2.9): registered with --source, woken by its own
 * source's feed, and moved to another source while it runs — without a restart.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { caughtUp, eventually, onEvent, startServer } from "../testing/servers";
import { resetTwoSources } from "../testing/sources";

let database: Database;
let main: Builder;
let eu: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  main = new Builder(database.sql);
  eu = new Builder(database.sql, "eu");
});
beforeEach(() => resetTwoSources(database.sql));

describe("a WFM Server of source eu", () => {
  it("syncs eu's changes as they happen, and follows a move to main without a restart", async () => {
    const { sql } = database;
    const te = await eu.tenant("EU");
    const dublin = await eu.switch(te, "Dublin SW");
    await eu.site({ switchDbid: dublin, name: "Dublin" });
    const eoin = await eu.person(te, { username: "eoin", lastName: "Walsh", logins: [dublin] });
    const tm = await main.tenant("Main");
    const paris = await main.switch(tm, "Paris SW");
    await main.site({ switchDbid: paris, name: "Paris" });
    const ana = await main.person(tm, { username: "ana", logins: [paris] });

    const server = await startServer(database, "EU-1", ["--source", "eu"]);
    await caughtUp(sql, "EU-1");
    const [registered] = await sql`select source from wfm.servers where name = 'EU-1'`;
    expect(registered!.source).toBe("eu");
    expect(await eu.agent(eoin)).toMatchObject({ lastName: "Walsh" });
    expect(await main.agent(ana)).toBeUndefined();

    // A change in eu reaches WFM through eu's own feed; one in main does not concern this server.
    await sql`update cfg_eu.persons set last_name = 'Byrne' where dbid = ${eoin}`;
    await sql`update cfg.persons set last_name = 'Other' where dbid = ${ana}`;
    await caughtUp(sql, "EU-1");
    expect(await eu.agent(eoin)).toMatchObject({ lastName: "Byrne" });
    expect(await main.agent(ana)).toBeUndefined();

    // Moved to main, as the console does it: the server notices at its next cache check, syncs main in full,
    // and from then on follows main's feed.
    await sql`update wfm.servers set source = 'main', cache_slack_s = 1 where name = 'EU-1'`;
    await server.waitForLine(onEvent("scope:source:changed", { previous: "eu", source: "main" }));
    await eventually(async () => (await main.agent(ana)) !== undefined, "the full sync of main after the move");
    const [full] = await sql`select source, trigger from wfm.sync_runs where server = 'EU-1' and kind = 'full' order by id desc limit 1`;
    expect(full).toMatchObject({ source: "main", trigger: "scope" });
    await sql`update cfg.persons set last_name = 'Moreau' where dbid = ${ana}`;
    await caughtUp(sql, "EU-1");
    expect(await main.agent(ana)).toMatchObject({ lastName: "Moreau" });
    // eu's agents stay as they were: nobody syncs eu now.
    await sql`update cfg_eu.persons set last_name = 'Kelly' where dbid = ${eoin}`;
    await sql`update cfg.persons set first_name = 'Anaïs' where dbid = ${ana}`;
    await caughtUp(sql, "EU-1");
    expect(await eu.agent(eoin)).toMatchObject({ lastName: "Byrne" });
    await server.stop();
  });

  it("refuses to register for a source that does not exist, in one line", async () => {
    // The process says one line and exits; the test's launcher reports that line.
    const refused = startServer(database, "NOWHERE-1", ["--source", "nowhere"]);
    await expect(refused).rejects.toThrow(/did not start: wfm-sync: --source nowhere: there is no configuration source named "nowhere"\. Add it/);
    await expect(refused).rejects.not.toThrow(/\n\s+at /);
  });
});
