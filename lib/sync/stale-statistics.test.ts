/**
 * Plans that stay safe whatever the statistics say (a red-team report: 20,000 agents synced, their levels
 * deleted and analysed as gone, then a full sync that ran 23 minutes as a nested loop over the level diff).
 *
 * The statistics here are the ones those steps leave: `delete from wfm.agent_skills` and `analyze` record
 * the table as empty (reltuples 0 over its old pages), and a run that refills it can re-analyse only when
 * the table's lock is free at once (analyzeIfFree) — while after such a delete autovacuum's VACUUM of the
 * table, which holds that lock, is due. The tests hold that lock themselves (as the VACUUM would) and keep
 * autovacuum off this table, so neither a lucky VACUUM nor a lucky ANALYZE can hide the problem.
 *
 * The evidence is a statement_timeout on the test database: a run whose statements each finish well inside
 * it succeeds; one that falls into a quadratic plan is cancelled and fails, whatever the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dedicatedClient, type Database, type Sql } from "../db/client";
import { loadWorkload } from "../demo/load";
import { scaledWorkload } from "../demo/workload";
import { eventually } from "../testing/servers";
import { freshDatabase } from "../testing/database";
import { runFullSync } from "./engine";
import { applyFeedBatch, newFeedSession } from "./realtime";

const FEED = "stale-statistics feed";
let database: Database;
let levels: number;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  await loadWorkload(database.sql, scaledWorkload(20_000));
  await database.sql`insert into wfm.servers (name, sync_level) values ('A', 2)`;
  await database.sql`alter table wfm.agent_skills set (autovacuum_enabled = off)`;
  const first = await runFullSync(database.sql, { server: "A", trigger: "manual" });
  expect(first.status).toBe("succeeded");
  levels = await count(database.sql, "wfm.agent_skills");
  expect(levels).toBeGreaterThan(100_000);
});
afterAll(async () => {
  await database.sql`alter table wfm.agent_skills reset (autovacuum_enabled)`;
});

async function count(sql: Sql, table: string): Promise<number> {
  const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ${table}`)) as unknown as [{ n: number }];
  return n;
}

/**
 * Writes agent_skills by hand, its counts in the statistics before this returns (a backend reports them
 * when it next goes idle, at most once a second otherwise).
 */
async function byHand(sql: Sql, statement: string) {
  const conn = await sql.reserve();
  try {
    await conn.unsafe(statement);
    await conn`select pg_stat_force_next_flush()`;
  } finally {
    conn.release();
  }
}

/**
 * Every level deleted by hand and the table analysed: its statistics say empty, and no change is counted
 * since, so the run's refresh (which would wait for the lock the tests hold) finds nothing to analyse.
 */
async function deleteLevelsAndAnalyse(sql: Sql) {
  // Earlier runs' and real-time's connections report their counts as they exit: wait until pg_stat_activity
  // shows none of them left (a bounded wait on that signal, not a pause).
  await eventually(async () => {
    const [{ n }] = (await sql`
      select count(*)::int as n from pg_stat_activity
       where datname = current_database() and (application_name like 'wfm-sync full%' or application_name = ${FEED})`) as unknown as [{ n: number }];
    return n === 0;
  }, "earlier sync connections to exit");
  await byHand(sql, "delete from wfm.agent_skills");
  await sql`analyze wfm.agent_skills`;
  const [stats] = await sql`
    select c.reltuples, c.relpages, t.n_mod_since_analyze::int as changed
      from pg_class c join pg_stat_user_tables t on t.relid = c.oid where c.oid = 'wfm.agent_skills'::regclass`;
  expect(stats).toMatchObject({ reltuples: 0, changed: 0 });
  expect(Number(stats!.relpages)).toBeGreaterThan(0);
}

/** A full sync while a VACUUM of agent_skills holds its lock, with every statement bounded. */
async function boundedFullSync(sql: Sql, batchSize?: number) {
  const [{ db }] = (await sql`select current_database() as db`) as unknown as [{ db: string }];
  const vacuum = await sql.reserve();
  await vacuum`begin`;
  await vacuum`lock table wfm.agent_skills in share update exclusive mode`;
  // Each statement of a healthy run takes well under a second here; the quadratic plans take many minutes.
  await sql.unsafe(`alter database ${db} set statement_timeout = '20s'`);
  try {
    return await runFullSync(sql, { server: "A", trigger: "manual", batchSize });
  } finally {
    await sql.unsafe(`alter database ${db} reset statement_timeout`);
    await vacuum`rollback`;
    vacuum.release();
  }
}

/** WFM's levels are exactly cfg's (every skill exists in WFM and none collides in this workload). */
async function expectLevelsAsInCfg(sql: Sql) {
  const [{ differ }] = (await sql`
    select count(*)::int as differ from (
      select a.id, k.id, sl.level from cfg.skill_levels sl join wfm.agents a on a.cfg_dbid = sl.person_dbid
        join wfm.skills k on k.source = 'main' and k.cfg_dbid = sl.skill_dbid
      except
      select agent_id, skill_id, level from wfm.agent_skills) d`) as unknown as [{ differ: number }];
  expect(differ).toBe(0);
  expect(await count(sql, "wfm.agent_skills")).toBe(levels);
}

describe("stale statistics", () => {
  it("a full sync re-adding every level, a few hundred of them changed, keeps its update linear", async () => {
    const { sql } = database;
    await deleteLevelsAndAnalyse(sql);
    // Real-time brings back the levels of 50 agents whose persons changed: 400 rows, too few to re-analyse.
    await sql`update cfg.persons set email = 'moved.' || email where dbid <= 50`;
    const feed = dedicatedClient(sql, FEED);
    try {
      const batch = await applyFeedBatch(feed, newFeedSession(), { server: "A", runId: null });
      expect(batch.to).toBe(batch.head);
    } finally {
      await feed.end();
    }
    expect(await count(sql, "wfm.agent_skills")).toBe(400);
    // Then their levels change in cfg, and a full sync runs before real-time applies that: its diff holds
    // 159,600 levels to add and 400 to update, over an agent_skills whose statistics still say empty.
    await sql`update cfg.skill_levels set level = level % 10 + 1 where person_dbid <= 50`;

    const run = await boundedFullSync(sql);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe("succeeded");
    await expectLevelsAsInCfg(sql);
  });

  it("a full sync whose first batches refill agent_skills keeps hash joins in the batches after them", async () => {
    const { sql } = database;
    // The red team's steps a second time: the levels were deleted and restored once already (restored here
    // by hand, which is quicker), so the table's pages hold the dead rows of that round as well.
    await deleteLevelsAndAnalyse(sql);
    await byHand(sql, `
      insert into wfm.agent_skills (agent_id, skill_id, level)
      select a.id, k.id, sl.level from cfg.skill_levels sl join wfm.agents a on a.cfg_dbid = sl.person_dbid
        join wfm.skills k on k.source = 'main' and k.cfg_dbid = sl.skill_dbid`);
    await deleteLevelsAndAnalyse(sql);
    // Batches of 2,000 agents: after the first few, agent_skills holds tens of thousands of rows that the
    // statistics still call none, over twice the pages, and the planner loops over them once per agent of
    // the batch. (Whether it does depends on the sizes — at workload L's 50,000 a batch it happened to
    // hash — so a run must not leave the choice to the estimate.)
    const run = await boundedFullSync(sql, 2_000);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe("succeeded");
    await expectLevelsAsInCfg(sql);
  });
});
