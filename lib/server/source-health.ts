/**
 * A WFM Server watching its replicated source (SPEC §2.9, issue 14): while the server's source is replicated,
 * the source's subscription is checked every `everyMs` (5 s by default) from both ends — the WFM database's
 * pg_subscription / pg_stat_subscription and the publisher's slot (replication.ts) — and what was seen is kept
 * for /metrics, /healthz and the instance's problem. A source that is down makes the problem "source eu down for
 * N s: <why>"; the server goes on applying what already arrived. Going down and coming back are one event each
 * (source:replication:lost / :regained), however many checks see the same state.
 *
 * Connections. Checks run one after another, never two at once, and each asks the publisher through
 * replicationStatus's short-lived client (one connection, closed before the check ends): so this process never
 * has more than one connection to the publisher open, and has none between checks. On the WFM side a check takes
 * a pooled connection for two short queries. The source is read from wfm.servers at every check, so a server
 * moved to another source is watching the new one at the next check (at once: the runtime calls `recheck` on
 * scope:source:changed); a local source is not watched, and nothing of it is shown.
 */
import type { Sql } from "../db/client";
import { replicationStatus, type ReplicationStatus } from "../config/replication";
import type { ServerEvents } from "./events";
import type { Logger } from "./log";
import { Wakeup } from "./wakeup";

export interface SourceHealthOptions {
  server: string;
  sql: () => Sql;
  events: ServerEvents;
  log: Logger;
  /** Pause between the end of one check and the start of the next. */
  everyMs: number;
}

/** The server's replicated source as last checked. */
export interface SourceReplication {
  source: string;
  status: ReplicationStatus;
  checkedAt: Date;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!;

export class SourceHealth {
  /** The last check of the server's source, when it is replicated; undefined when local or not checked yet. */
  current: SourceReplication | undefined;
  /** Checks of a replicated source made so far: for /metrics. */
  checks = 0;
  private readonly wakeup = new Wakeup();
  private stopped = false;
  private running?: Promise<void>;

  constructor(private readonly options: SourceHealthOptions) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Checks again now (the server was moved to another source); a check under way is followed by another. */
  recheck(): void {
    this.wakeup.poke();
  }

  /** Stops checking; resolves once a check under way has ended (and closed its connection to the publisher). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeup.poke();
    await this.running;
  }

  /** "source eu down for 42 s: <why>" while the server's source is down; null otherwise. */
  problem(now = Date.now()): string | null {
    const current = this.current;
    if (!current || current.status.state !== "down") return null;
    const since = (current.status.downSince ?? current.checkedAt).getTime();
    const why = current.status.problem?.replace(/\.$/, "");
    return `source ${current.source} down for ${Math.max(0, Math.round((now - since) / 1000))} s${why ? `: ${why}` : ""}`;
  }

  private async run() {
    while (!this.stopped) {
      try {
        await this.check();
      } catch (error) {
        // The WFM database is away (the heartbeat says so): what was seen last stays until a check gets through.
        this.options.log.debug({ err: describe(error) }, "could not check the configuration source's replication");
      }
      if (this.stopped) break;
      await this.wakeup.sleep(this.options.everyMs);
    }
  }

  private async check() {
    const { server } = this.options;
    const sql = this.options.sql();
    const [source] = await sql<{ name: string; kind: string; connection: string | null; slot: string | null }[]>`
      select c.name, c.kind, c.connection, c.slot
        from wfm.servers s join wfm.config_sources c on c.name = s.source
       where s.name = ${server}`;
    if (!source || source.kind !== "replicated" || !source.connection || !source.slot) {
      this.settle(undefined);
      return;
    }
    const status = await replicationStatus(sql, { name: source.name, connection: source.connection, slot: source.slot }, { publisher: true });
    this.checks++;
    if (this.stopped) return;
    this.settle({ source: source.name, status, checkedAt: new Date() });
    // What "down for N s" counts from, for every server of the source and for the Sources page.
  }

  /** Keeps what a check saw; a change between down and not down is one event. */
  private settle(next: SourceReplication | undefined) {
    const previous = this.current;
    this.current = next;
    if (!next) return;
    const wasDown = previous?.source === next.source && previous.status.state === "down";
    const isDown = next.status.state === "down";
    if (isDown && !wasDown) {
      this.options.events.emit("source:replication:lost", { source: next.source, since: next.status.downSince, problem: next.status.problem });
    } else if (!isDown && wasDown) {
      const since = (previous.status.downSince ?? previous.checkedAt).getTime();
      this.options.events.emit("source:replication:regained", {
        source: next.source,
        state: next.status.state,
        downSeconds: Math.max(0, Math.round((next.checkedAt.getTime() - since) / 1000)),
      });
    }
  }
}
