/**
 * A cold import: the full sync of a source WFM holds no agent of, into tables it would at least double. Filling
 * a table and then building its indexes costs a fraction of maintaining them row by row, so for that one run
 * the agents' secondary indexes and their site reference, and the skill levels' primary key and reference
 * check, are set aside and rebuilt at its end, inside the run's transaction:
 *
 * - the run takes both tables ACCESS EXCLUSIVE before its snapshot (LOCK takes none), so nobody sees them
 *   without an index, nothing changes them meanwhile, and a failed run rolls every drop back with its rows;
 * - each rebuild checks what it checked row by row: the primary key its uniqueness, a foreign key its
 *   references (one join). The skill levels' reference check (a statement trigger) is off meanwhile: the run
 *   inserts only levels it joined to the agents it inserted and to WFM's skills, under the lock (a check of
 *   the whole table afterwards cost 0.7 s of workload L's 100,000 agents to find nothing, by construction);
 * - the levels' digests (migration 0027) are not kept by their insert trigger either: the only levels the run
 *   inserts are its new agents', with them (every agent of the source is new), so that statement writes each
 *   new agent's digest from the levels it inserted, in the aggregate that counts them (the trigger's upserts
 *   cost 1.1 s of workload L);
 * - whatever indexes and references a migration has given the tables are read from the catalog and rebuilt
 *   as they were (only their OIDs change).
 *
 * The price: readers of wfm.agents and wfm.agent_skills wait for the run's commit (the Agents page shows
 * nothing before a first import anyway; see `agentsBusy` in lib/console/agents.ts for what it says meanwhile).
 */
import type { Sql } from "../db/client";
import type { SyncSource } from "./source";

/** Below this many agents to add, a run keeps the indexes: building them costs more than a few inserts. */
export const COLD_IMPORT_MINIMUM = 5_000;

interface SetAside {
  /** Statements that put back what was set aside, in order. */
  restore: string[];
  /** The skill levels' insert triggers (reference check, digests), enabled again at the end. */
  triggers: string[];
}

export interface ColdImport {
  /** Rebuilds and checks what was set aside; the run's last step before its cursor. */
  finish(tx: Sql): Promise<void>;
}

/**
 * Whether the full sync about to start would be a cold import, judged outside its transaction: the source has
 * no agent in WFM, and cfg has at least `minimum` agents of it and at least as many as WFM holds in all.
 */
export async function coldImportLikely(conn: Sql, source: SyncSource, minimum = COLD_IMPORT_MINIMUM): Promise<boolean> {
  // Most runs find an agent of theirs at once; counting cfg's agents (0.1 s of L) is only for the others.
  const [some] = await conn`select exists (select 1 from wfm.agents where source = ${source.name}) as "has"`;
  if (some?.has) return false;
  const [row] = (await conn.unsafe(`
    select (select count(*) from ${source.schema}.persons where is_agent)::int as incoming,
           (select count(*) from wfm.agents)::int as present,
           exists (select 1 from wfm.agents where source = $1) as has_mine`, [source.name])) as unknown as [{ incoming: number; present: number; has_mine: boolean }];
  return !row.has_mine && row.incoming >= Math.max(minimum, row.present, 1);
}

/**
 * The run's first statement when `coldImportLikely` said so: locks both tables, then (in the snapshot that
 * follows the lock) looks again, and sets their indexes aside when the import is still cold. Undefined when
 * it no longer is (another server's first import of the source came first, say): the lock was taken in a
 * subtransaction, and rolling it back lets the lock go, so the run goes on the usual way without it.
 */
export async function beginColdImport(tx: Sql, source: SyncSource, minimum = COLD_IMPORT_MINIMUM): Promise<ColdImport | undefined> {
  await tx`savepoint cold_import`;
  await tx`lock table wfm.agents, wfm.agent_skills in access exclusive mode`;
  if (!(await coldImportLikely(tx, source, minimum))) {
    await tx`rollback to savepoint cold_import`;
    return undefined;
  }
  await tx`release savepoint cold_import`;
  const setAside = await setAsideIndexes(tx);
  // The digests the run writes go in plainly (no upsert: 0.2 s of workload L), so none may exist for its new
  // agents' ids: a digest of no agent (left by a write made with triggers off) goes first. Usually none.
  await tx`delete from wfm.agent_level_digests d where not exists (select 1 from wfm.agents a where a.id = d.agent_id)`;
  return {
    async finish(tx2: Sql) {
      for (const statement of setAside.restore) await tx2.unsafe(statement);
      for (const trigger of setAside.triggers) await tx2.unsafe(`alter table wfm.agent_skills enable trigger ${trigger}`);
    },
  };
}

async function setAsideIndexes(tx: Sql): Promise<SetAside> {
  // Secondary indexes: neither the primary key nor a unique one (the run's own joins look agents up by their
  // source and dbid, and a unique index is a rule, not a speed-up).
  const indexes = await tx<{ name: string; definition: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
     where i.indrelid = 'wfm.agents'::regclass and not i.indisunique and not i.indisprimary
     order by c.relname`;
  // Foreign keys of wfm.agents (its site), and the primary key of wfm.agent_skills.
  const constraints = await tx<{ tablename: string; name: string; definition: string }[]>`
    select conrelid::regclass::text as tablename, format('%I', conname) as name, pg_get_constraintdef(oid) as definition
      from pg_constraint
     where (conrelid = 'wfm.agents'::regclass and contype = 'f') or (conrelid = 'wfm.agent_skills'::regclass and contype = 'p')
     order by conrelid, conname`;
  // Statement-level triggers on insert: reference checks (migration 0003), by construction of the run's levels,
  // and digests (migration 0027), which the run writes with its agents (StepMode.writesLevelDigests).
  const triggers = await tx<{ name: string }[]>`
    select format('%I', tgname) as name from pg_trigger
     where tgrelid = 'wfm.agent_skills'::regclass and not tgisinternal and tgenabled <> 'D' and (tgtype & 4) <> 0
       and tgfoid in ('wfm.agent_skills_check_references'::regproc, 'wfm.agent_skills_keep_digests'::regproc)
     order by tgname`;
  if (indexes.length) await tx.unsafe(`drop index ${indexes.map((i) => i.name).join(", ")}`);
  for (const c of constraints) await tx.unsafe(`alter table ${c.tablename} drop constraint ${c.name}`);
  for (const t of triggers) await tx.unsafe(`alter table wfm.agent_skills disable trigger ${t.name}`);
  return {
    // Keys first: the primary key's build is the largest, and the indexes after it find the pages cached.
    restore: [
      ...constraints.map((c) => `alter table ${c.tablename} add constraint ${c.name} ${c.definition}`),
      ...indexes.map((i) => i.definition),
    ],
    triggers: triggers.map((t) => t.name),
  };
}

export interface ImportUnderway {
  runId: number;
  server: string;
  source: string;
  done: number;
  total: number;
}

/**
 * The cold import holding the agents right now, if one is: what the Agents page and API say instead of waiting
 * for its commit. Read from the lock table and the run's row, neither of which waits for the import's locks.
 * A cold import that takes its lock just after this look makes that one reader wait, as any run's lock would.
 */
export async function coldImportUnderway(sql: Sql): Promise<ImportUnderway | null> {
  const [row] = await sql<ImportUnderway[]>`
    select r.id as "runId", r.server, r.source, coalesce(r.progress_done, 0)::int as done, coalesce(r.progress_total, 0)::int as total
      from pg_locks l join pg_stat_activity a on a.pid = l.pid
      join wfm.sync_runs r on r.status = 'running' and r.kind = 'full' and a.application_name = left('wfm-sync full ' || r.server, 63)
     where l.locktype = 'relation' and l.database = (select oid from pg_database where datname = current_database())
       and l.relation = 'wfm.agents'::regclass and l.mode = 'AccessExclusiveLock' and l.granted
     order by r.id desc limit 1`;
  return row ?? null;
}
