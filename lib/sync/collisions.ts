/**
 * Duplicate names (SPEC §2.4). Switch, time-zone and skill names must be unique across all tenants; the
 * Configuration Database allows the same name under two tenants, so sync finds such collisions before it
 * applies anything and leaves every member of a collision alone.
 */
import type { Sql } from "../db/client";
import type { TempLifetime } from "./agents";

export type CollidingType = "switch" | "timeZone" | "skill";

export interface Collision {
  objectType: CollidingType;
  name: string;
  members: { tenantDbid: number; tenantName: string | null; dbid: number }[];
}

const tables: Record<CollidingType, string> = {
  switch: "cfg.switches",
  timeZone: "cfg.time_zones",
  skill: "cfg.skills",
};

/** The current collisions, as the Validation page and each full sync see them. */
export async function findCollisions(sql: Sql): Promise<Collision[]> {
  const collisions: Collision[] = [];
  for (const [objectType, table] of Object.entries(tables) as [CollidingType, string][]) {
    const rows = await sql.unsafe<{ name: string; members: Collision["members"] }[]>(`
      select o.name,
             jsonb_agg(jsonb_build_object('tenantDbid', o.tenant_dbid, 'tenantName', t.name, 'dbid', o.dbid)
                       order by o.tenant_dbid, o.dbid) as members
        from ${table} o left join cfg.tenants t on t.dbid = o.tenant_dbid
       where o.name in (select name from ${table} group by name having count(*) > 1)
       group by o.name order by o.name`);
    for (const row of rows) collisions.push({ objectType, name: row.name, members: row.members });
  }
  return collisions;
}

export function describeCollision(collision: Collision): string {
  const label = { switch: "Switch", timeZone: "Time zone", skill: "Skill" }[collision.objectType];
  const members = collision.members
    .map((m) => `tenant ${m.tenantDbid}${m.tenantName ? ` (${m.tenantName})` : ""} dbid ${m.dbid}`)
    .join(", ");
  return `${label} name '${collision.name}' is used more than once: ${members}. None of them is synchronized until the names are made unique.`;
}

/**
 * Temp tables of the dbids that collide, so every later statement can exclude them with one anti-join.
 * A run's tables are dropped at its commit; the real-time connection keeps its own for its whole session
 * and refreshes them only when a batch of changes touched a name (they roll back with a failed batch).
 */
export async function markCollisions(tx: Sql, lifetime: TempLifetime = "transaction"): Promise<void> {
  for (const [objectType, table] of Object.entries(tables) as [CollidingType, string][]) {
    const name = `sync_colliding_${objectType.toLowerCase()}`;
    const select = `select dbid from ${table} where name in (select name from ${table} group by name having count(*) > 1)`;
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
