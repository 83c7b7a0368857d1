/**
 * The instance's heartbeat: every few seconds it records this process's role, port, mesh links and any
 * problem in wfm.server_instances (the Servers page reads them), and removes the instances of any server
 * that stopped heartbeating — closing their runs and queueing their requests again (registration.ts). It
 * is also how the process notices that the database went away and came back, while nothing else queries.
 */
import type { Sql } from "../db/client";
import type { PeerState } from "../mesh/node";
import type { Role, ServerEvents } from "./events";
import { heartbeat, removeDeadInstances } from "./registration";

export interface HeartbeatOptions {
  sql: () => Sql;
  server: string;
  instance: string;
  port: () => number;
  role: () => Role;
  peers: () => PeerState[] | null;
  /** What keeps this instance from working, in words, or null. */
  problem: () => string | null;
  events: ServerEvents;
  /** The server's row is gone (deleted in the console): the process cannot go on. */
  onServerRemoved: () => void;
}

export class Heartbeat {
  /** Whether the last heartbeat reached the database. */
  databaseUp = true;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(private readonly options: HeartbeatOptions) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.beat(), everyMs);
  }

  /** Stops beating; resolves once a beat in flight has ended (it would write the instance row back). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  /** One heartbeat now; one at a time, since while the database hangs they would pile up in the pool. */
  beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beatOnce() {
    const { events } = this.options;
    const role = this.options.role();
    if (role === "starting" || role === "stopping") return;
    try {
      const sql = this.options.sql();
      await heartbeat(sql, this.options.instance, this.options.server, role === "primary" ? "primary" : "backup", this.options.port(), this.options.peers(), this.options.problem());
      for (const dead of await removeDeadInstances(sql)) events.emit("instances:dead:removed", dead);
      if (!this.databaseUp) events.emit("database:regained", {});
      this.databaseUp = true;
    } catch (error) {
      if (this.databaseUp) events.emit("database:lost", { error: error instanceof Error ? error.message : String(error) });
      this.databaseUp = false;
      if ((error as { code?: string }).code === "23503") this.options.onServerRemoved();
    }
  }
}
