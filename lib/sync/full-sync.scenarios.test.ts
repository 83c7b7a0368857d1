/**
 * The scenario table: every level × every object type × every operation, each starting from one synced
 * world (a site on server A's switch, an agent there with one skill level, a time zone, a WFM user), with
 * the WFM state and the log lines a user would expect.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { resetWorld } from "../testing/world";
import { runFullSync } from "./engine";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase();
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

interface World {
  tenant: number;
  switchDbid: number;
  siteId: number;
  tz: number;
  sales: number;
  support: number;
  agent: number;
  supervisor: number;
}

async function world(level: number): Promise<World> {
  const tenant = await b.tenant("Acme");
  const switchDbid = await b.switch(tenant, "SW-Main");
  await b.server("A", level);
  const siteId = await b.site({ switchDbid, server: "A", name: "Main" });
  const tz = await b.timeZone(tenant, "Eastern", "America/New_York");
  const sales = await b.skill(tenant, "Sales");
  const support = await b.skill(tenant, "Support");
  const agent = await b.person(tenant, { username: "ava", firstName: "Ava", lastName: "Smith", email: "ava@x", logins: [switchDbid], skills: { [sales]: 3 } });
  const supervisor = await b.person(tenant, { username: "sam", email: "sam@x", isAgent: false });
  await database.sql`insert into wfm.users (source, cfg_dbid, username, first_name, last_name, email, role)
                     values ('main', ${supervisor}, 'sam', 'Sam', 'Lead', 'sam@x', 'supervisor')`;
  const first = await runFullSync(database.sql, { server: "A", trigger: "startup" });
  expect(first.status).toBe("succeeded");
  return { tenant, switchDbid, siteId, tz, sales, support, agent, supervisor };
}

type Expectation = (w: World, level: number, log: string[]) => Promise<void>;
interface Scenario {
  object: string;
  op: "add" | "change" | "delete";
  act: (w: World) => Promise<void>;
  expect: Record<0 | 1 | 2, Expectation>;
}

const nothingLogged: Expectation = async (_w, _l, log) => expect(log).toEqual([]);

const scenarios: Scenario[] = [
  {
    object: "agent",
    op: "add",
    act: async (w) => void (await b.person(w.tenant, { username: "ben", firstName: "Ben", lastName: "Ito", logins: [w.switchDbid], skills: { [w.sales]: 7 } })),
    expect: {
      0: async (_w, _l, log) => expect(log).toEqual([]),
      1: async (w, _l, log) => {
        expect(log).toEqual(["agent added: added: Ben Ito (ben), site Main, 1 skill levels"]);
        expect(await b.agentSkills((await database.sql`select dbid from cfg.persons where username = 'ben'`)[0]!.dbid)).toEqual({ Sales: 7 });
      },
      2: async (_w, _l, log) => expect(log).toEqual(["agent added: added: Ben Ito (ben), site Main, 1 skill levels"]),
    },
  },
  {
    object: "agent",
    op: "change",
    act: async (w) => void (await database.sql`update cfg.persons set email = 'ava@new', last_name = 'Jones' where dbid = ${w.agent}`),
    expect: {
      0: nothingLogged,
      1: async (w, _l, log) => {
        expect(log).toEqual(["agent updated: last name: Smith → Jones; email: ava@x → ava@new"]);
        expect(await b.agent(w.agent)).toMatchObject({ email: "ava@new", lastName: "Jones", siteId: w.siteId });
      },
      2: async (_w, _l, log) => expect(log).toEqual(["agent updated: last name: Smith → Jones; email: ava@x → ava@new"]),
    },
  },
  {
    object: "agent",
    op: "delete",
    act: async (w) => void (await database.sql`delete from cfg.persons where dbid = ${w.agent}`),
    expect: {
      0: nothingLogged,
      1: async (w, _l, log) => {
        expect(log).toEqual(["agent terminated: terminated: person deleted"]);
        expect(await b.agent(w.agent)).toMatchObject({ terminationDate: await b.today(), terminationSource: "config" });
      },
      2: async (w, _l, log) => {
        expect(log).toEqual(["agent terminated: terminated: person deleted"]);
        // Its WFM history stays: the skill levels are not removed with the person.
        expect(await b.agentSkills(w.agent)).toEqual({ Sales: 3 });
      },
    },
  },
  {
    object: "skill level",
    op: "add",
    act: async (w) => void (await database.sql`insert into cfg.skill_levels values (${w.agent}, ${w.support}, 4)`),
    expect: {
      0: nothingLogged,
      1: async (w, _l, log) => {
        expect(log).toEqual(["skill added: added: skill Support (imported on demand)", "skill_level updated: skill Support added at level 4"]);
        expect(await b.agentSkills(w.agent)).toEqual({ Sales: 3, Support: 4 });
      },
      2: async (w, _l, log) => {
        expect(log).toEqual(["skill_level updated: skill Support added at level 4"]);
        expect(await b.agentSkills(w.agent)).toEqual({ Sales: 3, Support: 4 });
      },
    },
  },
  {
    object: "skill level",
    op: "change",
    act: async (w) => void (await database.sql`update cfg.skill_levels set level = 5 where person_dbid = ${w.agent}`),
    expect: {
      0: nothingLogged,
      1: async (w, _l, log) => {
        expect(log).toEqual(["skill_level updated: skill Sales: 3 → 5"]);
        expect(await b.agentSkills(w.agent)).toEqual({ Sales: 5 });
      },
      2: async (_w, _l, log) => expect(log).toEqual(["skill_level updated: skill Sales: 3 → 5"]),
    },
  },
  {
    object: "skill level",
    op: "delete",
    act: async (w) => void (await database.sql`delete from cfg.skill_levels where person_dbid = ${w.agent}`),
    expect: {
      0: nothingLogged,
      1: async (w, _l, log) => {
        expect(log).toEqual(["skill_level updated: skill Sales removed (was level 3)"]);
        expect(await b.agentSkills(w.agent)).toEqual({});
      },
      2: async (_w, _l, log) => expect(log).toEqual(["skill_level updated: skill Sales removed (was level 3)"]),
    },
  },
  {
    object: "skill",
    op: "add",
    act: async (w) => void (await b.skill(w.tenant, "Retention")),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => {
        // Level 1 imports a skill only when an agent in scope has it.
        expect(log).toEqual([]);
        expect(await b.names("wfm.skills")).toEqual(["Sales"]);
      },
      2: async (_w, _l, log) => {
        expect(log).toEqual(["skill added: added: skill Retention"]);
        expect(await b.names("wfm.skills")).toEqual(["Retention", "Sales", "Support"]);
      },
    },
  },
  {
    object: "skill",
    op: "change",
    act: async (w) => void (await database.sql`update cfg.skills set name = 'Sales EMEA' where dbid = ${w.sales}`),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => {
        expect(log).toEqual([]);
        expect(await b.names("wfm.skills")).toEqual(["Sales"]);
      },
      2: async (w, _l, log) => {
        expect(log).toEqual(["skill updated: name: Sales → Sales EMEA"]);
        expect(await b.agentSkills(w.agent)).toEqual({ "Sales EMEA": 3 });
      },
    },
  },
  {
    object: "skill",
    op: "delete",
    act: async (w) => void (await database.sql`delete from cfg.skills where dbid = ${w.sales}`),
    expect: {
      0: nothingLogged,
      1: async (w, _l, log) => {
        // Never removed at level 1; the agent's level goes because cfg no longer has it.
        expect(log).toEqual(["skill_level updated: skill Sales removed (was level 3)"]);
        expect(await b.names("wfm.skills")).toEqual(["Sales"]);
        expect(await b.agentSkills(w.agent)).toEqual({});
      },
      2: async (w, _l, log) => {
        expect(log).toEqual(["skill updated: removed: skill Sales was deleted in cfg"]);
        expect(await b.names("wfm.skills")).toEqual(["Support"]);
        expect(await b.agentSkills(w.agent)).toEqual({});
      },
    },
  },
  {
    object: "time zone",
    op: "add",
    act: async (w) => void (await b.timeZone(w.tenant, "Pacific", "America/Los_Angeles")),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => {
        expect(log).toEqual([]);
        expect(await b.names("wfm.time_zones")).toEqual([]);
      },
      2: async (_w, _l, log) => {
        expect(log).toEqual(["time_zone added: added: time zone Pacific"]);
        expect(await b.names("wfm.time_zones")).toEqual(["Eastern", "Pacific"]);
      },
    },
  },
  {
    object: "time zone",
    op: "change",
    act: async (w) => void (await database.sql`update cfg.time_zones set name = 'US Eastern' where dbid = ${w.tz}`),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => expect(log).toEqual([]),
      2: async (w, _l, log) => {
        expect(log).toEqual(["time_zone updated: name: Eastern → US Eastern"]);
        // The site named that time zone and follows the rename.
        const [site] = await database.sql`select time_zone from wfm.sites where id = ${w.siteId}`;
        expect(site!.time_zone).toBe("US Eastern");
      },
    },
  },
  {
    object: "time zone",
    op: "delete",
    act: async (w) => void (await database.sql`delete from cfg.time_zones where dbid = ${w.tz}`),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => expect(log).toEqual([]),
      2: async (_w, _l, log) => {
        expect(log).toEqual([
          "time_zone warning: time zone Eastern was deleted in cfg, but sites still use it: Main",
          "time_zone updated: removed: time zone Eastern was deleted in cfg",
        ]);
        expect(await b.names("wfm.time_zones")).toEqual([]);
      },
    },
  },
  {
    object: "user",
    op: "add",
    act: async (w) => void (await b.person(w.tenant, { username: "newlead", isAgent: false })),
    expect: {
      // New persons are never imported as users by sync, at any level.
      0: nothingLogged,
      1: async (_w, _l, log) => {
        expect(log).toEqual([]);
        expect((await database.sql`select username from wfm.users`).map((r) => r.username)).toEqual(["sam"]);
      },
      2: async (_w, _l, log) => {
        expect(log).toEqual([]);
        expect((await database.sql`select username from wfm.users`).map((r) => r.username)).toEqual(["sam"]);
      },
    },
  },
  {
    object: "user",
    op: "change",
    act: async (w) =>
      void (await database.sql`update cfg.persons set username = 'samuel', email = 'samuel@x', first_name = 'Samuel' where dbid = ${w.supervisor}`),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => {
        expect(log).toEqual([]);
        expect(await database.sql`select username, email from wfm.users`).toEqual([{ username: "sam", email: "sam@x" }]);
      },
      2: async (_w, _l, log) => {
        expect(log).toEqual(["user updated: username: sam → samuel; email: sam@x → samuel@x"]);
        // First and last names are WFM's own: they do not follow cfg.
        expect(await database.sql`select username, email, first_name from wfm.users`).toEqual([
          { username: "samuel", email: "samuel@x", first_name: "Sam" },
        ]);
      },
    },
  },
  {
    object: "user",
    op: "delete",
    act: async (w) => void (await database.sql`delete from cfg.persons where dbid = ${w.supervisor}`),
    expect: {
      0: nothingLogged,
      1: async (_w, _l, log) => expect(log).toEqual([]),
      2: async (_w, _l, log) => {
        expect(log).toEqual([]);
        expect((await database.sql`select username from wfm.users`).map((r) => r.username)).toEqual(["sam"]);
      },
    },
  },
];

describe.each([0, 1, 2] as const)("at level %i", (level) => {
  it.each(scenarios.map((s) => [`${s.object} ${s.op}`, s] as const))("%s", async (_name, scenario) => {
    const w = await world(level);
    await scenario.act(w);
    const result = await runFullSync(database.sql, { server: "A", trigger: "manual" });
    expect(result.status).toBe("succeeded");
    const log = (await b.events(result.runId)).map((e) => `${e.objectType} ${e.action}: ${e.message}`);
    await scenario.expect[level](w, level, log);
    if (level === 0) {
      const [counts] = await database.sql`select (select count(*) from wfm.agents)::int as agents, (select count(*) from wfm.skills)::int as skills`;
      expect(counts).toEqual({ agents: 0, skills: 0 });
    }
  });
});
