/**
 * Full and targeted synchronization (SPEC §2.3–§2.5, §2.7). A run reads cfg in one REPEATABLE READ
 * snapshot and writes WFM in the same transaction, in batches of agents, so:
 * - everything it decides comes from one consistent picture of cfg;
 * - the change-feed position of that snapshot (cfg.change_counter as the snapshot sees it) is exactly the
 *   cursor real-time sync must continue from, and it is stored in the same commit;
 * - a run that fails leaves WFM as it was before it: never half an agent, never a cursor ahead of the data.
 * Progress and the run's final status are written on other connections, so the console sees them live.
 */
import { inTransaction, isConnectionLoss, isTransientConflict, type PinnedSession, type Sql } from "../db/client";
import { LOCK_NAMESPACE, lockKeys } from "../db/locks";
import { syncConnection } from "../db/session-settings";
import { env } from "../env";
import { applyAgents, collectBatch, createBatchTables, RUN_MODE } from "./agents";
import { moveCursor } from "./cursor";
import { beginColdImport, coldImportLikely } from "./cold-import";
import { describeCollision, findCollisions, markCollisions } from "./collisions";
import { SKILLS, syncReferenceTable, TIME_ZONES } from "./reference-data";
import { countEvents, finishRun, logEvent, noCounts, reportProgress, startRun, type RunCounts, type RunStatus, type RunTrigger } from "./runs";
import { applySkillLevels, createLevelTables, createSkippedLevels, importSkillsOnDemand, logSkippedLevels } from "./skill-levels";
import { serverSettings, type SyncSource } from "./source";
import { analyzeIfFree, refreshStatistics } from "./statistics";
import { syncUsers } from "./users";

export interface SyncResult {
  runId: number;
  status: Exclude<RunStatus, "running">;
  counts: RunCounts;
  /** The change-feed position the run's snapshot stands at (full syncs). */
  cursor?: number;
  error?: string;
  /** The run failed because its database connection went away (a rerun after reconnecting completes it). */
  connectionLost?: boolean;
}

export interface FullSyncOptions {
  server: string;
  /** The server process running it (closed as stopped if that process is found dead). */
  instance?: string;
  /** Who asked for it (a user's name); by default the server itself. */
  requestedBy?: string;
  trigger: RunTrigger;
  /** Agents per batch; each batch reports progress. */
  batchSize?: number;
  /** Called with the run's id as soon as the run exists (before it waits for locks). */
  onStart?: (runId: number) => Promise<void>;
  /** Stops the run between batches; nothing of it is kept (SIGTERM: finish the batch, then stop). */
  signal?: AbortSignal;
  /** The fewest agents to add that make a run into a source with none in WFM a cold import (cold-import.ts). */
  coldImportMinimum?: number;
}

export class RunStopped extends Error {}

// Agents per batch: each batch costs a dozen statements, so fewer, larger batches are faster (workload L's
// nothing-changed sync: 1.24 s in batches of 20,000, 1.14 s of 50,000) while their hash joins stay in work_mem;
// progress is reported per batch.
const DEFAULT_BATCH = 50_000;
const ATTEMPTS = 3;
const FULL_SYNC_STEPS = { ...RUN_MODE, deferWarnings: true };
const COLD_IMPORT_STEPS = { ...RUN_MODE, writesLevelDigests: true };
// Advisory lock keys: (namespace, key). The namespace keeps ours apart from anyone else's.



/**
 * Two runs whose scopes overlap never run at once. A server's own runs exclude each other; a level-2 run
 * covers everything but other servers' sites, so it excludes every other run but the disjoint ones of level
 * 0; level-1 runs only share skills imported on demand (which tolerate each other) and share the lock.
 */
async function acquireScopeLocks(conn: Sql, sql: Sql, runId: number, server: string, source: SyncSource, level: number, signal?: AbortSignal) {
  const scopeKey = lockKeys.scope(source.name);
  const wanted: { key: string; shared: boolean }[] = [{ key: lockKeys.serverRuns(server), shared: false }];
  if (level > 0) wanted.push({ key: scopeKey, shared: level === 1 });
  for (const { key, shared } of wanted) {
    const fn = shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock";
    const [got] = await conn.unsafe(`select ${fn}($1, hashtext($2)) as ok`, [LOCK_NAMESPACE, key]);
    if (got?.ok) continue;
    const holders = await sql<{ id: number; server: string; kind: string; level: number }[]>`
      select id, server, kind, level from wfm.sync_runs
       where status = 'running' and id <> ${runId}
         and (server = ${server} or ${key === scopeKey} and source = ${source.name} and (level = 2 or ${level} = 2))
       order by id`;
    const who = holders.length
      ? holders.map((h) => `the ${h.kind} sync of ${h.server} (run ${h.id}, level ${h.level})`).join(", ")
      : "another sync";
    await logEvent(sql, runId, {
      objectType: "run",
      objectKey: String(runId),
      action: "warning",
      message: `waiting for ${who} to finish: ${key === scopeKey ? "their scopes overlap" : "a server runs one sync at a time"}`,
    });
    // Wait by polling, so that a stopping server is not held here until the other run ends.
    for (;;) {
      if (signal?.aborted) throw new RunStopped(String(signal.reason ?? "the run was stopped"));
      const [ok] = await conn.unsafe(`select ${fn}($1, hashtext($2)) as ok`, [LOCK_NAMESPACE, key]);
      if (ok?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}


const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function insertEvent(tx: Sql, runId: number, objectType: string, objectKey: string, action: string, message: string) {
  await tx`insert into wfm.sync_events (run_id, object_type, object_key, action, message)
           values (${runId}, ${objectType}, ${objectKey}, ${action}, ${message})`;
}

async function logCollisionsAndMisconfiguration(tx: Sql, runId: number, source: SyncSource, level: number) {
  for (const collision of await findCollisions(tx)) {
    // Another source's own duplicates are its servers' business: only collisions this source takes part in
    // keep anything of it from being synchronized.
    if (!collision.members.some((m) => m.source === source.name)) continue;
    // Level 1 never synchronizes time zones: their collisions are the Validation page's business, not its run's.
    if (level === 1 && collision.objectType === "timeZone") continue;
    await insertEvent(tx, runId, collision.objectType === "timeZone" ? "time_zone" : collision.objectType, collision.name, "error", describeCollision(collision));
  }
  // One level-2 server per source (SPEC §2.9): level-2 servers of different sources cover different agents.
  const levelTwo = await tx<{ name: string }[]>`
    select name from wfm.servers where sync_level = 2 and source = ${source.name} order by name`;
  if (levelTwo.length > 1) {
    await insertEvent(tx, runId, "server", levelTwo.map((s) => s.name).join(","), "warning",
      `more than one WFM Server is at level 2 (${levelTwo.map((s) => s.name).join(", ")})${source.name === "main" ? "" : ` for source ${source.name}`}: only one should be`);
  }
}

/**
 * One run inside a reserved connection: locks, then attempts of the work in a REPEATABLE READ transaction,
 * retried when a concurrent writer (the console, another server) made the snapshot unusable.
 */
async function inRun(
  sql: Sql,
  run: { server: string; source: SyncSource; instance?: string; requestedBy?: string; kind: "full" | "targeted"; trigger: RunTrigger; level: number; onStart?: (runId: number) => Promise<void>; signal?: AbortSignal },
  work: (tx: Sql, runId: number, session: PinnedSession) => Promise<{ cursor?: number }>,
): Promise<SyncResult> {
  const runId = await startRun(sql, { ...run, source: run.source.name });
  await run.onStart?.(runId);
  // A connection of the run's own, not one from the pool: if it dies mid-run, nothing else inherits it, and the
  // settings the run needs (lib/db/session-settings.ts) stay on it.
  const conn = syncConnection(sql, `wfm-sync ${run.kind} ${run.server}`);
  let lost = false;
  try {
    // Diagnostics: WFM_EXPLAIN=<ms> logs the plan of every statement of the run slower than that (1 means 500).
    const explainMs = env().explainMs;
    if (explainMs > 0) await conn.unsafe(`load 'auto_explain'; set auto_explain.log_min_duration = ${Math.round(explainMs)}`);
    await acquireScopeLocks(conn, sql, runId, run.server, run.source, run.level, run.signal);
    // Outside the run's transaction, so ANALYZE's lock is held for a moment, not for the whole run.
    if (run.level > 0) await refreshStatistics(conn);
    for (let attempt = 1; ; attempt++) {
      let outcome: { counts: RunCounts; cursor?: number };
      try {
        outcome = await inTransaction(conn, "isolation level repeatable read", async (tx, session) => {
          await session.pid; // BEGIN answered: nothing of the run may run outside its transaction
          const { cursor } = await work(tx, runId, session);
          return { counts: await countEvents(tx, runId), cursor };
        });
      } catch (error) {
        lost = isConnectionLoss(error);
        if (isTransientConflict(error) && attempt < ATTEMPTS) {
          await logEvent(sql, runId, {
            objectType: "run",
            objectKey: String(runId),
            action: "warning",
            message: `attempt ${attempt} met a concurrent change (${describeError(error)}); starting again from a new snapshot`,
          });
          continue;
        }
        throw error;
      }
      // Committed: from here on the run has succeeded, whatever happens to this bookkeeping.
      const status = outcome.counts.errors > 0 ? "partial" : "succeeded";
      await finishRun(sql, runId, { status, counts: outcome.counts }).catch((error: unknown) =>
        console.error(`wfm-sync: run ${runId} committed, but its status could not be recorded: ${describeError(error)}`),
      );
      return { runId, status, counts: outcome.counts, cursor: outcome.cursor };
    }
  } catch (error) {
    lost ||= isConnectionLoss(error);
    const message = lost
      ? `the database connection was lost: ${describeError(error)}`
      : error instanceof RunStopped
        ? `${error.message}; nothing of this run was kept`
        : describeError(error);
    await finishRun(sql, runId, { status: "failed", counts: noCounts(), error: message }).catch(() => {});
    return { runId, status: "failed", counts: noCounts(), error: message, connectionLost: lost };
  } finally {
    await conn.end({ timeout: lost ? 0 : 5 }).catch(() => {});
  }
}

/** Brings this server's scope of WFM to exactly what cfg holds (SPEC §2.5). */
export async function runFullSync(sql: Sql, options: FullSyncOptions): Promise<SyncResult> {
  const { level, source } = await serverSettings(sql, options.server);
  const S = source.schema;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  return inRun(sql, { server: options.server, source, instance: options.instance, requestedBy: options.requestedBy, kind: "full", trigger: options.trigger, level, onStart: options.onStart, signal: options.signal }, async (tx, runId, session) => {
    // A cold import locks its tables first: LOCK takes no snapshot, so the run's snapshot sees them locked.
    const coldImport = level > 0 && (await coldImportLikely(sql, source, options.coldImportMinimum))
      ? await beginColdImport(tx, source, options.coldImportMinimum)
      : undefined;
    // The first query fixes the snapshot; the counter as it stands in it is the feed position.
    const [{ seq: cursor }] = (await tx`select seq from ${tx(`${S}.change_counter`)}`) as unknown as [{ seq: number }];

    if (level > 0) {
      await markCollisions(tx, source);
      await logCollisionsAndMisconfiguration(tx, runId, source, level);
      if (level === 2) {
        await syncReferenceTable(tx, runId, TIME_ZONES, source);
        await syncReferenceTable(tx, runId, SKILLS, source);
        await analyzeIfFree(tx, "wfm.skills, wfm.time_zones");
      }
      await createBatchTables(tx);
      await createLevelTables(tx);
      await createSkippedLevels(tx);

      // Every dbid that is an agent in cfg or in WFM, in order, cut into batches of equal size: their ranges, not
      // the dbids themselves (a million of them cost the server ~100 MB to hold, for nothing).
      const batches = await tx<{ from: number; to: number; agents: number }[]>`
        select min(dbid)::bigint as "from", max(dbid)::bigint as "to", count(*)::int as agents
          from (select dbid, (row_number() over (order by dbid) - 1) / ${batchSize} as batch
                  from (select dbid from ${tx(`${S}.persons`)} where is_agent
                        union select cfg_dbid from wfm.agents where source = ${source.name}) ids) numbered
         group by batch order by batch`;
      const total = batches.reduce((n, b) => n + b.agents, 0);
      let done = 0;
      await reportProgress(sql, runId, 0, total);
      for (const batch of batches) {
        if (options.signal?.aborted) throw new RunStopped(String(options.signal.reason ?? "the run was stopped"));
        await collectBatch(tx, { level: level as 1 | 2, server: options.server, source, persons: { from: Number(batch.from), to: Number(batch.to) }, skipUnchanged: true, coldImport: coldImport !== undefined });
        if (level === 1) await importSkillsOnDemand(tx, runId, source);
        await applyAgents(tx, runId, source, coldImport ? COLD_IMPORT_STEPS : RUN_MODE);
        await applySkillLevels(tx, runId, source, FULL_SYNC_STEPS);
        done += batch.agents;
        await reportProgress(sql, runId, done, total);
      }
      await coldImport?.finish(tx);
      await logSkippedLevels(tx, runId, source);
      if (level === 2) await syncUsers(tx, runId, source);
    }

    await moveCursor(tx, { server: options.server, source: source.name, seq: cursor, pid: await session.pid }, "full");
    return { cursor };
  });
}

/**
 * The same rules for one agent, at once, in a run of its own (SPEC §2.7 "Sync now"): re-reads the agent,
 * imports skills it needs that WFM lacks, and clears its awaiting-full-sync flag.
 */
export async function runTargetedSync(
  sql: Sql,
  options: {
    server: string;
    instance?: string;
    requestedBy?: string;
    cfgDbid: number;
    /** The source the agent's dbid belongs to, when the request said (the server's source when it was asked). */
    source?: string | null;
    trigger: RunTrigger;
    onStart?: (runId: number) => Promise<void>;
    signal?: AbortSignal;
  },
): Promise<SyncResult> {
  const { level, source } = await serverSettings(sql, options.server);
  return inRun(sql, { server: options.server, source, instance: options.instance, requestedBy: options.requestedBy, kind: "targeted", trigger: options.trigger, level, onStart: options.onStart, signal: options.signal }, async (tx, runId) => {
    const key = String(options.cfgDbid);
    if (level === 0) {
      await insertEvent(tx, runId, "agent", key, "skipped", `skipped: synchronization is off on ${options.server} (level 0)`);
      return {};
    }
    // Asked of the server while it synced another source: that dbid names another person here.
    if (options.source && options.source !== source.name) {
      await insertEvent(tx, runId, "agent", key, "skipped",
        `skipped: the agent is of source ${options.source}, and ${options.server} now syncs source ${source.name}`);
      return {};
    }
    await markCollisions(tx, source);
    await createBatchTables(tx);
    await createLevelTables(tx);
    await reportProgress(sql, runId, 0, 1);
    const found = await collectBatch(tx, { level: level as 1 | 2, server: options.server, source, persons: { from: options.cfgDbid, to: options.cfgDbid } });
    if (found === 0) {
      await insertEvent(tx, runId, "agent", key, "skipped",
        `skipped: agent ${key} is not in the scope of ${options.server} (level ${level}), or neither cfg nor WFM has it`);
      return {};
    }
    await importSkillsOnDemand(tx, runId, source);
    await applyAgents(tx, runId, source);
    await applySkillLevels(tx, runId, source);
    return {};
  });
}
