/** cfg's switches as the site form offers them: each switch belongs to at most one site. */
import type { Sql } from "../db/client";

export interface SwitchChoice {
  dbid: number;
  name: string;
}

/** Switches without a site, by name; with `siteId`, that site's own switch as well (it may keep it). */
export function listFreeSwitches(sql: Sql, siteId: number | null = null): Promise<SwitchChoice[]> {
  return sql<SwitchChoice[]>`
    select s.dbid, s.name from cfg.switches s
     where not exists (select 1 from wfm.sites w where w.switch_dbid = s.dbid and w.id is distinct from ${siteId}::int) order by s.name`;
}
