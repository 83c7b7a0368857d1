/**
 * Real-time sync end to end: a real WFM Server process, cfg written through SQL as any cfg writer would,
 * and WFM (and the sync log) read back once the server's cursor has caught up with the feed.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { caughtUp, eventually, onEvent, realtimeLog, startServer } from "../testing/servers";
import { resetWorld } from "../testing/world";
import { getRequest, requestSync } from "../sync/requests";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

describe("a WFM Server applies every kind of cfg change as it happens", () => {
  it("agents, their information, skills and levels, skills and time zones, logins and deleted persons — with the log lines", async () => {
    const { sql } = database;
    const t = await b.tenant("Acme");
    const [sw1, sw2] = [await b.switch(t, "SW-East"), await b.switch(t, "SW-West")];
    const east = await b.site({ switchDbid: sw1, name: "East" });
    const west = await b.site({ switchDbid: sw2, name: "West" });
    await b.timeZone(t, "Eastern", "America/New_York");
    const sales = await b.skill(t, "Sales");
    const billing = await b.skill(t, "Billing");
    const ann = await b.person(t, { username: "ann", firstName: "Ann", lastName: "Lee", logins: [sw1], skills: { [sales]: 3 } });
    await b.server("RT", 2);
    const server = await startServer(database, "RT");
    await caughtUp(sql, "RT");
    expect(await b.agent(ann)).toMatchObject({ lastName: "Lee", siteId: east });

    // A new agent: a person, its login and a level, in one transaction.
    const bob = await b.wholePerson(t, { username: "bob", firstName: "Bob", lastName: "Ray", logins: [sw1], skills: { [sales]: 5 } });
    await caughtUp(sql, "RT");
    expect(await b.agent(bob)).toMatchObject({ username: "bob", siteId: east });
    expect(await b.agentSkills(bob)).toEqual({ Sales: 5 });
    expect((await realtimeLog(sql, "RT", String(bob)))[0]).toMatch(/^added: added: Bob Ray \(bob\), site East, 1 skill levels$/);

    // Agent information.
    await sql`update cfg.persons set last_name = 'Lee-Smith', email = 'ann@new.example' where dbid = ${ann}`;
    await caughtUp(sql, "RT");
    expect(await b.agent(ann)).toMatchObject({ lastName: "Lee-Smith", email: "ann@new.example" });
    expect(await realtimeLog(sql, "RT", String(ann))).toContain(
      "updated: last name: Lee → Lee-Smith; email: ann@example.com → ann@new.example",
    );

    // Skills of an agent: added, level changed, deleted.
    await sql`insert into cfg.skill_levels (person_dbid, skill_dbid, level) values (${ann}, ${billing}, 2)`;
    await sql`update cfg.skill_levels set level = 4 where person_dbid = ${ann} and skill_dbid = ${sales}`;
    await caughtUp(sql, "RT");
    expect(await b.agentSkills(ann)).toEqual({ Billing: 2, Sales: 4 });
    await sql`delete from cfg.skill_levels where person_dbid = ${ann} and skill_dbid = ${billing}`;
    await caughtUp(sql, "RT");
    expect(await b.agentSkills(ann)).toEqual({ Sales: 4 });
    expect(await realtimeLog(sql, "RT", String(ann))).toEqual(
      expect.arrayContaining(["updated: skill Billing added at level 2", "updated: skill Sales: 3 → 4", "updated: skill Billing removed (was level 2)"]),
    );

    // Skills and time zones themselves (level 2): added, renamed, deleted.
    const chat = await b.skill(t, "Chat");
    await caughtUp(sql, "RT");
    expect(await b.names("wfm.skills")).toEqual(["Billing", "Chat", "Sales"]);
    await sql`update cfg.skills set name = 'Web chat' where dbid = ${chat}`;
    await sql`update cfg.time_zones set name = 'US Eastern' where name = 'Eastern'`;
    await b.timeZone(t, "Pacific", "America/Los_Angeles");
    await caughtUp(sql, "RT");
    expect(await b.names("wfm.skills")).toEqual(["Billing", "Sales", "Web chat"]);
    expect(await b.names("wfm.time_zones")).toEqual(["Pacific", "US Eastern"]);
    await sql`delete from cfg.skills where dbid = ${chat}`;
    await caughtUp(sql, "RT");
    expect(await b.names("wfm.skills")).toEqual(["Billing", "Sales"]);
    const log = await realtimeLog(sql, "RT");
    expect(log).toEqual(
      expect.arrayContaining([
        "added: added: skill Chat",
        "updated: name: Chat → Web chat",
        "updated: removed: skill Web chat was deleted in cfg",
        "updated: name: Eastern → US Eastern",
        "added: added: time zone Pacific",
      ]),
    );

    // An unassigned agent is placed when it gets a login on a switch with a site.
    const cy = await b.person(t, { username: "cy", logins: [] });
    await caughtUp(sql, "RT");
    expect(await b.agent(cy)).toMatchObject({ siteId: null });
    await sql`insert into cfg.agent_logins (switch_dbid, code, person_dbid) values (${sw2}, 'cy-1', ${cy})`;
    await caughtUp(sql, "RT");
    expect(await b.agent(cy)).toMatchObject({ siteId: west });

    // A person deleted in cfg: the agent is terminated today, by config.
    await sql`delete from cfg.persons where dbid = ${bob}`;
    await caughtUp(sql, "RT");
    expect(await b.agent(bob)).toMatchObject({ terminationSource: "config", terminationDate: await b.today() });
    expect(await realtimeLog(sql, "RT", String(bob))).toContain("terminated: terminated: person deleted");

    // All of it as realtime runs, with counts that agree with their log.
    const runs = await sql<{ kind: string; trigger: string; added: number; updated: number; terminated: number }[]>`
      select kind, trigger, added, updated, terminated from wfm.sync_runs where server = 'RT' and kind = 'realtime'`;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.trigger === "feed")).toBe(true);
    expect(runs.reduce((n, r) => n + r.terminated, 0)).toBe(1);
    expect(await server.stop()).toBe(0);
  });

  it("leaves manually terminated and reinstated agents alone, saying so per change, until a full sync re-reads them", async () => {
    const { sql } = database;
    const t = await b.tenant();
    const sw = await b.switch(t);
    await b.site({ switchDbid: sw });
    const dee = await b.person(t, { username: "dee", firstName: "Dee", lastName: "Old", logins: [sw] });
    await b.server("RT", 2);
    const server = await startServer(database, "RT");
    await caughtUp(sql, "RT");

    await sql`update wfm.agents set termination_date = '2026-12-31', termination_source = 'manual' where cfg_dbid = ${dee}`;
    await sql`update cfg.persons set last_name = 'Second' where dbid = ${dee}`;
    await caughtUp(sql, "RT");
    expect(await b.agent(dee)).toMatchObject({ lastName: "Old", terminationSource: "manual" });
    expect((await realtimeLog(sql, "RT", String(dee))).at(-1)).toMatch(/^skipped: skipped — manually terminated: person changed, change \d+$/);

    // Reinstated (the check box cleared): still left alone until a full sync, and the log says why.
    await sql`update wfm.agents set termination_date = null, termination_source = null, awaiting_full_sync = true where cfg_dbid = ${dee}`;
    await sql`update cfg.persons set last_name = 'Third' where dbid = ${dee}`;
    await caughtUp(sql, "RT");
    expect(await b.agent(dee)).toMatchObject({ lastName: "Old", awaitingFullSync: true });
    expect((await realtimeLog(sql, "RT", String(dee))).at(-1)).toMatch(/^skipped: skipped — reinstated, waits for full sync: person changed, change \d+$/);

    // A full sync asked for from the console re-reads it; the request is linked to its run.
    const request = await requestSync(sql, { kind: "full", server: "RT" }, { requestedBy: "admin" });
    const done = await eventually(async () => {
      const r = await getRequest(sql, request.id);
      return r.status === "done" ? r : undefined;
    }, "the full-sync request to finish");
    const [run] = await sql`select kind, trigger, status from wfm.sync_runs where id = ${done.runId}`;
    expect(run).toMatchObject({ kind: "full", trigger: "manual", status: "succeeded" });
    expect(await b.agent(dee)).toMatchObject({ lastName: "Third", awaitingFullSync: false });
    expect(await server.stop()).toBe(0);
  });

  it("applies nothing at level 0 yet keeps its cursor current, and catches up with a full sync when raised again", async () => {
    const { sql } = database;
    const t = await b.tenant();
    const sw = await b.switch(t);
    await b.site({ switchDbid: sw });
    const eve = await b.person(t, { username: "eve", lastName: "One", logins: [sw] });
    await b.server("RT", 2);
    // The level is read from the server's cache, refreshed every CacheSlack seconds (no web events here).
    await database.sql`update wfm.servers set cache_slack_s = 1 where name = 'RT'`;
    const server = await startServer(database, "RT");
    await caughtUp(sql, "RT");

    await sql`update wfm.servers set sync_level = 0 where name = 'RT'`;
    await server.waitForLine(onEvent("scope:level:changed", { previous: 2, level: 0 }));
    await sql`update cfg.persons set last_name = 'Two' where dbid = ${eve}`;
    const fred = await b.person(t, { username: "fred", logins: [sw] });
    await caughtUp(sql, "RT");
    expect(await b.agent(eve)).toMatchObject({ lastName: "One" });
    expect(await b.agent(fred)).toBeUndefined();

    await sql`update wfm.servers set sync_level = 2 where name = 'RT'`;
    await server.waitForLine(onEvent("scope:level:changed", { previous: 0, level: 2 }));
    await eventually(async () => (await b.agent(fred)) !== undefined, "the full sync after the level was raised");
    expect(await b.agent(eve)).toMatchObject({ lastName: "Two" });
    const [full] = await sql`select trigger, level, requested_by from wfm.sync_runs where server = 'RT' and kind = 'full' order by id desc limit 1`;
    // Nobody asked for it: the server's scope grew back, and the run says so.
    expect(full).toMatchObject({ trigger: "scope", level: 2, requested_by: "RT" });
    // And real-time is on again.
    await sql`update cfg.persons set last_name = 'Three' where dbid = ${eve}`;
    await caughtUp(sql, "RT");
    expect(await b.agent(eve)).toMatchObject({ lastName: "Three" });
    expect(await server.stop()).toBe(0);
  });

  it("two servers split the sites by level: each imports only the agents of its own scope", async () => {
    const { sql } = database;
    const t = await b.tenant();
    const [swMain, swBranch] = [await b.switch(t), await b.switch(t)];
    const main = await b.site({ switchDbid: swMain, name: "Main" });
    const branch = await b.site({ switchDbid: swBranch, name: "Branch" });
    await b.server("HQ", 2);
    await b.server("Branch", 1);
    await sql`update wfm.sites set server = 'Branch' where id = ${branch}`;
    const [hq, br] = await Promise.all([startServer(database, "HQ"), startServer(database, "Branch")]);
    await Promise.all([caughtUp(sql, "HQ"), caughtUp(sql, "Branch")]);

    // Each agent arrives whole: the person and its login in one transaction (a person without a login
    // would be unassigned for a moment, and so in the level-2 server's scope).
    const newAgent = (username: string, switchDbid: number) =>
      sql.begin(async (tx) => {
        const [p] = await tx`insert into cfg.persons (tenant_dbid, username, first_name, last_name, is_agent)
                             values (${t}, ${username}, 'New', 'Agent', true) returning dbid`;
        await tx`insert into cfg.agent_logins (switch_dbid, code, person_dbid) values (${switchDbid}, ${username}, ${p!.dbid})`;
        return Number(p!.dbid);
      });
    const mainAgent = await newAgent("m1", swMain);
    const branchAgent = await newAgent("b1", swBranch);
    await Promise.all([caughtUp(sql, "HQ"), caughtUp(sql, "Branch")]);
    expect(await b.agent(mainAgent)).toMatchObject({ siteId: main });
    expect(await b.agent(branchAgent)).toMatchObject({ siteId: branch });
    const importer = async (dbid: number) =>
      (await sql`select r.server from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
                  where e.object_type = 'agent' and e.object_key = ${String(dbid)} and e.action = 'added'`).map((r) => r.server);
    expect(await importer(mainAgent)).toEqual(["HQ"]);
    expect(await importer(branchAgent)).toEqual(["Branch"]);
    // Each counted the other's change as out of scope, without a log line.
    const [outOfScope] = await sql`select sum(out_of_scope)::int as n from wfm.sync_runs where server = 'Branch' and kind = 'realtime'`;
    expect(outOfScope!.n).toBeGreaterThan(0);
    const metrics = await (await fetch(`${br.url}/metrics`)).text();
    expect(metrics).toMatch(/wfm_changes_skipped_total\{reason="out_of_scope",server="Branch"\} [1-9]/);
    expect(metrics).toMatch(/wfm_cursor_lag_changes\{server="Branch"\} 0/);
    expect(await Promise.all([hq.stop(), br.stop()])).toEqual([0, 0]);
  });
});
