/**
 * One WFM Server process (SPEC §2.5–§2.8, §7).
 *
 * Roles. Every process of a server name competes for one advisory lock, held on a connection of its own.
 * The holder is the primary and syncs; the others block on the lock as backups, heartbeating, and the lock
 * passes to one of them the moment the primary's session ends (it died, was stopped, or lost its
 * connection). A backup that becomes primary runs a full sync (trigger 'failover') and then continues
 * real-time from the cursor in the database — where the last primary's last committed batch left it.
 *
 * The primary's loop, one thing at a time: a pending full sync (start-up, failover, schedule, level raised
 * from 0), then queued requests, then the next batch of the change feed; then it sleeps until a NOTIFY
 * (cfg_changes, wfm_requests) or the poll interval wakes it. Batches are idempotent (see realtime.ts), so a
 * batch cut short by a lost connection or a takeover is simply applied again.
 *
 * Faults. A lost connection anywhere ends the primary's term: everything is closed, and the process
 * reconnects with backoff and competes for the lock again. SIGTERM lets the current batch finish (a full
 * sync stops after its current batch and keeps nothing), then releases the lock and exits.
 */
import { randomUUID } from "node:crypto";
import { connect, dedicatedClient, isConnectionLoss, probeDatabase, type Database, type Sql } from "../db/client";
import { runFullSync, runTargetedSync, type SyncResult } from "../sync/engine";
import { applyFeedBatch, closeRealtimeRun, newFeedSession, type FeedBatch, type FeedSession } from "../sync/realtime";
import { finishRequests, linkRequestsToRun, requeueOrphanedRequests, requeueRequests, takeRequests, type TakenRequests } from "../sync/requests";
import type { RunTrigger } from "../sync/runs";
import { MeshNode } from "../mesh/node";
import { CACHED, type CachedEntity, type MeshMessage } from "../mesh/message";
import { meshSecret } from "../mesh/token";
import os from "node:os";
import { readVersions, ServerCache } from "./cache";
import { startHttp, type Health } from "./http";
import { createLogger, type Logger } from "./log";
import { createMetrics, type ServerMetrics } from "./metrics";
import type { ServerFlags } from "./options";
import {
  addInstance,
  failAbandonedRuns,
  heartbeat,
  levelTwoServers,
  registerServer,
  removeDeadInstances,
  removeInstance,
} from "./registration";

export type Role = "starting" | "backup" | "primary" | "reconnecting" | "stopping";

export interface RuntimeOptions {
  flags: ServerFlags;
  databaseUrl: string;
  /** How often the primary looks at the feed, its requests and its options without being woken. */
  pollMs?: number;
  heartbeatMs?: number;
  /** A realtime run ends after this long without changes, or after `realtimeRunMaxMs` in all. */
  realtimeIdleMs?: number;
  realtimeRunMaxMs?: number;
  /** Changes per real-time transaction. */
  feedLimit?: number;
  /** Real-time held behind one full sync for longer than this is reported as a problem (health, Servers page). */
  heldAfterMs?: number;
}

const LOCK_NAMESPACE = 0x5753;
const lockKey = (server: string) => `primary:${server}`;

/** Thrown inside the primary's loop when its term must end and the process must reconnect. */
class TermEnded extends Error {}

const isTransient = (error: unknown) => ["40001", "40P01", "23505"].includes((error as { code?: string }).code ?? "");
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class WfmServer {
  readonly name: string;
  readonly instance = randomUUID();
  readonly log: Logger;
  role: Role = "starting";
  port = 0;

  private readonly options: Required<Omit<RuntimeOptions, "flags" | "databaseUrl">> & Pick<RuntimeOptions, "flags" | "databaseUrl">;
  private database!: Database;
  cache!: ServerCache;
  mesh?: MeshNode;
  private lastCacheCheck = 0;
  /** The cache version this server last announced (or knew at start) per entity. */
  private lastAnnounced: Partial<Record<CachedEntity, number>> = {};
  private metrics!: ServerMetrics;
  private http?: Awaited<ReturnType<typeof startHttp>>;
  private heartbeatTimer?: NodeJS.Timeout;
  private lockConnection?: Sql;
  private lockLost = false;
  private feedLost = false;
  private feedConnection?: Sql;
  private feedSession: FeedSession = newFeedSession();
  private readonly stopController = new AbortController();
  private stopping = false;
  private wake: (() => void) | undefined;
  private woken = false;
  private requestsDue = true;
  private pendingFullSync: RunTrigger | null = "startup";
  /** A failed start-up, failover or level-raise full sync is tried again, no sooner than this. */
  private fullSyncRetryAt = 0;
  private fullSyncFailures = 0;
  private transientFailures = 0;
  /** This process waited as a backup: whenever it becomes primary, that is a switchover. */
  private wasBackup = false;
  private beating?: Promise<void>;
  private lastFullSyncAt = 0;
  private lastLevel: number | undefined;
  private realtimeRun: { id: number; openedAt: number; lastChangeAt: number } | undefined;
  private stuck: string | undefined;
  /** The full sync under way, if any: real-time waits for it, and one that goes on for long is a problem to show. */
  private fullSyncUnderWay: { trigger: RunTrigger; since: number; runId?: number } | undefined;
  private databaseUp = true;
  private loop?: Promise<void>;
  private stopped?: Promise<void>;
  private exitCode = 0;

  constructor(options: RuntimeOptions) {
    this.name = options.flags.name;
    this.options = {
      pollMs: 2000,
      heartbeatMs: 2000,
      realtimeIdleMs: 2000,
      realtimeRunMaxMs: 60_000,
      feedLimit: 20_000,
      heldAfterMs: 60_000,
      ...options,
    };
    this.log = createLogger(this.name, this.instance);
  }

  private get sql(): Sql {
    return this.database.sql;
  }

  /** Connects, registers, opens the HTTP port and starts competing for the primary role. */
  async start(): Promise<void> {
    this.database = await connect(this.options.databaseUrl, { max: 4, applicationName: `wfm-server ${this.name}` });
    try {
      await this.open();
    } catch (error) {
      await this.mesh?.close();
      this.http?.server.close();
      await this.database.close().catch(() => {});
      throw error;
    }
    this.loop = this.competeForPrimary();
  }

  private async open() {
    const { flags } = this.options;
    const registration = await registerServer(this.sql, flags);
    if (registration.created) this.log.info({ options: registration.row }, `registered WFM Server ${this.name}`);
    for (const ignored of registration.ignored) this.log.warn(`ignored ${ignored}: after the first start the options in wfm.servers win; edit them on the Servers page`);

    this.cache = new ServerCache(() => this.sql);
    await this.cache.loadAll();
    for (const entity of CACHED) this.lastAnnounced[entity] = this.cache.version(entity);
    this.cache.onReload = (entity, before) => {
      if (entity === "sites") this.noteSitesGained(before);
    };
    this.lastCacheCheck = Date.now();
    const webEvents = registration.row.webEvents;
    // Web events need the auth provider and its secret: refuse to start without them (SPEC §3, §4).
    const secret = webEvents ? meshSecret() : undefined;

    this.metrics = createMetrics({ server: this.name, sql: () => this.sql, role: () => this.role, cache: () => this.cache, mesh: () => this.mesh });
    this.http = await startHttp(flags.host, flags.port, {
      health: () => this.health(),
      metrics: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() }),
    });
    this.port = this.http.port;
    if (secret) {
      this.mesh = new MeshNode({
        name: this.name,
        secret,
        peers: registration.row.peers,
        log: this.log,
        relay: true,
        onMessage: (message) => this.applyInvalidation(message),
        // Whatever was announced while the link was down is caught up by a timestamp check at once.
        onConnected: () => void this.checkCache("reconnected to a peer").catch(() => {}),
        // Messages a peer sent over its link's rate limit were dropped unread: a timestamp check catches them up.
        onMissed: (peers) => void this.checkCache(`dropped messages from ${peers.join(", ")} over the rate limit`).catch(() => {}),
      });
      this.mesh.attach(this.http.server);
      this.mesh.start();
      // Peers (and the console) connect to this; a wildcard address is no address to connect to.
      const advertised = flags.host === "0.0.0.0" || flags.host === "::" ? os.hostname() : flags.host;
      const meshUrl = `ws://${advertised}:${this.port}/mesh`;
      await this.sql`update wfm.servers set mesh_url = ${meshUrl} where name = ${this.name} and mesh_url is distinct from ${meshUrl}`;
      this.log.info({ peers: registration.row.peers, meshUrl }, `web events on: mesh at ${meshUrl}, ${registration.row.peers.length} configured peer(s)`);
    }
    await addInstance(this.sql, this.instance, this.name, this.port);

    await this.sql.listen("cfg_changes", () => this.poke());
    await this.sql.listen("wfm_requests", (server) => {
      if (server === this.name) {
        this.requestsDue = true;
        this.poke();
      }
    });
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.log.info({ port: this.port, host: flags.host }, `WFM Server ${this.name} listening on http://${flags.host}:${this.port} (/healthz, /metrics)`);
  }

  /** Finishes the current batch, releases the lock, removes the instance and closes everything. */
  stop(reason = "stopped"): Promise<void> {
    this.stopped ??= this.shutDown(reason);
    return this.stopped;
  }

  private async shutDown(reason: string): Promise<void> {
    this.stopping = true;
    const wasPrimary = this.role === "primary";
    this.log.info(`stopping: ${reason}`);
    this.setRole("stopping");
    this.stopController.abort(`the WFM Server was stopped (${reason})`);
    this.poke();
    // A backup is blocked on the lock: ending its connection is what unblocks it.
    if (this.lockConnection && !wasPrimary) await this.lockConnection.end({ timeout: 0 }).catch(() => {});
    this.log.debug("waiting for the loop");
    await this.loop?.catch(() => {});
    this.log.debug("loop ended");
    clearInterval(this.heartbeatTimer);
    await this.beating; // a heartbeat still in flight would write the instance row back
    await removeInstance(this.sql, this.instance).catch(() => {});
    await this.mesh?.close();
    await new Promise<void>((resolve) => (this.http ? this.http.server.close(() => resolve()) : resolve()));
    this.http?.server.closeAllConnections();
    await this.database.close().catch(() => {});
    this.log.info("stopped");
  }

  /** Resolves, with the exit code, once the server has stopped (by stop() or a fatal error). */
  async finished(): Promise<number> {
    await this.loop;
    await this.stop();
    return this.exitCode;
  }

  private setRole(role: Role) {
    if (this.role === role) return;
    this.role = role;
    this.log.info({ role }, `role: ${role}`);
    if (role === "primary" || role === "backup") void this.beat();
  }

  private poke() {
    this.woken = true;
    this.wake?.();
  }

  private async sleepUntilWoken(ms: number): Promise<boolean> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return true;
    }
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wake = undefined;
    this.woken = false;
    return woken;
  }

  /** Sleeps `ms`, cut short only by stop() (not by notifications: this is a backoff). */
  private async pause(ms: number) {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) await new Promise((r) => setTimeout(r, Math.max(1, Math.min(100, until - Date.now()))));
  }

  private beat(): Promise<void> {
    // One heartbeat at a time: while the database hangs they would pile up in the pool.
    this.beating ??= this.beatOnce().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beatOnce() {
    if (this.stopping || this.role === "starting") return;
    try {
      const role = this.role === "primary" ? "primary" : "backup";
      await heartbeat(this.sql, this.instance, this.name, role, this.port, this.mesh?.peerStates() ?? null, this.problem());
      for (const dead of await removeDeadInstances(this.sql)) {
        const closed = dead.runs.length ? `; closed its run(s) ${dead.runs.join(", ")} as stopped` : "";
        const requeued = dead.requests ? `; ${dead.requests} request(s) it held go back to the queue` : "";
        this.log.warn({ deadInstance: dead.id, runs: dead.runs, requests: dead.requests }, `removed an instance of ${dead.server} that stopped heartbeating${closed}${requeued}`);
      }
      if (!this.databaseUp) this.log.info("the database is reachable again");
      this.databaseUp = true;
    } catch (error) {
      if (this.databaseUp) this.log.warn({ err: describe(error) }, "heartbeat failed: the database is unreachable");
      this.databaseUp = false;
      if ((error as { code?: string }).code === "23503") this.fatal(`WFM Server ${this.name} was removed from wfm.servers`);
    }
  }

  /** Stops the process with exit code 1; never awaited from inside the loop, which stop() waits for. */
  private fatal(reason: string) {
    this.log.error(`cannot go on: ${reason}`);
    this.exitCode = 1;
    void this.stop(reason);
  }

  /** What keeps this instance from doing its work, in words for the Servers page and /healthz; null when nothing. */
  private problem(): string | null {
    if (this.stuck) return `real-time sync cannot apply the next batch: ${this.stuck}`;
    const run = this.fullSyncUnderWay;
    const held = run ? Date.now() - run.since : 0;
    if (run && held >= this.options.heldAfterMs) {
      return `real-time sync is held behind the ${run.trigger} full sync${run.runId ? ` (run ${run.runId})` : ""}, running for ${Math.round(held / 1000)} s`;
    }
    return null;
  }

  private async health(): Promise<Health> {
    // Answers within a second even while the database is away (a query would wait for its connect timeout).
    const database = (await probeDatabase(this.sql)).reachable ? "up" : "down";
    const problem = this.problem();
    const ok = database === "up" && !problem && this.role !== "reconnecting";
    return {
      status: ok ? "ok" : "degraded",
      server: this.name,
      instance: this.instance,
      role: this.role,
      port: this.port,
      database,
      ...(problem ? { problem } : {}),
      ...(this.stuck ? { realtime: `stuck: ${this.stuck}` } : {}),
      cache: {
        versions: Object.fromEntries((["servers", "sites", "skills", "time_zones"] as const).map((e) => [e, this.cache.version(e)])),
        checks: this.cache.checks,
      },
      ...(this.mesh ? { mesh: { peers: this.mesh.peerStates(), counts: this.mesh.counts } } : {}),
    };
  }

  // ─── Roles ────────────────────────────────────────────────────────────────────────────────────────────

  private async competeForPrimary(): Promise<void> {
    let backoff = 250;
    while (!this.stopping) {
      this.lockLost = false;
      const lock = dedicatedClient(this.sql, `wfm-server ${this.name} lock`, {
        onclose: () => {
          this.lockLost = true;
          this.poke();
        },
      });
      this.lockConnection = lock;
      try {
        const [got] = await lock<{ ok: boolean }[]>`select pg_try_advisory_lock(${LOCK_NAMESPACE}, hashtext(${lockKey(this.name)})) as ok`;
        if (!got?.ok) {
          this.setRole("backup");
          this.log.info(`another instance of ${this.name} is primary; waiting as its backup`);
          this.wasBackup = true;
          await lock`select pg_advisory_lock(${LOCK_NAMESPACE}, hashtext(${lockKey(this.name)}))`;
          if (this.stopping) break;
        }
        if (this.wasBackup) {
          this.log.warn(`switchover: the primary of ${this.name} is gone; this instance takes over`);
          this.pendingFullSync = "failover";
          this.wasBackup = false;
        }
        this.lockLost = false;
        this.setRole("primary");
        backoff = 250;
        await this.servePrimary(lock);
      } catch (error) {
        if (this.stopping) break;
        this.setRole("reconnecting");
        const wait = Math.round(backoff * (0.75 + Math.random() * 0.5));
        this.log.warn({ err: describe(error) }, `lost the database (${describe(error)}); reconnecting in ${wait} ms`);
        await this.pause(wait);
        backoff = Math.min(backoff * 2, 10_000);
      } finally {
        await this.closeRealtimeRun();
        await this.feedConnection?.end({ timeout: 0 }).catch(() => {});
        this.feedConnection = undefined;
        // Ending the session releases the lock (the next primary may take it at once).
        await lock.end({ timeout: this.lockLost ? 0 : 2 }).catch(() => {});
        this.lockConnection = undefined;
      }
    }
  }

  private async servePrimary(lock: Sql): Promise<void> {
    const closed = await failAbandonedRuns(this.sql, this.name);
    if (closed.length) this.log.warn({ runs: closed }, `closed ${closed.length} run(s) a previous process of ${this.name} left running`);
    // Only the primary takes requests, and this instance holds the lock now: whatever another instance (or
    // this one in an earlier term) left running can no longer be served by it — even if its heartbeat is
    // fresh, as after a kill -9 and a restart within seconds. Back to the queue, to be served here.
    const requeued = await requeueOrphanedRequests(this.sql, this.name);
    if (requeued) this.log.info(`${requeued} request(s) taken by a previous process go back to the queue`);
    const levelTwo = await levelTwoServers(this.sql);
    if (levelTwo.length > 1 && levelTwo.includes(this.name)) {
      this.log.warn({ servers: levelTwo }, `more than one WFM Server is at level 2 (${levelTwo.join(", ")}): only one should be`);
    }

    this.feedSession = newFeedSession();
    this.feedLost = false;
    this.feedConnection = dedicatedClient(this.sql, `wfm-server ${this.name} feed`, {
      onclose: () => {
        this.feedLost = true;
        this.poke();
      },
    });
    let lastLockCheck = Date.now();
    let lastPoll = 0;
    let lockPid: number | undefined;

    while (!this.stopping) {
      if (this.lockLost) throw new TermEnded("the connection holding the primary lock closed");
      if (this.feedLost) throw new TermEnded("the real-time connection closed");
      const now = Date.now();
      if (now - lastLockCheck >= this.options.heartbeatMs) {
        // The lock lives in one session: a client that quietly reconnected would hold a new one without it.
        const [{ pid }] = (await lock`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
        if (lockPid !== undefined && pid !== lockPid) throw new TermEnded("the session holding the primary lock ended");
        lockPid = pid;
        lastLockCheck = now;
      }
      if (now - lastPoll >= this.options.pollMs) {
        const row0 = this.cache.server(this.name);
        const slack = row0?.cacheSlackSeconds ?? (this.mesh ? 600 : 30);
        if (now - this.lastCacheCheck >= slack * 1000) await this.checkCache("CacheSlack");
        const row = this.cache.server(this.name);
        if (!row) return this.fatal(`WFM Server ${this.name} was removed from wfm.servers`);
        lastPoll = now;
        this.noteLevel(row.level);
        this.requestsDue = true;
        if (row.timeoutMinutes > 0 && this.lastFullSyncAt > 0 && now - this.lastFullSyncAt >= row.timeoutMinutes * 60_000) {
          this.pendingFullSync ??= "schedule";
        }
      }

      if (this.pendingFullSync && now >= this.fullSyncRetryAt) {
        await this.fullSync(this.pendingFullSync);
        continue;
      }
      if (this.requestsDue) {
        this.requestsDue = false;
        const taken = await takeRequests(this.sql, this.name, this.instance);
        if (taken) {
          this.requestsDue = true;
          await this.serveRequests(taken);
          continue;
        }
      }

      // Real-time continues from the cursor of a full sync; while one is due, it waits for it.
      const batch = this.pendingFullSync ? undefined : await this.nextBatch();
      await this.maybeCloseRealtimeRun();
      if (batch && batch.to < batch.head) continue; // a backlog: no sleeping until it is gone
      if (await this.sleepUntilWoken(this.options.pollMs)) continue;
    }
  }

  // ─── Work ─────────────────────────────────────────────────────────────────────────────────────────────

  private async fullSync(trigger: RunTrigger, requests?: TakenRequests): Promise<SyncResult> {
    await this.closeRealtimeRun();
    const started = performance.now();
    this.log.info({ trigger }, `full sync (${trigger}) starting`);
    const underWay: NonNullable<typeof this.fullSyncUnderWay> = { trigger, since: Date.now() };
    this.fullSyncUnderWay = underWay;
    let result: SyncResult;
    try {
      result = await runFullSync(this.sql, {
        server: this.name,
        instance: this.instance,
        trigger,
        signal: this.stopController.signal,
        onStart: async (runId) => {
          underWay.runId = runId;
          if (requests) await linkRequestsToRun(this.sql, requests.ids, runId);
        },
      });
    } finally {
      this.fullSyncUnderWay = undefined;
    }
    this.recordRun("full", result, started);
    if (result.connectionLost) throw new TermEnded(result.error);
    // Even a failed run may have committed whole batches; announcing what did not change costs nothing.
    await this.announceOwnWrites(["skills", "time_zones", "sites"]);
    // A stopped run will be redone by whoever is primary next (it runs a start-up or failover sync).
    if (this.stopping) return result;
    if (result.status === "failed" && !requests) {
      // A start-up, failover, scheduled or level-raise sync must happen: try again, backing off.
      this.fullSyncFailures++;
      const wait = Math.min(5_000 * 2 ** (this.fullSyncFailures - 1), 300_000);
      this.fullSyncRetryAt = Date.now() + wait;
      this.log.warn(`the ${trigger} full sync will be tried again in ${Math.round(wait / 1000)} s`);
      return result;
    }
    if (!requests) {
      this.pendingFullSync = null;
      this.fullSyncFailures = 0;
    }
    this.lastFullSyncAt = Date.now();
    return result;
  }

  private async serveRequests(taken: TakenRequests) {
    let result: SyncResult;
    try {
      if (taken.kind === "full") {
        result = await this.fullSync(taken.trigger, taken);
      } else {
        const started = performance.now();
        result = await runTargetedSync(this.sql, {
          server: this.name,
          instance: this.instance,
          cfgDbid: taken.cfgDbid!,
          trigger: taken.trigger,
          signal: this.stopController.signal,
          onStart: (runId) => linkRequestsToRun(this.sql, taken.ids, runId),
        });
        this.recordRun("targeted", result, started);
        if (result.connectionLost) throw new TermEnded(result.error);
        await this.announceOwnWrites(["skills"]); // skills imported on demand
      }
    } catch (error) {
      // Not served: the requests go back to the queue for the next term (or the next primary).
      await requeueRequests(this.sql, taken.ids).catch(() => {});
      throw error;
    }
    // Stopped halfway: the request is not failed, it is served by whoever is primary next.
    if (result.status === "failed" && this.stopping) await requeueRequests(this.sql, taken.ids);
    else await finishRequests(this.sql, taken.ids, this.instance, { failed: result.status === "failed", error: result.error });
  }

  private recordRun(kind: "full" | "targeted", result: SyncResult, started: number) {
    const seconds = (performance.now() - started) / 1000;
    this.metrics.runs.inc({ kind, status: result.status });
    this.metrics.runDuration.observe({ kind }, seconds);
    const line = { runId: result.runId, status: result.status, counts: result.counts, seconds: Number(seconds.toFixed(3)) };
    if (result.status === "failed") this.log.error({ ...line, error: result.error }, `${kind} sync failed: ${result.error}`);
    else this.log.info(line, `${kind} sync ${result.status}`);
  }

  /** One real-time batch; transient conflicts are retried, anything else is reported and retried later. */
  private async nextBatch(): Promise<FeedBatch | undefined> {
    const started = performance.now();
    let batch: FeedBatch;
    try {
      const row = this.cache.server(this.name);
      batch = await applyFeedBatch(this.feedConnection!, this.feedSession, {
        server: this.name,
        instance: this.instance,
        runId: this.realtimeRun?.id ?? null,
        limit: this.options.feedLimit,
        scope: row && { level: row.level, ...this.cache.assignments(this.name) },
      });
    } catch (error) {
      if (isConnectionLoss(error)) throw new TermEnded(describe(error));
      // The batch rolled back, and with it any temp tables it created: start the session afresh.
      this.feedSession = newFeedSession();
      // A concurrent change makes a batch retry; one that keeps failing that way is stuck, and says so.
      if (isTransient(error) && ++this.transientFailures <= 5) {
        this.log.debug({ err: describe(error) }, "real-time batch met a concurrent change; applying it again");
        return undefined;
      }
      if (this.stuck !== describe(error)) this.log.error({ err: describe(error) }, `real-time sync cannot apply the next batch: ${describe(error)}`);
      this.stuck = describe(error);
      await this.sleepUntilWoken(this.options.pollMs);
      return undefined;
    }
    if (this.stuck) this.log.info("real-time sync moves again");
    this.stuck = undefined;
    this.transientFailures = 0;
    if (batch.changes === 0) return batch;

    this.metrics.batchDuration.observe((performance.now() - started) / 1000);
    if (batch.level === 0) {
      this.metrics.changesSkipped.inc({ reason: "level_0" }, batch.changes);
    } else {
      this.metrics.changesSkipped.inc({ reason: "out_of_scope" }, batch.outOfScope);
      this.metrics.changesSkipped.inc({ reason: "left_alone" }, batch.counts.skipped);
      this.metrics.changesApplied.inc(Math.max(0, batch.changes - batch.outOfScope - batch.counts.skipped));
    }
    if (batch.runId !== null) {
      const now = Date.now();
      this.realtimeRun = this.realtimeRun?.id === batch.runId ? { ...this.realtimeRun, lastChangeAt: now } : { id: batch.runId, openedAt: now, lastChangeAt: now };
    }
    this.noteLevel(batch.level);
    if (batch.touched.length) await this.announceOwnWrites(batch.touched);
    this.log.debug({ from: batch.from, to: batch.to, counts: batch.counts, outOfScope: batch.outOfScope }, "real-time batch applied");
    return batch;
  }

  /** A timestamp check (SPEC §3): one query; what changed is reloaded. */
  private async checkCache(why: string) {
    this.lastCacheCheck = Date.now();
    const changed = await this.cache.check();
    if (changed.length) this.log.info({ changed, why }, `cache: reloaded ${changed.join(", ")} (timestamp check: ${why})`);
    return changed;
  }

  /** A peer announced a change: reload that part of the cache (unless it is already as new). */
  private async applyInvalidation(message: MeshMessage) {
    this.metrics.invalidationDelay.observe(Math.max(0, Date.now() - message.sentAt) / 1000);
    const reloaded = await this.cache.invalidate(message.entity, message.version);
    this.log.debug({ id: message.id, origin: message.origin, entity: message.entity, reloaded }, "mesh: invalidation");
  }

  /**
   * After this server may have written cached content (skills, time zones, sites by sync): each entity whose
   * version moved since it last announced is announced, whoever moved it, and reloaded here too. Judged by
   * the versions, not by a cache diff, so a reload that got there first cannot swallow the announcement.
   */
  private async announceOwnWrites(entities: CachedEntity[]) {
    const versions = await readVersions(this.sql);
    for (const entity of entities) {
      const version = versions[entity];
      if (version <= (this.lastAnnounced[entity] ?? 0)) continue;
      this.lastAnnounced[entity] = version;
      await this.cache.invalidate(entity, version);
      this.mesh?.announce(entity, [], version);
    }
  }

  /**
   * Sites that have just come into this server's scope (reassigned to it, or released by another server):
   * real-time skipped their changes as out of scope until this cache knew, so a full sync brings them in.
   */
  private noteSitesGained(before: ServerCache["sites"]) {
    const level = this.cache.server(this.name)?.level ?? 0;
    if (level === 0) return;
    const inScope = (server: string | null | undefined) => (level === 1 ? server === this.name : server === null || server === undefined || server === this.name);
    const gained = [...this.cache.sites.values()].filter((site) => inScope(site.server) && before.has(site.id) && !inScope(before.get(site.id)!.server));
    if (gained.length === 0) return;
    this.log.info({ sites: gained.map((s) => s.name) }, `sites newly in scope (${gained.map((s) => s.name).join(", ")}): a full sync brings in what changed before this server knew`);
    this.pendingFullSync ??= "manual";
  }

  /** Levels take effect at once; one raised from 0 also brings in, by a full sync, what was skipped. */
  private noteLevel(level: number) {
    if (this.lastLevel !== undefined && level !== this.lastLevel) {
      this.log.info({ level }, `SynchronizationLevel changed from ${this.lastLevel} to ${level}`);
      if (this.lastLevel === 0) {
        this.log.info("sync was off: a full sync brings in what changed meanwhile");
        this.pendingFullSync ??= "manual";
      }
    }
    this.lastLevel = level;
  }

  private async maybeCloseRealtimeRun() {
    const run = this.realtimeRun;
    if (!run) return;
    const now = Date.now();
    if (now - run.lastChangeAt >= this.options.realtimeIdleMs || now - run.openedAt >= this.options.realtimeRunMaxMs) {
      await this.closeRealtimeRun();
    }
  }

  private async closeRealtimeRun() {
    const run = this.realtimeRun;
    if (!run) return;
    this.realtimeRun = undefined;
    // If the database is away, the next primary's start closes it (failAbandonedRuns).
    await closeRealtimeRun(this.sql, run.id).catch(() => {});
  }
}
