/**
 * The primary's work, one thing at a time: a full sync that is due (start-up, failover, schedule, level
 * raised from 0, sites newly in scope), then queued requests, then the next batch of the change feed; then
 * it sleeps until a NOTIFY (cfg_changes, wfm_requests) or the poll interval wakes it. Batches are idempotent
 * (see lib/sync/realtime.ts), so a batch cut short by a lost connection or a takeover is simply applied again.
 * A full sync that must happen and fails is tried again with a growing delay (`retryDelay`).
 */
import { isConnectionLoss, isTransientConflict, type Sql } from "../db/client";
import { syncConnection } from "../db/session-settings";
import { runFullSync, runTargetedSync, type SyncResult } from "../sync/engine";
import { applyFeedBatch, closeRealtimeRun, newFeedSession, type FeedBatch, type FeedSession } from "../sync/realtime";
import { finishRequests, linkRequestsToRun, requeueOrphanedRequests, requeueRequests, takeRequests, type TakenRequests } from "../sync/requests";
import type { RunTrigger } from "../sync/runs";
import { syncSource } from "../sync/source";
import type { CacheCoordination } from "./cache-coordination";
import type { ServerEvents } from "./events";
import type { Logger } from "./log";
import { TermEnded, type PrimaryTerm } from "./primary";
import { failAbandonedRuns, levelTwoServers } from "./registration";
import type { Wakeup } from "./wakeup";

export interface WorkLoopTiming {
  /** How often the loop looks at the feed, its requests and its options without being woken. */
  pollMs: number;
  /** A realtime run ends after this long without changes, or after `realtimeRunMaxMs` in all. */
  realtimeIdleMs: number;
  realtimeRunMaxMs: number;
  /** Changes per real-time transaction. */
  feedLimit: number;
  /** Real-time held behind one full sync for longer than this is reported as a problem. */
  heldAfterMs: number;
  /** The first wait before a failed must-happen full sync is tried again; each failure doubles it. */
  fullSyncRetryMs: number;
  /** The length of SynchronizationTimeout's minute (60,000 ms; shorter only in tests of the schedule). */
  minuteMs: number;
}

/** The wait before the `failures`-th retry of a full sync that must happen: doubling, at most 5 minutes. */
export const retryDelay = (failures: number, firstMs: number) => Math.min(firstMs * 2 ** (failures - 1), 300_000);

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface WorkLoopOptions {
  name: string;
  instance: string;
  sql: () => Sql;
  coordination: CacheCoordination;
  events: ServerEvents;
  log: Logger;
  wakeup: Wakeup;
  signal: AbortSignal;
  timing: WorkLoopTiming;
}

export class WorkLoop {
  private requestsDue = true;
  private pendingFullSync: RunTrigger | null = "startup";
  private retryAt = 0;
  private failures = 0;
  private transientFailures = 0;
  private lastFullSyncAt = 0;
  private lastLevel: number | undefined;
  private lastSource: string | undefined;
  /** When a batch last read the server's source from the database: a cache loaded before that knows less. */
  private sourceSeenAt = 0;
  private realtimeRun: { id: number; openedAt: number; lastChangeAt: number } | undefined;
  private feed?: Sql;
  private feedLost = false;
  private feedSession: FeedSession = newFeedSession();
  /** Why real-time cannot apply its next batch, while it cannot. */
  private stuck: string | undefined;
  /** The full sync under way: real-time waits for it, and one that goes on for long is a problem to show. */
  private fullSyncUnderWay: { trigger: RunTrigger; since: number; runId?: number } | undefined;

  constructor(private readonly options: WorkLoopOptions) {
    const { events } = options;
    events.on("scope:sites:gained", () => this.fullSyncDue("scope"));
  }

  /** A request was queued for this server (its NOTIFY). */
  requestsQueued(): void {
    this.requestsDue = true;
    this.options.wakeup.poke();
  }

  /** What keeps real-time from working, in words for the Servers page and /healthz; null when nothing. */
  problem(): string | null {
    if (this.stuck) return `real-time sync cannot apply the next batch: ${this.stuck}`;
    const run = this.fullSyncUnderWay;
    const held = run ? Date.now() - run.since : 0;
    if (run && held >= this.options.timing.heldAfterMs) {
      return `real-time sync is held behind the ${run.trigger} full sync${run.runId ? ` (run ${run.runId})` : ""}, running for ${Math.round(held / 1000)} s`;
    }
    return null;
  }

  get isStuck(): boolean {
    return this.stuck !== undefined;
  }

  /** A term as primary: runs until stopped (returns) or the term ends (throws TermEnded, or a database error). */
  async serve(term: PrimaryTerm, switchover: boolean): Promise<void> {
    const { name, log, wakeup, timing, coordination } = this.options;
    const sql = this.options.sql();
    if (switchover) this.pendingFullSync = "failover";
    const closed = await failAbandonedRuns(sql, name);
    if (closed.length) log.warn({ runs: closed }, `closed ${closed.length} run(s) a previous process of ${name} left running`);
    // Only the primary takes requests, and this instance holds the lock now: whatever another instance (or
    // this one in an earlier term) left running can no longer be served by it — even if its heartbeat is
    // fresh, as after a kill -9 and a restart within seconds. Back to the queue, to be served here.
    const requeued = await requeueOrphanedRequests(sql, name);
    if (requeued) log.info(`${requeued} request(s) taken by a previous process go back to the queue`);
    const levelTwo = await levelTwoServers(sql, name);
    if (levelTwo.length > 1 && levelTwo.includes(name)) {
      log.warn({ servers: levelTwo }, `more than one WFM Server is at level 2 (${levelTwo.join(", ")}): only one should be`);
    }

    this.feedSession = newFeedSession();
    this.feedLost = false;
    // The real-time session's settings are a full sync's (lib/db/session-settings.ts): a backlog makes batches
    // of up to 20,000 changes, planned like a run's.
    this.feed = syncConnection(sql, `wfm-server ${name} feed`, {
      onclose: () => {
        this.feedLost = true;
        wakeup.poke();
      },
    });
    let lastPoll = 0;
    try {
      while (!this.options.signal.aborted) {
        const now = Date.now();
        await term.check(now);
        if (this.feedLost) throw new TermEnded("the real-time connection closed");
        if (now - lastPoll >= timing.pollMs) {
          await coordination.checkIfDue(now);
          const row = coordination.cache.server(name);
          if (!row) throw new ServerRemoved(`WFM Server ${name} was removed from wfm.servers`);
          lastPoll = now;
          // A cache loaded before the last batch read the source may still hold the one the server left.
          if ((coordination.cache.reloadedAt.servers ?? 0) > this.sourceSeenAt) this.noteSource(row.source);
          this.noteLevel(row.level);
          this.requestsDue = true;
          if (row.timeoutMinutes > 0 && this.lastFullSyncAt > 0 && now - this.lastFullSyncAt >= row.timeoutMinutes * timing.minuteMs) this.fullSyncDue("schedule");
        }

        if (this.pendingFullSync && now >= this.retryAt) {
          await this.fullSync(this.pendingFullSync);
          continue;
        }
        if (this.requestsDue) {
          this.requestsDue = false;
          const taken = await takeRequests(sql, name, this.options.instance);
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
        // A full sync waiting to be tried again is tried when its wait is over, not at the next poll after.
        const untilRetry = this.pendingFullSync ? Math.max(1, this.retryAt - Date.now()) : timing.pollMs;
        await wakeup.sleep(Math.min(timing.pollMs, untilRetry));
      }
    } finally {
      await this.closeRealtimeRun();
      await this.feed.end({ timeout: 0 }).catch(() => {});
      this.feed = undefined;
    }
  }

  private fullSyncDue(trigger: RunTrigger) {
    this.pendingFullSync ??= trigger;
    this.options.wakeup.poke();
  }

  private async fullSync(trigger: RunTrigger, requests?: TakenRequests): Promise<SyncResult> {
    const { name, instance, events, coordination, signal, timing } = this.options;
    const sql = this.options.sql();
    await this.closeRealtimeRun();
    const started = performance.now();
    events.emit("sync:full:start", { trigger });
    const underWay: NonNullable<WorkLoop["fullSyncUnderWay"]> = { trigger, since: Date.now() };
    this.fullSyncUnderWay = underWay;
    let result: SyncResult;
    try {
      result = await runFullSync(sql, {
        server: name,
        instance,
        requestedBy: requests?.requestedBy ?? undefined,
        trigger,
        signal,
        onStart: async (runId) => {
          underWay.runId = runId;
          if (requests) await linkRequestsToRun(sql, requests.ids, runId);
        },
      });
    } finally {
      this.fullSyncUnderWay = undefined;
    }
    events.emit("sync:full:finish", { trigger, result, seconds: (performance.now() - started) / 1000 });
    if (result.connectionLost) throw new TermEnded(result.error);
    // Even a failed run may have committed whole batches; announcing what did not change costs nothing.
    await coordination.announceOwnWrites(["skills", "time_zones", "sites"]);
    // A stopped run will be redone by whoever is primary next (it runs a start-up or failover sync).
    if (signal.aborted) return result;
    if (result.status === "failed" && !requests) {
      this.failures++;
      const wait = retryDelay(this.failures, timing.fullSyncRetryMs);
      this.retryAt = Date.now() + wait;
      events.emit("sync:full:retry", { trigger, inMs: wait, failures: this.failures });
      return result;
    }
    if (!requests) {
      this.pendingFullSync = null;
      this.failures = 0;
    }
    this.lastFullSyncAt = Date.now();
    return result;
  }

  private async serveRequests(taken: TakenRequests) {
    const { name, instance, events, coordination, signal } = this.options;
    const sql = this.options.sql();
    let result: SyncResult;
    try {
      if (taken.kind === "full") {
        result = await this.fullSync(taken.trigger, taken);
      } else {
        const started = performance.now();
        result = await runTargetedSync(sql, {
          server: name,
          instance,
          requestedBy: taken.requestedBy ?? undefined,
          cfgDbid: taken.cfgDbid!,
          source: taken.source,
          trigger: taken.trigger,
          signal,
          onStart: (runId) => linkRequestsToRun(sql, taken.ids, runId),
        });
        events.emit("sync:targeted:finish", { cfgDbid: taken.cfgDbid!, result, seconds: (performance.now() - started) / 1000 });
        if (result.connectionLost) throw new TermEnded(result.error);
        await coordination.announceOwnWrites(["skills"]); // skills imported on demand
      }
    } catch (error) {
      // Not served: the requests go back to the queue for the next term (or the next primary).
      await requeueRequests(sql, taken.ids).catch(() => {});
      throw error;
    }
    // Stopped halfway: the request is not failed, it is served by whoever is primary next.
    if (result.status === "failed" && signal.aborted) await requeueRequests(sql, taken.ids);
    else await finishRequests(sql, taken.ids, instance, { failed: result.status === "failed", error: result.error });
  }

  /** One real-time batch; transient conflicts are retried, anything else is reported and retried later. */
  private async nextBatch(): Promise<FeedBatch | undefined> {
    const { name, instance, events, coordination, wakeup, timing } = this.options;
    const started = performance.now();
    let batch: FeedBatch;
    try {
      const row = coordination.cache.server(name);
      batch = await applyFeedBatch(this.feed!, this.feedSession, {
        server: name,
        source: this.lastSource ? syncSource(this.lastSource) : row ? syncSource(row.source) : undefined,
        instance,
        runId: this.realtimeRun?.id ?? null,
        limit: timing.feedLimit,
        scope: row && { level: row.level, ...coordination.cache.assignments(name) },
      });
    } catch (error) {
      if (isConnectionLoss(error)) throw new TermEnded(describe(error));
      // The batch rolled back, and with it any temp tables it created: start the session afresh.
      this.feedSession = newFeedSession();
      // A concurrent change makes a batch retry; one that keeps failing that way is stuck, and says so.
      if (isTransientConflict(error) && ++this.transientFailures <= 5) {
        this.options.log.debug({ err: describe(error) }, "real-time batch met a concurrent change; applying it again");
        return undefined;
      }
      if (this.stuck !== describe(error)) events.emit("realtime:stuck", { error: describe(error) });
      this.stuck = describe(error);
      await wakeup.sleep(timing.pollMs);
      return undefined;
    }
    if (this.stuck) events.emit("realtime:resumed", {});
    this.stuck = undefined;
    this.transientFailures = 0;
    // The snapshot says the server syncs another source than the cache knew: follow it, without waiting for the cache.
    this.sourceSeenAt = Date.now();
    this.noteSource(batch.source);
    if (batch.collisionsChanged) {
      events.emit("scope:collisions:changed", {});
      this.fullSyncDue("scope");
    }
    if (batch.changes === 0) return batch;

    if (batch.runId !== null) {
      const now = Date.now();
      this.realtimeRun = this.realtimeRun?.id === batch.runId ? { ...this.realtimeRun, lastChangeAt: now } : { id: batch.runId, openedAt: now, lastChangeAt: now };
    }
    this.noteLevel(batch.level);
    events.emit("realtime:batch:applied", { batch, seconds: (performance.now() - started) / 1000 });
    if (batch.touched.length) await coordination.announceOwnWrites(batch.touched);
    return batch;
  }

  /**
   * A new source takes effect at once (SPEC §2.9): the real-time session and run of the old one end, and a full
   * sync of the new one sets the cursor real-time continues from. The old source's cursor stays, so moving back
   * later resumes it (after the full sync such a move also brings).
   */
  private noteSource(source: string) {
    const previous = this.lastSource;
    this.lastSource = source;
    if (previous === undefined || previous === source) return;
    this.feedSession = newFeedSession();
    void this.closeRealtimeRun();
    this.options.events.emit("scope:source:changed", { source, previous });
    this.fullSyncDue("scope");
  }

  /** Levels take effect at once; one raised from 0 also brings in, by a full sync, what was skipped. */
  private noteLevel(level: number) {
    const previous = this.lastLevel;
    this.lastLevel = level;
    if (previous === undefined || previous === level) return;
    this.options.events.emit("scope:level:changed", { level, previous });
    if (previous === 0) this.fullSyncDue("scope");
  }

  private async maybeCloseRealtimeRun() {
    const run = this.realtimeRun;
    if (!run) return;
    const now = Date.now();
    const { realtimeIdleMs, realtimeRunMaxMs } = this.options.timing;
    if (now - run.lastChangeAt >= realtimeIdleMs || now - run.openedAt >= realtimeRunMaxMs) await this.closeRealtimeRun();
  }

  private async closeRealtimeRun() {
    const run = this.realtimeRun;
    if (!run) return;
    this.realtimeRun = undefined;
    // If the database is away, the next primary's start closes it (failAbandonedRuns).
    await closeRealtimeRun(this.options.sql(), run.id).catch(() => {});
  }
}

/** The server's own row is gone from wfm.servers: the process cannot go on. */
export class ServerRemoved extends Error {}
