/**
 * Test worlds: write a cfg state and WFM sites/servers/users into a database, and read WFM back in the
 * reference model's shape.
 */
import type { Sql } from "../db/client";
import { schemaOf } from "../config/source-names";
import { TODAY, type CfgState, type ModelAgent, type WfmState } from "./sync-model";

export async function resetWorld(sql: Sql): Promise<void> {
  await sql`truncate cfg.skill_levels, cfg.agent_logins, cfg.persons, cfg.skills, cfg.time_zones, cfg.switches,
                    cfg.tenants, cfg.changes, wfm.agent_skills, wfm.agents, wfm.skills, wfm.time_zones, wfm.sites,
                    wfm.sync_events, wfm.sync_runs, wfm.sync_cursors, wfm.server_instances, wfm.servers, wfm.sessions,
                    wfm.users restart identity cascade`;
  await sql`update cfg.change_counter set seq = 0`;
  // Other sources' cfg too: their schemas stay (creating one is the slow part), emptied the same way.
  const others = await sql<{ schema: string }[]>`select schema from wfm.config_sources where name <> 'main'`;
  for (const { schema } of others) {
    await sql.unsafe(`truncate ${["skill_levels", "agent_logins", "persons", "skills", "time_zones", "switches", "tenants", "changes"]
      .map((t) => `${schema}.${t}`).join(", ")} restart identity cascade`);
    await sql.unsafe(`update ${schema}.change_counter set seq = 0`);
  }
}

/** Replaces cfg with `cfg` (inserting, updating and deleting through the triggers, as any writer would). */
export async function writeCfg(sql: Sql, cfg: CfgState, source = "main"): Promise<void> {
  const schema = schemaOf(source);
  await sql.begin(async (tx) => {
    await tx`delete from ${tx(`${schema}.skill_levels`)}`;
    await tx`delete from ${tx(`${schema}.agent_logins`)}`;
    await tx`delete from ${tx(`${schema}.persons`)} where dbid <> all(${cfg.persons.map((p) => p.dbid)})`;
    await tx`delete from ${tx(`${schema}.skills`)} where dbid <> all(${cfg.skills.map((s) => s.dbid)})`;
    await tx`delete from ${tx(`${schema}.time_zones`)} where dbid <> all(${cfg.timeZones.map((t) => t.dbid)})`;
    await tx`delete from ${tx(`${schema}.switches`)} where dbid <> all(${cfg.switches.map((s) => s.dbid)})`;
    for (const t of cfg.tenants) {
      await tx`insert into ${tx(`${schema}.tenants`)} (dbid, name) values (${t.dbid}, ${t.name}) on conflict (dbid) do update set name = excluded.name`;
    }
    // Two passes through a placeholder so that names may move between rows of one tenant.
    for (const table of ["switches", "skills", "time_zones"] as const) {
      await tx.unsafe(`update ${schema}.${table} set name = '~' || dbid`);
    }
    for (const s of cfg.switches) {
      await tx`insert into ${tx(`${schema}.switches`)} (dbid, tenant_dbid, name) values (${s.dbid}, ${s.tenant}, ${s.name})
               on conflict (dbid) do update set tenant_dbid = excluded.tenant_dbid, name = excluded.name`;
    }
    for (const z of cfg.timeZones) {
      await tx`insert into ${tx(`${schema}.time_zones`)} (dbid, tenant_dbid, name, iana_name) values (${z.dbid}, ${z.tenant}, ${z.name}, ${z.iana})
               on conflict (dbid) do update set tenant_dbid = excluded.tenant_dbid, name = excluded.name, iana_name = excluded.iana_name`;
    }
    for (const s of cfg.skills) {
      await tx`insert into ${tx(`${schema}.skills`)} (dbid, tenant_dbid, name) values (${s.dbid}, ${s.tenant}, ${s.name})
               on conflict (dbid) do update set tenant_dbid = excluded.tenant_dbid, name = excluded.name`;
    }
    await tx`update ${tx(`${schema}.persons`)} set username = '~' || dbid`;
    for (const p of cfg.persons) {
      await tx`insert into ${tx(`${schema}.persons`)} (dbid, tenant_dbid, username, first_name, last_name, email, employee_id, is_agent)
               values (${p.dbid}, ${p.tenant}, ${p.username}, ${p.firstName}, ${p.lastName}, ${p.email}, ${p.employeeId}, ${p.isAgent})
               on conflict (dbid) do update set tenant_dbid = excluded.tenant_dbid, username = excluded.username,
                 first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
                 employee_id = excluded.employee_id, is_agent = excluded.is_agent`;
    }
    for (const l of cfg.logins) {
      await tx`insert into ${tx(`${schema}.agent_logins`)} (dbid, switch_dbid, code, person_dbid) values (${l.dbid}, ${l.switch}, ${l.code}, ${l.person})`;
    }
    for (const l of cfg.levels) {
      await tx`insert into ${tx(`${schema}.skill_levels`)} (person_dbid, skill_dbid, level) values (${l.person}, ${l.skill}, ${l.level})`;
    }
  });
}

/** A source's servers and users, and (unless told not to) the sites every source shares. */
export async function writeWfmSetup(sql: Sql, wfm: WfmState, options: { source?: string; sites?: boolean } = {}): Promise<void> {
  const source = options.source ?? "main";
  for (const [name, level] of Object.entries(wfm.servers)) {
    await sql`insert into wfm.servers (name, sync_level, source) values (${name}, ${level}, ${source})`;
  }
  for (const s of options.sites === false ? [] : wfm.sites) {
    await sql`insert into wfm.sites (id, name, time_zone, switch_source, switch_dbid, server)
              values (${s.id}, ${s.name}, ${s.timeZone}, ${s.switchSource}, ${s.switch}, ${s.server})`;
  }
  for (const u of wfm.users) {
    await sql`insert into wfm.users (id, source, cfg_dbid, username, email, role)
              values (${u.id}, ${u.cfgDbid === null ? null : source}, ${u.cfgDbid}, ${u.username}, ${u.email}, 'viewer')`;
  }
}

/**
 * The agents whose kept level digest (wfm.agent_level_digests) is not what their levels hash to: a write that
 * escaped the triggers, which a full sync comparing by digest would trust. Empty when all is well.
 */
export async function levelDigestDrift(sql: Sql): Promise<number[]> {
  const rows = await sql<{ agent_id: number }[]>`
    with rows as (
      select s.agent_id, bit_xor(wfm.level_hash(k.source, k.cfg_dbid, s.level)) as digest
        from wfm.agent_skills s join wfm.skills k on k.id = s.skill_id group by s.agent_id
    )
    select coalesce(r.agent_id, d.agent_id) as agent_id
      from rows r full join wfm.agent_level_digests d on d.agent_id = r.agent_id
     where coalesce(r.digest, 0) <> coalesce(d.digest, 0) or d.digest = 0
     order by 1`;
  return rows.map((r) => r.agent_id);
}

/** WFM as the model of one source sees it: that source's agents, skills, time zones and users, and every site. */
export async function readWfm(sql: Sql, servers: Record<string, number>, source = "main"): Promise<WfmState> {
  const [{ today }] = (await sql`select current_date::text as today`) as unknown as [{ today: string }];
  const agents: Record<number, ModelAgent> = {};
  const rows = await sql<
    { cfgDbid: number; tenant: number; username: string; firstName: string; lastName: string; email: string | null; employeeId: string | null; siteId: number | null; terminationDate: string | null; terminationSource: "config" | "manual" | null; awaiting: boolean }[]
  >`select cfg_dbid as "cfgDbid", tenant_dbid as tenant, username, first_name as "firstName", last_name as "lastName",
           email, employee_id as "employeeId", site_id as "siteId", termination_date::text as "terminationDate",
           termination_source as "terminationSource", awaiting_full_sync as awaiting
      from wfm.agents where source = ${source} order by cfg_dbid`;
  for (const r of rows) {
    agents[r.cfgDbid] = {
      ...r,
      terminationDate: r.terminationDate === today ? TODAY : r.terminationDate,
      skills: {},
    } as ModelAgent & { cfgDbid?: number };
    delete (agents[r.cfgDbid] as { cfgDbid?: number }).cfgDbid;
  }
  for (const s of await sql<{ cfgDbid: number; skill: number; level: number }[]>`
      select a.cfg_dbid as "cfgDbid", k.cfg_dbid as skill, s.level
        from wfm.agent_skills s join wfm.agents a on a.id = s.agent_id join wfm.skills k on k.id = s.skill_id
       where a.source = ${source}`) {
    agents[s.cfgDbid]!.skills[s.skill] = s.level;
  }
  const skills = Object.fromEntries(
    (await sql<{ dbid: number; tenant: number; name: string }[]>`select cfg_dbid as dbid, tenant_dbid as tenant, name from wfm.skills where source = ${source}`).map(
      (s) => [s.dbid, { tenant: s.tenant, name: s.name }],
    ),
  );
  const timeZones = Object.fromEntries(
    (await sql<{ dbid: number; tenant: number; name: string; iana: string }[]>`
      select cfg_dbid as dbid, tenant_dbid as tenant, name, iana_name as iana from wfm.time_zones where source = ${source}`).map((t) => [
      t.dbid,
      { tenant: t.tenant, name: t.name, iana: t.iana },
    ]),
  );
  const sites = await sql<WfmState["sites"]>`
    select id, name, time_zone as "timeZone", switch_source as "switchSource", switch_dbid as switch, server from wfm.sites order by id`;
  const users = await sql<WfmState["users"]>`
    select id, cfg_dbid as "cfgDbid", username, email from wfm.users where source = ${source} order by id`;
  return { servers, sites: [...sites], agents, skills, timeZones, users: [...users] };
}
