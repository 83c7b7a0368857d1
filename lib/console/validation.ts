/**
 * The Validation page and GET /api/v1/validation (SPEC §5, §6.1 "validation"), from one query set: names that
 * collide across tenants and sources (sync skips them, §2.4, §2.9), agents without a site, and sites that name
 * a switch its source no longer has or a time zone WFM no longer has (deleted in cfg after the site was made:
 * sync cannot place agents by such a switch, and the site's time zone means nothing).
 */
import type { Sql } from "../db/client";
import { findCollisions } from "../sync/collisions";
import { totals } from "./overview";
import { acrossSources } from "./source-tables";

export interface BrokenSite {
  id: number;
  name: string;
  /** The source of the switch it names, when that source has no such switch (else null). */
  missingSwitchSource: string | null;
  /** The switch it names, when its source has no such switch (else null). */
  missingSwitchDbid: number | null;
  /** The time zone it names, when WFM has no such time zone (else null). */
  missingTimeZone: string | null;
}

export async function validationReport(sql: Sql) {
  // A site's switch is looked up in its own source's schema (a source removed since has none of them).
  const { rows: switches } = await acrossSources(sql, "switches", sql`dbid`);
  const [collisions, t, brokenSites] = await Promise.all([
    findCollisions(sql),
    totals(sql),
    sql<BrokenSite[]>`
      with checked as (
        select s.id, s.name, s.time_zone, s.switch_source, s.switch_dbid,
               s.switch_dbid is not null
                 and not exists (select 1 from ${switches} w where w.source = s.switch_source and w.dbid = s.switch_dbid) as switch_gone,
               not exists (select 1 from wfm.time_zones z where z.name = s.time_zone) as zone_gone
          from wfm.sites s
      )
      select id, name,
             case when switch_gone then switch_source end as "missingSwitchSource",
             case when switch_gone then switch_dbid end as "missingSwitchDbid",
             case when zone_gone then time_zone end as "missingTimeZone"
        from checked where switch_gone or zone_gone
       order by name`,
  ]);
  return { collisions, unassignedAgents: t.unassigned, brokenSites: [...brokenSites] };
}
