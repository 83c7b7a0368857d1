/**
 * Several configuration sources feeding one WFM database (SPEC §2.9): each server syncs its own source only,
 * the same dbid in two sources is two agents, names collide across sources, and real-time follows each
 * source's own feed. Both sources are filled with the same shapes, so that their dbids coincide: a statement
 * that forgot the source would take the other source's rows and be seen here.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { dedicatedClient } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { resetTwoSources } from "../testing/sources";
import { levelDigestDrift } from "../testing/world";
import { findCollisions } from "./collisions";
import { runFullSync, runTargetedSync } from "./engine";
import { applyFeedBatch, newFeedSession } from "./realtime";
import { requestSync } from "./requests";

let database: Database;
let main: Builder;
let eu: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  main = new Builder(database.sql);
  eu = new Builder(database.sql, "eu");
});
beforeEach(() => resetTwoSources(database.sql));

const sync = (server: string) => runFullSync(database.sql, { server, trigger: "manual" });

interface Shape {
  tenant: number;
  switchDbid: number;
  skill: number;
  person: number;
  supervisor: number;
}

/** One tenant, switch, skill and two persons (an agent at level 3, a supervisor), made alike in a source. */
async function fill(b: Builder, names: { switch: string; skill: string; tz: string; agent: string }): Promise<Shape> {
  const tenant = await b.tenant(`${b.source} tenant`);
  const switchDbid = await b.switch(tenant, names.switch);
  await b.timeZone(tenant, names.tz);
  const skill = await b.skill(tenant, names.skill);
  const person = await b.person(tenant, { username: names.agent, logins: [switchDbid], skills: { [skill]: 3 } });
  const supervisor = await b.person(tenant, { username: `${names.agent}-lead`, isAgent: false });
  return { tenant, switchDbid, skill, person, supervisor };
}

async function agentsOf(source: string) {
  return database.sql<{ cfgDbid: number; username: string; site: string | null; skills: string | null }[]>`
    select a.cfg_dbid as "cfgDbid", a.username, s.name as site,
           (select string_agg(k.name || '=' || x.level, ',' order by k.name)
              from wfm.agent_skills x join wfm.skills k on k.id = x.skill_id where x.agent_id = a.id) as skills
      from wfm.agents a left join wfm.sites s on s.id = a.site_id
     where a.source = ${source} order by a.cfg_dbid`;
}

describe("servers of two sources", () => {
  it("each import only their own source's agents, skills and time zones, though the dbids coincide", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    expect(e.person).toBe(m.person); // the point: the same dbid in two sources
    await main.server("MAIN-1", 2);
    await eu.server("EU-1", 2);
    await main.site({ switchDbid: m.switchDbid, name: "Paris" });
    await eu.site({ switchDbid: e.switchDbid, name: "Dublin" });

    const first = await sync("MAIN-1");
    expect(first.status).toBe("succeeded");
    expect(await agentsOf("main")).toEqual([{ cfgDbid: m.person, username: "ana", site: "Paris", skills: "Sales=3" }]);
    expect(await agentsOf("eu")).toEqual([]);
    expect(await main.names("wfm.skills")).toEqual(["Sales"]);

    const second = await sync("EU-1");
    expect(second.status).toBe("succeeded");
    expect(await agentsOf("eu")).toEqual([{ cfgDbid: e.person, username: "eoin", site: "Dublin", skills: "EU Sales=3" }]);
    // The main server's work is untouched by the eu server's, and the other way round.
    expect(await agentsOf("main")).toEqual([{ cfgDbid: m.person, username: "ana", site: "Paris", skills: "Sales=3" }]);
    expect(await main.names("wfm.skills")).toEqual(["EU Sales", "Sales"]);
    expect(await main.names("wfm.time_zones")).toEqual(["CET", "GMT"]);
    const runs = await database.sql`select server, source from wfm.sync_runs order by id`;
    expect(runs.map((r) => `${r.server}:${r.source}`)).toEqual(["MAIN-1:main", "EU-1:eu"]);

    // A person deleted in eu terminates eu's agent only; a full sync of main afterwards changes nothing.
    await database.sql`delete from cfg_eu.persons where dbid = ${e.person}`;
    await sync("EU-1");
    const terminated = await database.sql`select source, termination_source from wfm.agents order by source`;
    expect(terminated.map((r) => `${r.source}:${r.termination_source}`)).toEqual(["eu:config", "main:null"]);
    const again = await sync("MAIN-1");
    expect(again.counts).toEqual({ added: 0, updated: 0, terminated: 0, skipped: 0, errors: 0 });
  });

  it("a second source's cold import sets its own agents' level digests and leaves the first source's alone", async () => {
    await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await main.server("MAIN-1", 2);
    await eu.server("EU-1", 2);
    expect((await sync("MAIN-1")).status).toBe("succeeded");
    const searchIndex = async () => (await database.sql`select 'wfm.agents_search_trgm_idx'::regclass::oid::int as oid`)[0]!.oid as number;
    const digests = async () =>
      (await database.sql`select a.source, d.digest from wfm.agent_level_digests d join wfm.agents a on a.id = d.agent_id order by 1`).map((r) => `${r.source}:${r.digest}`);
    const coldImport = async () => {
      const index = await searchIndex();
      const run = await runFullSync(database.sql, { server: "EU-1", trigger: "manual", coldImportMinimum: 1 });
      expect(run.status, run.error).toBe("succeeded");
      expect(await searchIndex()).not.toBe(index); // rebuilt: the cold path ran
    };

    const mainOnly = await digests();
    await coldImport();
    const both = await digests();
    expect(both).toEqual([expect.stringMatching(/^eu:/), mainOnly[0]]);
    expect(await levelDigestDrift(database.sql)).toEqual([]);

    // Again with main's agent holding, by hand, a level of eu's skill: a digest summing levels by the skill's
    // source instead of the agent's would take it out of main's digest.
    await database.sql`delete from wfm.agents where source = 'eu'`;
    await database.sql`
      insert into wfm.agent_skills (agent_id, skill_id, level)
      select a.id, k.id, 4 from wfm.agents a, wfm.skills k where a.source = 'main' and k.source = 'eu' and k.cfg_dbid = ${e.skill}`;
    const handEdited = await digests();
    expect(handEdited).not.toEqual(mainOnly);
    await coldImport();
    expect(await digests()).toEqual([both[0], handEdited[0]]);
    expect(await levelDigestDrift(database.sql)).toEqual([]);
  });

  it("sync users of their own source only", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await main.server("MAIN-1", 2);
    await eu.server("EU-1", 2);
    await database.sql`
      insert into wfm.users (source, cfg_dbid, username, email, role)
      values ('main', ${m.supervisor}, 'old-main', 'old@main', 'viewer'), ('eu', ${e.supervisor}, 'old-eu', 'old@eu', 'viewer')`;
    await database.sql`update cfg_eu.persons set email = 'new@eu' where dbid = ${e.supervisor}`;
    await sync("EU-1");
    const users = await database.sql`select source, username, email from wfm.users order by source`;
    expect(users.map((u) => `${u.source}:${u.username}:${u.email}`)).toEqual(["eu:eoin-lead:new@eu", "main:old-main:old@main"]);
  });

  it("a name used in two sources collides: neither is synchronized, each run says so naming both sources", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "Sales", tz: "GMT", agent: "eoin" });
    await main.server("MAIN-1", 2);
    await eu.server("EU-1", 2);
    await main.site({ switchDbid: m.switchDbid, name: "Paris" });
    await eu.site({ switchDbid: e.switchDbid, name: "Dublin" });

    const collisions = await findCollisions(database.sql);
    expect(collisions).toEqual([
      {
        objectType: "skill",
        name: "Sales",
        members: [
          { source: "main", tenantDbid: m.tenant, tenantName: "main tenant", dbid: m.skill },
          { source: "eu", tenantDbid: e.tenant, tenantName: "eu tenant", dbid: e.skill },
        ],
      },
    ]);
    // The main server syncs only main, yet sees the collision with eu.
    for (const server of ["MAIN-1", "EU-1"]) {
      const run = await sync(server);
      expect(run.status).toBe("partial");
      const errors = await database.sql`select message from wfm.sync_events where run_id = ${run.runId} and action = 'error'`;
      expect(errors.map((r) => r.message)).toEqual([
        `Skill name 'Sales' is used more than once: source main tenant ${m.tenant} (main tenant) dbid ${m.skill}, source eu tenant ${e.tenant} (eu tenant) dbid ${e.skill}. None of them is synchronized until the names are made unique.`,
      ]);
    }
    expect(await main.names("wfm.skills")).toEqual([]);
    expect((await agentsOf("main"))[0]!.skills).toBeNull();
    expect((await agentsOf("eu"))[0]!.skills).toBeNull();

    // Renamed in eu: both become syncable, each in its own source.
    await database.sql`update cfg_eu.skills set name = 'EU Sales' where dbid = ${e.skill}`;
    await sync("EU-1");
    await sync("MAIN-1");
    expect((await agentsOf("main"))[0]!.skills).toBe("Sales=3");
    expect((await agentsOf("eu"))[0]!.skills).toBe("EU Sales=3");
  });

  it("real-time applies each source's feed to its own server only", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await main.server("MAIN-1", 2);
    await eu.server("EU-1", 2);
    await main.site({ switchDbid: m.switchDbid, name: "Paris" });
    await eu.site({ switchDbid: e.switchDbid, name: "Dublin" });
    await sync("MAIN-1");
    await sync("EU-1");

    // A change of person dbid N in eu; main's person N is untouched.
    await database.sql`update cfg_eu.persons set last_name = 'Murphy' where dbid = ${e.person}`;
    await database.sql`update cfg_eu.skill_levels set level = 7 where person_dbid = ${e.person}`;
    const feed = dedicatedClient(database.sql, "sources test feed");
    try {
      const mainBatch = await applyFeedBatch(feed, newFeedSession(), { server: "MAIN-1", runId: null });
      expect(mainBatch.changes).toBe(0);
      const euBatch = await applyFeedBatch(feed, newFeedSession(), { server: "EU-1", runId: null });
      expect(euBatch.source).toBe("eu");
      expect(euBatch.changes).toBe(2);
      expect(euBatch.counts.updated).toBe(2);
    } finally {
      await feed.end();
    }
    const names = await database.sql`select source, last_name from wfm.agents order by source`;
    expect(names.map((r) => `${r.source}:${r.last_name}`)).toEqual(["eu:Murphy", "main:Agent"]);
    expect((await agentsOf("eu"))[0]!.skills).toBe("EU Sales=7");
    expect((await agentsOf("main"))[0]!.skills).toBe("Sales=3");
    const cursors = await database.sql`select server, source, last_seq from wfm.sync_cursors order by server`;
    expect(cursors.map((c) => `${c.server}:${c.source}`)).toEqual(["EU-1:eu", "MAIN-1:main"]);
  });

  it("a collision inside another source does not make this source's run partial", async () => {
    await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    const second = await eu.tenant("eu second tenant");
    await eu.skill(second, "EU Sales"); // eu's own duplicate
    await main.server("MAIN-1", 2);
    await eu.server("EU-1", 2);
    const mainRun = await sync("MAIN-1");
    expect(mainRun.status).toBe("succeeded");
    const euRun = await sync("EU-1");
    expect(euRun.status).toBe("partial");
    expect(e.skill).toBeGreaterThan(0);
  });

  it("real-time sees a name of another source start colliding: it stops syncing it and asks for a full sync", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await main.server("MAIN-1", 2);
    await main.site({ switchDbid: m.switchDbid, name: "Paris" });
    await sync("MAIN-1");
    const feed = dedicatedClient(database.sql, "sources test feed");
    const session = newFeedSession();
    try {
      // A first batch prepares the session and notes the other sources' names as they are.
      await database.sql`update cfg.skill_levels set level = 4 where person_dbid = ${m.person}`;
      const first = await applyFeedBatch(feed, session, { server: "MAIN-1", runId: null });
      expect(first.collisionsChanged).toBeUndefined();
      expect((await agentsOf("main"))[0]!.skills).toBe("Sales=4");

      // eu gets a skill named like main's: main's server reads nothing of it in its own feed.
      await eu.skill(e.tenant, "Sales");
      await database.sql`update cfg.skill_levels set level = 6 where person_dbid = ${m.person}`;
      session.namesElsewhere.at = 0; // it looks at most once a second; the test need not wait for that
      const second = await applyFeedBatch(feed, session, { server: "MAIN-1", runId: null });
      expect(second.collisionsChanged).toBe(true);
      // The level on the now colliding skill is left alone, as a full sync would leave it.
      expect((await agentsOf("main"))[0]!.skills).toBe("Sales=4");
      const skipped = await database.sql`select message from wfm.sync_events where run_id = ${second.runId} and action = 'warning'`;
      expect(skipped.map((r) => r.message)).toEqual([expect.stringMatching(/skill level on skill Sales .* skipped: its name collides/)]);
    } finally {
      await feed.end();
    }
  });

  it("a targeted sync reads the agent of the server's source", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    const e = await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await eu.server("EU-1", 2);
    await eu.site({ switchDbid: e.switchDbid, name: "Dublin" });
    const run = await runTargetedSync(database.sql, { server: "EU-1", cfgDbid: e.person, trigger: "manual" });
    expect(run.status).toBe("succeeded");
    expect(await agentsOf("eu")).toEqual([{ cfgDbid: e.person, username: "eoin", site: "Dublin", skills: "EU Sales=3" }]);
    expect(await agentsOf("main")).toEqual([]);
    expect(m.person).toBe(e.person);
  });

  it("an agent's Sync now asked of a server that has since moved to another source touches nobody", async () => {
    const m = await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await eu.server("EU-1", 2);
    const request = await requestSync(database.sql, { kind: "agent", server: "EU-1", cfgDbid: m.person });
    const [queued] = await database.sql`select source from wfm.sync_requests where id = ${request.id}`;
    expect(queued!.source).toBe("eu");
    await database.sql`update wfm.servers set source = 'main' where name = 'EU-1'`;
    const run = await runTargetedSync(database.sql, { server: "EU-1", cfgDbid: m.person, source: "eu", trigger: "reinstate" });
    expect(await eu.events(run.runId)).toEqual([
      expect.objectContaining({ action: "skipped", message: "skipped: the agent is of source eu, and EU-1 now syncs source main" }),
    ]);
    expect(await agentsOf("main")).toEqual([]); // main's person with that dbid was not read instead
  });

  it("a server moved to another source syncs that source, and keeps a cursor per source", async () => {
    await fill(main, { switch: "Paris SW", skill: "Sales", tz: "CET", agent: "ana" });
    await fill(eu, { switch: "Dublin SW", skill: "EU Sales", tz: "GMT", agent: "eoin" });
    await main.server("ONE", 2);
    await sync("ONE");
    await database.sql`update wfm.servers set source = 'eu' where name = 'ONE'`;
    await sync("ONE");
    expect((await agentsOf("main")).map((a) => a.username)).toEqual(["ana"]);
    expect((await agentsOf("eu")).map((a) => a.username)).toEqual(["eoin"]);
    const cursors = await database.sql`select source from wfm.sync_cursors where server = 'ONE' order by source`;
    expect(cursors.map((c) => c.source)).toEqual(["eu", "main"]);
  });
});
