/**
 * A server's row in wfm.servers (its options) and its instances in wfm.server_instances (one per running
 * process: role, heartbeat, port), which the console's Servers page reads.
 */
import os from "node:os";
import type { Sql } from "../db/client";
import { MAIN_SOURCE } from "../config/source-names";
import { StartupError } from "../errors";
import type { ServerFlags } from "./options";

export interface ServerRow {
  name: string;
  /** The configuration source it syncs (SPEC §2.9). */
  source: string;
  level: number;
  timeoutMinutes: number;
  webEvents: boolean;
  cacheSlackSeconds: number | null;
  peers: string[];
}

/** The columns of a `ServerRow`: registration reads one row, the cache all of them. */
export const serverRowColumns = (sql: Sql) => sql`
  name, source, sync_level as level, sync_timeout_min as "timeoutMinutes", web_events as "webEvents", cache_slack_s as "cacheSlackSeconds", peers`;

async function readServer(sql: Sql, name: string): Promise<ServerRow | undefined> {
  const [row] = await sql<ServerRow[]>`select ${serverRowColumns(sql)} from wfm.servers where name = ${name}`;
  return row;
}

/**
 * Registers the server on its first start, with the options given on the command line; afterwards the
 * row wins (the console edits it) and only `--peer` is recorded again. Returns the row and the flags that
 * the row overrode, so the server can say so.
 */
export async function registerServer(sql: Sql, flags: ServerFlags): Promise<{ row: ServerRow; created: boolean; ignored: string[] }> {
  const source = flags.source ?? MAIN_SOURCE;
  const [known] = await sql`select 1 from wfm.config_sources where name = ${source}`;
  if (!known) {
    throw new StartupError(
      `--source ${source}: there is no configuration source named "${source}". Add it on the console's Sources page (or POST /api/v1/sources), then start the server again.`,
    );
  }
  const inserted = await sql`
    insert into wfm.servers (name, source, sync_level, sync_timeout_min, web_events, cache_slack_s, peers)
    values (${flags.name}, ${source}, ${flags.level ?? 2}, ${flags.timeoutMinutes ?? 0}, ${flags.webEvents ?? false},
            ${flags.cacheSlackSeconds ?? null}, ${flags.peers ?? []})
    on conflict (name) do nothing returning name`;
  const created = inserted.length > 0;
  if (!created && flags.peers) {
    await sql`update wfm.servers set peers = ${flags.peers}, updated_at = now()
               where name = ${flags.name} and peers is distinct from ${flags.peers}::text[]`;
  }
  const row = (await readServer(sql, flags.name))!;
  const ignored: string[] = [];
  if (!created) {
    if (flags.level !== undefined && flags.level !== row.level) ignored.push(`--level ${flags.level} (the server is at level ${row.level})`);
    if (flags.source !== undefined && flags.source !== row.source) ignored.push(`--source ${flags.source} (the server syncs source ${row.source})`);
    if (flags.timeoutMinutes !== undefined && flags.timeoutMinutes !== row.timeoutMinutes)
      ignored.push(`--timeout ${flags.timeoutMinutes} (the server's SynchronizationTimeout is ${row.timeoutMinutes})`);
    if (flags.webEvents !== undefined && flags.webEvents !== row.webEvents) ignored.push(`--web-events (web events are ${row.webEvents ? "on" : "off"})`);
    if (flags.cacheSlackSeconds !== undefined && flags.cacheSlackSeconds !== row.cacheSlackSeconds)
      ignored.push(`--cache-slack ${flags.cacheSlackSeconds} (CacheSlack is ${row.cacheSlackSeconds ?? "the default"})`);
  }
  return { row, created, ignored };
}

export async function addInstance(sql: Sql, instance: string, server: string, port: number): Promise<void> {
  await sql`
    insert into wfm.server_instances (id, server, role, host, pid, port)
    values (${instance}, ${server}, 'backup', ${os.hostname()}, ${process.pid}, ${port})`;
}

/** Records the heartbeat and role; re-creates the row if someone removed it (it was taken for dead). */
export async function heartbeat(
  sql: Sql,
  instance: string,
  server: string,
  role: "primary" | "backup",
  port: number,
  meshPeers: object[] | null = null,
  problem: string | null = null,
): Promise<void> {
  const peers = meshPeers === null ? null : sql.json(meshPeers as never);
  await sql`
    insert into wfm.server_instances (id, server, role, host, pid, port, mesh_peers, problem)
    values (${instance}, ${server}, ${role}, ${os.hostname()}, ${process.pid}, ${port}, ${peers}, ${problem})
    on conflict (id) do update set role = excluded.role, heartbeat_at = now(), mesh_peers = excluded.mesh_peers, problem = excluded.problem`;
}

/**
 * Instances that stopped heartbeating are dead (killed, host lost): remove them — of every server, not only
 * the caller's, so a server with no live instance left shows as not running instead of a stale row — and
 * clean up after them in the same statement: their runs can never finish, so they are closed (a full or
 * targeted run failed, its transaction died with the process; a realtime run's batches were each committed,
 * so it simply ends), and requests they had taken go back to the queue. Whoever heartbeats does this (any
 * server, and the launcher), so a server killed and never restarted leaves nothing 'running' for long.
 */
export async function removeDeadInstances(sql: Sql): Promise<{ server: string; id: string; runs: number[]; requests: number }[]> {
  return sql<{ server: string; id: string; runs: number[]; requests: number }[]>`
    with dead as (
      delete from wfm.server_instances
       where not wfm.instance_alive(heartbeat_at)
      returning server, id
    ), closed as (
      update wfm.sync_runs r
         set status = case when kind <> 'realtime' then 'failed' when errors > 0 then 'partial' else 'succeeded' end,
             finished_at = clock_timestamp(),
             error = case when kind <> 'realtime'
                          then coalesce(error, 'the server stopped: its process stopped heartbeating before the run finished; nothing of it was kept') end
       where r.status = 'running' and r.instance in (select id from dead)
      returning r.id, r.instance
    ), requeued as (
      update wfm.sync_requests q set status = 'queued', started_at = null, instance = null, run_id = null
       where q.status = 'running' and q.instance in (select id from dead)
      returning q.instance
    )
    select d.server, d.id,
           coalesce((select array_agg(c.id order by c.id) from closed c where c.instance = d.id), '{}') as runs,
           (select count(*) from requeued q where q.instance = d.id)::int as requests
      from dead d`;
}

export async function removeInstance(sql: Sql, instance: string): Promise<void> {
  await sql`delete from wfm.server_instances where id = ${instance}`;
}

/**
 * Runs a dead process left 'running' can never finish: the new primary closes them. A full or targeted
 * run's transaction died with its process, so it failed; a realtime run's batches were each committed,
 * so it simply ends.
 */
export async function failAbandonedRuns(sql: Sql, server: string): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    update wfm.sync_runs
       set status = case when kind <> 'realtime' then 'failed' when errors > 0 then 'partial' else 'succeeded' end,
           finished_at = clock_timestamp(),
           error = case when kind <> 'realtime'
                        then coalesce(error, 'the WFM Server process running it stopped before it finished; nothing of it was kept') end
     where server = ${server} and status = 'running'
    returning id`;
  return rows.map((r) => r.id);
}

/** The level-2 servers of the server's source: more than one is a misconfiguration (SPEC §2.3, §2.9). */
export async function levelTwoServers(sql: Sql, server: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select name from wfm.servers
     where sync_level = 2 and source = (select source from wfm.servers where name = ${server}) order by name`;
  return rows.map((r) => r.name);
}
