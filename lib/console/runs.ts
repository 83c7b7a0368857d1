/** Sync runs and their log as the console and the API show them (SPEC §6.1 "run", "event"). */
import { z } from "zod";
import { eventActions } from "../../db/schema";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { BIGINT_ID_MAX, cursorText, text } from "../input";

export interface RunView {
  id: number;
  server: string;
  kind: "full" | "realtime" | "targeted";
  trigger: string;
  level: number;
  status: "running" | "succeeded" | "failed" | "partial";
  startedAt: Date;
  finishedAt: Date | null;
  counts: { added: number; updated: number; terminated: number; skipped: number; errors: number };
  outOfScope: number;
  progress: { done: number; total: number };
  error: string | null;
  /** Who asked: a user's name (also through an API token), or the server's own for the runs it starts itself. */
  requestedBy: string | null;
}

export const runFilter = z.object({
  server: text("server").trim().min(1, "server is a WFM Server's name").optional(),
  kind: z.enum(["full", "realtime", "targeted"], { message: "kind is full, realtime or targeted" }).optional(),
  status: z.enum(["running", "succeeded", "failed", "partial"], { message: "status is running, succeeded, failed or partial" }).optional(),
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(500, "limit is at most 500").default(100),
  cursor: cursorText(BIGINT_ID_MAX).optional(),
});
export type RunFilter = z.input<typeof runFilter>;

/** Runs newest first, in pages (keyset: the cursor is the last id seen; the next page holds older runs). */
export async function listRuns(sql: Sql, filter: RunFilter = {}): Promise<{ items: RunView[]; next: string | null }> {
  const f = runFilter.parse(filter);
  const rows = await sql<RunView[]>`
    select id, server, kind, trigger, level, status, started_at as "startedAt", finished_at as "finishedAt",
           json_build_object('added', added, 'updated', updated, 'terminated', terminated, 'skipped', skipped, 'errors', errors) as counts,
           out_of_scope as "outOfScope", json_build_object('done', progress_done, 'total', progress_total) as progress, error,
           requested_by as "requestedBy"
      from wfm.sync_runs
     where (${f.server ?? null}::text is null or server = ${f.server ?? null})
       and (${f.kind ?? null}::text is null or kind = ${f.kind ?? null})
       and (${f.status ?? null}::text is null or status = ${f.status ?? null})
       and (${f.cursor ?? null}::bigint is null or id < ${f.cursor ?? null}::bigint)
     order by id desc limit ${f.limit + 1}`;
  const items = rows.slice(0, f.limit);
  return { items, next: rows.length > f.limit ? String(items.at(-1)!.id) : null };
}

export async function getRun(sql: Sql, id: number): Promise<RunView> {
  const [run] = await sql<RunView[]>`
    select id, server, kind, trigger, level, status, started_at as "startedAt", finished_at as "finishedAt",
           json_build_object('added', added, 'updated', updated, 'terminated', terminated, 'skipped', skipped, 'errors', errors) as counts,
           out_of_scope as "outOfScope", json_build_object('done', progress_done, 'total', progress_total) as progress, error,
           requested_by as "requestedBy"
      from wfm.sync_runs where id = ${id}`;
  if (!run) throw new DomainError("NOT_FOUND", `There is no sync run ${id}.`);
  return run;
}

/** A run's status alone, or null when there is no such run: cheap enough to poll while waiting for it. */
export async function getRunStatus(sql: Sql, id: number): Promise<RunView["status"] | null> {
  const [run] = await sql<{ status: RunView["status"] }[]>`select status from wfm.sync_runs where id = ${id}`;
  return run?.status ?? null;
}

export const eventFilter = z.object({
  action: z.enum(eventActions, { message: `action is one of ${eventActions.join(", ")}` }).optional(),
  objectType: text("objectType").trim().min(1).max(40).describe("agent, skill_level, skill, time_zone, user, switch or run").optional(),
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(1000, "limit is at most 1000").default(500),
  cursor: cursorText(BIGINT_ID_MAX).optional(),
});
export type EventFilter = z.output<typeof eventFilter>;

export interface EventView {
  id: number;
  runId: number;
  at: Date;
  objectType: string;
  objectKey: string;
  action: string;
  message: string;
}

/** A run's log in order, filtered by action and object type, in pages (keyset by event id). */
export async function runEvents(sql: Sql, runId: number, f: EventFilter): Promise<{ items: EventView[]; next: string | null }> {
  const rows = await sql<EventView[]>`
    select id, run_id as "runId", at, object_type as "objectType", object_key as "objectKey", action, message
      from wfm.sync_events
     where run_id = ${runId}
       and (${f.action ?? null}::text is null or action = ${f.action ?? null})
       and (${f.objectType ?? null}::text is null or object_type = ${f.objectType ?? null})
       and id > ${f.cursor ? Number(f.cursor) : 0}
     order by id limit ${f.limit + 1}`;
  const items = rows.slice(0, f.limit);
  return { items, next: rows.length > f.limit ? String(items.at(-1)!.id) : null };
}

/** The object types and actions a run's log holds, with counts: the filters offer only what is there. */
export async function runEventFacets(sql: Sql, runId: number) {
  return sql<{ objectType: string; action: string; n: number }[]>`
    select object_type as "objectType", action, count(*)::int as n from wfm.sync_events where run_id = ${runId}
     group by 1, 2 order by 1, 2`;
}
