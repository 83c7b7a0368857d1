/**
 * What a WFM Server consults on every decision (SPEC §3): the servers and their options, the sites and the
 * server each is assigned to, the skills and the time zones — kept in memory, so that deciding a change's
 * scope costs no query. A stale cache therefore has visible effects until it is refreshed, by a timestamp
 * check every CacheSlack seconds (one query of wfm.cache_versions) or at once by a mesh message.
 *
 * Versions are per entity and follow commit order (db/migrations/0009), so "my version ≥ n" means "I have
 * every write up to n". An entity is loaded with its version from one snapshot, one load at a time, and a
 * load never replaces newer contents with older ones.
 *
 * Loads are coalesced per entity: at most one running and at most one queued after it, which every caller
 * that arrives while one runs shares. A load that starts after a caller asked sees every write announced
 * before the ask (announcements follow commits), so each caller waits for at most one load that started
 * after it and then returns, whether or not its version came: one that did not never committed (rolled
 * back, or a bogus announcement). So N announcements cost at most two loads while they arrive together,
 * and never N — a flood of versions above the committed one used to cost N loads and N² wake-ups.
 */
import type { Sql } from "../db/client";
import { CACHED, type CachedEntity } from "../mesh/message";
import { serverRowColumns, type ServerRow } from "./registration";

/** A server's options as the cache holds them: the same row registration reads. */
export type CachedServer = ServerRow;

export interface CachedSite {
  id: number;
  name: string;
  server: string | null;
  /** The source of the site's switch (null without a switch). */
  switchSource: string | null;
  switchDbid: number | null;
  timeZone: string;
}

export async function readVersions(sql: Sql): Promise<Record<CachedEntity, number>> {
  const rows = await sql<{ entity: CachedEntity; version: number }[]>`select entity, version from wfm.cache_versions`;
  const versions = Object.fromEntries(CACHED.map((e) => [e, 0])) as Record<CachedEntity, number>;
  for (const r of rows) versions[r.entity] = Number(r.version);
  return versions;
}

interface FollowUp {
  /** The highest version its callers want: if the running load brings it, the follow-up is not needed. */
  wanted: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Loader {
  running: Promise<void>;
  next?: FollowUp;
}

export class ServerCache {
  servers = new Map<string, CachedServer>();
  sites = new Map<number, CachedSite>();
  /** Skills by their WFM id. */
  skills = new Map<number, string>();
  /** Time zones by `source/dbid`: dbids are unique within a source only. */
  timeZones = new Map<string, string>();
  /** Timestamp checks made (the figure SPEC §3 wants on /metrics). */
  checks = 0;
  /** When each entity was last reloaded (ms since epoch). */
  readonly reloadedAt: Partial<Record<CachedEntity, number>> = {};
  /** Called after an entity's contents changed (the runtime reacts to sites newly in its scope). */
  onReload?: (entity: CachedEntity, before: ServerCache["sites"]) => void;
  /** Loads made per entity (wfm_cache_loads_total): what floods of announcements would drive up. */
  readonly loads = Object.fromEntries(CACHED.map((e) => [e, 0])) as Record<CachedEntity, number>;
  private versions: Partial<Record<CachedEntity, number>> = {};
  /** Per entity: the load running, and the one queued after it (with the highest version its callers want). */
  private loaders: Partial<Record<CachedEntity, Loader>> = {};

  constructor(private readonly sql: () => Sql) {}

  async loadAll(): Promise<void> {
    for (const entity of CACHED) await (this.loaders[entity]?.running ?? this.startLoad(entity));
  }

  /** The timestamp check: one query; reloads what is newer, returns what it reloaded. */
  async check(): Promise<CachedEntity[]> {
    this.checks++;
    const versions = await readVersions(this.sql());
    const changed = CACHED.filter((entity) => versions[entity] > this.version(entity));
    for (const entity of changed) await this.want(entity, versions[entity]);
    return changed;
  }

  /** A peer announced that `entity` changed, as of `version`: reload it unless the cache has that already. */
  async invalidate(entity: CachedEntity, version: number): Promise<boolean> {
    if (this.version(entity) >= version) return false;
    await this.want(entity, version);
    return true;
  }

  version(entity: CachedEntity): number {
    return this.versions[entity] ?? 0;
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

  /**
   * Makes the cache hold at least `version` of `entity` if that version has committed: resolves once a load
   * that started after this call has finished (or at once if the cache holds it already). Never starts a
   * load of its own while one runs: it joins the single follow-up queued after it, which is skipped if the
   * running load brought every version its callers want.
   */
  private want(entity: CachedEntity, version: number): Promise<void> {
    if (this.version(entity) >= version) return Promise.resolve();
    const loader = this.loaders[entity];
    if (!loader) return this.startLoad(entity);
    if (!loader.next) {
      let settle!: Pick<FollowUp, "resolve" | "reject">;
      const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      loader.next = { wanted: version, promise, ...settle };
    } else loader.next.wanted = Math.max(loader.next.wanted, version);
    return loader.next.promise;
  }

  /** Starts a load of `entity` (none is running); when it ends, the follow-up queued meanwhile starts, if needed. */
  private startLoad(entity: CachedEntity): Promise<void> {
    const loader: Loader = { running: Promise.resolve() };
    this.loaders[entity] = loader;
    // Handing over to the follow-up happens in the same callback that ends this load, so no caller can
    // slip in between and start a second load alongside it.
    loader.running = this.load(entity).finally(() => {
      const next = loader.next;
      delete this.loaders[entity];
      if (!next) return;
      if (this.version(entity) >= next.wanted) next.resolve();
      else this.startLoad(entity).then(next.resolve, next.reject);
    });
    return loader.running;
  }

  private async load(entity: CachedEntity): Promise<void> {
    this.loads[entity]++;
    // Contents and version from one snapshot, so the version describes exactly what was read.
    const { version, rows } = await this.sql().begin("isolation level repeatable read read only", async (tx) => {
      const [row] = await tx<{ version: number }[]>`select version from wfm.cache_versions where entity = ${entity}`;
      const data =
        entity === "servers"
          ? await tx`select ${serverRowColumns(tx as unknown as Sql)} from wfm.servers`
          : entity === "sites"
            ? await tx`select id, name, server, switch_source as "switchSource", switch_dbid as "switchDbid", time_zone as "timeZone" from wfm.sites`
            : entity === "skills"
              ? await tx`select id as key, name from wfm.skills`
              : await tx`select source || '/' || cfg_dbid as key, name from wfm.time_zones`;
      return { version: Number(row?.version ?? 0), rows: [...data] as Record<string, unknown>[] };
    });
    // A slower load that started earlier must not replace what a later one brought.
    if (this.versions[entity] !== undefined && version < this.versions[entity]!) return;
    const before = this.sites;
    if (entity === "servers") this.servers = new Map(rows.map((r) => [r.name as string, r as unknown as CachedServer]));
    else if (entity === "sites") this.sites = new Map(rows.map((r) => [r.id as number, r as unknown as CachedSite]));
    else if (entity === "skills") this.skills = new Map(rows.map((r) => [Number(r.key), r.name as string]));
    else this.timeZones = new Map(rows.map((r) => [r.key as string, r.name as string]));
    const first = this.versions[entity] === undefined;
    this.versions[entity] = version;
    this.reloadedAt[entity] = Date.now();
    if (!first) this.onReload?.(entity, before);
  }
}
