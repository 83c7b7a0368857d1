/**
 * The switches of every configuration source as the site form offers them (SPEC §2.9): a switch is named by its
 * source and its dbid there, and each belongs to at most one site.
 */
import type { Sql } from "../db/client";
import { acrossSources } from "./source-tables";

export interface SwitchChoice {
  source: string;
  dbid: number;
  name: string;
}

/**
 * Switches without a site, by source (main first) and name; with `siteId`, that site's own switch as well (it
 * may keep it).
 */
export async function listFreeSwitches(sql: Sql, siteId: number | null = null): Promise<SwitchChoice[]> {
  const { rows: switches } = await acrossSources(sql, "switches", sql`dbid, name`);
  return sql<SwitchChoice[]>`
    select s.source, s.dbid, s.name from ${switches} s
     where not exists (select 1 from wfm.sites w
                        where w.switch_source = s.source and w.switch_dbid = s.dbid and w.id is distinct from ${siteId}::int)
     order by s.source <> 'main', s.source, s.name`;
}

/** A switch as the site form posts it, `source:dbid` (one select names both), and back. */
export const switchChoiceValue = (s: { source: string; dbid: number }) => `${s.source}:${s.dbid}`;
