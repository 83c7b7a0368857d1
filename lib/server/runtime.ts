/**
 * One WFM Server process (SPEC §2.5–§2.8, §7), composed of parts that each hold one concern:
 * - primary.ts — primary election: the advisory lock, backups, switchover, reconnecting after a lost term;
 * - work-loop.ts — the primary's work: full syncs (due, retried, scheduled), requests, real-time batches;
 * - cache-coordination.ts — the cache, timestamp checks and the mesh (SPEC §3);
 * - heartbeat.ts — the instance row, its problem, dead instances, noticing the database come and go;
 * - source-health.ts — a replicated source's subscription, checked every few seconds (metrics, problem).
 * They report through typed events (events.ts), which the log and the metrics subscribe to.
 *
 * Faults. A lost connection anywhere ends the primary's term: everything is closed, and the process
 * reconnects with backoff and competes for the lock again. SIGTERM lets the current batch finish (a full
 * sync stops after its current batch and keeps nothing), then releases the lock and exits.
 */
import { randomUUID } from "node:crypto";
import { connect, probeDatabase, type Database, type Sql } from "../db/client";
import { feedChannel } from "../config/source-names";
import { meshSecret } from "../mesh/token";
import { CACHED } from "../mesh/message";
import { CacheCoordination } from "./cache-coordination";
import { logEvents } from "./event-log";
import { ServerEvents, type Role } from "./events";
import { Heartbeat } from "./heartbeat";
import { startHttp, type Health } from "./http";
import { createLogger, type Logger } from "./log";
import { createMetrics, observeEvents, type ServerMetrics } from "./metrics";
import type { ServerFlags } from "./options";
import { PrimaryElection } from "./primary";
import { addInstance, registerServer, removeInstance } from "./registration";
import { SourceHealth } from "./source-health";
import { Wakeup } from "./wakeup";
import { ServerRemoved, WorkLoop, type WorkLoopTiming } from "./work-loop";

export type { Role } from "./events";

export interface RuntimeOptions extends Partial<WorkLoopTiming> {
  flags: ServerFlags;
  databaseUrl: string;
  heartbeatMs?: number;
  /**
   * How often a replicated source's subscription is checked (source-health.ts). 5 s: PostgreSQL restarts a
   * failed apply worker every wal_retrieve_retry_interval (5 s by default), so the state cannot usefully be
   * sampled faster; it keeps "down for N s" and /metrics (scraped every 15 s or more) fresh, and costs the
   * publisher one short connection and one query per 5 s per instance.
   */
  sourceCheckMs?: number;
}

export class WfmServer {
  readonly name: string;
  readonly instance = randomUUID();
  readonly log: Logger;
  readonly events = new ServerEvents();
  port = 0;

  private readonly options: RuntimeOptions & WorkLoopTiming & { heartbeatMs: number; sourceCheckMs: number };
  private database!: Database;
  private coordination!: CacheCoordination;
  private metrics!: ServerMetrics;
  private heartbeat!: Heartbeat;
  private sourceHealth?: SourceHealth;
  private http?: Awaited<ReturnType<typeof startHttp>>;
  private readonly wakeup = new Wakeup();
  private readonly stopController = new AbortController();
  private readonly election: PrimaryElection;
  private work!: WorkLoop;
  private loop?: Promise<void>;
  private stopped?: Promise<void>;
  private exitCode = 0;

  constructor(options: RuntimeOptions) {
    this.name = options.flags.name;
    this.options = {
      pollMs: 2000,
      heartbeatMs: 2000,
      sourceCheckMs: 5000,
      realtimeIdleMs: 2000,
      realtimeRunMaxMs: 60_000,
      feedLimit: 20_000,
      heldAfterMs: 60_000,
      fullSyncRetryMs: 5_000,
      minuteMs: 60_000,
      ...options,
    };
    this.log = createLogger(this.name, this.instance);
    logEvents(this.events, this.log, this.name);
    this.election = new PrimaryElection({
      name: this.name,
      sql: () => this.sql,
      events: this.events,
      checkEveryMs: this.options.heartbeatMs,
      stopping: () => this.stopController.signal.aborted,
      pause: (ms) => this.pause(ms),
      wake: () => this.wakeup.poke(),
    });
    // A new role is recorded at once, not at the next beat: the Servers page shows who is primary now.
    this.events.on("role:changed", ({ role }) => {
      if (role === "primary" || role === "backup") void this.heartbeat?.beat();
    });
  }

  get role(): Role {
    return this.election.role;
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
      await this.coordination?.close();
      this.http?.server.close();
      await this.database.close().catch(() => {});
      throw error;
    }
    this.loop = this.election.run((term, switchover) => this.serveTerm(term, switchover));
  }

  private async open() {
    const { flags } = this.options;
    const registration = await registerServer(this.sql, flags);
    if (registration.created) this.log.info({ options: registration.row }, `registered WFM Server ${this.name}`);
    for (const ignored of registration.ignored) this.log.warn(`ignored ${ignored}: after the first start the options in wfm.servers win; edit them on the Servers page`);
    // Web events need the auth provider and its secret: refuse to start without them (SPEC §3, §4).
    const secret = registration.row.webEvents ? meshSecret() : undefined;

    this.metrics = createMetrics({
      server: this.name,
      sql: () => this.sql,
      role: () => this.role,
      cache: () => this.coordination?.cache,
      mesh: () => this.coordination?.mesh,
      source: () => this.sourceHealth,
    });
    observeEvents(this.metrics, this.events);
    this.coordination = new CacheCoordination({
      name: this.name,
      sql: () => this.sql,
      events: this.events,
      log: this.log,
      defaultSlackSeconds: () => (this.coordination.mesh ? 600 : 30),
      onInvalidation: (seconds) => this.metrics.invalidationDelay.observe(seconds),
    });
    await this.coordination.load();
    this.work = new WorkLoop({
      name: this.name,
      instance: this.instance,
      sql: () => this.sql,
      coordination: this.coordination,
      events: this.events,
      log: this.log,
      wakeup: this.wakeup,
      signal: this.stopController.signal,
      timing: this.options,
    });

    this.http = await startHttp(flags.host, flags.port, {
      health: () => this.health(),
      metrics: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() }),
    });
    this.port = this.http.port;
    if (secret) await this.coordination.joinMesh(this.http.server, { secret, peers: registration.row.peers, host: flags.host, port: this.port });
    await addInstance(this.sql, this.instance, this.name, this.port);

    // The feed of the server's source wakes it; the channel follows the source when the server is moved.
    await this.listenToSource(registration.row.source);
    this.events.on("scope:source:changed", ({ source }) => void this.listenToSource(source).catch(() => {}));
    await this.sql.listen("wfm_requests", (server) => {
      if (server === this.name) this.work.requestsQueued();
    });
    this.heartbeat = new Heartbeat({
      sql: () => this.sql,
      server: this.name,
      instance: this.instance,
      port: () => this.port,
      role: () => this.role,
      peers: () => this.coordination.mesh?.peerStates() ?? null,
      problem: () => this.problem(),
      events: this.events,
      onServerRemoved: () => this.fatal(`WFM Server ${this.name} was removed from wfm.servers`),
    });
    this.heartbeat.start(this.options.heartbeatMs);
    // Every instance watches its server's source, backups too: each shows its own problem and /metrics.
    this.sourceHealth = new SourceHealth({ server: this.name, sql: () => this.sql, events: this.events, log: this.log, everyMs: this.options.sourceCheckMs });
    this.events.on("scope:source:changed", () => this.sourceHealth?.recheck());
    this.sourceHealth.start();
    this.log.info({ port: this.port, host: flags.host }, `WFM Server ${this.name} listening on http://${flags.host}:${this.port} (/healthz, /metrics)`);
  }

  private sourceListener?: { source: string; unlisten: () => Promise<void> };
  private listening: Promise<void> = Promise.resolve();

  /** LISTENs to the source's feed channel instead of the previous one; calls run one after another. */
  private listenToSource(source: string): Promise<void> {
    this.listening = this.listening.catch(() => {}).then(async () => {
      if (this.sourceListener?.source === source) return;
      const previous = this.sourceListener;
      const { unlisten } = await this.sql.listen(feedChannel(source), () => this.wakeup.poke());
      this.sourceListener = { source, unlisten };
      await previous?.unlisten().catch(() => {});
    });
    return this.listening;
  }

  private async serveTerm(term: Parameters<WorkLoop["serve"]>[0], switchover: boolean) {
    try {
      // A backup that becomes primary listens to the source its server has now, which may not be the one it
      // started with (the server was moved while this process waited).
      const row = this.coordination.cache.server(this.name);
      if (row) await this.listenToSource(row.source).catch(() => {});
      await this.work.serve(term, switchover);
    } catch (error) {
      if (error instanceof ServerRemoved) return this.fatal(error.message);
      throw error;
    }
  }

  /** Finishes the current batch, releases the lock, removes the instance and closes everything. */
  stop(reason = "stopped"): Promise<void> {
    this.stopped ??= this.shutDown(reason);
    return this.stopped;
  }

  private async shutDown(reason: string): Promise<void> {
    this.events.emit("server:stopping", { reason });
    this.election.setRole("stopping");
    this.stopController.abort(`the WFM Server was stopped (${reason})`);
    this.wakeup.poke();
    await this.election.releaseWaiting();
    await this.loop?.catch(() => {});
    await this.heartbeat?.stop();
    await this.sourceHealth?.stop();
    await removeInstance(this.sql, this.instance).catch(() => {});
    await this.coordination?.close();
    await new Promise<void>((resolve) => (this.http ? this.http.server.close(() => resolve()) : resolve()));
    this.http?.server.closeAllConnections();
    await this.database.close().catch(() => {});
    this.events.emit("server:stopped", {});
  }

  /** Resolves, with the exit code, once the server has stopped (by stop() or a fatal error). */
  async finished(): Promise<number> {
    await this.loop;
    await this.stop();
    return this.exitCode;
  }

  /** Stops the process with exit code 1; never awaited from inside the loop, which stop() waits for. */
  private fatal(reason: string) {
    this.log.error(`cannot go on: ${reason}`);
    this.exitCode = 1;
    void this.stop(reason);
  }

  /** Sleeps `ms`, cut short only by stop() (not by notifications: this is a backoff). */
  private async pause(ms: number) {
    const until = Date.now() + ms;
    while (!this.stopController.signal.aborted && Date.now() < until) await new Promise((r) => setTimeout(r, Math.max(1, Math.min(100, until - Date.now()))));
  }

  /** What keeps this instance from working as it should, in words (Servers page, /healthz); null when nothing. */
  private problem(): string | null {
    const problems = [this.work.problem(), this.sourceHealth?.problem() ?? null].filter((p): p is string => p !== null);
    return problems.length ? problems.join("; ") : null;
  }

  private async health(): Promise<Health> {
    // Answers within a second even while the database is away (a query would wait for its connect timeout).
    const database = (await probeDatabase(this.sql)).reachable ? "up" : "down";
    const problem = this.problem();
    const replication = this.sourceHealth?.current;
    const ok = database === "up" && !problem && this.role !== "reconnecting";
    const { cache, mesh } = this.coordination;
    return {
      status: ok ? "ok" : "degraded",
      server: this.name,
      instance: this.instance,
      role: this.role,
      port: this.port,
      database,
      ...(problem ? { problem } : {}),
      ...(replication
        ? { replication: { source: replication.source, state: replication.status.state, lagBytes: replication.status.lagBytes, lagSeconds: replication.status.lagSeconds, checkedAt: replication.checkedAt } }
        : {}),
      cache: { versions: Object.fromEntries(CACHED.map((e) => [e, cache.version(e)])), checks: cache.checks },
      ...(mesh ? { mesh: { peers: mesh.peerStates(), counts: mesh.counts } } : {}),
    };
  }
}
