/**
 * Skill levels of the agents in `sync_batch` that cfg still holds. A new agent's come with it (applyAgents);
 * for the others, a diff of cfg.skill_levels against wfm.agent_skills in one temp table, then one insert, one
 * update and one delete. A full sync diffs only the agents whose level digests differ (`levels_differ`,
 * collectBatch): an agent whose cfg levels hash to what WFM's digest holds has the same levels on both sides, and
 * reading 800,000 levels on each side to learn that nothing moved was most of a full sync that changes nothing.
 * Levels on a colliding skill are skipped (one warning per skill and batch) and never touched in WFM.
 *
 * At level 1 (and for a targeted sync) a skill that WFM lacks is imported on demand first, before the batch's
 * agents are applied; it is never renamed or removed afterwards.
 */
import { preparedIf, type Sql } from "../db/client";
import { answered, inBatchRange, RUN_MODE, statement, type StepMode, type TempLifetime } from "./agents";
import type { SyncSource } from "./source";
import { analyzeIfGrown } from "./statistics";

/**
 * The diff is keyed like agent_skills, so a join between them can probe either side by index: a plan that
 * loops over agent_skills because its statistics are stale costs a probe per level, never a scan of the diff.
 */
export async function createLevelTables(tx: Sql, lifetime: TempLifetime = "transaction"): Promise<void> {
  await tx.unsafe(`
    ${lifetime === "transaction" ? "create temp table" : "create temp table if not exists"} sync_level_diff (
      agent_id integer not null,
      cfg_dbid bigint not null,
      skill_id bigint not null,
      level smallint,
      old_level smallint,
      is_new boolean not null,
      primary key (agent_id, skill_id)
    ) ${lifetime === "transaction" ? "on commit drop" : "on commit preserve rows"}`);
}

/** Returns how many skills it imported or could not import (each is a log line). */
export async function importSkillsOnDemand(tx: Sql, runId: number, source: SyncSource, mode: StepMode = RUN_MODE): Promise<number> {
  const S = source.schema;
  const query = tx.unsafe(`
    with needed as (
      select distinct sl.skill_dbid
        from sync_batch b join ${S}.skill_levels sl on sl.person_dbid = b.cfg_dbid
       where b.in_cfg
         and not exists (select 1 from wfm.skills w where w.source = ${source.literal} and w.cfg_dbid = sl.skill_dbid)
         and sl.skill_dbid <> all (array(select dbid from sync_colliding_skill))
    ), imported as (
      insert into wfm.skills (source, cfg_dbid, tenant_dbid, name)
      select ${source.literal}, s.dbid, s.tenant_dbid, s.name from ${S}.skills s join needed n on n.skill_dbid = s.dbid
      on conflict do nothing
      returning cfg_dbid, name
    ), blocked as (
      select n.skill_dbid, s.name from needed n join ${S}.skills s on s.dbid = n.skill_dbid
       where not exists (select 1 from imported i where i.cfg_dbid = n.skill_dbid)
    )
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, 'skill', cfg_dbid::text, 'added', 'added: skill ' || name || ' (imported on demand)' from imported
    union all
    select $1::bigint, 'skill', skill_dbid::text, 'warning',
           'skill ' || name || ' (dbid ' || skill_dbid || ') could not be imported: WFM already has a skill of that name'
      from blocked`, [runId], preparedIf(mode.session));
  // In a pipeline the count comes with the pipeline's answers: the caller awaits it after the batch's steps are sent.
  return (await answered(mode, query)).count;
}

export async function applySkillLevels(tx: Sql, runId: number, source: SyncSource, mode: StepMode = RUN_MODE): Promise<void> {
  const S = source.schema;
  // A cfg level names its skill by the source's dbid; WFM's by the skill's WFM id. The join between them is a
  // hash of the few hundred skills of the source.
  const skillOf = (alias: string) => `join wfm.skills w on w.source = ${source.literal} and w.cfg_dbid = ${alias}.skill_dbid`;
  // Colliding skills are few (usually none): a per-row look into their array beats the anti-join the
  // planner picks for an empty temp table, a scan per level (~0.4 µs each, 800,000 levels a full sync).
  const syncable = (alias: string) => `${alias}.skill_dbid <> all (array(select dbid from sync_colliding_skill))`;

  // New agents' levels went in with them (applyAgents); the agents WFM had already are diffed here.
  // Existing agents: diff both sides, driven from the batch so each side is an index range per agent.
  if (!mode.session) await tx`truncate sync_level_diff`;
  // A run's batch of many agents is diffed by hash joins, whatever the statistics say. Statistics of
  // agent_skills that say "empty" while it holds rows (every level deleted by hand and analysed, then refilled
  // by the run's earlier batches, whose re-analyse gave way to a VACUUM's lock) make the planner loop over
  // agent_skills and scan the batch for each level: 2,000-agent batches of a 20,000-agent restore took over
  // 20 s each, growing with every batch. Hash joins are what it picks for such batches anyway. A small
  // batch (a targeted sync's one agent) keeps its index probes: there, even the wrong loop compares each
  // level with at most BULK_AGENTS agents. Real-time's statements are prepared and keep the plan they were
  // made with, so this is for runs only.
  const bulk = !mode.session && (await agentsToDiff(tx)) > BULK_AGENTS;
  const nestloop = bulk ? await planWithoutNestedLoops(tx) : undefined;
  const diffed = await statement(mode, tx.unsafe(`
    insert into sync_level_diff (agent_id, cfg_dbid, skill_id, level, old_level, is_new)
    with wanted as (
      select b.agent_id, b.cfg_dbid, w.id as skill_id, sl.level
        from sync_batch b join ${S}.skill_levels sl on sl.person_dbid = b.cfg_dbid ${skillOf("sl")}
       where not b.is_new and b.in_cfg and b.levels_differ and ${syncable("sl")} and ${inBatchRange("sl.person_dbid", mode)}
    ), present as (
      select b.agent_id, b.cfg_dbid, s.skill_id, s.level
        from sync_batch b join wfm.agent_skills s on s.agent_id = b.agent_id
       where not b.is_new and b.in_cfg and b.levels_differ and ${inBatchRange("s.agent_id", mode, "agent_id")}
         and s.skill_id <> all (array(select k.id from wfm.skills k join sync_colliding_skill x
                                        on k.source = ${source.literal} and k.cfg_dbid = x.dbid))
    )
    select coalesce(w.agent_id, p.agent_id), coalesce(w.cfg_dbid, p.cfg_dbid), coalesce(w.skill_id, p.skill_id),
           w.level, p.level, false
      from wanted w full join present p on p.agent_id = w.agent_id and p.skill_id = w.skill_id
     where w.level is distinct from p.level`, [], preparedIf(mode.session)));
  if (nestloop !== undefined) await restoreNestedLoops(tx, nestloop);
  // Temp tables have no statistics until analysed; without them the planner may scan agent_skills per row.
  if (!mode.session || (diffed && diffed.count > 200)) await tx`analyze sync_level_diff`;

  const added = await statement(mode, tx`
    insert into wfm.agent_skills (agent_id, skill_id, level)
    select agent_id, skill_id, level from sync_level_diff where old_level is null`);
  // Levels re-added to existing agents (their rows deleted by hand, say) grow the table as much as a cold
  // sync does: re-analyse it when its lock is free. When it is not (a VACUUM of the table under way), the
  // update and delete below may be planned as if agent_skills were empty and loop over it; the diff's
  // primary key makes each turn of such a loop an index probe, not a scan of the whole diff.
  if (added) await analyzeIfGrown(tx, "wfm.agent_skills", added.count);
  await statement(mode, tx`
    update wfm.agent_skills s set level = d.level
      from sync_level_diff d
     where d.level is not null and d.old_level is not null and s.agent_id = d.agent_id and s.skill_id = d.skill_id`);
  await statement(mode, tx`
    delete from wfm.agent_skills s using sync_level_diff d
     where d.level is null and s.agent_id = d.agent_id and s.skill_id = d.skill_id`);

  // A run sets the digest of each agent it diffed to what its levels now hash to. The triggers keep digests in
  // step with every write, but a write made with them off (a data-only restore, say) leaves one off by some
  // value; XOR alone would keep it off for good, and a later hand edit that happened to XOR back to cfg's value
  // would hide. Such an agent differs from cfg, so it is diffed, and here made right (usually no agent at all).
  // Planned like the diff (hash joins for a run's many agents, the levels read in the batch's id range): the
  // statistics of agent_skills may still say "empty" while the run refills it (stale-statistics.test.ts).
  if (!mode.session) {
    const nestloopAgain = bulk ? await planWithoutNestedLoops(tx) : undefined;
    await tx.unsafe(`
      insert into wfm.agent_level_digests as d (agent_id, digest)
      select b.agent_id, coalesce(bit_xor(wfm.level_hash(k.source, k.cfg_dbid, s.level)), 0)
        from sync_batch b
        left join wfm.agent_skills s on s.agent_id = b.agent_id and ${inBatchRange("s.agent_id", mode, "agent_id")}
        left join wfm.skills k on k.id = s.skill_id
       where not b.is_new and b.in_cfg and b.levels_differ
       group by b.agent_id
      on conflict (agent_id) do update set digest = excluded.digest where d.digest <> excluded.digest`);
    if (nestloopAgain !== undefined) await restoreNestedLoops(tx, nestloopAgain);
    await tx`
      delete from wfm.agent_level_digests d using sync_batch b
       where d.agent_id = b.agent_id and d.digest = 0 and not b.is_new and b.in_cfg and b.levels_differ`;
  }

  // A new agent's skills are part of its 'added' line; only changes to existing agents are logged one by one.
  await statement(mode, tx`
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select ${runId}::bigint, 'skill_level', d.cfg_dbid::text, 'updated',
           case when d.old_level is null then 'skill ' || k.name || ' added at level ' || d.level
                when d.level is null then 'skill ' || k.name || ' removed (was level ' || d.old_level || ')'
                else 'skill ' || k.name || ': ' || d.old_level || ' → ' || d.level end
      from sync_level_diff d join wfm.skills k on k.id = d.skill_id
     where not d.is_new
     order by d.cfg_dbid, k.name`);

  // The levels skipped on colliding skills, counted per skill: one warning per skill with the number, since
  // a popular skill would otherwise bury the log under one line per agent. A full sync adds the counts up
  // over its batches and says it once at the end (logSkippedLevels); other runs say it per batch.
  const skipped = `
      select sl.skill_dbid, count(*) as n
        from sync_batch b
        join ${S}.skill_levels sl on sl.person_dbid = b.cfg_dbid
        join sync_colliding_skill x on x.dbid = sl.skill_dbid
       where b.in_cfg
       group by sl.skill_dbid`;
  if (mode.deferWarnings) {
    await tx.unsafe(`
      insert into sync_skipped_levels (skill_dbid, n) ${skipped}
      on conflict (skill_dbid) do update set n = sync_skipped_levels.n + excluded.n`);
  } else {
    await statement(mode, tx.unsafe(`${skippedWarnings(`(${skipped})`, source)}`, [runId], preparedIf(mode.session)));
  }
}

/** Above this many agents to diff in a run's batch, the level diff is planned without nested loops. */
const BULK_AGENTS = 100;

const agentsToDiff = async (tx: Sql) =>
  ((await tx`select count(*)::int as n from sync_batch where not is_new and in_cfg and levels_differ`) as unknown as [{ n: number }])[0].n;

/**
 * Plans the transaction's next statements without nested loops; returns the setting to restore. Only for
 * statements planned afresh (not prepared): a cached plan keeps the shape it was planned with.
 */
async function planWithoutNestedLoops(tx: Sql): Promise<string> {
  const [{ was }] = (await tx`select current_setting('enable_nestloop') as was, set_config('enable_nestloop', 'off', true)`) as unknown as [{ was: string }];
  return was;
}

async function restoreNestedLoops(tx: Sql, was: string): Promise<void> {
  await tx`select set_config('enable_nestloop', ${was}, true)`;
}

/** The warnings for levels skipped on colliding skills, from `counts` (skill_dbid, n); $1 is the run. */
const skippedWarnings = (counts: string, source: SyncSource) => `
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, 'skill', k.dbid::text, 'warning',
           s.n || ' skill level' || case when s.n = 1 then '' else 's' end || ' on skill ' || k.name
             || ' (dbid ' || k.dbid || ', tenant ' || k.tenant_dbid || ') skipped: its name collides across tenants or sources'
      from ${counts} s join ${source.schema}.skills k on k.dbid = s.skill_dbid
     order by k.dbid`;

/** A full sync's tally of levels skipped on colliding skills, kept over its batches. */
export async function createSkippedLevels(tx: Sql): Promise<void> {
  await tx`create temp table sync_skipped_levels (skill_dbid bigint primary key, n bigint not null) on commit drop`;
}

/** Says, once per colliding skill, how many levels the whole run skipped on it. */
export async function logSkippedLevels(tx: Sql, runId: number, source: SyncSource): Promise<void> {
  await tx.unsafe(skippedWarnings("sync_skipped_levels", source), [runId]);
}
