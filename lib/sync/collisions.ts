/**
 * Duplicate names (SPEC §2.4). Switch, time-zone and skill names must be unique across all tenants; the
 * Configuration Database allows the same name under two tenants, so sync finds such collisions before it
 * applies anything and leaves every member of a collision alone.
 */
import type { Sql } from "../db/client";
import { allSources, type SourceRow } from "../config/source-names";
import type { TempLifetime } from "./agents";
import { syncSource, type SyncSource } from "./source";

export type CollidingType = "switch" | "timeZone" | "skill";

export interface Collision {
  objectType: CollidingType;
  name: string;
  members: { source: string; tenantDbid: number; tenantName: string | null; dbid: number }[];
}

const tables: Record<CollidingType, string> = {
  switch: "switches",
  timeZone: "time_zones",
  skill: "skills",
};

/**
 * Every source's rows of one kind with their tenant's name, as one relation (source, dbid, tenant_dbid,
 * tenant_name, name). Source schemas come from wfm.config_sources, whose names are checked by its constraint,
 * so they can be named in the text.
 */
const everySource = (sources: SourceRow[], table: string) =>
  sources
    .map((row) => syncSource(row.name)) // the name rule checked again before any name reaches the text
    .map((s) => `select ${s.literal}::text as source, o.dbid, o.tenant_dbid, t.name as tenant_name, o.name
                    from ${s.schema}.${table} o left join ${s.schema}.tenants t on t.dbid = o.tenant_dbid`)
    .join(" union all ");

/**
 * The current collisions across every source and tenant (SPEC §2.4, §2.9), as the Validation page and each
 * full sync see them: a server of one source is told of a collision with another source too.
 */
export async function findCollisions(sql: Sql): Promise<Collision[]> {
  const sources = await allSources(sql);
  const collisions: Collision[] = [];
  for (const [objectType, table] of Object.entries(tables) as [CollidingType, string][]) {
    const rows = await sql.unsafe<{ name: string; members: Collision["members"] }[]>(`
      with o as (${everySource(sources, table)})
      select o.name,
             jsonb_agg(jsonb_build_object('source', o.source, 'tenantDbid', o.tenant_dbid, 'tenantName', o.tenant_name, 'dbid', o.dbid)
                       order by o.source <> 'main', o.source, o.tenant_dbid, o.dbid) as members
        from o
       where o.name in (select name from o group by name having count(*) > 1)
       group by o.name order by o.name`);
    for (const row of rows) collisions.push({ objectType, name: row.name, members: row.members });
  }
  return collisions;
}

export function describeCollision(collision: Collision): string {
  const label = { switch: "Switch", timeZone: "Time zone", skill: "Skill" }[collision.objectType];
  const manySources = new Set(collision.members.map((m) => m.source)).size > 1;
  const members = collision.members
    .map((m) => `${manySources || m.source !== "main" ? `source ${m.source} ` : ""}tenant ${m.tenantDbid}${m.tenantName ? ` (${m.tenantName})` : ""} dbid ${m.dbid}`)
    .join(", ");
  return `${label} name '${collision.name}' is used more than once: ${members}. None of them is synchronized until the names are made unique.`;
}

/**
 * Temp tables of the dbids of `source` whose names collide with any other row of any source, so every later
 * statement can exclude them with one anti-join. A run's tables are dropped at its commit; the real-time
 * connection keeps its own for its whole session and refreshes them only when a batch of changes touched a
 * name (they roll back with a failed batch).
 */
export async function markCollisions(tx: Sql, source: SyncSource, lifetime: TempLifetime = "transaction"): Promise<void> {
  const sources = await allSources(tx);
  for (const [objectType, table] of Object.entries(tables) as [CollidingType, string][]) {
    const name = `sync_colliding_${objectType.toLowerCase()}`;
    const select = sources.length === 1
      ? `select dbid from ${source.schema}.${table} where name in (select name from ${source.schema}.${table} group by name having count(*) > 1)`
      : `select dbid from ${source.schema}.${table}
          where name in (select name from (${sources.map((s) => `select name from ${syncSource(s.name).schema}.${table}`).join(" union all ")}) n
                          group by name having count(*) > 1)`;
    if (lifetime === "transaction") {
      await tx.unsafe(`create temp table ${name} on commit drop as ${select}`);
      await tx.unsafe(`alter table ${name} add primary key (dbid)`);
    } else {
      await tx.unsafe(`create temp table if not exists ${name} (dbid bigint primary key)`);
      await tx.unsafe(`truncate ${name}`);
      await tx.unsafe(`insert into ${name} ${select}`);
    }
    await tx.unsafe(`analyze ${name}`);
  }
}
