/**
 * Primary election (SPEC §2.8). Every process of a server name competes for one advisory lock, held on a
 * connection of its own. The holder is the primary; the others block on the lock as backups, and the lock
 * passes to one of them the moment the primary's session ends (it died, was stopped, or lost its
 * connection). A lost connection ends the primary's term: after a backoff (250 ms doubling to 10 s, with
 * jitter) the process competes again — as primary at once if nobody else took the lock meanwhile.
 */
import { dedicatedClient, type Sql } from "../db/client";
import { LOCK_NAMESPACE, lockKeys } from "../db/locks";
import type { Role, ServerEvents } from "./events";

/** Thrown inside a primary's term when it must end and the process must reconnect. */
export class TermEnded extends Error {}

/** One term as primary: the lock's connection, and the checks that say the lock is still held. */
export interface PrimaryTerm {
  /** Throws TermEnded when the lock's session is gone or was silently replaced by a reconnect. */
  check(now: number): Promise<void>;
}

export interface ElectionOptions {
  name: string;
  sql: () => Sql;
  events: ServerEvents;
  /** How often a term checks that the lock's session is the one that took it. */
  checkEveryMs: number;
  stopping: () => boolean;
  /** Sleeps for a backoff, cut short only by stopping. */
  pause: (ms: number) => Promise<void>;
  /** Wakes the term's loop (the lock's connection closed). */
  wake: () => void;
}

export class PrimaryElection {
  role: Role = "starting";
  private lock?: Sql;
  private lost = false;
  /** This process waited as a backup: whenever it becomes primary, that is a switchover. */
  private wasBackup = false;

  constructor(private readonly options: ElectionOptions) {}

  setRole(role: Role): void {
    if (this.role === role) return;
    const previous = this.role;
    this.role = role;
    this.options.events.emit("role:changed", { role, previous });
  }

  /** Competes until stopping; runs `serve` for each term as primary. */
  async run(serve: (term: PrimaryTerm, switchover: boolean) => Promise<void>): Promise<void> {
    const { name, events } = this.options;
    let backoff = 250;
    while (!this.options.stopping()) {
      this.lost = false;
      const lock = dedicatedClient(this.options.sql(), `wfm-server ${name} lock`, {
        onclose: () => {
          this.lost = true;
          this.options.wake();
        },
      });
      this.lock = lock;
      try {
        const [got] = await lock<{ ok: boolean }[]>`select pg_try_advisory_lock(${LOCK_NAMESPACE}, hashtext(${lockKeys.primary(name)})) as ok`;
        if (!got?.ok) {
          this.setRole("backup");
          this.wasBackup = true;
          await lock`select pg_advisory_lock(${LOCK_NAMESPACE}, hashtext(${lockKeys.primary(name)}))`;
          if (this.options.stopping()) break;
        }
        const switchover = this.wasBackup;
        if (switchover) events.emit("primary:switchover", {});
        this.wasBackup = false;
        this.lost = false;
        this.setRole("primary");
        backoff = 250;
        await serve(this.termOn(lock), switchover);
      } catch (error) {
        if (this.options.stopping()) break;
        this.setRole("reconnecting");
        const wait = Math.round(backoff * (0.75 + Math.random() * 0.5));
        events.emit("primary:term:ended", { error: error instanceof Error ? error.message : String(error), retryInMs: wait });
        await this.options.pause(wait);
        backoff = Math.min(backoff * 2, 10_000);
      } finally {
        // Ending the session releases the lock (the next primary may take it at once).
        await lock.end({ timeout: this.lost ? 0 : 2 }).catch(() => {});
        this.lock = undefined;
      }
    }
  }

  /** A backup is blocked on the lock: ending its connection is what unblocks it when the process stops. */
  async releaseWaiting(): Promise<void> {
    if (this.lock && this.role !== "primary") await this.lock.end({ timeout: 0 }).catch(() => {});
  }

  private termOn(lock: Sql): PrimaryTerm {
    let lastCheck = Date.now();
    let pid: number | undefined;
    return {
      check: async (now) => {
        if (this.lost) throw new TermEnded("the connection holding the primary lock closed");
        if (now - lastCheck < this.options.checkEveryMs && pid !== undefined) return;
        // The lock lives in one session: a client that quietly reconnected would hold a new one without it.
        const [row] = await lock<{ pid: number }[]>`select pg_backend_pid() as pid`;
        if (pid !== undefined && row?.pid !== pid) throw new TermEnded("the session holding the primary lock ended");
        pid = row?.pid;
        lastCheck = now;
      },
    };
  }
}
