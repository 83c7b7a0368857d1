/**
 * A WFM Server's lifecycle as typed events, named area:subject:verb. The runtime's parts emit them and know
 * nothing of who listens: the log (event-log.ts) and the metrics (metrics.ts) subscribe, and so do tests
 * that run a server in-process — a process's tests read the same events from its log, where every line
 * written for one carries `event` with the event's name.
 */
import type { CachedEntity } from "../mesh/message";
import type { ReplicationState } from "../config/replication";
import type { SyncResult } from "../sync/engine";
import type { FeedBatch } from "../sync/realtime";
import type { RunTrigger } from "../sync/runs";

export type Role = "starting" | "backup" | "primary" | "reconnecting" | "stopping";

export interface ServerEventMap {
  "role:changed": { role: Role; previous: Role };
  /** This instance waited as a backup and now holds the lock: its primary is gone. */
  "primary:switchover": Record<string, never>;
  /** The primary's term ended on a lost connection; the process competes again after `retryInMs`. */
  "primary:term:ended": { error: string; retryInMs: number };
  "database:lost": { error: string };
  "database:regained": Record<string, never>;
  "sync:full:start": { trigger: RunTrigger };
  "sync:full:finish": { trigger: RunTrigger; result: SyncResult; seconds: number };
  /** A full sync that must happen (start-up, failover, schedule, scope) failed and will be tried again. */
  "sync:full:retry": { trigger: RunTrigger; inMs: number; failures: number };
  "sync:targeted:finish": { cfgDbid: number; result: SyncResult; seconds: number };
  "realtime:batch:applied": { batch: FeedBatch; seconds: number };
  "realtime:stuck": { error: string };
  "realtime:resumed": Record<string, never>;
  "scope:level:changed": { level: number; previous: number };
  /** The server was moved to another configuration source (SPEC §2.9); a full sync of the new one follows. */
  "scope:source:changed": { source: string; previous: string };
  /** A name of another source started or stopped colliding with one of this server's source; a full sync follows. */
  "scope:collisions:changed": Record<string, never>;
  "scope:sites:gained": { sites: string[] };
  /**
   * The server's replicated source went down (SPEC §2.9): its subscription is not receiving, since `since` as
   * well as WFM knows; `problem` says why, when known. Real-time goes on applying what already arrived.
   */
  "source:replication:lost": { source: string; since: Date | null; problem: string | null };
  /** The server's replicated source is receiving again, after `downSeconds` down. */
  "source:replication:regained": { source: string; state: ReplicationState; downSeconds: number };
  "cache:reloaded": { entities: CachedEntity[]; why: string };
  "instances:dead:removed": { server: string; id: string; runs: number[]; requests: number };
  "server:stopping": { reason: string };
  "server:stopped": Record<string, never>;
}

export type ServerEvent = keyof ServerEventMap;
type Listener<E extends ServerEvent> = (payload: ServerEventMap[E]) => void;

export class ServerEvents {
  private readonly listeners = new Map<ServerEvent, Set<Listener<never>>>();

  /** Subscribes; returns the unsubscribe. A listener that throws is reported and never stops the server. */
  on<E extends ServerEvent>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<E extends ServerEvent>(event: E, payload: ServerEventMap[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        console.error(`wfm-sync: a listener of ${event} failed:`, error);
      }
    }
  }

  /** The next `event` whose payload `matches`, within `ms` (for tests and for waiting on the runtime). */
  next<E extends ServerEvent>(event: E, matches: (payload: ServerEventMap[E]) => boolean = () => true, ms = 30_000): Promise<ServerEventMap[E]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${event} event within ${ms} ms`));
      }, ms);
      const off = this.on(event, (payload) => {
        if (!matches(payload)) return;
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }
}
