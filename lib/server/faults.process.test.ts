/**
 * The WFM Server under faults and load, with real processes: switchover to a backup after `kill -9`,
 * SIGTERM, connections killed by PostgreSQL, requests to a server that is not running, and many writers
 * changing cfg while the server syncs. The oracle for "nothing lost, nothing applied twice": a full sync
 * run afterwards finds nothing to change, and every agent was added exactly once.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database, Sql } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { holdTransaction, waitUntilBlocked } from "../testing/locks";
import { caughtUp, eventually, isRole, onEvent, realtimeLog, startServer } from "../testing/servers";
import { resetWorld } from "../testing/world";
import { runFullSync } from "../sync/engine";
import { getRequest, requestSync } from "../sync/requests";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 10 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

/** A small contact center: two switches with a site each, a few skills, `agents` agents. */
async function contactCenter(agents: number) {
  const t = await b.tenant();
  const switches = [await b.switch(t), await b.switch(t)];
  for (const s of switches) await b.site({ switchDbid: s });
  const skills = [await b.skill(t), await b.skill(t), await b.skill(t)];
  const persons: number[] = [];
  for (let i = 0; i < agents; i++) persons.push(await b.wholePerson(t, { logins: [switches[i % 2]!], skills: { [skills[i % 3]!]: i % 10 } }));
  return { t, switches, skills, persons };
}

/** After the dust settles, WFM is what a full sync would make it, and no agent was added twice. */
async function expectConsistent(sql: Sql, server: string) {
  const check = await runFullSync(sql, { server, trigger: "manual" });
  expect(check.status).toBe("succeeded");
  expect(check.counts).toMatchObject({ added: 0, updated: 0, terminated: 0 });
  const twice = await sql`
    select object_key, count(*)::int as n from wfm.sync_events
     where object_type = 'agent' and action = 'added' group by object_key having count(*) > 1`;
  expect(twice).toEqual([]);
}

describe("faults and load", () => {
  it("switchover: after kill -9 of the primary the backup takes over, runs the failover full sync and applies every change once", async () => {
    const { sql } = database;
    const { t, switches } = await contactCenter(20);
    await b.server("Pair", 2);
    const first = await startServer(database, "Pair");
    await first.waitForLine(isRole("primary"));
    const second = await startServer(database, "Pair");
    await second.waitForLine(isRole("backup"));
    await caughtUp(sql, "Pair");
    const instances = await sql`select role from wfm.server_instances where server = 'Pair' order by role`;
    expect(instances.map((i) => i.role)).toEqual(["backup", "primary"]);

    await first.child.kill("SIGKILL");
    // Changes while the primary is gone (the backup may already be taking over: no matter).
    const added: number[] = [];
    for (let i = 0; i < 10; i++) added.push(await b.wholePerson(t, { logins: [switches[i % 2]!] }));
    await second.waitForLine(isRole("primary"));
    // The run's status is written after its commit, on another connection: wait for the run's end, not for
    // the cursor it committed.
    await second.waitForLine(onEvent("sync:full:finish", { trigger: "failover" }));
    await caughtUp(sql, "Pair");
    for (const dbid of added) expect(await b.agent(dbid)).toBeDefined();
    const [failover] = await sql`select status from wfm.sync_runs where server = 'Pair' and trigger = 'failover'`;
    expect(failover).toMatchObject({ status: "succeeded" });
    // The dead primary's instance goes once its heartbeat is stale; the new primary is recorded as such.
    await eventually(async () => {
      const rows = await sql`select role from wfm.server_instances where server = 'Pair'`;
      return rows.length === 1 && rows[0]!.role === "primary";
    }, "the dead instance to be removed", 40_000);
    await expectConsistent(sql, "Pair");
    expect(await second.stop()).toBe(0);
  });

  it("SIGTERM finishes the current batch, releases the lock at once and exits 0; the next process continues from the cursor", async () => {
    const { sql } = database;
    const { t, switches, persons } = await contactCenter(10);
    await b.server("Term", 2);
    const first = await startServer(database, "Term");
    await first.waitForLine(isRole("primary"));
    const backup = await startServer(database, "Term");
    await backup.waitForLine(isRole("backup"));
    await caughtUp(sql, "Term");

    // A batch in flight when the signal arrives: every real-time batch moves the server's cursor row last,
    // in its own transaction, so while the test holds that row the batch applying the next change has done
    // its work and waits to commit.
    const cursorRow = await holdTransaction(database.url, (tx) => tx`select last_seq from wfm.sync_cursors where server = 'Term' for update`);
    const agent = persons[0]!;
    await sql`update cfg.persons set last_name = 'In-flight' where dbid = ${agent}`;
    const [{ seq }] = (await sql`select seq from cfg.change_counter`) as unknown as [{ seq: number }];
    const feed = await waitUntilBlocked(sql, { applicationName: "wfm-server Term feed" }, { by: cursorRow.pid });
    const stopped = first.stop(); // SIGTERM
    await first.waitForLine(onEvent("server:stopping", { reason: "SIGTERM" }));
    // Signalled, and the batch still waits for the row: nothing of it is committed yet.
    await waitUntilBlocked(sql, feed.pid, { by: cursorRow.pid, ms: 0 });
    expect(first.child.exitCode).toBeNull();
    expect(await b.agent(agent)).not.toMatchObject({ lastName: "In-flight" });
    await cursorRow.rollback();
    expect(await stopped).toBe(0);
    expect(first.lines.some(onEvent("server:stopped"))).toBe(true);
    // The batch committed in the stopping process: the change is in a realtime run's log (had the batch been
    // dropped, the backup's failover full sync would have applied it and logged it in its own run).
    expect(await realtimeLog(sql, "Term", String(agent))).toEqual([expect.stringMatching(/^updated: last name: .+ → In-flight$/)]);
    expect(await b.agent(agent)).toMatchObject({ lastName: "In-flight" });
    const [cursor] = await sql`select last_seq from wfm.sync_cursors where server = 'Term'`;
    expect(Number(cursor!.last_seq)).toBeGreaterThanOrEqual(seq);

    // The lock was released, not lost with a timeout: the backup is primary straight away, and continues.
    await backup.waitForLine(isRole("primary"));
    await backup.waitForLine(onEvent("sync:full:start", { trigger: "failover" }));
    for (let i = 0; i < 20; i++) await b.wholePerson(t, { logins: [switches[i % 2]!] });
    await caughtUp(sql, "Term");
    const failover = await sql`
      select e.object_key from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
       where r.server = 'Term' and r.trigger = 'failover' and e.object_key = ${String(agent)}`;
    expect(failover).toEqual([]); // nothing left for the failover sync to do for that agent
    await expectConsistent(sql, "Term");
    expect(await backup.stop()).toBe(0);
    // Both processes closed their runs on the way out.
    const [open] = await sql`select count(*)::int as n from wfm.sync_runs where server = 'Term' and status = 'running'`;
    expect(open!.n).toBe(0);
  });

  it("survives its database connections being killed: reconnects with backoff and continues, nothing lost or applied twice", async () => {
    const { sql } = database;
    const { t, switches, skills } = await contactCenter(10);
    await b.server("Flaky", 2);
    const server = await startServer(database, "Flaky");
    await caughtUp(sql, "Flaky");

    const writing = (async () => {
      for (let i = 0; i < 80; i++) {
        const p = await b.wholePerson(t, { logins: [switches[i % 2]!], skills: { [skills[i % 3]!]: 1 } });
        if (i % 3 === 0) await sql`update cfg.skill_levels set level = 7 where person_dbid = ${p}`;
      }
    })();
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 200));
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'wfm-server Flaky%'`;
    }
    await writing;
    await server.waitForLine(onEvent("primary:term:ended"));
    await eventually(async () => (await server.health())?.role === "primary", "the server to be primary again");
    await caughtUp(sql, "Flaky");
    await expectConsistent(sql, "Flaky");
    expect(await server.stop()).toBe(0);
  });

  it("a request to a server that is not running waits, says so, and runs when the server starts", async () => {
    const { sql } = database;
    await contactCenter(3);
    await b.server("Later", 2);
    const request = await requestSync(sql, { kind: "full", server: "Later" }, { requestedBy: "admin" });
    expect(request).toMatchObject({ status: "queued", runId: null, waiting: "queued: Later is not running; the request runs when it starts" });
    await expect(requestSync(sql, { kind: "full", server: "Nobody" })).rejects.toThrow("There is no WFM Server named 'Nobody'.");

    const server = await startServer(database, "Later");
    const done = await eventually(async () => {
      const r = await getRequest(sql, request.id);
      return r.status === "done" ? r : undefined;
    }, "the queued request to run");
    const [run] = await sql`select kind, trigger, requested_by from wfm.sync_runs where id = ${done.runId}`;
    expect(run).toMatchObject({ kind: "full", trigger: "manual", requested_by: "admin" });

    // A request while it runs is picked up on its NOTIFY and linked to the run it started.
    const now = await requestSync(sql, { kind: "full", server: "Later" });
    const started = await eventually(async () => (await getRequest(sql, now.id)).runId, "the run of the second request");
    const [second] = await sql`select kind, trigger, requested_by from wfm.sync_runs where id = ${started}`;
    // Asked with no user named (a script): the run says the server started it.
    expect(second).toMatchObject({ kind: "full", trigger: "manual", requested_by: "Later" });
    expect(await server.stop()).toBe(0);
  });

  it("many writers making thousands of mixed cfg changes while it syncs: WFM ends as a fresh full sync would make it", async () => {
    const { sql } = database;
    const { t, switches, skills, persons } = await contactCenter(40);
    await b.server("Busy", 2);
    const server = await startServer(database, "Busy");
    await caughtUp(sql, "Busy");

    // Four writers at once (the pool gives each its own connection), each with its own kind of change,
    // overlapping on the same persons.
    const pick = <T>(list: T[], i: number) => list[i % list.length]!;
    await Promise.all([
      (async () => {
        for (let i = 0; i < 300; i++) await sql`update cfg.persons set last_name = ${"L" + i} where dbid = ${pick(persons, i * 7)}`;
      })(),
      (async () => {
        for (let i = 0; i < 300; i++) {
          await sql`insert into cfg.skill_levels (person_dbid, skill_dbid, level) values (${pick(persons, i * 3)}, ${pick(skills, i)}, ${i % 11})
                    on conflict (person_dbid, skill_dbid) do update set level = excluded.level`;
        }
      })(),
      (async () => {
        for (let i = 0; i < 100; i++) {
          const p = await b.wholePerson(t, { logins: [pick(switches, i)] });
          if (i % 4 === 0) await sql`delete from cfg.persons where dbid = ${p}`;
        }
      })(),
      (async () => {
        for (let i = 0; i < 200; i++) {
          await sql`delete from cfg.skill_levels where person_dbid = ${pick(persons, i * 5)} and skill_dbid = ${pick(skills, i)}`;
          await sql`update cfg.persons set email = ${`e${i}@x`} where dbid = ${pick(persons, i * 11)}`;
        }
      })(),
    ]);
    const [{ seq }] = (await sql`select seq from cfg.change_counter`) as unknown as [{ seq: number }];
    expect(seq).toBeGreaterThan(1000);
    await caughtUp(sql, "Busy", 60_000);
    await expectConsistent(sql, "Busy");
    expect(await server.stop()).toBe(0);
  });
});
