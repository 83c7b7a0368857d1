/**
 * "Run full sync" (SPEC §5 Servers, §6 POST /servers/{name}/full-sync): queues the request and waits a
 * moment for the server to start it, so the caller can usually show the run at once.
 */
import type { Sql } from "../db/client";
import { awaitRequestRun, requestSync } from "../sync/requests";

export interface StartedFullSync {
  requestId: number;
  runId: number | null;
  /** Why it is still queued, in words (the server is not running), when it is. */
  waiting: string | null;
}

export async function startFullSync(sql: Sql, server: string, requestedBy: string, waitMs = 2000): Promise<StartedFullSync> {
  const request = await requestSync(sql, { kind: "full", server }, { requestedBy });
  const now = request.waiting ? request : await awaitRequestRun(sql, request.id, waitMs);
  return { requestId: now.id, runId: now.runId, waiting: now.waiting ?? (now.runId === null ? `queued: ${server} has not picked it up yet` : null) };
}
