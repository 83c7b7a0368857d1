/**
 * Requests to a WFM Server — "run a full sync", "sync one agent" — from the console and the API. They wait
 * in `wfm.sync_requests` until the server's primary takes them, so a request to a server that is down is
 * not lost: it runs when the server starts. A NOTIFY on 'wfm_requests' wakes the server at once.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { serverName } from "../input";
import type { RunTrigger } from "./runs";


export const requestSyncInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("full"), server: serverName }),
  z.object({
    kind: z.literal("agent"),
    server: serverName,
    cfgDbid: z.number().int().positive("an agent's cfg dbid is a positive whole number"),
  }),
]);
export type RequestSyncInput = z.infer<typeof requestSyncInput>;

export interface SyncRequest {
  id: number;
  server: string;
  kind: "full" | "agent";
  cfgDbid: number | null;
  trigger: RunTrigger;
  status: "queued" | "running" | "done" | "failed";
  requestedAt: Date;
  requestedBy: string | null;
  runId: number | null;
  error: string | null;
  /** Why a queued request is still waiting, in words, when its server has no running primary. */
  waiting: string | null;
}

const columns = (sql: Sql) => sql`
  r.id, r.server, r.kind, r.cfg_dbid as "cfgDbid", r.trigger, r.status, r.requested_at as "requestedAt",
  r.requested_by as "requestedBy", r.run_id as "runId", r.error,
  case when r.status = 'queued' and not exists (
         select 1 from wfm.server_instances i
          where i.server = r.server and i.role = 'primary'
            and wfm.instance_alive(i.heartbeat_at))
       then 'queued: ' || r.server || ' is not running; the request runs when it starts' end as waiting`;

export async function requestSync(
  sql: Sql,
  input: RequestSyncInput,
  options: { trigger?: RunTrigger; requestedBy?: string | null } = {},
): Promise<SyncRequest> {
  const parsed = requestSyncInput.parse(input);
  const cfgDbid = parsed.kind === "agent" ? parsed.cfgDbid : null;
  const trigger = options.trigger ?? (parsed.kind === "agent" ? "reinstate" : "manual");
  const id = await sql.begin(async (tx) => {
    // The server's row is locked until the request is queued: a move to another source waits, and the request
    // records the source its dbid means something in.
    const [server] = await tx<{ source: string }[]>`select source from wfm.servers where name = ${parsed.server} for share`;
    if (!server) throw new DomainError("NOT_FOUND", `There is no WFM Server named '${parsed.server}'.`);
    const [row] = await tx<{ id: number }[]>`
      insert into wfm.sync_requests (server, kind, cfg_dbid, source, trigger, requested_by)
      values (${parsed.server}, ${parsed.kind}, ${cfgDbid}, ${server.source}, ${trigger}, ${options.requestedBy ?? null}) returning id`;
    await tx`select pg_notify('wfm_requests', ${parsed.server})`;
    return row!.id;
  });
  return getRequest(sql, id);
}

export async function getRequest(sql: Sql, id: number): Promise<SyncRequest> {
  const [request] = await sql<SyncRequest[]>`select ${columns(sql)} from wfm.sync_requests r where r.id = ${id}`;
  if (!request) throw new DomainError("NOT_FOUND", `There is no sync request ${id}.`);
  return request;
}

/**
 * Waits (polling, at most `ms`) until the server has started the request's run. The API answers with the
 * run when it comes in time, and with the queued request otherwise.
 */
export async function awaitRequestRun(sql: Sql, id: number, ms: number): Promise<SyncRequest> {
  const until = Date.now() + ms;
  for (;;) {
    const request = await getRequest(sql, id);
    if (request.runId !== null || request.status === "failed" || Date.now() >= until) return request;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface TakenRequests {
  kind: "full" | "agent";
  ids: number[];
  cfgDbid: number | null;
  /** The source the server synced when asked (null for requests queued before sources existed). */
  source: string | null;
  trigger: RunTrigger;
  /** Who asked, every one of them ("ann, bob" when two asked for the same full sync), or null. */
  requestedBy: string | null;
}

/**
 * For the server's primary: the next request, marked running by this instance. Every queued full-sync
 * request is served by one run (asking three times while one is queued means one full sync, not three);
 * agent requests are served one agent at a time, each agent once however often it was asked for.
 */
export async function takeRequests(sql: Sql, server: string, instance: string): Promise<TakenRequests | undefined> {
  return sql.begin(async (tx) => {
    const [next] = await tx<{ id: number; kind: "full" | "agent"; cfgDbid: number | null; source: string | null; trigger: RunTrigger }[]>`
      select id, kind, cfg_dbid as "cfgDbid", source, trigger from wfm.sync_requests
       where server = ${server} and status = 'queued' order by id limit 1 for update skip locked`;
    if (!next) return undefined;
    const taken = await tx<{ id: number; requestedBy: string | null }[]>`
      update wfm.sync_requests set status = 'running', started_at = now(), instance = ${instance}
       where id in (select id from wfm.sync_requests
                     where server = ${server} and status = 'queued' and kind = ${next.kind}
                       and cfg_dbid is not distinct from ${next.cfgDbid} and source is not distinct from ${next.source}
                     for update skip locked)
      returning id, requested_by as "requestedBy"`;
    const askers = [...new Set(taken.map((r) => r.requestedBy).filter((name): name is string => name !== null))].sort();
    return { kind: next.kind, ids: taken.map((r) => r.id).sort((a, b) => a - b), cfgDbid: next.cfgDbid, source: next.source, trigger: next.trigger, requestedBy: askers.length ? askers.join(", ") : null };
  });
}

export async function linkRequestsToRun(sql: Sql, ids: number[], runId: number): Promise<void> {
  await sql`update wfm.sync_requests set run_id = ${runId} where id = any(${ids}::bigint[])`;
}

/**
 * Ends requests `instance` is serving. One that went back to the queue meanwhile (its instance was taken for
 * dead, or a new primary took over) is left to whoever serves it now.
 */
export async function finishRequests(sql: Sql, ids: number[], instance: string, outcome: { failed: boolean; error?: string | null }): Promise<void> {
  await sql`
    update wfm.sync_requests set status = ${outcome.failed ? "failed" : "done"}, finished_at = now(), error = ${outcome.error ?? null}
     where id = any(${ids}::bigint[]) and status = 'running' and instance = ${instance}`;
}

/**
 * For a new primary: every request of its server still marked running goes back to the queue. Only the
 * primary takes requests and the caller has just become it, so whoever marked them (a process killed and
 * restarted within seconds, whose heartbeat still looks fresh, or this process in an earlier term) will
 * never finish them.
 */
export async function requeueOrphanedRequests(sql: Sql, server: string): Promise<number> {
  const rows = await sql`
    update wfm.sync_requests set status = 'queued', started_at = null, instance = null, run_id = null
     where server = ${server} and status = 'running'
    returning id`;
  return rows.length;
}

export async function requeueRequests(sql: Sql, ids: number[]): Promise<void> {
  await sql`
    update wfm.sync_requests set status = 'queued', started_at = null, instance = null, run_id = null
     where id = any(${ids}::bigint[]) and status = 'running'`;
}
