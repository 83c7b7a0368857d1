import { describe, expect, it } from "vitest";
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
});
