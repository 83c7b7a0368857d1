/**
 * The server runtime's parts, each alone against a real PostgreSQL: primary election, the heartbeat, cache
 * coordination, the retry schedule and the loop's wake-ups — what runtime.ts composes and the process tests
 * exercise together.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Database } from "../db/client";
import { freePort } from "../db/ports";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { CacheCoordination } from "./cache-coordination";
import { ServerEvents, type ServerEventMap } from "./events";
import { Heartbeat } from "./heartbeat";
import { createLogger } from "./log";
import { PrimaryElection } from "./primary";
import { Wakeup } from "./wakeup";
import { retryDelay } from "./work-loop";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 8 });
  b = new Builder(database.sql);
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** Every event of `events` as it happens, for asserting on the sequence. */
function record(events: ServerEvents, names: (keyof ServerEventMap)[]) {
  const seen: { event: string; payload: unknown }[] = [];
  for (const event of names) events.on(event, (payload) => seen.push({ event, payload }));
  return seen;
}

describe("primary election", () => {
  it("one of two instances is primary; when its term ends the backup takes the lock, as a switchover", async () => {
    await b.server("Elect", 2);
    const make = () => {
      const events = new ServerEvents();
      let stopping = false;
      const election = new PrimaryElection({
        name: "Elect",
        sql: () => database.sql,
        events,
        checkEveryMs: 50,
        stopping: () => stopping,
        pause: async () => {},
        wake: () => {},
      });
      return { events, election, stop: () => (stopping = true) };
    };
    const first = make();
    const second = make();
    let endFirstTerm!: () => void;
    const firstServing = first.events.next("role:changed", (e) => e.role === "primary");
    const firstLoop = first.election.run(async () => {
      await new Promise<void>((resolve) => (endFirstTerm = resolve));
      first.stop();
    });
    await firstServing;
    const secondWaits = second.events.next("role:changed", (e) => e.role === "backup");
    const switchover = second.events.next("primary:switchover");
    let secondSwitchedOver: boolean | undefined;
    const secondLoop = second.election.run(async (_term, wasSwitchover) => {
      secondSwitchedOver = wasSwitchover;
      second.stop();
    });
    await secondWaits;
    expect(first.election.role).toBe("primary");

    endFirstTerm();
    await firstLoop;
    await switchover;
    await secondLoop;
    expect(secondSwitchedOver).toBe(true);
  });
});

describe("the heartbeat", () => {
  it("records role and problem, removes others' dead instances with an event, and says when the database goes and comes", async () => {
    await b.server("Beat", 2);
    await b.server("Dead", 2);
    const events = new ServerEvents();
    const seen = record(events, ["instances:dead:removed", "database:lost", "database:regained"]);
    const dead = randomUUID();
    await database.sql`insert into wfm.server_instances (id, server, role, host, pid, heartbeat_at) values (${dead}, 'Dead', 'primary', 'h', 1, now() - interval '1 minute')`;
    let sql = database.sql;
    const instance = randomUUID();
    const heartbeat = new Heartbeat({
      sql: () => sql,
      server: "Beat",
      instance,
      port: () => 1234,
      role: () => "primary",
      peers: () => null,
      problem: () => "real-time sync cannot apply the next batch: boom",
      events,
      onServerRemoved: () => {},
    });
    await heartbeat.beat();
    const [row] = await database.sql`select role, port, problem from wfm.server_instances where id = ${instance}`;
    expect(row).toMatchObject({ role: "primary", port: 1234, problem: "real-time sync cannot apply the next batch: boom" });
    expect(seen).toEqual([{ event: "instances:dead:removed", payload: { server: "Dead", id: dead, runs: [], requests: 0 } }]);

    const nowhere = createClient(`postgres://x:y@127.0.0.1:${await freePort()}/wfm`, { max: 1 });
    cleanups.push(() => nowhere.close());
    sql = nowhere.sql;
    await heartbeat.beat();
    await heartbeat.beat(); // said once, not at every failing beat
    sql = database.sql;
    await heartbeat.beat();
    expect(seen.slice(1).map((s) => s.event)).toEqual(["database:lost", "database:regained"]);
    expect(heartbeat.databaseUp).toBe(true);
  });
});

describe("cache coordination", () => {
  it("a site reassigned to this server is noticed at the next timestamp check as sites newly in scope", async () => {
    const t = await b.tenant();
    await b.server("Coord", 1);
    await b.server("Elsewhere", 1);
    const site = await b.site({ switchDbid: await b.switch(t), server: "Elsewhere", name: "Denver" });
    const events = new ServerEvents();
    const coordination = new CacheCoordination({
      name: "Coord",
      sql: () => database.sql,
      events,
      log: createLogger("Coord"),
      defaultSlackSeconds: () => 30,
    });
    await coordination.load();
    const gained = events.next("scope:sites:gained");
    const reloaded = events.next("cache:reloaded");
    await database.sql`update wfm.sites set server = 'Coord' where id = ${site}`;
    await coordination.check("test");
    expect(await reloaded).toEqual({ entities: ["sites"], why: "test" });
    expect(await gained).toEqual({ sites: ["Denver"] });
    expect(coordination.cache.sites.get(site)?.server).toBe("Coord");
  });
});

describe("the work loop's schedule", () => {
  it("retries a must-happen full sync after 5 s, then doubling, at most 5 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelay(n, 5_000))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it("a poke while the loop is busy is kept for its next sleep; a sleep without one ends at its timeout", async () => {
    const wakeup = new Wakeup();
    wakeup.poke();
    expect(await wakeup.sleep(60_000)).toBe(true);
    expect(await wakeup.sleep(1)).toBe(false);
    const sleeping = wakeup.sleep(60_000);
    wakeup.poke();
    expect(await sleeping).toBe(true);
  });
});
