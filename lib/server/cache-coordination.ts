/**
 * Cache coordination (SPEC §3): the server's cache of what it consults on every decision, kept fresh by
 * timestamp checks every CacheSlack seconds and, with web events, by the mesh — whose messages this server
 * applies, relays, and sends for what it wrote itself.
 */
import os from "node:os";
import type http from "node:http";
import type { Sql } from "../db/client";
import { CACHED, type CachedEntity, type MeshMessage } from "../mesh/message";
import { MeshNode } from "../mesh/node";
import { inScope } from "../sync/scope";
import { readVersions, ServerCache } from "./cache";
import type { ServerEvents } from "./events";
import type { Logger } from "./log";

export interface CacheCoordinationOptions {
  name: string;
  sql: () => Sql;
  events: ServerEvents;
  log: Logger;
  /** Seconds between timestamp checks when the server's row does not say (SPEC §4: 30, or 600 with web events). */
  defaultSlackSeconds: () => number;
  /** Observes how long an announcement took to arrive (metrics). */
  onInvalidation?: (delaySeconds: number) => void;
}

export class CacheCoordination {
  readonly cache: ServerCache;
  mesh?: MeshNode;
  private lastCheck = 0;
  /** The version this server last announced (or knew at start) per entity. */
  private readonly lastAnnounced: Partial<Record<CachedEntity, number>> = {};

  constructor(private readonly options: CacheCoordinationOptions) {
    this.cache = new ServerCache(options.sql);
  }

  async load(): Promise<void> {
    await this.cache.loadAll();
    for (const entity of CACHED) this.lastAnnounced[entity] = this.cache.version(entity);
    this.cache.onReload = (entity, before) => {
      if (entity === "sites") this.noteSitesGained(before);
    };
    this.lastCheck = Date.now();
  }

  /** Web events: joins the mesh on `server`'s /mesh and records where peers can reach it. */
  async joinMesh(server: http.Server, options: { secret: string; peers: string[]; host: string; port: number }): Promise<void> {
    const { name, log } = this.options;
    this.mesh = new MeshNode({
      name,
      secret: options.secret,
      peers: options.peers,
      log,
      relay: true,
      onMessage: (message) => this.applyInvalidation(message),
      // Whatever was announced while the link was down is caught up by a timestamp check at once.
      onConnected: () => void this.check("reconnected to a peer").catch(() => {}),
      // Messages a peer sent over its link's rate limit were dropped unread: a timestamp check catches them up.
      onMissed: (peers) => void this.check(`dropped messages from ${peers.join(", ")} over the rate limit`).catch(() => {}),
    });
    this.mesh.attach(server);
    this.mesh.start();
    // Peers (and the console) connect to this; a wildcard address is no address to connect to.
    const advertised = options.host === "0.0.0.0" || options.host === "::" ? os.hostname() : options.host;
    const meshUrl = `ws://${advertised}:${options.port}/mesh`;
    await this.options.sql()`update wfm.servers set mesh_url = ${meshUrl} where name = ${name} and mesh_url is distinct from ${meshUrl}`;
    log.info({ peers: options.peers, meshUrl }, `web events on: mesh at ${meshUrl}, ${options.peers.length} configured peer(s)`);
  }

  /** A timestamp check when CacheSlack has passed since the last one. */
  async checkIfDue(now: number): Promise<void> {
    const slack = this.cache.server(this.options.name)?.cacheSlackSeconds ?? this.options.defaultSlackSeconds();
    if (now - this.lastCheck >= slack * 1000) await this.check("CacheSlack");
  }

  /** A timestamp check (SPEC §3): one query; what changed is reloaded. */
  async check(why: string): Promise<CachedEntity[]> {
    this.lastCheck = Date.now();
    const changed = await this.cache.check();
    if (changed.length) this.options.events.emit("cache:reloaded", { entities: changed, why });
    return changed;
  }

  /**
   * After this server may have written cached content (skills, time zones, sites by sync): each entity whose
   * version moved since it last announced is announced, whoever moved it, and reloaded here too. Judged by
   * the versions, not by a cache diff, so a reload that got there first cannot swallow the announcement.
   */
  async announceOwnWrites(entities: CachedEntity[]): Promise<void> {
    const versions = await readVersions(this.options.sql());
    for (const entity of entities) {
      const version = versions[entity];
      if (version <= (this.lastAnnounced[entity] ?? 0)) continue;
      this.lastAnnounced[entity] = version;
      await this.cache.invalidate(entity, version);
      this.mesh?.announce(entity, [], version);
    }
  }

  async close(): Promise<void> {
    await this.mesh?.close();
  }

  /** A peer announced a change: reload that part of the cache (unless it is already as new). */
  private async applyInvalidation(message: MeshMessage) {
    this.options.onInvalidation?.(Math.max(0, Date.now() - message.sentAt) / 1000);
    const reloaded = await this.cache.invalidate(message.entity, message.version);
    this.options.log.debug({ id: message.id, origin: message.origin, entity: message.entity, reloaded }, "mesh: invalidation");
  }

  /**
   * Sites that have just come into this server's scope (reassigned to it, or released by another server):
   * real-time skipped their changes as out of scope until this cache knew, so a full sync must bring them in.
   */
  private noteSitesGained(before: ServerCache["sites"]) {
    const { name } = this.options;
    const server = this.cache.server(name);
    const level = server?.level ?? 0;
    // A site on another source's switch holds none of this server's agents (SPEC §2.9): it gains nothing.
    const ours = (site: { switchSource: string | null }) => site.switchSource === null || site.switchSource === server?.source;
    const gained = [...this.cache.sites.values()].filter(
      (site) => before.has(site.id) && ours(site) && inScope(level, name, site) && !inScope(level, name, before.get(site.id)!),
    );
    if (gained.length) this.options.events.emit("scope:sites:gained", { sites: gained.map((s) => s.name) });
  }
}
