/**
 * What a WFM Server consults on every decision (SPEC §3): the servers and their options, the sites and the
 * server each is assigned to, the skills and the time zones — kept in memory, so that deciding a change's
 * scope costs no query. A stale cache therefore has visible effects until it is refreshed, by a timestamp
 * check every CacheSlack seconds (one query: each table's highest version and row count) or at once by a
 * mesh message.
 */
import type { Sql } from "../db/client";
import type { CachedEntity } from "../mesh/message";

export interface CachedServer {
  name: string;
  level: number;
  timeoutMinutes: number;
  webEvents: boolean;
  cacheSlackSeconds: number | null;
  peers: string[];
}

export interface CachedSite {
  id: number;
  name: string;
  server: string | null;
  switchDbid: number | null;
  timeZone: string;
}

interface Stamp {
  version: number;
  count: number;
}

export class ServerCache {
  servers = new Map<string, CachedServer>();
  sites = new Map<number, CachedSite>();
  skills = new Map<number, string>();
  timeZones = new Map<number, string>();
  /** Timestamp checks made (the figure SPEC §3 wants on /metrics). */
  checks = 0;
  /** When each entity was last found changed and reloaded (ms since epoch). */
  readonly reloadedAt: Partial<Record<CachedEntity, number>> = {};
  private stamps: Partial<Record<CachedEntity, Stamp>> = {};

  constructor(private readonly sql: () => Sql) {}

  async loadAll(): Promise<void> {
    const stamps = await this.readStamps();
    for (const entity of Object.keys(stamps) as CachedEntity[]) await this.load(entity, stamps[entity]!);
  }

  /**
   * The timestamp check: one query; reloads what changed, returns what it reloaded. `ownWrites`: the server
   * looks at what its own sync just wrote (to announce it), which is not a freshness check.
   */
  async check(ownWrites = false): Promise<CachedEntity[]> {
    if (!ownWrites) this.checks++;
    const stamps = await this.readStamps();
    const changed: CachedEntity[] = [];
    for (const entity of Object.keys(stamps) as CachedEntity[]) {
      const now = stamps[entity]!;
      const was = this.stamps[entity];
      if (!was || was.version !== now.version || was.count !== now.count) {
        await this.load(entity, now);
        changed.push(entity);
      }
    }
    return changed;
  }

  /** A mesh message says `entity` changed (to at least `version`): reload it unless the cache is newer. */
  async invalidate(entity: CachedEntity, version: number): Promise<boolean> {
    if ((this.stamps[entity]?.version ?? -1) >= version) return false;
    await this.load(entity, undefined);
    return true;
  }

  version(entity: CachedEntity): number {
    return this.stamps[entity]?.version ?? 0;
  }

  server(name: string): CachedServer | undefined {
    return this.servers.get(name);
  }

  /** The sites explicitly assigned to `server`, and those assigned to any other server (SPEC §2.3). */
  assignments(server: string): { mine: number[]; others: number[] } {
    const mine: number[] = [];
    const others: number[] = [];
    for (const site of this.sites.values()) {
      if (site.server === server) mine.push(site.id);
      else if (site.server !== null) others.push(site.id);
    }
    return { mine, others };
  }

  private async readStamps(): Promise<Record<CachedEntity, Stamp>> {
    const rows = await this.sql()<{ entity: CachedEntity; version: number; count: number }[]>`
      select 'servers' as entity, coalesce(max(version), 0) as version, count(*)::int as count from wfm.servers
      union all select 'sites', coalesce(max(version), 0), count(*)::int from wfm.sites
      union all select 'skills', coalesce(max(version), 0), count(*)::int from wfm.skills
      union all select 'time_zones', coalesce(max(version), 0), count(*)::int from wfm.time_zones`;
    return Object.fromEntries(rows.map((r) => [r.entity, { version: Number(r.version), count: r.count }])) as Record<CachedEntity, Stamp>;
  }

  private async load(entity: CachedEntity, stamp: Stamp | undefined) {
    const sql = this.sql();
    let version = 0;
    let count = 0;
    if (entity === "servers") {
      const rows = await sql<(CachedServer & { version: number })[]>`
        select name, sync_level as level, sync_timeout_min as "timeoutMinutes", web_events as "webEvents",
               cache_slack_s as "cacheSlackSeconds", peers, version from wfm.servers`;
      this.servers = new Map(rows.map(({ version: _, ...r }) => [r.name, r]));
      version = Math.max(0, ...rows.map((r) => Number(r.version)));
      count = rows.length;
    } else if (entity === "sites") {
      const rows = await sql<(CachedSite & { version: number })[]>`
        select id, name, server, switch_dbid as "switchDbid", time_zone as "timeZone", version from wfm.sites`;
      this.sites = new Map(rows.map(({ version: _, ...r }) => [r.id, r]));
      version = Math.max(0, ...rows.map((r) => Number(r.version)));
      count = rows.length;
    } else {
      const rows = await sql.unsafe<{ dbid: number; name: string; version: number }[]>(
        `select cfg_dbid as dbid, name, version from wfm.${entity}`,
      );
      const map = new Map(rows.map((r) => [Number(r.dbid), r.name]));
      if (entity === "skills") this.skills = map;
      else this.timeZones = map;
      version = Math.max(0, ...rows.map((r) => Number(r.version)));
      count = rows.length;
    }
    this.stamps[entity] = stamp ?? { version, count };
    this.reloadedAt[entity] = Date.now();
  }
}
