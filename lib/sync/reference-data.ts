/**
 * Skills and time zones at level 2: WFM gets exactly the cfg rows whose names do not collide — added,
 * renamed, removed. One diff into a temp table, then at most four set-based statements, then the log.
 *
 * Order matters because names are unique in WFM: removals first (freeing their names), renames through a
 * placeholder name (so two skills may swap names), then additions. A change whose new name is held by a WFM
 * row that stays (possible only when that row's cfg twin now collides) is not applied and is logged as a
 * warning instead of failing the whole run.
 */
import type { Sql } from "../db/client";
import type { SyncSource } from "./source";

interface ReferenceTable {
  objectType: "skill" | "time_zone";
  label: string;
  /** The table's name in a source's schema. */
  cfgTable: string;
  wfmTable: string;
  colliding: string;
  /** Columns beyond tenant_dbid and name that cfg owns. */
  extra: string[];
}

export const SKILLS: ReferenceTable = {
  objectType: "skill",
  label: "skill",
  cfgTable: "skills",
  wfmTable: "wfm.skills",
  colliding: "sync_colliding_skill",
  extra: [],
};

export const TIME_ZONES: ReferenceTable = {
  objectType: "time_zone",
  label: "time zone",
  cfgTable: "time_zones",
  wfmTable: "wfm.time_zones",
  colliding: "sync_colliding_timezone",
  extra: ["iana_name"],
};

/** The source's rows of the table become WFM's; other sources' rows are only in the way of a name. */
export async function syncReferenceTable(tx: Sql, runId: number, table: ReferenceTable, source: SyncSource): Promise<void> {
  const { wfmTable, colliding, extra, objectType, label } = table;
  const cfgTable = `${source.schema}.${table.cfgTable}`;
  const mine = (alias: string) => `${alias}.source = ${source.literal}`;
  const owned = ["tenant_dbid", "name", ...extra];
  const diff = `sync_diff_${objectType}`;

  await tx.unsafe(`
    create temp table ${diff} on commit drop as
    select coalesce(c.dbid, w.cfg_dbid) as dbid,
           case when w.cfg_dbid is null then 'add' when c.dbid is null then 'remove' else 'change' end as op,
           ${owned.map((col) => `c.${col}, w.${col} as old_${col}`).join(", ")}
      from (select * from ${cfgTable} where dbid not in (select dbid from ${colliding})) c
      full join (select * from ${wfmTable} where source = ${source.literal}) w on w.cfg_dbid = c.dbid
     where (w.cfg_dbid is null)
        or (c.dbid is null and not exists (select 1 from ${cfgTable} gone where gone.dbid = w.cfg_dbid))
        or (c.dbid is not null and (${owned.map((col) => `c.${col}`).join(", ")}) is distinct from (${owned.map((col) => `w.${col}`).join(", ")}))`);

  // A new name held by a WFM row that is neither removed nor renamed in this run cannot be applied. Not
  // applying one rename can block another (its old name then stays taken), so repeat until nothing moves.
  // The holder may belong to another source: names are unique across sources (SPEC §2.9).
  const blocked: { dbid: number; name: string; holder: string }[] = [];
  for (;;) {
    const round = await tx.unsafe<{ dbid: number; name: string; holder: string }[]>(`
    delete from ${diff} d
     using ${wfmTable} w
     where d.op in ('add', 'change') and d.name is distinct from d.old_name
       and w.name = d.name and not (${mine("w")} and w.cfg_dbid = d.dbid)
       and not (${mine("w")} and exists (select 1 from ${diff} m where m.dbid = w.cfg_dbid
                          and (m.op = 'remove' or (m.op = 'change' and m.name is distinct from m.old_name))))
    returning d.dbid, d.name,
              case when ${mine("w")} then 'dbid ' || w.cfg_dbid else 'dbid ' || w.cfg_dbid || ' of source ' || w.source end as holder`);
    if (round.length === 0) break;
    blocked.push(...round);
  }
  for (const b of blocked) {
    await tx`
      insert into wfm.sync_events (run_id, object_type, object_key, action, message)
      values (${runId}, ${objectType}, ${String(b.dbid)}, 'warning',
              ${`${label} '${b.name}' (dbid ${b.dbid}) not synchronized: WFM ${label} ${b.holder} already has that name`})`;
  }

  if (objectType === "time_zone") {
    // Sites name their time zone; one that goes away leaves them naming nothing, which an administrator
    // must hear about.
    await tx.unsafe(
      `
      insert into wfm.sync_events (run_id, object_type, object_key, action, message)
      select $1::bigint, 'time_zone', d.dbid::text, 'warning',
             'time zone ' || d.old_name || ' was deleted in cfg, but sites still use it: ' || string_agg(s.name, ', ' order by s.name)
        from ${diff} d join wfm.sites s on s.time_zone = d.old_name
       where d.op = 'remove'
       group by d.dbid, d.old_name`,
      [runId],
    );
  }
  await tx.unsafe(`delete from ${wfmTable} w using ${diff} d where d.op = 'remove' and ${mine("w")} and w.cfg_dbid = d.dbid`);
  // The placeholder names the source too: two sources' runs may rename the same dbid at once.
  await tx.unsafe(`
    update ${wfmTable} w set name = E'\\x01' || w.source || '/' || w.cfg_dbid
      from ${diff} d where d.op = 'change' and d.name is distinct from d.old_name and ${mine("w")} and w.cfg_dbid = d.dbid`);
  await tx.unsafe(`
    update ${wfmTable} w set ${owned.map((col) => `${col} = d.${col}`).join(", ")}
      from ${diff} d where d.op = 'change' and ${mine("w")} and w.cfg_dbid = d.dbid`);
  await tx.unsafe(`
    insert into ${wfmTable} (source, cfg_dbid, ${owned.join(", ")})
    select ${source.literal}, dbid, ${owned.join(", ")} from ${diff} where op = 'add'`);
  if (objectType === "time_zone") {
    // Sites name their time zone; a renamed time zone takes its sites along.
    await tx.unsafe(`
      update wfm.sites s set time_zone = d.name, updated_at = now()
        from ${diff} d where d.op = 'change' and d.old_name is distinct from d.name and s.time_zone = d.old_name`);
  }

  const changes = owned
    .map((col) => {
      const title = col === "tenant_dbid" ? "tenant" : col.replace(/_/g, " ");
      return `case when d.${col} is distinct from d.old_${col} then '${title}: ' || coalesce(d.old_${col}::text, 'none') || ' → ' || coalesce(d.${col}::text, 'none') end`;
    })
    .join(", ");
  await tx.unsafe(
    `
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, '${objectType}', d.dbid::text,
           case d.op when 'add' then 'added' else 'updated' end,
           case d.op when 'add' then 'added: ${label} ' || d.name
                     when 'remove' then 'removed: ${label} ' || d.old_name || ' was deleted in cfg'
                     else concat_ws('; ', ${changes}) end
      from ${diff} d order by d.dbid`,
    [runId],
  );
}
