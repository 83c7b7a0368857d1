/**
 * Migration 0024 (configuration sources) on a database that already holds data: a WFM database migrated up to
 * 0023, loaded with workload S and synchronized the way the single-source sync did, then moved to 0024. Every
 * row must still be there, belong to `main`, and mean what it meant — in particular each skill level must still
 * name the same skill, since agent_skills.skill_dbid became skill_id (a WFM id) without rewriting a value.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { copyInto } from "../demo/load";
import { generateWorkload, scaledWorkload } from "../demo/workload";
import { databaseUrl } from "../testing/database";
import { createClient, type Database, type Sql } from "./client";
import { migrationsFolder } from "./migrate";

const FIRST_SOURCES_MIGRATION = "0024_config_sources";
/** SPEC §8: workload S is a hundredth of L. */
const WORKLOAD_S = scaledWorkload(1_000);
/** A skill whose dbid is far above the others, so the new id sequence must start after the largest, not the count. */
const HIGH_SKILL_DBID = 500;

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

/** A copy of the migrations folder holding only the migrations before 0024: the schema an existing deployment has. */
function foldersBefore0024(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wfm-migrations-0023-"));
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8")) as Journal;
  const cut = journal.entries.findIndex((e) => e.tag === FIRST_SOURCES_MIGRATION);
  if (cut < 0) throw new Error(`${FIRST_SOURCES_MIGRATION} is not in the journal`);
  const before = journal.entries.slice(0, cut);
  fs.mkdirSync(path.join(dir, "meta"));
  fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries: before }));
  for (const entry of before) fs.copyFileSync(path.join(migrationsFolder, `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
  return dir;
}

/** cfg filled with workload S, and WFM as full syncs of the single-source product left it (old column names). */
async function loadOldShape(sql: Sql): Promise<void> {
  const tables = generateWorkload(WORKLOAD_S);
  await sql.begin(async (tx) => {
    await copyInto(tx, "cfg.tenants", ["dbid", "name"], tables.tenants);
    await copyInto(tx, "cfg.switches", ["dbid", "tenant_dbid", "name"], tables.switches);
    await copyInto(tx, "cfg.time_zones", ["dbid", "tenant_dbid", "name", "iana_name"], tables.timeZones);
    await copyInto(tx, "cfg.skills", ["dbid", "tenant_dbid", "name"], tables.skills);
    await copyInto(tx, "cfg.persons", ["dbid", "tenant_dbid", "username", "first_name", "last_name", "email", "employee_id", "is_agent"], tables.persons());
    await copyInto(tx, "cfg.agent_logins", ["dbid", "switch_dbid", "code", "person_dbid"], tables.agentLogins());
    await copyInto(tx, "cfg.skill_levels", ["person_dbid", "skill_dbid", "level"], tables.skillLevels());
    await copyInto(tx, "wfm.sites", ["name", "time_zone", "switch_dbid"], tables.sites);
    // A gap in the skill dbids and one far above them: an id sequence made from the count would clash.
    await tx`delete from cfg.skills where dbid = 3`;
    await tx`insert into cfg.skills (dbid, tenant_dbid, name) values (${HIGH_SKILL_DBID}, 1, 'Quality Review')`;
    await tx`insert into cfg.skill_levels (person_dbid, skill_dbid, level)
             select dbid, ${HIGH_SKILL_DBID}, 7 from cfg.persons where is_agent and dbid % 10 = 1`;
  });

  // What the single-source engine wrote: two servers (one assigned a site), reference data, agents placed by
  // their one login switch, their levels keyed by the cfg skill dbid, a user imported from cfg beside the
  // bootstrap admin, runs with their log, and each server's cursor at the feed's end.
  await sql.begin(async (tx) => {
    await tx`insert into wfm.servers (name, sync_level) values ('WFMServer', 2), ('Backup', 1)`;
    await tx`update wfm.sites set server = 'Backup' where switch_dbid = 2`;
    await tx`insert into wfm.time_zones (cfg_dbid, tenant_dbid, name, iana_name) select dbid, tenant_dbid, name, iana_name from cfg.time_zones`;
    await tx`insert into wfm.skills (cfg_dbid, tenant_dbid, name) select dbid, tenant_dbid, name from cfg.skills`;
    await tx`
      insert into wfm.agents (cfg_dbid, tenant_dbid, username, first_name, last_name, email, employee_id, site_id)
      select p.dbid, p.tenant_dbid, p.username, p.first_name, p.last_name, p.email, p.employee_id, s.id
        from cfg.persons p
        left join (select person_dbid, min(switch_dbid) as switch_dbid from cfg.agent_logins
                    where person_dbid is not null group by person_dbid having count(distinct switch_dbid) = 1) l
               on l.person_dbid = p.dbid
        left join wfm.sites s on s.switch_dbid = l.switch_dbid
       where p.is_agent
       order by p.dbid`;
    await tx`
      insert into wfm.agent_skills (agent_id, skill_dbid, level)
      select a.id, l.skill_dbid, l.level from cfg.skill_levels l join wfm.agents a on a.cfg_dbid = l.person_dbid`;
    // A person deleted in cfg (terminated by sync) and one terminated by hand.
    await tx`delete from cfg.persons where dbid = 5`;
    await tx`update wfm.agents set termination_date = current_date, termination_source = 'config' where cfg_dbid = 5`;
    await tx`update wfm.agents set termination_date = current_date + 30, termination_source = 'manual' where cfg_dbid = 6`;
    await tx`insert into wfm.users (username, role, password_hash) values ('admin', 'admin', 'x')`;
    await tx`
      insert into wfm.users (cfg_dbid, username, first_name, last_name, email, role)
      select dbid, username, first_name, last_name, email, 'supervisor' from cfg.persons where not is_agent order by dbid limit 3`;
    const [run] = await tx<{ id: number }[]>`
      insert into wfm.sync_runs (server, kind, level, trigger, status, finished_at, added, progress_done, progress_total)
      values ('WFMServer', 'full', 2, 'startup', 'succeeded', now(), ${WORKLOAD_S.agents}, ${WORKLOAD_S.agents}, ${WORKLOAD_S.agents})
      returning id`;
    await tx`insert into wfm.sync_runs (server, kind, level, trigger, status) values ('Backup', 'realtime', 1, 'startup', 'running')`;
    await tx`
      insert into wfm.sync_events (run_id, object_type, object_key, action, message)
      select ${run!.id}, 'agent', cfg_dbid::text, 'added', 'added: ' || username from wfm.agents where cfg_dbid <= 10`;
    await tx`insert into wfm.sync_cursors (server, last_seq) select name, (select seq from cfg.change_counter) from wfm.servers`;
  });
}

/** Each table's rows as JSON, in a stable order: what must survive the migration. */
const TABLES = {
  agents: "id",
  skills: "cfg_dbid",
  time_zones: "cfg_dbid",
  agent_skills: "agent_id, skill_dbid",
  users: "id",
  sites: "id",
  servers: "name",
  sync_cursors: "server",
  sync_runs: "id",
  sync_events: "id",
} as const;
type Snapshot = Record<keyof typeof TABLES, Record<string, unknown>[]>;

async function snapshot(sql: Sql, order: Record<keyof typeof TABLES, string>): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const [table, by] of Object.entries(order) as [keyof typeof TABLES, string][]) {
    const rows = await sql.unsafe<{ row: Record<string, unknown> }[]>(`select to_jsonb(t) as row from wfm.${table} t order by ${by}`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

const without = (rows: Record<string, unknown>[], ...columns: string[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !columns.includes(key))));

describe("migration 0024 (configuration sources) on a WFM database that holds workload S", () => {
  let database: Database;
  let admin: Database;
  let folder: string;
  const name = `m0024_${process.pid}_${Date.now()}`;
  let before: Snapshot;
  let after: Snapshot;
  let levelsBefore: { agent_id: number; skill_name: string; level: number }[];

  beforeAll(async () => {
    admin = createClient(inject("clusterUrl"), { max: 1 });
    await admin.sql.unsafe(`create database ${name}`);
    database = createClient(databaseUrl(name), { max: 2 });
    folder = foldersBefore0024();
    await migrate(database.db, { migrationsFolder: folder });
    await loadOldShape(database.sql);
    before = await snapshot(database.sql, TABLES);
    levelsBefore = await database.sql`
      select x.agent_id, s.name as skill_name, x.level from wfm.agent_skills x join wfm.skills s on s.cfg_dbid = x.skill_dbid
       order by 1, 2`;
    // The product's own migrator, on the real folder: it applies exactly what the database has not seen.
    await migrate(database.db, { migrationsFolder });
    after = await snapshot(database.sql, { ...TABLES, skills: "id", agent_skills: "agent_id, skill_id", sync_cursors: "server, source" });
  });

  afterAll(async () => {
    await database?.close();
    await admin?.sql.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it("started from the old shape: a full sync's worth of rows under the old keys", async () => {
    expect(before.agents.length).toBe(WORKLOAD_S.agents);
    // Eight levels an agent, less those of the deleted skill 3, plus the high skill's for every tenth agent.
    expect(before.agent_skills.length).toBeGreaterThan(WORKLOAD_S.agents * (WORKLOAD_S.skillsPerAgent - 1));
    expect(before.skills.map((s) => s.cfg_dbid)).toContain(HIGH_SKILL_DBID);
    expect(before.agent_skills[0]).toHaveProperty("skill_dbid");
    const [applied] = await database.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(applied!.n).toBe(fs.readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).length);
  });

  it("keeps every agent, time zone, user and run as it was, each belonging to main", () => {
    expect(without(after.agents, "source")).toEqual(before.agents);
    expect(after.agents.every((a) => a.source === "main")).toBe(true);
    expect(without(after.time_zones, "source")).toEqual(before.time_zones);
    expect(after.time_zones.every((z) => z.source === "main")).toBe(true);
    expect(without(after.sync_runs, "source")).toEqual(before.sync_runs);
    expect(after.sync_runs.every((r) => r.source === "main")).toBe(true);
    expect(after.sync_events).toEqual(before.sync_events);
    expect(without(after.servers, "source")).toEqual(before.servers);
    expect(after.servers.every((s) => s.source === "main")).toBe(true);
    // Users imported from cfg belong to main; the bootstrap admin, made in WFM, to no source.
    expect(without(after.users, "source")).toEqual(before.users);
    for (const user of after.users) expect(user.source).toBe(user.cfg_dbid === null ? null : "main");
  });

  it("gives each skill its old dbid as its id, so every level still names the same skill", async () => {
    expect(without(after.skills, "source", "id")).toEqual(before.skills);
    for (const skill of after.skills) {
      expect(skill.source).toBe("main");
      expect(skill.id).toBe(skill.cfg_dbid);
    }
    expect(after.agent_skills.map(({ skill_id, ...rest }) => ({ ...rest, skill_dbid: skill_id }))).toEqual(before.agent_skills);
    const levelsAfter = await database.sql`
      select x.agent_id, s.name as skill_name, x.level from wfm.agent_skills x join wfm.skills s on s.id = x.skill_id
       order by 1, 2`;
    expect(levelsAfter).toEqual(levelsBefore);
  });

  it("says main for the switch of every site that has one, and no source for a site without", () => {
    expect(without(after.sites, "switch_source")).toEqual(before.sites);
    for (const site of after.sites) expect(site.switch_source).toBe(site.switch_dbid === null ? null : "main");
    expect(after.sites.filter((s) => s.switch_source === "main").length).toBe(WORKLOAD_S.switches);
  });

  it("keeps each server's cursor as its cursor for main", async () => {
    expect(without(after.sync_cursors, "source")).toEqual(before.sync_cursors);
    expect(after.sync_cursors.map((c) => [c.server, c.source])).toEqual([["Backup", "main"], ["WFMServer", "main"]]);
    const [pk] = await database.sql`
      select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'wfm.sync_cursors'::regclass and contype = 'p'`;
    expect(pk!.def).toBe("PRIMARY KEY (server, source)");
  });

  it("gives a skill added afterwards, from any source, an id after every existing one", async () => {
    const sql = database.sql;
    await sql`insert into wfm.config_sources (name, schema) values ('eu', 'cfg_eu')`;
    // The same dbid in another source is another skill; the same dbid in main is refused.
    const [eu] = await sql<{ id: number }[]>`
      insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('eu', ${HIGH_SKILL_DBID}, 1, 'EU Quality Review') returning id`;
    const [main] = await sql<{ id: number }[]>`
      insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('main', 900, 1, 'Night Shift') returning id`;
    expect(eu!.id).toBe(HIGH_SKILL_DBID + 1);
    expect(main!.id).toBe(HIGH_SKILL_DBID + 2);
    await expect(sql`insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('main', ${HIGH_SKILL_DBID}, 1, 'Again')`).rejects.toThrow(
      /skills_source_dbid_key/,
    );
    // A level may name the new skill, and the skill's id stays fixed.
    const [agent] = await sql<{ id: number }[]>`select id from wfm.agents order by id limit 1`;
    await sql`insert into wfm.agent_skills (agent_id, skill_id, level) values (${agent!.id}, ${eu!.id}, 3)`;
    await expect(sql`update wfm.skills set id = 99999 where id = ${eu!.id}`).rejects.toThrow();
    // A writer that forgets the source fails instead of landing in main.
    await expect(sql`insert into wfm.agents (cfg_dbid, tenant_dbid, username, first_name, last_name) values (1, 1, 'x', 'x', 'x')`).rejects.toThrow(
      /source/,
    );
  });
});
