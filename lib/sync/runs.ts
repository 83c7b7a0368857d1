/**
 * Sync runs and their log. A run row is committed before the run's work starts, so the console sees it
 * (and its progress) while the work's own transaction is still open; the final status is written after
 * that transaction ends, for the same reason.
 */
import type { Sql } from "../db/client";
import type { eventActions, runKinds, runTriggers } from "../../db/schema";

export type RunKind = (typeof runKinds)[number];
export type RunTrigger = (typeof runTriggers)[number];
export type EventAction = (typeof eventActions)[number];
export type RunStatus = "running" | "succeeded" | "failed" | "partial";

export interface RunCounts {
  added: number;
  updated: number;
  terminated: number;
  skipped: number;
  errors: number;
}

export const noCounts = (): RunCounts => ({ added: 0, updated: 0, terminated: 0, skipped: 0, errors: 0 });

export async function startRun(
  sql: Sql,
  run: { server: string; source: string; kind: RunKind; trigger: RunTrigger; level: number; instance?: string; requestedBy?: string },
): Promise<number> {
  // Nobody named: the server started it itself (start-up, schedule, failover, scope).
  const [row] = await sql<{ id: number }[]>`
    insert into wfm.sync_runs (server, source, kind, trigger, level, instance, requested_by)
    values (${run.server}, ${run.source}, ${run.kind}, ${run.trigger}, ${run.level}, ${run.instance ?? null}, ${run.requestedBy ?? run.server}) returning id`;
  return row!.id;
}

export async function reportProgress(sql: Sql, runId: number, done: number, total: number): Promise<void> {
  await sql`update wfm.sync_runs set progress_done = ${done}, progress_total = ${total} where id = ${runId}`;
}

export async function finishRun(
  sql: Sql,
  runId: number,
  outcome: { status: Exclude<RunStatus, "running">; counts: RunCounts; error?: string | null },
): Promise<void> {
  const { counts } = outcome;
  await sql`
    update wfm.sync_runs
       set status = ${outcome.status}, finished_at = clock_timestamp(), error = ${outcome.error ?? null},
           added = ${counts.added}, updated = ${counts.updated}, terminated = ${counts.terminated},
           skipped = ${counts.skipped}, errors = ${counts.errors},
           progress_done = case when ${outcome.status} = 'failed' then progress_done else progress_total end
     where id = ${runId}`;
}

/** Writes one event now, outside any run transaction: for what must be visible at once (waiting, failing). */
export async function logEvent(
  sql: Sql,
  runId: number,
  event: { objectType: string; objectKey: string; action: EventAction; message: string },
): Promise<void> {
  await sql`
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    values (${runId}, ${event.objectType}, ${event.objectKey}, ${event.action}, ${event.message})`;
}

/** The counts of a run, from its log: the log is the record, so the counts can never disagree with it. */
export async function countEvents(sql: Sql, runId: number): Promise<RunCounts> {
  const rows = await sql<{ action: EventAction; n: number }[]>`
    select action, count(*)::int as n from wfm.sync_events where run_id = ${runId} group by action`;
  const counts = noCounts();
  for (const { action, n } of rows) {
    if (action === "error") counts.errors += n;
    else if (action !== "warning") counts[action] += n;
  }
  return counts;
}

/**
 * Deletes finished runs (and, by cascade, their events) older than `days` days. Returns how many went.
 * Running runs are never pruned, however old.
 */
export async function pruneRuns(sql: Sql, days: number): Promise<number> {
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`retention must be a number of days ≥ 0, not ${days}`);
  const rows = await sql`
    delete from wfm.sync_runs
     where status <> 'running' and coalesce(finished_at, started_at) < now() - make_interval(days => ${days})
     returning id`;
  return rows.length;
}
