/**
 * WFM Servers as the console and the API show them (SPEC §5 Servers, §6.1 "server"): options, running
 * instances with role and heartbeat, cursor lag, and the run in progress.
 */
import type { Sql } from "../db/client";
import { INSTANCE_STALE_SECONDS } from "../sync/requests";

export interface ServerInstance {
  id: string;
  role: "primary" | "backup";
  host: string;
  pid: number;
  port: number | null;
  startedAt: Date;
  heartbeatAt: Date;
  /** No heartbeat for INSTANCE_STALE_SECONDS: the process is presumably gone. */
  stale: boolean;
  /** With web events: its mesh links as of its last heartbeat. */
  meshPeers: { url: string; state: "connected" | "connecting" | "down"; error?: string }[] | null;
}

export interface ServerStatus {
  name: string;
  syncLevel: number;
  syncTimeoutMinutes: number;
  webEvents: boolean;
  cacheSlackSeconds: number | null;
  meshUrl: string | null;
  instances: ServerInstance[];
  /** Changes in the feed after the server's cursor, and the age of the oldest of them. */
  cursorLag: number;
  cursorLagSeconds: number;
  currentRun: { id: number; kind: string; trigger: string; done: number; total: number; startedAt: Date } | null;
  lastFullSync: { id: number; status: string; finishedAt: Date | null } | null;
}

export async function listServerStatus(sql: Sql): Promise<ServerStatus[]> {
  return sql<ServerStatus[]>`
    select s.name, s.sync_level as "syncLevel", s.sync_timeout_min as "syncTimeoutMinutes", s.web_events as "webEvents",
           s.cache_slack_s as "cacheSlackSeconds", s.mesh_url as "meshUrl",
           coalesce((select json_agg(json_build_object(
                       'id', i.id, 'role', i.role, 'host', i.host, 'pid', i.pid, 'port', i.port,
                       'startedAt', i.started_at, 'heartbeatAt', i.heartbeat_at,
                       'stale', i.heartbeat_at < now() - make_interval(secs => ${INSTANCE_STALE_SECONDS}),
                       'meshPeers', i.mesh_peers)
                       order by i.role desc, i.started_at)
                       from wfm.server_instances i where i.server = s.name), '[]') as instances,
           (k.seq - coalesce(c.last_seq, 0))::int as "cursorLag",
           coalesce(extract(epoch from now() - (select ch.at from cfg.changes ch where ch.seq = coalesce(c.last_seq, 0) + 1)), 0)::float8
             as "cursorLagSeconds",
           (select json_build_object('id', r.id, 'kind', r.kind, 'trigger', r.trigger, 'done', r.progress_done,
                                     'total', r.progress_total, 'startedAt', r.started_at)
              from wfm.sync_runs r where r.server = s.name and r.status = 'running' order by (r.kind = 'realtime'), r.id desc limit 1)
             as "currentRun",
           (select json_build_object('id', r.id, 'status', r.status, 'finishedAt', r.finished_at)
              from wfm.sync_runs r where r.server = s.name and r.kind = 'full' and r.status <> 'running' order by r.id desc limit 1)
             as "lastFullSync"
      from wfm.servers s cross join cfg.change_counter k left join wfm.sync_cursors c on c.server = s.name
     order by s.name`;
}
