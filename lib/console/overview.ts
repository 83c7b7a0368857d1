/**
 * Read-only queries behind the console's first pages. Each names the columns it returns.
 */
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { effectiveServer } from "./effective-server";
import { serverStates } from "./servers";
import { acrossSources } from "./source-tables";

export interface SiteRow {
  id: number;
  name: string;
  timeZone: string;
  /** The configuration source of the site's switch (SPEC §2.9), null with no switch. */
  switchSource: string | null;
  switchDbid: number | null;
  switchName: string | null;
  server: string | null;
  agentCount: number;
  /** Who synchronizes the site's agents now: the assigned server, or the level-2 one by default (SPEC §2.4). */
  synchronizedBy: { server: string | null; by: "assigned" | "default" | null; warning: string | null };
}

/** Sites by name as people read names: "Atlanta 2" before "Atlanta 10". */
const byName = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

export async function listSites(sql: Sql, only: { id?: number } = {}): Promise<SiteRow[]> {
  const { rows: switches } = await acrossSources(sql, "switches", sql`dbid, name`);
  const [rows, states] = await Promise.all([
    sql<Omit<SiteRow, "synchronizedBy">[]>`
      select s.id, s.name, s.time_zone as "timeZone", s.switch_source as "switchSource", s.switch_dbid as "switchDbid",
             sw.name as "switchName", s.server, coalesce(a.n, 0)::int as "agentCount"
        from wfm.sites s
        left join ${switches} sw on sw.source = s.switch_source and sw.dbid = s.switch_dbid
        left join (select site_id, count(*) as n from wfm.agents group by site_id) a on a.site_id = s.id
       where ${only.id ?? null}::int is null or s.id = ${only.id ?? null}`,
    serverStates(sql),
  ]);
  return rows
    .map((row) => {
      const { server, by, warning } = effectiveServer(row.server, states, row.switchSource);
      return { ...row, synchronizedBy: { server, by, warning } };
    })
    .sort((a, b) => byName.compare(a.name, b.name));
}

export async function getSite(sql: Sql, id: number): Promise<SiteRow> {
  const [site] = await listSites(sql, { id });
  if (!site) throw new DomainError("NOT_FOUND", `There is no site with id ${id}.`);
  return site;
}

/** Every site's id and name, by name (as PostgreSQL orders them): the choices of an agent's site. */
export function listSiteNames(sql: Sql): Promise<{ id: number; name: string }[]> {
  return sql<{ id: number; name: string }[]>`select id, name from wfm.sites order by name`;
}

export interface UserRow {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  role: string;
  fromCfg: boolean;
  /** The configuration source it was imported from; null for an account made in WFM. */
  source: string | null;
}

export function listUsers(sql: Sql): Promise<UserRow[]> {
  return sql<UserRow[]>`
    select id, username, first_name as "firstName", last_name as "lastName", email, role, cfg_dbid is not null as "fromCfg", source
      from wfm.users order by username`;
}

export interface Totals {
  agents: number;
  terminated: number;
  unassigned: number;
  runs: number;
  cfgPersons: number;
}

/** `cfgPersons` counts the agents of every configuration source. */
export async function totals(sql: Sql): Promise<Totals> {
  const { rows: persons } = await acrossSources(sql, "persons", sql`is_agent`);
  const [row] = await sql<Totals[]>`
    select (select count(*) from wfm.agents)::int as agents,
           (select count(*) from wfm.agents where termination_date is not null)::int as terminated,
           (select count(*) from wfm.agents where site_id is null)::int as unassigned,
           (select count(*) from wfm.sync_runs)::int as runs,
           (select count(*) from ${persons} p where p.is_agent)::int as "cfgPersons"`;
  return row!;
}
