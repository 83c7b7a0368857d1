/**
 * A real WFM Server of a replicated source (SPEC §2.9, issue 14), with the source's Configuration Database in a
 * PostgreSQL cluster of its own: persons, logins and levels written there reach WFM's agents through PostgreSQL's
 * logical replication and the server's real-time sync; the publisher crashing with changes not yet sent, and
 * the server being killed during the initial copy, lose and duplicate nothing.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPublisher } from "../config/publisher";
import { subscriptionOf } from "../config/source-names";
import { createSource } from "../config/sources";
import { createClient, type Database, type Sql } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { databaseIn, replicated, startPublisherCluster, type PublisherCluster } from "../testing/publisher";
import { caughtUp, eventually, startServer } from "../testing/servers";

const TABLES = ["tenants", "switches", "time_zones", "skills", "persons", "agent_logins", "skill_levels"];

/** The Configuration Database and WFM's copy of it hold the same rows, table by table. */
async function expectSameRows(wfm: Sql, config: Sql, schema: string) {
  for (const table of TABLES) {
    const mine = await wfm.unsafe(`select * from ${schema}.${table} order by 1, 2`);
    const theirs = await config.unsafe(`select * from ${schema}.${table} order by 1, 2`);
    expect(mine, `${schema}.${table}`).toEqual(theirs);
  }
}

/** WFM's agents of the source are its persons with a login on a site's switch: same people, same names and levels. */
async function expectAgentsAsPersons(wfm: Sql, config: Sql, source: string, schema: string) {
  const agents = await wfm<{ dbid: number; lastName: string; levels: number }[]>`
    select a.cfg_dbid as dbid, a.last_name as "lastName", (select count(*) from wfm.agent_skills s where s.agent_id = a.id)::int as levels
      from wfm.agents a where a.source = ${source} and a.termination_date is null order by a.cfg_dbid`;
  const persons = await config<{ dbid: number; lastName: string; levels: number }[]>`
    select p.dbid, p.last_name as "lastName", (select count(*) from ${config(`${schema}.skill_levels`)} l where l.person_dbid = p.dbid)::int as levels
      from ${config(`${schema}.persons`)} p
     where p.is_agent and exists (select 1 from ${config(`${schema}.agent_logins`)} g where g.person_dbid = p.dbid)
     order by p.dbid`;
  expect(agents).toEqual(persons);
}

/** SIGQUIT to the postmaster: PostgreSQL's immediate shutdown, as a crash, with no shutdown checkpoint and no goodbye to its walsenders. */
async function crash(cluster: PublisherCluster) {
  const pid = Number(readFileSync(path.join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(pid, "SIGQUIT");
  await eventually(async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, "the publisher's postmaster gone");
}

let database: Database;
let cluster: PublisherCluster;
/** The cluster as first started: its remove() deletes the files a restarted cluster runs on too. */
let firstCluster: PublisherCluster;
let config: ReturnType<typeof createClient>;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  cluster = firstCluster = await startPublisherCluster();
  const admin = createClient(cluster.adminUrl, { max: 1 });
  await admin.sql`create database config`;
  await admin.close();
  config = createClient(databaseIn(cluster.adminUrl, "config"), { max: 2 });
});
afterAll(async () => {
  await config?.close();
  if (cluster !== firstCluster) await cluster?.stop();
  await firstCluster?.remove();
});

describe("a WFM Server of a replicated source", () => {
  it("imports what is written in the Configuration Database, and loses nothing when that database crashes with changes unsent", async () => {
    const { sql } = database;
    await installPublisher(config.url, "eu");
    const eu = new Builder(config.sql, "eu");
    const tenant = await eu.tenant("EU");
    const dublin = await eu.switch(tenant, "Dublin SW");
    const sales = await eu.skill(tenant, "EU Sales");
    const support = await eu.skill(tenant, "EU Support");
    const eoin = await eu.wholePerson(tenant, { username: "eoin", lastName: "Walsh", logins: [dublin], skills: { [sales]: 5 } });

    await createSource(sql, { name: "eu", kind: "replicated", connection: config.url });
    await new Builder(sql, "eu").site({ switchDbid: dublin, name: "Dublin" });
    await replicated(sql, config.sql, "eu");
    const server = await startServer(database, "EU-1", ["--source", "eu"]);
    await caughtUp(sql, "EU-1");
    const wfmEu = new Builder(sql, "eu");
    expect(await wfmEu.agent(eoin)).toMatchObject({ lastName: "Walsh" });
    expect(await wfmEu.agentSkills(eoin)).toEqual({ "EU Sales": 5 });

    // Written there, after the server started: reaches WFM with no action, through replication and real-time.
    const niamh = await eu.wholePerson(tenant, { username: "niamh", lastName: "Byrne", logins: [dublin], skills: { [sales]: 2, [support]: 7 } });
    await config.sql`update cfg_eu.skill_levels set level = 9 where person_dbid = ${eoin}`;
    await replicated(sql, config.sql, "eu");
    await caughtUp(sql, "EU-1");
    expect(await wfmEu.agent(niamh)).toMatchObject({ lastName: "Byrne" });
    expect(await wfmEu.agentSkills(niamh)).toEqual({ "EU Sales": 2, "EU Support": 7 });
    expect(await wfmEu.agentSkills(eoin)).toEqual({ "EU Sales": 9 });

    // Changes committed there while WFM's subscription is paused, so none of them has been sent when the
    // Configuration Database crashes; more are written after it is back.
    await sql.unsafe(`alter subscription ${subscriptionOf("eu")} disable`);
    const pending: number[] = [];
    for (let i = 0; i < 20; i++) pending.push(await eu.wholePerson(tenant, { username: `pending${i}`, logins: [dublin], skills: { [support]: i % 10 } }));
    await config.sql`update cfg_eu.persons set last_name = 'Kelly' where dbid = ${eoin}`;
    await config.sql`delete from cfg_eu.skill_levels where person_dbid = ${niamh} and skill_dbid = ${sales}`;
    const port = cluster.port;
    await config.close();
    await crash(cluster);
    await sql.unsafe(`alter subscription ${subscriptionOf("eu")} enable`);
    cluster = await startPublisherCluster({ dataDir: cluster.dataDir, port });
    config = createClient(databaseIn(cluster.adminUrl, "config"), { max: 2 });
    const after = new Builder(config.sql, "eu");
    for (let i = 0; i < 5; i++) pending.push(await after.wholePerson(tenant, { username: `after${i}`, logins: [dublin], skills: { [sales]: 1 } }));
    await config.sql`update cfg_eu.persons set first_name = 'Síle' where dbid = ${niamh}`;

    await replicated(sql, config.sql, "eu");
    await caughtUp(sql, "EU-1");
    await expectSameRows(sql, config.sql, "cfg_eu");
    await expectAgentsAsPersons(sql, config.sql, "eu", "cfg_eu");
    expect(await wfmEu.agent(eoin)).toMatchObject({ lastName: "Kelly" });
    expect(await wfmEu.agentSkills(niamh)).toEqual({ "EU Support": 7 });
    // The feed holds each replicated change once: one 'created' per person ever made there.
    const [{ created }] = (await sql`
      select count(*)::int as created from cfg_eu.changes where object_type = 'person' and op = 'created'`) as unknown as [{ created: number }];
    expect(created).toBe(2 + pending.length);
    await server.stop();
  });

  it("killed during the initial copy of a new source, catches up on restart with every agent once", async () => {
    const { sql } = database;
    // A Configuration Database of its own, with room for one replication slot: the subscription's. Each table's
    // copy needs a slot of its own, so none can begin — the copy is under way and stays so — until that
    // database is restarted with room for more.
    const held = await startPublisherCluster({ settings: ["max_replication_slots=1"] });
    let apacCluster = held;
    try {
      const admin = createClient(held.adminUrl, { max: 1 });
      await admin.sql`create database config`;
      await admin.close();
      let apacConfig = createClient(databaseIn(held.adminUrl, "config"), { max: 2 });
      await installPublisher(apacConfig.url, "apac");
      const apac = new Builder(apacConfig.sql, "apac");
      const tenant = await apac.tenant("APAC");
      const tokyo = await apac.switch(tenant, "Tokyo SW");
      await apacConfig.sql`insert into cfg_apac.skills (tenant_dbid, name) select ${tenant}, 'APAC skill ' || g from generate_series(1, 8) g`;
      await apacConfig.sql`
        insert into cfg_apac.persons (tenant_dbid, username, last_name) select ${tenant}, 'apac' || g, 'Person ' || g from generate_series(1, 2000) g`;
      await apacConfig.sql`
        insert into cfg_apac.agent_logins (switch_dbid, code, person_dbid) select ${tokyo}, 'T' || p.dbid, p.dbid from cfg_apac.persons p`;
      await apacConfig.sql`insert into cfg_apac.skill_levels select p.dbid, k.dbid, (p.dbid + k.dbid) % 10 + 1 from cfg_apac.persons p, cfg_apac.skills k`;

      await createSource(sql, { name: "apac", kind: "replicated", connection: apacConfig.url });
      await new Builder(sql, "apac").site({ switchDbid: tokyo, name: "Tokyo" });
      const first = await startServer(database, "APAC-1", ["--source", "apac"]);
      await caughtUp(sql, "APAC-1");
      const copying = async () => {
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid
           where s.subname = ${subscriptionOf("apac")} and r.srsubstate <> 'r'
             and s.subdbid = (select oid from pg_database where datname = current_database())`;
        return row!.n;
      };
      expect(await copying()).toBe(TABLES.length);
      await first.kill();

      const port = held.port;
      await apacConfig.close();
      await held.stop();
      apacCluster = await startPublisherCluster({ dataDir: held.dataDir, port });
      apacConfig = createClient(databaseIn(apacCluster.adminUrl, "config"), { max: 2 });
      try {
        await replicated(sql, apacConfig.sql, "apac");
        await startServer(database, "APAC-1", ["--source", "apac"]);
        await caughtUp(sql, "APAC-1", 120_000);
        await expectSameRows(sql, apacConfig.sql, "cfg_apac");
        await expectAgentsAsPersons(sql, apacConfig.sql, "apac", "cfg_apac");
        const [{ n }] = (await sql`
          select count(*)::int as n from wfm.agent_skills s join wfm.agents a on a.id = s.agent_id where a.source = 'apac'`) as unknown as [{ n: number }];
        expect(n).toBe(16_000);
      } finally {
        await apacConfig.close();
      }
    } finally {
      // The restarted cluster runs on the first one's files, which the first one's remove() deletes.
      if (apacCluster !== held) await apacCluster.stop();
      await held.remove();
    }
  });
});
