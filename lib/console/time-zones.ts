/** The time zones imported into WFM (SPEC §6.1 "timeZone"): the API's list, and the names a site may take. */
import type { z } from "zod";
import type { timeZoneShape } from "../api/shapes";
import type { Sql } from "../db/client";

export type TimeZoneView = z.infer<typeof timeZoneShape>;

/** Every time zone in WFM, by name (unique across sources), with the source it came from. */
export function listTimeZones(sql: Sql): Promise<TimeZoneView[]> {
  return sql<TimeZoneView[]>`select source, cfg_dbid as "cfgDbid", tenant_dbid as "tenantDbid", name, iana_name as "ianaName" from wfm.time_zones order by name`;
}

/** The names of WFM's time zones, by name: the choices of a site's time zone. */
export async function listTimeZoneNames(sql: Sql): Promise<string[]> {
  return (await sql<{ name: string }[]>`select name from wfm.time_zones order by name`).map((z) => z.name);
}

/** A site's time zone, as WFM names it and as IANA does (null when the site names a zone WFM no longer has). */
export async function siteTimeZone(sql: Sql, siteId: number): Promise<{ name: string; ianaName: string | null } | null> {
  const [row] = await sql<{ name: string; ianaName: string | null }[]>`
    select s.time_zone as name, z.iana_name as "ianaName" from wfm.sites s left join wfm.time_zones z on z.name = s.time_zone where s.id = ${siteId}`;
  return row ?? null;
}
