/**
 * A cold import sets the agents' indexes and the levels' key aside and rebuilds them (cold-import.ts): the
 * result must be what the usual run writes, the tables must come out of it as they went in, a stopped import
 * must leave nothing behind, and nobody may see the tables half-built.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentSearch, searchAgents } from "../console/agents";
import type { Database, Sql } from "../db/client";
import { loadWorkload } from "../demo/load";
import { scaledWorkload } from "../demo/workload";
import { freshDatabase } from "../testing/database";
import { levelDigestDrift } from "../testing/world";
import { holdTransaction, openSession, waitUntilBlocked } from "../testing/locks";
import { beginColdImport, coldImportUnderway } from "./cold-import";
import { runFullSync, type FullSyncOptions } from "./engine";
import { syncSource } from "./source";

let database: Database;
let url: string;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  url = database.url;
  await loadWorkload(database.sql, scaledWorkload(400), { reset: true });
  await database.sql`insert into wfm.servers (name, sync_level) values ('A', 2)`;
});
beforeEach(async () => {
  await database.sql`truncate wfm.agent_skills, wfm.agents, wfm.skills, wfm.time_zones, wfm.sync_events, wfm.sync_runs, wfm.sync_cursors restart identity cascade`;
});

const COLD: Partial<FullSyncOptions> = { coldImportMinimum: 1 };
const WARM: Partial<FullSyncOptions> = { coldImportMinimum: Number.MAX_SAFE_INTEGER };
const sync = (options: Partial<FullSyncOptions>) => runFullSync(database.sql, { server: "A", trigger: "manual", batchSize: 150, ...options });

/** What the catalog says of the two tables: every index, constraint and trigger, with its OID apart. */
async function shape(sql: Sql) {
  const indexes = await sql`
    select tablename, indexname, indexdef from pg_indexes
     where schemaname = 'wfm' and tablename in ('agents', 'agent_skills') order by indexname`;
  const constraints = await sql`
    select conrelid::regclass::text as "table", conname, pg_get_constraintdef(oid) as def, convalidated from pg_constraint
     where conrelid in ('wfm.agents'::regclass, 'wfm.agent_skills'::regclass) order by conname`;
  const triggers = await sql`
    select tgrelid::regclass::text as "table", tgname, tgenabled from pg_trigger
     where tgrelid in ('wfm.agents'::regclass, 'wfm.agent_skills'::regclass) and not tgisinternal order by tgname`;
  const oids = await sql`
    select indexrelid::int as oid from pg_index where indrelid in ('wfm.agents'::regclass, 'wfm.agent_skills'::regclass) order by 1`;
  return { definitions: { indexes: [...indexes], constraints: [...constraints], triggers: [...triggers] }, oids: oids.map((r) => r.oid as number) };
}

async function contents(sql: Sql) {
  const agents = await sql`
    select id, source, cfg_dbid, tenant_dbid, username, first_name, last_name, email, employee_id, site_id, termination_date
      from wfm.agents order by id`;
  const levels = await sql`select agent_id, skill_id, level from wfm.agent_skills order by agent_id, skill_id`;
  const events = await sql`select object_type, object_key, action, message from wfm.sync_events order by id`;
  // The levels' digests (migration 0027), which a cold import sets in one pass instead of level by level.
  const digests = await sql`select agent_id, digest from wfm.agent_level_digests order by agent_id`;
  return { agents: [...agents], levels: [...levels], events: [...events], digests: [...digests] };
}

describe("cold import", () => {
  it("writes what the usual run writes, and leaves the tables' indexes, keys and checks as they were (rebuilt)", async () => {
    const before = await shape(database.sql);
    const warm = await sync(WARM);
    expect(warm.status, warm.error).toBe("succeeded");
    const usual = await contents(database.sql);
    expect(usual.agents.length).toBeGreaterThan(300);
    expect((await shape(database.sql)).oids).toEqual(before.oids);

    await database.sql`truncate wfm.agent_skills, wfm.agents, wfm.skills, wfm.time_zones, wfm.sync_events, wfm.sync_runs, wfm.sync_cursors restart identity cascade`;
    // Digests of no agent, under the ids the import is about to give (left by a write made with triggers off).
    await database.sql`insert into wfm.agent_level_digests (agent_id, digest) select n, 42 from generate_series(1, 1000) n`;
    const cold = await sync(COLD);
    expect(cold.status, cold.error).toBe("succeeded");
    expect(await contents(database.sql)).toEqual(usual);
    expect(usual.digests.length).toBe(usual.agents.length);
    const after = await shape(database.sql);
    expect(after.definitions).toEqual(before.definitions);
    // Rebuilt, not kept: the cold path really ran.
    expect(after.oids).not.toEqual(before.oids);

    // The rebuilt checks check: a level naming no agent is refused again.
    await expect(database.sql`insert into wfm.agent_skills (agent_id, skill_id, level) select 999999, id, 1 from wfm.skills limit 1`)
      .rejects.toThrow(/names an agent that does not exist/);
    await expect(database.sql`update wfm.agents set site_id = 999999 where id = 1`).rejects.toThrow(/foreign key/);
  });

  it("a stopped import keeps nothing: no agent, and the indexes it set aside are back untouched", async () => {
    const before = await shape(database.sql);
    const stop = new AbortController();
    const result = await sync({ ...COLD, signal: stop.signal, onStart: async () => stop.abort("stopping") });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/nothing of this run was kept/);
    expect(await shape(database.sql)).toEqual(before);
    const [{ n }] = (await database.sql`select count(*)::int as n from wfm.agents`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("readers of the agents wait for its commit and then see all of it, never a table without its indexes", async () => {
    // The run reports its progress on another connection right after it has set the indexes aside: holding the
    // run's row there holds the run at that point, with its tables locked.
    let held: Awaited<ReturnType<typeof holdTransaction>> | undefined;
    const running = sync({
      ...COLD,
      onStart: async (runId) => {
        held = await holdTransaction(url, (tx) => tx`select id from wfm.sync_runs where id = ${runId} for update`);
      },
    });
    try {
      await waitUntilBlocking(database.sql, () => held?.pid);
      const [runner] = await database.sql`select pid from pg_stat_activity where application_name = 'wfm-sync full A'`;
      const reader = await openSession(url, "wfm-sync test reader");
      const counted = reader.sql`select count(*)::int as n, count(*) filter (where site_id is not null)::int as placed from wfm.agents`;
      await waitUntilBlocked(database.sql, reader.pid, { by: runner!.pid as number, settled: counted });
      // What the Agents page says meanwhile, without waiting itself.
      expect(await coldImportUnderway(database.sql)).toMatchObject({ server: "A", source: "main", runId: expect.any(Number) });
      // The API's search answers at once, 503 (UNAVAILABLE), naming the run.
      await expect(searchAgents(database.sql, agentSearch.parse({}))).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/first import of agents is under way \(run \d+ of A, source main/) });
      await held!.commit();
      expect((await running).status).toBe("succeeded");
      expect(await coldImportUnderway(database.sql)).toBeNull();
      const [seen] = await counted;
      const [all] = await database.sql`select count(*)::int as n, count(*) filter (where site_id is not null)::int as placed from wfm.agents`;
      expect(seen).toEqual(all);
      expect(all!.n).toBeGreaterThan(300);
    } finally {
      await held?.rollback().catch(() => {});
      await running.catch(() => {});
    }
  });

  it("no longer cold once locked (another server's import came first): lets the lock go and takes the usual way", async () => {
    const warm = await sync(WARM);
    expect(warm.status, warm.error).toBe("succeeded");
    const session = await openSession(url);
    await session.sql`begin isolation level repeatable read`;
    expect(await beginColdImport(session.sql, syncSource("main"), 1)).toBeUndefined();
    const locks = await database.sql`
      select mode from pg_locks where pid = ${session.pid} and relation in ('wfm.agents'::regclass, 'wfm.agent_skills'::regclass) and mode = 'AccessExclusiveLock'`;
    expect(locks).toEqual([]);
    await session.sql`rollback`;
  });

  it("no longer cold once locked because an import committed while it waited for its lock: its snapshot comes after the lock", async () => {
    const before = (await shape(database.sql)).oids;
    // Another import of the source, uncommitted: the run's look before its transaction does not see its agent,
    // and the run's LOCK waits for it.
    const other = await holdTransaction(url, (tx) => tx`
      insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
      select 'main', dbid, tenant_dbid, username, first_name, last_name from cfg.persons where is_agent order by dbid limit 1`);
    const running = sync(COLD);
    try {
      await waitUntilBlocking(database.sql, () => other.pid);
      await other.commit();
      const run = await running;
      expect(run.status, run.error).toBe("succeeded");
      // A snapshot taken before the lock would not see the other import's agent: the run would import it again,
      // meet its key (23505) and start over from a new snapshot, saying so in its log.
      expect(await database.sql`select message from wfm.sync_events where run_id = ${run.runId} and action = 'warning'`).toEqual([]);
      expect((await shape(database.sql)).oids).toEqual(before); // the usual way: nothing set aside
      expect(await levelDigestDrift(database.sql)).toEqual([]);
    } finally {
      await other.rollback().catch(() => {});
      await running.catch(() => {});
    }
  });
});

/** Until some session waits for a lock the backend `pid()` holds (pid() is undefined until it exists). */
async function waitUntilBlocking(sql: Sql, pid: () => number | undefined, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const holder = pid();
    if (holder !== undefined) {
      const [row] = await sql`select count(*)::int as n from pg_stat_activity where ${holder}::int = any (pg_blocking_pids(pid))`;
      if (row!.n > 0) return;
    }
    if (Date.now() > until) {
      // What every other session was doing, so that a failure here says why (it failed once, under load).
      const sessions = await sql`
        select application_name, state, wait_event_type, wait_event, pg_blocking_pids(pid) as blocked_by, left(query, 120) as query
          from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
      throw new Error(`nobody was seen waiting for backend ${holder ?? "(not started)"} within ${ms} ms; sessions: ${JSON.stringify(sessions)}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
