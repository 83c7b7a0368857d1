import { describe, expect, it } from "vitest";
import { createSource } from "../config/sources";
import { runFullSync } from "../sync/engine";
import { freshDatabase } from "../testing/database";
import { loadWorkload } from "./load";
import { DEMO_WORKLOAD, generateWorkload, scaledWorkload } from "./workload";

describe("the demo workload", () => {
  it("is the same every time for the same size and seed, and differs for another seed", () => {
    const size = scaledWorkload(300);
    const a = [...generateWorkload(size).skillLevels()];
    const b = [...generateWorkload(size).skillLevels()];
    const c = [...generateWorkload({ ...size, seed: 7 }).skillLevels()];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("loads cfg and sites with the shape SPEC §8 describes, recorded in the change feed", async () => {
    const database = await freshDatabase();
    const result = await loadWorkload(database.sql, DEMO_WORKLOAD);
    expect(result.persons).toBe(DEMO_WORKLOAD.agents + DEMO_WORKLOAD.nonAgents);
    const [counts] = await database.sql`
      select (select count(*) from cfg.persons where is_agent)::int as agents,
             (select count(*) from cfg.persons where not is_agent)::int as staff,
             (select count(*) from cfg.skill_levels)::int as levels,
             (select count(*) from wfm.sites)::int as sites,
             (select count(*) from wfm.sites where switch_dbid is not null)::int as "switchSites",
             (select count(*) from cfg.changes)::int as changes,
             (select count(*) from cfg.persons p where p.is_agent and not exists
                (select 1 from cfg.agent_logins l where l.person_dbid = p.dbid))::int as "noLogin",
             (select count(*) from (select person_dbid from cfg.agent_logins where person_dbid is not null
                group by person_dbid having count(distinct switch_dbid) > 1) m)::int as "twoSwitches"`;
    expect(counts).toMatchObject({ agents: 1000, staff: DEMO_WORKLOAD.nonAgents, levels: 8001, sites: 4, switchSites: 3 });
    expect(counts!.noLogin).toBe(20);
    expect(counts!.twoSwitches).toBe(10);
    expect(counts!.changes).toBeGreaterThan(10_000);
    // The deliberate duplicate: the same skill name under both tenants.
    const duplicates = await database.sql`
      select name, count(distinct tenant_dbid)::int as tenants from cfg.skills group by name having count(*) > 1`;
    expect(duplicates).toEqual([{ name: "Billing", tenants: 2 }]);
    // New cfg rows continue after the loaded dbids.
    const [tenant] = await database.sql`insert into cfg.tenants (name) values ('After') returning dbid`;
    expect(tenant!.dbid).toBe(3);
  });

  it("refuses to load over existing data unless asked to reset", async () => {
    const database = await freshDatabase();
    const small = scaledWorkload(50);
    await loadWorkload(database.sql, small);
    await expect(loadWorkload(database.sql, small)).rejects.toThrow(/already holds data; pass --reset/);
    await loadWorkload(database.sql, small, { reset: true });
    const [row] = await database.sql`select count(*)::int as n from cfg.persons`;
    expect(row!.n).toBe(small.agents + small.nonAgents);
  });

  it("fills another source in its own schema, with names of its own and WFM sites on its switches, leaving main alone", async () => {
    const database = await freshDatabase();
    const { sql } = database;
    const small = scaledWorkload(60);
    await loadWorkload(sql, { ...small, duplicateSkill: true });
    const [mainBefore] = await sql`select seq from cfg.change_counter`;
    await createSource(sql, { name: "eu", kind: "local" });
    const result = await loadWorkload(sql, small, { source: "eu" });
    expect(result).toMatchObject({ source: "eu", persons: small.agents + small.nonAgents, sites: small.switches + small.extraSites });

    const [counts] = await sql`
      select (select count(*) from cfg_eu.persons)::int as persons, (select count(*) from cfg.persons)::int as "mainPersons",
             (select seq from cfg_eu.change_counter)::int as "euSeq", (select seq from cfg.change_counter)::int as "mainSeq",
             (select count(*) from wfm.sites where switch_source = 'eu')::int as "euSwitchSites"`;
    expect(counts).toMatchObject({ persons: small.agents + small.nonAgents, mainPersons: small.agents + small.nonAgents, euSeq: expect.any(Number), mainSeq: mainBefore!.seq, euSwitchSites: small.switches });
    expect(counts!.euSeq).toBeGreaterThan(small.agents);
    // The same dbids, other persons: dbids are unique within a source only.
    const [eu] = await sql`select username, employee_id from cfg_eu.persons where dbid = 1`;
    expect(eu).toEqual({ username: "eu.ava.smith.1", employee_id: "EU-E100000" });

    // No switch, skill or time-zone name of eu is one of main's, so neither source's objects collide.
    const shared = await sql`
      select 'switch' as kind, name from cfg_eu.switches intersect select 'switch', name from cfg.switches
      union all select 'skill', name from cfg_eu.skills intersect select 'skill', name from cfg.skills
      union all select 'time zone', name from cfg_eu.time_zones intersect select 'time zone', name from cfg.time_zones`;
    expect(shared).toEqual([]);
    const [skill] = await sql`select name from cfg_eu.skills where dbid = 1`;
    expect(skill!.name).toBe("EU Billing");

    // Each eu site is on an eu switch and names an eu time zone.
    const sites = await sql`
      select s.name, s.time_zone, sw.name as switch from wfm.sites s
        left join cfg_eu.switches sw on sw.dbid = s.switch_dbid and s.switch_source = 'eu'
       where s.name like 'EU %' order by s.id`;
    expect(sites.length).toBe(small.switches + small.extraSites);
    expect(sites.slice(0, small.switches).every((s) => s.switch !== null)).toBe(true);
    const zones = new Set((await sql`select name from cfg_eu.time_zones`).map((z) => z.name));
    expect(sites.every((s) => zones.has(s.time_zone))).toBe(true);
    const [mainSites] = await sql`select count(*)::int as n from wfm.sites where switch_source = 'main'`;
    expect(mainSites!.n).toBe(small.switches);

    // eu's own sequences continue after its loaded dbids, and main's are untouched.
    const [tenant] = await sql`insert into cfg_eu.tenants (name) values ('After') returning dbid`;
    expect(tenant!.dbid).toBe(3);
  });

  it("gives a level-2 server of each source a clean full sync that places that source's agents in its own sites", async () => {
    const database = await freshDatabase();
    const { sql } = database;
    const small = scaledWorkload(100);
    await loadWorkload(sql, small);
    await createSource(sql, { name: "eu", kind: "local" });
    await loadWorkload(sql, small, { source: "eu" });
    await sql`insert into wfm.servers (name, sync_level, source) values ('Main', 2, 'main'), ('Dublin', 2, 'eu')`;
    // No name is shared between the two demos, so neither run has a collision to report.
    for (const server of ["Main", "Dublin"]) {
      const result = await runFullSync(sql, { server, trigger: "manual" });
      expect(result.status, `${server}: ${result.error ?? ""}`).toBe("succeeded");
    }
    const placed = await sql`
      select a.source, count(*)::int as agents, count(s.id)::int as placed,
             count(*) filter (where s.switch_source is distinct from a.source and s.id is not null)::int as "elsewhere"
        from wfm.agents a left join wfm.sites s on s.id = a.site_id group by a.source order by a.source`;
    // 2% have no login and 1% logins on two switches: those stay unassigned, as in main.
    expect(placed).toEqual([
      { source: "eu", agents: 100, placed: 97, elsewhere: 0 },
      { source: "main", agents: 100, placed: 97, elsewhere: 0 },
    ]);
  });

  it("resets one source and what WFM imported from it, keeping every other source's rows", async () => {
    const database = await freshDatabase();
    const { sql } = database;
    const small = scaledWorkload(40);
    await loadWorkload(sql, small);
    await createSource(sql, { name: "eu", kind: "local" });
    await loadWorkload(sql, small, { source: "eu" });
    // What syncs of each source would have imported: a skill and an agent with a level each.
    for (const source of ["main", "eu"]) {
      const [s] = await sql`insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values (${source}, 1, 1, ${`${source} skill`}) returning id`;
      const [a] = await sql`
        insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values (${source}, 1, 1, ${source}, 'A', 'B') returning id`;
      await sql`insert into wfm.agent_skills (agent_id, skill_id, level) values (${a!.id}, ${s!.id}, 5)`;
    }
    await expect(loadWorkload(sql, small, { source: "eu" })).rejects.toThrow("The source eu already holds data; pass --reset to replace it.");
    await loadWorkload(sql, { ...small, agents: 30 }, { source: "eu", reset: true });
    const [row] = await sql`
      select (select count(*) from cfg_eu.persons where is_agent)::int as "euAgents", (select count(*) from cfg.persons where is_agent)::int as "mainAgents",
             (select array_agg(source order by source) from wfm.agents) as "agentSources",
             (select array_agg(source order by source) from wfm.skills) as "skillSources",
             (select count(*) from wfm.agent_skills)::int as levels,
             (select count(*) from wfm.sites where switch_source = 'main')::int as "mainSites",
             (select count(*) from wfm.sites where name like 'EU %')::int as "euSites"`;
    expect(row).toEqual({
      euAgents: 30, mainAgents: 40, agentSources: ["main"], skillSources: ["main"], levels: 1,
      mainSites: small.switches, euSites: small.switches + small.extraSites,
    });
  });

  it("makes a skill in another source that collides with main's when asked for a duplicate", () => {
    const skills = generateWorkload({ ...scaledWorkload(20), duplicateSkill: true }, "eu").skills.map((s) => s[2]);
    expect(skills.filter((name) => !String(name).startsWith("EU "))).toEqual(["Billing"]);
  });

  it("refuses a source that does not exist, naming it", async () => {
    const database = await freshDatabase();
    await expect(loadWorkload(database.sql, scaledWorkload(10), { source: "nowhere" })).rejects.toThrow(
      'There is no configuration source named "nowhere".',
    );
  });
});
