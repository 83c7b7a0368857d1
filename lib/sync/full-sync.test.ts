import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { holdTransaction, waitUntilBlocked } from "../testing/locks";
import { levelDigestDrift, resetWorld } from "../testing/world";
import { findCollisions } from "./collisions";
import { runFullSync, runTargetedSync } from "./engine";
import { pruneRuns } from "./runs";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

const sync = (server = "A") => runFullSync(database.sql, { server, trigger: "manual" });
const log = async (runId: number) => (await b.events(runId)).map((e) => `${e.action}: ${e.message}`);

describe("scope by level", () => {
  it("level 1 syncs only agents of sites assigned to it, imports their skills on demand, and leaves time zones and users alone", async () => {
    const t = await b.tenant();
    const [mine, others, free] = [await b.switch(t), await b.switch(t), await b.switch(t)];
    await b.server("A", 1);
    await b.server("B", 0);
    await b.site({ switchDbid: mine, server: "A", name: "Mine" });
    await b.site({ switchDbid: others, server: "B" });
    await b.site({ switchDbid: free });
    await b.timeZone(t);
    const needed = await b.skill(t, "Needed");
    await b.skill(t, "Unused");
    const inMine = await b.person(t, { logins: [mine], skills: { [needed]: 2 } });
    const inOthers = await b.person(t, { logins: [others] });
    const inFree = await b.person(t, { logins: [free] });
    const unassigned = await b.person(t, { logins: [] });
    const lead = await b.person(t, { isAgent: false, email: "old@x" });
    await database.sql`insert into wfm.users (source, cfg_dbid, username, email, role) values ('main', ${lead}, 'lead', 'stale@x', 'viewer')`;

    const result = await sync();
    expect(result.status).toBe("succeeded");
    expect(await b.agent(inMine)).toBeDefined();
    for (const dbid of [inOthers, inFree, unassigned]) expect(await b.agent(dbid)).toBeUndefined();
    expect(await b.names("wfm.skills")).toEqual(["Needed"]);
    expect(await b.agentSkills(inMine)).toEqual({ Needed: 2 });
    expect(await b.names("wfm.time_zones")).toEqual([]);
    expect((await database.sql`select email from wfm.users`)[0]!.email).toBe("stale@x");
  });

  it("level 2 syncs unassigned agents and sites with no server or its own, but not sites assigned to another server", async () => {
    const t = await b.tenant();
    const [own, others, free] = [await b.switch(t), await b.switch(t), await b.switch(t)];
    await b.server("A", 2);
    await b.server("B", 1);
    await b.site({ switchDbid: own, server: "A" });
    await b.site({ switchDbid: others, server: "B" });
    await b.site({ switchDbid: free });
    const inOwn = await b.person(t, { logins: [own] });
    const inOthers = await b.person(t, { logins: [others] });
    const inFree = await b.person(t, { logins: [free] });
    const noLogin = await b.person(t);
    const twoSwitches = await b.person(t, { logins: [own, free] });
    await sync();
    expect(await b.agent(inOwn)).toBeDefined();
    expect(await b.agent(inFree)).toBeDefined();
    expect(await b.agent(inOthers)).toBeUndefined();
    expect(await b.agent(noLogin)).toMatchObject({ siteId: null });
    expect(await b.agent(twoSwitches)).toMatchObject({ siteId: null });
  });

  it("level 0 changes nothing, yet keeps the cursor current", async () => {
    const t = await b.tenant();
    await b.server("A", 0);
    await b.person(t);
    const result = await sync();
    expect(result.status).toBe("succeeded");
    expect((await database.sql`select count(*)::int as n from wfm.agents`)[0]!.n).toBe(0);
    const [cursor] = await database.sql`select last_seq from wfm.sync_cursors where server = 'A'`;
    const [counter] = await database.sql`select seq from cfg.change_counter`;
    expect(cursor!.last_seq).toBe(counter!.seq);
  });

  it("never moves an agent to another site, and places an unassigned one once its switch has a site", async () => {
    const t = await b.tenant();
    const [sw1, sw2] = [await b.switch(t), await b.switch(t)];
    await b.server("A", 2);
    const site1 = await b.site({ switchDbid: sw1 });
    const moved = await b.person(t, { logins: [sw1] });
    const waiting = await b.person(t, { logins: [sw2] });
    await sync();
    expect(await b.agent(waiting)).toMatchObject({ siteId: null });
    const elsewhere = await b.site({});
    await database.sql`update wfm.agents set site_id = ${elsewhere} where cfg_dbid = ${moved}`;
    const site2 = await b.site({ switchDbid: sw2, name: "Second" });
    const result = await sync();
    expect(await b.agent(moved)).toMatchObject({ siteId: elsewhere });
    expect(await b.agent(waiting)).toMatchObject({ siteId: site2 });
    expect(await log(result.runId)).toEqual(["updated: site: none → Second"]);
    expect(site1).toBeGreaterThan(0);
  });
});

describe("terminations and reinstatement", () => {
  it("keeps a manual termination through any number of full syncs, which still re-read the agent's cfg data", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const skill = await b.skill(t, "Sales");
    const dbid = await b.person(t, { email: "a@x", skills: { [skill]: 3 } });
    await sync();
    await database.sql`update wfm.agents set termination_date = '2026-12-31', termination_source = 'manual' where cfg_dbid = ${dbid}`;
    await database.sql`update cfg.persons set email = 'b@x' where dbid = ${dbid}`;
    await database.sql`update cfg.skill_levels set level = 7 where person_dbid = ${dbid}`;
    const first = await sync();
    // Only real-time sync excludes a manually terminated agent (SPEC §2.7); its termination is WFM's and stays.
    expect(await log(first.runId)).toEqual(["updated: email: a@x → b@x", "updated: skill Sales: 3 → 7"]);
    for (let i = 0; i < 3; i++) expect(await log((await sync()).runId)).toEqual([]);
    expect(await b.agent(dbid)).toMatchObject({ terminationDate: "2026-12-31", terminationSource: "manual", email: "b@x" });
    expect(await b.agentSkills(dbid)).toEqual({ Sales: 7 });
  });

  it("re-reads a reinstated agent at the next full sync and clears its flag", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const dbid = await b.person(t, { email: "a@x" });
    await sync();
    await database.sql`update cfg.persons set email = 'b@x' where dbid = ${dbid}`;
    await database.sql`update wfm.agents set awaiting_full_sync = true where cfg_dbid = ${dbid}`;
    const result = await sync();
    expect(await log(result.runId)).toEqual(["updated: email: a@x → b@x; re-read after reinstatement"]);
    expect(await b.agent(dbid)).toMatchObject({ email: "b@x", awaitingFullSync: false });
  });

  it("terminates an agent whose person was deleted with source config, once", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const dbid = await b.person(t);
    await sync();
    await database.sql`delete from cfg.persons where dbid = ${dbid}`;
    const first = await sync();
    expect(first.counts.terminated).toBe(1);
    expect(await b.agent(dbid)).toMatchObject({ terminationSource: "config", terminationDate: await b.today() });
    const second = await sync();
    expect(await log(second.runId)).toEqual([]);
  });
});

describe("users", () => {
  it("still takes a user's new email when its new username is taken by another user", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const person = await b.person(t, { username: "jsmith", email: "new@x", isAgent: false });
    await database.sql`insert into wfm.users (source, cfg_dbid, username, email, role) values ('main', ${person}, 'jdoe', 'old@x', 'viewer'), (null, null, 'JSmith', null, 'admin')`;
    const result = await sync();
    expect(await log(result.runId)).toEqual([
      "updated: email: old@x → new@x",
      "warning: user jdoe not updated: another WFM user has or would get the username jsmith",
    ]);
    expect((await database.sql`select username, email from wfm.users where cfg_dbid = ${person}`)[0]).toEqual({ username: "jdoe", email: "new@x" });
  });
});

describe("duplicate names", () => {
  it("logs one error per collision naming every tenant and dbid, syncs none of its members and everything else, and ends partial", async () => {
    const t1 = await b.tenant("North");
    const t2 = await b.tenant("South");
    await b.server("A", 2);
    const skill1 = await b.skill(t1, "Billing");
    const skill2 = await b.skill(t2, "Billing");
    const fine = await b.skill(t1, "Sales");
    await b.timeZone(t1, "Eastern");
    const tz2 = await b.timeZone(t2, "Eastern");
    const sw1 = await b.switch(t1, "SW-1");
    const sw2 = await b.switch(t2, "SW-1");
    await b.site({ switchDbid: sw1 });
    const agent = await b.person(t1, { logins: [sw1], skills: { [skill1]: 3, [fine]: 4 } });
    const other = await b.person(t2, { logins: [sw2] });

    const result = await sync();
    expect(result.status).toBe("partial");
    expect(result.counts.errors).toBe(3);
    const events = await b.events(result.runId);
    const errors = events.filter((e) => e.action === "error").map((e) => e.message);
    expect(errors).toEqual([
      `Switch name 'SW-1' is used more than once: tenant ${t1} (North) dbid ${sw1}, tenant ${t2} (South) dbid ${sw2}. None of them is synchronized until the names are made unique.`,
      `Time zone name 'Eastern' is used more than once: tenant ${t1} (North) dbid ${tz2 - 1}, tenant ${t2} (South) dbid ${tz2}. None of them is synchronized until the names are made unique.`,
      `Skill name 'Billing' is used more than once: tenant ${t1} (North) dbid ${skill1}, tenant ${t2} (South) dbid ${skill2}. None of them is synchronized until the names are made unique.`,
    ]);
    expect(events.filter((e) => e.action === "warning").map((e) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^unassigned: the name of its switch SW-1 collides across tenants or sources$/),
        expect.stringMatching(/^1 skill level on skill Billing .* skipped: its name collides across tenants or sources$/),
      ]),
    );
    expect(await b.names("wfm.skills")).toEqual(["Sales"]);
    expect(await b.names("wfm.time_zones")).toEqual([]);
    expect(await b.agentSkills(agent)).toEqual({ Sales: 4 });
    expect(await b.agent(agent)).toMatchObject({ siteId: null });
    expect(await b.agent(other)).toMatchObject({ siteId: null });

    const collisions = await findCollisions(database.sql);
    expect(collisions.map((c) => [c.objectType, c.name, c.members.map((m) => m.dbid)])).toEqual([
      ["switch", "SW-1", [sw1, sw2]],
      ["timeZone", "Eastern", [tz2 - 1, tz2]],
      ["skill", "Billing", [skill1, skill2]],
    ]);
  });
});

describe("levels on a colliding skill", () => {
  it("are said once per skill and run, with the run's total, however many batches it took", async () => {
    const t1 = await b.tenant();
    const t2 = await b.tenant();
    await b.server("A", 2);
    const shared = await b.skill(t1, "Shared Skill");
    await b.skill(t2, "Shared Skill");
    for (let i = 0; i < 7; i++) await b.person(t1, { skills: { [shared]: i } });
    const result = await runFullSync(database.sql, { server: "A", trigger: "manual", batchSize: 2 });
    const warnings = (await b.events(result.runId)).filter((e) => e.action === "warning" && e.message.includes("Shared Skill"));
    expect(warnings.map((e) => e.message)).toEqual([expect.stringMatching(/^7 skill levels on skill Shared Skill .* skipped: its name collides across tenants or sources$/)]);
  });
});

describe("idempotence", () => {
  it("writes nothing and logs nothing when cfg has not changed", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const sw = await b.switch(t);
    await b.site({ switchDbid: sw });
    const skill = await b.skill(t);
    await b.timeZone(t);
    for (let i = 0; i < 20; i++) await b.person(t, { logins: i % 3 ? [sw] : [], skills: { [skill]: i % 11 } });
    const lead = await b.person(t, { isAgent: false });
    await database.sql`insert into wfm.users (source, cfg_dbid, username, email, role) values ('main', ${lead}, 'x', 'y', 'viewer')`;
    await sync();
    const versions = async () =>
      database.sql`select (select array_agg(xmin::text order by id) from wfm.agents) as agents,
                          (select array_agg(xmin::text order by agent_id, skill_id) from wfm.agent_skills) as levels,
                          (select array_agg(xmin::text order by cfg_dbid) from wfm.skills) as skills,
                          (select array_agg(xmin::text order by cfg_dbid) from wfm.time_zones) as tzs,
                          (select array_agg(xmin::text order by id) from wfm.users) as users,
                          (select xmin::text from wfm.sync_cursors) as cursor`;
    const before = await versions();
    const again = await sync();
    expect(await log(again.runId)).toEqual([]);
    expect(again.counts).toEqual({ added: 0, updated: 0, terminated: 0, skipped: 0, errors: 0 });
    expect(await versions()).toEqual(before);
  });

  it("compares levels by digest, yet puts back every level changed, added or removed by hand in WFM", async () => {
    const { sql } = database;
    const t = await b.tenant();
    await b.server("A", 2);
    const sw = await b.switch(t);
    await b.site({ switchDbid: sw });
    const [sales, support] = [await b.skill(t, "Sales"), await b.skill(t, "Support")];
    await b.skill(t, "Billing");
    const persons: number[] = [];
    for (let i = 0; i < 12; i++) persons.push(await b.person(t, { logins: [sw], skills: { [sales]: i % 11, [support]: 3 } }));
    await sync();
    // After a sync, cfg's levels hash to exactly what WFM's digests hold: the next full sync diffs no agent row by row.
    const differing = async () =>
      (await sql`
        with d as (
          select person_dbid, bit_xor(wfm.level_hash('main', skill_dbid, level)) as digest from cfg.skill_levels group by person_dbid)
        select a.cfg_dbid from wfm.agents a left join d on d.person_dbid = a.cfg_dbid
          left join wfm.agent_level_digests w on w.agent_id = a.id
         where coalesce(d.digest, 0) <> coalesce(w.digest, 0) order by a.cfg_dbid`).map((r) => Number(r.cfg_dbid));
    expect(await differing()).toEqual([]);

    const id = async (dbid: number) => (await sql`select id from wfm.agents where source = 'main' and cfg_dbid = ${dbid}`)[0]!.id as number;
    const skillId = async (name: string) => (await sql`select id from wfm.skills where name = ${name}`)[0]!.id as number;
    await sql`update wfm.agent_skills set level = 9 where agent_id = ${await id(persons[1]!)} and skill_id = ${await skillId("Sales")}`;
    await sql`delete from wfm.agent_skills where agent_id = ${await id(persons[2]!)} and skill_id = ${await skillId("Support")}`;
    await sql`insert into wfm.agent_skills values (${await id(persons[3]!)}, ${await skillId("Billing")}, 4)`;
    await sql`delete from wfm.agent_skills where agent_id = ${await id(persons[4]!)}`;
    expect(await differing()).toEqual([persons[1], persons[2], persons[3], persons[4]]);

    const again = await sync();
    expect(await log(again.runId)).toEqual([
      "updated: skill Sales: 9 → 1",
      "updated: skill Support added at level 3",
      "updated: skill Billing removed (was level 4)",
      "updated: skill Sales added at level 4",
      "updated: skill Support added at level 3",
    ]);
    for (const [i, dbid] of persons.entries()) expect(await b.agentSkills(dbid)).toEqual({ Sales: i % 11, Support: 3 });
    expect(await differing()).toEqual([]);

    // A digest gone wrong behind the triggers' back (a write made with them off) is made right by the next full
    // sync, which finds the agent different, diffs it, changes no level and logs nothing.
    await sql`update wfm.agent_level_digests set digest = digest # 12345 where agent_id = ${await id(persons[5]!)}`;
    expect(await levelDigestDrift(sql)).toEqual([await id(persons[5]!)]);
    const healing = await sync();
    expect(await log(healing.runId)).toEqual([]);
    expect(await levelDigestDrift(sql)).toEqual([]);
    expect(await differing()).toEqual([]);
  });
});

describe("progress, failure and rerun", () => {
  it("reports progress per batch and ends with done = total", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    for (let i = 0; i < 25; i++) await b.person(t);
    const result = await runFullSync(database.sql, { server: "A", trigger: "manual", batchSize: 10 });
    const [run] = await database.sql`select progress_done, progress_total, status, kind, trigger, level, finished_at from wfm.sync_runs where id = ${result.runId}`;
    expect(run).toMatchObject({ progress_done: 25, progress_total: 25, status: "succeeded", kind: "full", trigger: "manual", level: 2 });
    expect(run!.finished_at).toBeInstanceOf(Date);
  });

  it("a run whose connection dies between batches is marked failed, leaves WFM as it was, and a rerun completes it", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const skill = await b.skill(t);
    const persons: number[] = [];
    for (let i = 0; i < 400; i++) persons.push(await b.person(t, { skills: { [skill]: 1 } }));
    const cursorBefore = await database.sql`select * from wfm.sync_cursors`;

    // The second batch's first agent is being added, uncommitted, by another transaction: the run's own insert
    // of it waits on that key — after the first batch was applied in the run's transaction. So the run is
    // provably between batches, whatever the machine's speed, when its connection is killed.
    persons.sort((x, y) => x - y);
    const holder = await holdTransaction(database.url, (tx) =>
      tx`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('main', ${persons[10]!}, ${t}, 'held', 'Held', 'Back')`,
    );
    const running = runFullSync(database.sql, { server: "A", trigger: "manual", batchSize: 10 });
    const blocked = await waitUntilBlocked(database.sql, { applicationName: "wfm-sync full A" }, { by: holder.pid, settled: running });
    const [progress] = await database.sql`select progress_done from wfm.sync_runs where status = 'running'`;
    expect(progress!.progress_done).toBe(10);
    await database.sql`select pg_terminate_backend(${blocked.pid}::int)`;
    const failed = await running;
    await holder.rollback();
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/terminat|connection|closed/i);
    const [run] = await database.sql`select status, error from wfm.sync_runs where id = ${failed.runId}`;
    expect(run!.status).toBe("failed");
    const [state] = await database.sql`select (select count(*) from wfm.agents)::int as agents, (select count(*) from wfm.agent_skills)::int as levels,
                                              (select count(*) from wfm.skills)::int as skills`;
    expect(state).toEqual({ agents: 0, levels: 0, skills: 0 });
    expect(await database.sql`select * from wfm.sync_cursors`).toEqual(cursorBefore);

    const rerun = await sync();
    expect(rerun.status).toBe("succeeded");
    expect(rerun.counts.added).toBe(401);
    expect((await database.sql`select count(*)::int as n from wfm.agent_skills`)[0]!.n).toBe(400);
  });

  it("a second overlapping full sync waits for the first and says why", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    await b.server("B", 2);
    const persons: number[] = [];
    for (let i = 0; i < 30; i++) persons.push(await b.person(t));
    persons.sort((x, y) => x - y);
    // A is held mid-run (its second batch waits on an agent another transaction is adding), so it surely
    // holds the scope lock when B starts, whatever the machine's speed.
    const holder = await holdTransaction(database.url, (tx) =>
      tx`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('main', ${persons[10]!}, ${t}, 'held', 'Held', 'Back')`,
    );
    const firstRun = runFullSync(database.sql, { server: "A", trigger: "manual", batchSize: 10 });
    await waitUntilBlocked(database.sql, { applicationName: "wfm-sync full A" }, { by: holder.pid, settled: firstRun });
    const secondRun = runFullSync(database.sql, { server: "B", trigger: "manual" });
    await expect
      .poll(async () => (await database.sql`select 1 from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id where r.server = 'B' and e.message like 'waiting for%'`).length, { interval: 10, timeout: 30_000 })
      .toBe(1);
    await holder.rollback();
    const [first, second] = await Promise.all([firstRun, secondRun]);
    expect(first.status).toBe("succeeded");
    expect(second.status).toBe("succeeded");
    const messages = await log(second.runId);
    expect(messages.some((m) => /^warning: waiting for the full sync of A \(run \d+, level 2\) to finish: their scopes overlap$/.test(m))).toBe(true);
    expect(messages).toContain("warning: more than one WFM Server is at level 2 (A, B): only one should be");
  });
});

describe("concurrent level-1 servers", () => {
  it("run at the same time on their own sites, importing the same skill on demand, and both succeed", async () => {
    const t = await b.tenant();
    await b.server("A", 1);
    await b.server("B", 1);
    const [swA, swB] = [await b.switch(t), await b.switch(t)];
    await b.site({ switchDbid: swA, server: "A" });
    await b.site({ switchDbid: swB, server: "B" });
    const shared = await b.skill(t, "Shared");
    for (let i = 0; i < 150; i++) {
      await b.person(t, { logins: [swA], skills: { [shared]: 1 } });
      await b.person(t, { logins: [swB], skills: { [shared]: 2 } });
    }
    const [a, bee] = await Promise.all([
      runFullSync(database.sql, { server: "A", trigger: "manual", batchSize: 25 }),
      runFullSync(database.sql, { server: "B", trigger: "manual", batchSize: 25 }),
    ]);
    expect([a.status, bee.status]).toEqual(["succeeded", "succeeded"]);
    const [counts] = await database.sql`select (select count(*) from wfm.agents)::int as agents,
                                               (select count(*) from wfm.agent_skills)::int as levels,
                                               (select count(*) from wfm.skills)::int as skills`;
    expect(counts).toEqual({ agents: 300, levels: 300, skills: 1 });
  });
});

describe("targeted sync of one agent", () => {
  it("re-reads one reinstated agent at once, imports the skill it needs, and clears the flag", async () => {
    const t = await b.tenant();
    await b.server("A", 2);
    const dbid = await b.person(t, { email: "a@x" });
    const other = await b.person(t, { email: "o@x" });
    await sync();
    const skill = await b.skill(t, "Late");
    await database.sql`insert into cfg.skill_levels values (${dbid}, ${skill}, 6)`;
    await database.sql`update cfg.persons set email = email || '.new'`;
    await database.sql`update wfm.agents set awaiting_full_sync = true where cfg_dbid = ${dbid}`;
    const result = await runTargetedSync(database.sql, { server: "A", cfgDbid: dbid, trigger: "reinstate" });
    expect(result.status).toBe("succeeded");
    expect(await log(result.runId)).toEqual([
      "added: added: skill Late (imported on demand)",
      "updated: email: a@x → a@x.new; re-read after reinstatement",
      "updated: skill Late added at level 6",
    ]);
    expect(await b.agent(dbid)).toMatchObject({ email: "a@x.new", awaitingFullSync: false });
    expect(await b.agent(other)).toMatchObject({ email: "o@x" });
    const [run] = await database.sql`select kind, trigger from wfm.sync_runs where id = ${result.runId}`;
    expect(run).toEqual({ kind: "targeted", trigger: "reinstate" });
  });

  it("says so when the agent is outside the server's scope", async () => {
    const t = await b.tenant();
    await b.server("A", 1);
    const dbid = await b.person(t);
    const result = await runTargetedSync(database.sql, { server: "A", cfgDbid: dbid, trigger: "manual" });
    expect(await log(result.runId)).toEqual([expect.stringMatching(/^skipped: skipped: agent \d+ is not in the scope of A \(level 1\)/)]);
  });
});

describe("the run log", () => {
  it("refuses an unknown server with a clear message", async () => {
    await expect(sync("Nobody")).rejects.toThrow("WFM Server 'Nobody' is not registered.");
  });

  it("prunes finished runs older than the retention, with their events, but never a running one", async () => {
    await b.server("A", 2);
    const old = await sync();
    const recent = await sync();
    await database.sql`update wfm.sync_runs set started_at = now() - interval '40 days', finished_at = now() - interval '40 days' where id = ${old.runId}`;
    await database.sql`insert into wfm.sync_runs (server, source, kind, level, trigger, status, started_at) values ('A', 'main', 'full', 2, 'manual', 'running', now() - interval '90 days')`;
    expect(await pruneRuns(database.sql, 30)).toBe(1);
    const left = await database.sql`select id, status from wfm.sync_runs order by id`;
    expect(left.map((r) => r.status)).toEqual(["succeeded", "running"]);
    expect(left[0]!.id).toBe(recent.runId);
  });
});
