/** Sync runs as the console and the API show them (SPEC §6.1 "run"). */
import type { Sql } from "../db/client";

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
}

export async function listRuns(sql: Sql, filter: { server?: string; kind?: string; status?: string; limit?: number } = {}): Promise<RunView[]> {
  return sql<RunView[]>`
    select id, server, kind, trigger, level, status, started_at as "startedAt", finished_at as "finishedAt",
           json_build_object('added', added, 'updated', updated, 'terminated', terminated, 'skipped', skipped, 'errors', errors) as counts,
           out_of_scope as "outOfScope", json_build_object('done', progress_done, 'total', progress_total) as progress, error
      from wfm.sync_runs
     where (${filter.server ?? null}::text is null or server = ${filter.server ?? null})
       and (${filter.kind ?? null}::text is null or kind = ${filter.kind ?? null})
       and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
     order by id desc limit ${filter.limit ?? 100}`;
}
