/**
 * The Validation page and GET /api/v1/validation (SPEC §5, §6.1 "validation"), from one query set: names that
 * collide across tenants (sync skips them, §2.4), agents without a site, and sites that name a switch cfg no
 * longer has or a time zone WFM no longer has (deleted in cfg after the site was made: sync cannot place
 * agents by such a switch, and the site's time zone means nothing).
 */
import type { Sql } from "../db/client";
import { findCollisions } from "../sync/collisions";
import { totals } from "./overview";

export interface BrokenSite {
  id: number;
  name: string;
  /** The switch it names, when cfg has no such switch (else null). */
  missingSwitchDbid: number | null;
  /** The time zone it names, when WFM has no such time zone (else null). */
  missingTimeZone: string | null;
}

export async function validationReport(sql: Sql) {
  const [collisions, t, brokenSites] = await Promise.all([
    findCollisions(sql),
    totals(sql),
    sql<BrokenSite[]>`
      select s.id, s.name,
             case when s.switch_dbid is not null and not exists (select 1 from cfg.switches w where w.dbid = s.switch_dbid)
                  then s.switch_dbid end as "missingSwitchDbid",
             case when not exists (select 1 from wfm.time_zones z where z.name = s.time_zone) then s.time_zone end as "missingTimeZone"
        from wfm.sites s
       where (s.switch_dbid is not null and not exists (select 1 from cfg.switches w where w.dbid = s.switch_dbid))
          or not exists (select 1 from wfm.time_zones z where z.name = s.time_zone)
       order by s.name`,
  ]);
  return { collisions, unassignedAgents: t.unassigned, brokenSites: [...brokenSites] };
}
