/**
 * Planner statistics for the tables a run joins. A bulk load or a cold sync changes tables faster than
 * autovacuum analyses them, and stale statistics (an empty table, say) make PostgreSQL pick nested loops
 * over tables it believes tiny, turning seconds into minutes.
 */
import type { Sql } from "../db/client";

/** Analyses the tables a run joins that changed by more than a tenth since their last ANALYZE. */
export async function refreshStatistics(tx: Sql) {
  const stale = await tx<{ name: string }[]>`
    select format('%I.%I', t.schemaname, t.relname) as name
      from pg_stat_user_tables t join pg_class c on c.oid = t.relid
     -- wfm, and every source's cfg schema: a replicated source's tables are filled by its initial copy.
     where (t.schemaname in ('cfg', 'wfm') or t.schemaname like 'cfg!_%' escape '!')
       and t.relname in ('agents', 'agent_skills', 'skills', 'time_zones', 'sites', 'persons', 'skill_levels', 'agent_logins', 'switches')
       and t.n_mod_since_analyze > greatest(500, c.reltuples * 0.1)`;
  if (stale.length) await tx.unsafe(`analyze ${stale.map((s) => s.name).join(", ")}`);
}

/**
 * ANALYZE inside a run keeps its lock until the run commits; another run wanting the same lock would queue
 * behind it (or deadlock with it). So in a run, statistics are refreshed only when the lock is free at once.
 */
export async function analyzeIfFree(tx: Sql, tables: string): Promise<void> {
  await tx`savepoint sync_analyze`;
  try {
    await tx`set local lock_timeout = '20ms'`;
    await tx.unsafe(`analyze ${tables}`);
    await tx`set local lock_timeout = 0`;
    await tx`release savepoint sync_analyze`;
  } catch {
    await tx`rollback to savepoint sync_analyze`;
    await tx`set local lock_timeout = 0`;
  }
}


/**
 * Refreshes a table's statistics after a run added `added` rows to it, when that at least doubled it (as the
 * planner last knew it): a cold sync's first batches turn an empty table into a large one, and later batches
 * change its shape too little to change a plan — analysing after each cost ~90 ms a batch for nothing.
 * `columns`: only those (a wide table's other columns cost most of an ANALYZE, and autovacuum gets to them).
 * Returns whether the table had grown that much.
 */
export async function analyzeIfGrown(tx: Sql, table: string, added: number, columns?: readonly string[]): Promise<boolean> {
  if (added < 1000) return false;
  const [{ known }] = (await tx`select greatest(reltuples, 0)::float8 as known from pg_class where oid = ${table}::regclass`) as unknown as [{ known: number }];
  if (added < known) return false;
  await analyzeIfFree(tx, columns ? `${table} (${columns.join(", ")})` : table);
  return true;
}
