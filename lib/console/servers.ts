/**
 * WFM Servers as the console and the API show them (SPEC §5 Servers, §6.1 "server"): options, the
 * configuration source each synchronizes (SPEC §2.9), running instances with role and heartbeat, cursor lag in
 * its source's change feed, and the run in progress.
 */
import { z } from "zod";
import { MAIN_SOURCE, sourceName } from "../config/source-names";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { serverName } from "../input";
import type { Announce } from "./announce";
import { changesBetween, recordAudit } from "./audit";
import type { ServerState } from "./effective-server";
import { FieldErrors, fieldErrorsOf } from "./form";
import { acrossSources } from "./source-tables";

export interface ServerInstance {
  id: string;
  role: "primary" | "backup";
  host: string;
  pid: number;
  port: number | null;
  startedAt: Date;
  heartbeatAt: Date;
  /** Not alive by wfm.instance_alive (no heartbeat for 15 s): the process is presumably gone. */
  stale: boolean;
  /** With web events: its mesh links as of its last heartbeat. */
  meshPeers: { url: string; state: "connected" | "connecting" | "down"; since?: number; error?: string }[] | null;
  /** What keeps it from working, as of its last heartbeat (real-time sync stuck), or null. */
  problem: string | null;
}

export interface ServerStatus {
  name: string;
  /** The configuration source it synchronizes: its scope is taken within it. */
  source: string;
  syncLevel: number;
  syncTimeoutMinutes: number;
  webEvents: boolean;
  cacheSlackSeconds: number | null;
  meshUrl: string | null;
  instances: ServerInstance[];
  /** Changes in its source's feed after the server's cursor there, and the age of the oldest of them. */
  cursorLag: number;
  cursorLagSeconds: number;
  currentRun: { id: number; kind: string; trigger: string; done: number; total: number; startedAt: Date } | null;
  /** `why`: what went wrong, in a line — a failed run's error, or a partial run's first error line and how many there were. */
  lastFullSync: { id: number; status: string; finishedAt: Date | null; why: string | null } | null;
}

export async function listServerStatus(sql: Sql): Promise<ServerStatus[]> {
  // Each server's lag is read in its own source's feed; the union's constant source column lets PostgreSQL
  // skip the other sources' branches, so each lookup stays one index probe.
  const [{ rows: counters }, { rows: changes }] = await Promise.all([
    acrossSources(sql, "change_counter", sql`seq`),
    acrossSources(sql, "changes", sql`seq, at`),
  ]);
  return sql<ServerStatus[]>`
    select s.name, s.source, s.sync_level as "syncLevel", s.sync_timeout_min as "syncTimeoutMinutes", s.web_events as "webEvents",
           s.cache_slack_s as "cacheSlackSeconds", s.mesh_url as "meshUrl",
           coalesce((select json_agg(json_build_object(
                       'id', i.id, 'role', i.role, 'host', i.host, 'pid', i.pid, 'port', i.port,
                       'startedAt', i.started_at, 'heartbeatAt', i.heartbeat_at,
                       'stale', not wfm.instance_alive(i.heartbeat_at),
                       'meshPeers', i.mesh_peers, 'problem', i.problem)
                       order by i.role desc, i.started_at)
                       from wfm.server_instances i where i.server = s.name), '[]') as instances,
           (k.seq - coalesce(c.last_seq, 0))::int as "cursorLag",
           coalesce(extract(epoch from now() - (select ch.at from ${changes} ch where ch.source = s.source and ch.seq = coalesce(c.last_seq, 0) + 1)), 0)::float8
             as "cursorLagSeconds",
           (select json_build_object('id', r.id, 'kind', r.kind, 'trigger', r.trigger, 'done', r.progress_done,
                                     'total', r.progress_total, 'startedAt', r.started_at)
              from wfm.sync_runs r where r.server = s.name and r.status = 'running' order by (r.kind = 'realtime'), r.id desc limit 1)
             as "currentRun",
           (select json_build_object('id', r.id, 'status', r.status, 'finishedAt', r.finished_at,
                     'why', case r.status
                              when 'failed' then r.error
                              when 'partial' then (
                                select n || case when n = 1 then ' error: ' else ' errors, the first: ' end || first.message
                                  from (select count(*)::int as n from wfm.sync_events e where e.run_id = r.id and e.action = 'error') c,
                                       lateral (select e.message from wfm.sync_events e where e.run_id = r.id and e.action = 'error' order by e.id limit 1) first)
                            end)
              from wfm.sync_runs r where r.server = s.name and r.kind = 'full' and r.status <> 'running' order by r.id desc limit 1)
             as "lastFullSync"
      from wfm.servers s join ${counters} k on k.source = s.source
      left join wfm.sync_cursors c on c.server = s.name and c.source = s.source
     order by s.name`;
}

/** The names of the registered WFM Servers, by name: the choices of a site's server. */
export async function listServerNames(sql: Sql): Promise<string[]> {
  return (await sql<{ name: string }[]>`select name from wfm.servers order by name`).map((s) => s.name);
}

export const serverOptionsInput = z.object({
  syncLevel: z.number({ message: "The level is 0, 1 or 2." }).int("The level is 0, 1 or 2.").min(0, "The level is 0, 1 or 2.").max(2, "The level is 0, 1 or 2."),
  syncTimeoutMinutes: z.number({ message: "Enter minutes, 0 for start-up only." }).int("Enter whole minutes.").min(0, "Minutes cannot be negative.").max(525_600, "At most a year (525,600 minutes)."),
  cacheSlackSeconds: z.number().int("Enter whole seconds.").min(1, "At least 1 second, or empty for the default.").max(86_400, "At most a day (86,400 seconds).").nullable(),
  // Takes effect when the server next starts: the mesh is set up at start (SPEC §3), and needs the mesh secret.
  webEvents: z.boolean({ message: "webEvents is true or false" }).optional(),
  // Like the level, effective without a restart: the running server re-reads it (SPEC §2.9). Left out: unchanged.
  source: sourceName("source").describe("the configuration source the server synchronizes (GET /sources)").optional(),
});

/** As stored: a server always has a source. */
type ServerOptions = Omit<z.output<typeof serverOptionsInput>, "source"> & { source: string };

/** A server's options as the audit trail compares them (the names of serverOptionsInput). */
const optionColumns = (sql: Sql) =>
  sql`source, sync_level as "syncLevel", sync_timeout_min as "syncTimeoutMinutes", cache_slack_s as "cacheSlackSeconds", web_events as "webEvents"`;

/** The source a server is to synchronize: it must exist (404 naming it, beside the field). */
async function checkSource(tx: Sql, source: string): Promise<void> {
  // Held until commit, so the source cannot be removed between this check and the write.
  const [known] = await tx`select 1 from wfm.config_sources where name = ${source} for key share`;
  if (!known) throw new FieldErrors([{ path: "source", message: `There is no configuration source named "${source}".`, kind: "missing" }]);
}

/**
 * Edits a server's options (SPEC §4) and its source (SPEC §2.9); the server uses them as soon as its cache
 * learns of them. A server cannot leave its source while sites of that source are assigned to it — by their
 * switch, or for a site without one, by the agents it holds: they would name a server that no longer syncs them
 * (409 naming them). The options that changed are recorded in the audit trail as changed by `by`.
 */
export async function updateServerOptions(sql: Sql, name: string, input: z.input<typeof serverOptionsInput>, by: string, announce: Announce = () => {}) {
  const parsed = serverOptionsInput.safeParse(input);
  if (!parsed.success) throw fieldErrorsOf(parsed.error);
  const o = parsed.data;
  const version = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    // The row first, for update: an assignment takes it for key share before its sites, so none can add a site
    // of the old source between the check below and the move.
    const [before] = await tx<ServerOptions[]>`select ${optionColumns(tx)} from wfm.servers where name = ${name} for update`;
    if (!before) throw new DomainError("NOT_FOUND", `There is no WFM Server named '${name}'.`);
    const source = o.source ?? before.source;
    if (source !== before.source) {
      await checkSource(tx, source);
      // Its sites of the old source: by their switch, or, without a switch, by the agents they hold (moved there
      // by hand, which holds this row for key share: such a move waits for this one, or is seen here).
      const held = await tx<{ name: string; bySwitch: boolean }[]>`
        select w.name, w.switch_source is not null as "bySwitch" from wfm.sites w
         where w.server = ${name}
           and (w.switch_source = ${before.source}
                or (w.switch_source is null and exists (select 1 from wfm.agents a where a.site_id = w.id and a.source = ${before.source})))
         order by w.name`;
      if (held.length) {
        const names = (bySwitch: boolean) => held.filter((s) => s.bySwitch === bySwitch).map((s) => s.name).join(", ");
        const reasons = [
          ...(held.some((s) => s.bySwitch) ? [`the sites ${names(true)}, whose switches are in source ${before.source}`] : []),
          ...(held.some((s) => !s.bySwitch) ? [`the sites ${names(false)}, which have no switch but hold agents of source ${before.source}`] : []),
        ];
        throw new FieldErrors([{ path: "source", message: `${name} synchronizes ${reasons.join(", and ")}: unassign them first.`, kind: "conflict" }]);
      }
    }
    await tx`update wfm.servers set source = ${source}, sync_level = ${o.syncLevel}, sync_timeout_min = ${o.syncTimeoutMinutes},
                    cache_slack_s = ${o.cacheSlackSeconds}, web_events = coalesce(${o.webEvents ?? null}::boolean, web_events),
                    updated_at = now() where name = ${name}`;
    const detail = changesBetween(before, { ...o, source });
    if (Object.keys(detail).length) await recordAudit(tx, by, [{ action: "updated", objectType: "server", objectKey: name, detail }]);
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'servers'`) as unknown as [{ version: number }];
    return Number(version);
  });
  announce("servers", [name], version);
}

export const newServerInput = serverOptionsInput.partial().extend({
  name: serverName,
  webEvents: z.boolean().optional(),
});

/** Registers a WFM Server before its first start (its process registers itself otherwise), recorded as done by `by`. */
export async function createServer(sql: Sql, input: z.input<typeof newServerInput>, by: string, announce: Announce = () => {}) {
  const parsed = newServerInput.safeParse(input);
  if (!parsed.success) throw fieldErrorsOf(parsed.error);
  const s = parsed.data;
  const version = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await checkSource(tx, s.source ?? MAIN_SOURCE);
    const [created] = await tx<ServerOptions[]>`
      insert into wfm.servers (name, source, sync_level, sync_timeout_min, cache_slack_s, web_events)
      values (${s.name}, ${s.source ?? MAIN_SOURCE}, ${s.syncLevel ?? 2}, ${s.syncTimeoutMinutes ?? 0}, ${s.cacheSlackSeconds ?? null}, ${s.webEvents ?? false})
      on conflict (name) do nothing returning ${optionColumns(tx)}`;
    if (!created) throw new DomainError("CONFLICT", `A WFM Server named '${s.name}' exists already.`, [{ path: "name", message: "exists already" }]);
    await recordAudit(tx, by, [{ action: "created", objectType: "server", objectKey: s.name, detail: changesBetween({}, created) }]);
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'servers'`) as unknown as [{ version: number }];
    return Number(version);
  });
  announce("servers", [s.name], version);
  return s.name;
}

/**
 * Removes a server that is not running; its sites become unassigned, its history stays. Recorded as done by
 * `by`, and each of its sites as no longer assigned, so a site's own history says where its server went.
 */
export async function deleteServer(sql: Sql, name: string, by: string, announce: Announce = () => {}) {
  const version = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    // The server's row first, as assigning a site locks it (for key share) before the site: no deadlock with an
    // assignment, and none can add a site to it between the read below and the delete.
    await tx`select 1 from wfm.servers where name = ${name} for update`;
    const [running] = await tx`select 1 from wfm.server_instances where server = ${name} and wfm.instance_alive(heartbeat_at)`;
    if (running) throw new DomainError("CONFLICT", `${name} is running: stop its processes before removing it.`);
    // Read, and held, before the delete's foreign key clears their server.
    const sites = await tx<{ id: number }[]>`select id from wfm.sites where server = ${name} order by id for update`;
    const [had] = await tx<ServerOptions[]>`delete from wfm.servers where name = ${name} returning ${optionColumns(tx)}`;
    if (!had) throw new DomainError("NOT_FOUND", `There is no WFM Server named '${name}'.`);
    const gone = { source: null, syncLevel: null, syncTimeoutMinutes: null, cacheSlackSeconds: null, webEvents: null };
    await recordAudit(tx, by, [
      { action: "deleted", objectType: "server", objectKey: name, detail: changesBetween(had, gone) },
      ...sites.map((site) => ({ action: "assigned" as const, objectType: "site" as const, objectKey: site.id, detail: { server: { from: name, to: null } } })),
    ]);
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'servers'`) as unknown as [{ version: number }];
    return Number(version);
  });
  announce("servers", [name], version);
}

/** How many sites are assigned to each server (what deleting one would leave unassigned). */
export async function assignedSiteCounts(sql: Sql): Promise<Map<string, number>> {
  const rows = await sql<{ server: string; sites: number }[]>`
    select server, count(*)::int as sites from wfm.sites where server is not null group by server`;
  return new Map(rows.map((r) => [r.server, r.sites]));
}

/** Each server's level and whether a primary is running, for saying who synchronizes a site (effective-server.ts). */
export async function serverStates(sql: Sql): Promise<ServerState[]> {
  return sql<ServerState[]>`
    select s.name, s.sync_level as level, s.source,
           exists (select 1 from wfm.server_instances i where i.server = s.name and i.role = 'primary' and wfm.instance_alive(i.heartbeat_at)) as running
      from wfm.servers s order by s.name`;
}
