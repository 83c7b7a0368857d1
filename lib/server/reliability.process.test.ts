/**
 * What a failing datacenter does to a WFM Server, and what administrators must see (a red-team report):
 * requests and runs a killed process held are never lost or left 'running' forever, real-time held behind
 * a long full sync shows as a problem, and /healthz answers promptly while the database is unreachable.
 * Concurrent work is ordered by locks PostgreSQL reports, never by sleeping.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { getRequest, requestSync } from "../sync/requests";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { holdTransaction } from "../testing/locks";
import { eventually, isRole, onEvent, startServer } from "../testing/servers";
import { startTcpProxy } from "../testing/tcp-proxy";
import { resetWorld } from "../testing/world";
import { removeDeadInstances } from "./registration";
import { WfmServer } from "./runtime";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 10 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

// Full syncs take the 'scope' advisory lock (lib/sync/engine.ts); holding it keeps a server's full sync
// waiting — in flight, its run and request recorded — for as long as the test wants.
const holdScope = () => holdTransaction(database.url, (tx) => tx`select pg_advisory_xact_lock(${0x5753}, hashtext('scope'))`);

async function someAgents() {
  const t = await b.tenant();
  const sw = await b.switch(t);
  await b.site({ switchDbid: sw });
  for (let i = 0; i < 3; i++) await b.wholePerson(t, { logins: [sw] });
}

describe("a killed server's work", () => {
  it("a full-sync request held by a process killed and restarted within seconds is served by the new primary", async () => {
    const { sql } = database;
    await someAgents();
    await b.server("Quick", 2);
    const first = await startServer(database, "Quick");
    await first.waitForLine(onEvent("sync:full:finish", { status: "succeeded" }));

    const scope = await holdScope();
    const request = await requestSync(sql, { kind: "full", server: "Quick" });
    const held = await eventually(async () => {
      const now = await getRequest(sql, request.id);
      return now.status === "running" && now.runId !== null && now;
    }, "the request to be taken and its run started");
    await first.kill(); // kill -9: its instance row still counts as alive (wfm.instance_alive) for 15 s

    const second = await startServer(database, "Quick");
    await second.waitForLine(isRole("primary"));
    const [deadRow] = await sql`select 1 from wfm.server_instances where server = 'Quick' and heartbeat_at > now() - interval '10 seconds' and pid = ${first.child.pid!}`;
    expect(deadRow, "the killed instance still looks alive when the new primary starts").toBeDefined();
    await scope.rollback();

    const served = await eventually(async () => {
      const now = await getRequest(sql, request.id);
      return now.status === "done" && now;
    }, "the request to be served by the new primary");
    expect(served.runId).not.toBe(held.runId);
    const [oldRun] = await sql`select status, error from wfm.sync_runs where id = ${held.runId}`;
    expect(oldRun).toMatchObject({ status: "failed" });
    expect(await second.stop()).toBe(0);
  });

  it("a server killed and never restarted leaves no run 'running': whoever removes its instance closes them and requeues its requests", async () => {
    const { sql } = database;
    await someAgents();
    await b.server("Lonely", 2);
    await b.server("Other", 0);
    const lonely = await startServer(database, "Lonely");
    await lonely.waitForLine(onEvent("sync:full:finish", { status: "succeeded" }));
    const scope = await holdScope();
    const request = await requestSync(sql, { kind: "full", server: "Lonely" });
    const held = await eventually(async () => {
      const now = await getRequest(sql, request.id);
      return now.runId !== null && now;
    }, "the run to start");
    await lonely.kill();
    await scope.rollback();
    // Its heartbeat goes stale as time passes; make that time pass now rather than wait 15 s.
    await sql`update wfm.server_instances set heartbeat_at = now() - interval '1 minute' where server = 'Lonely'`;

    const other = await startServer(database, "Other");
    await other.waitForLine(isRole("primary"));
    const closed = await eventually(async () => {
      const [run] = await sql`select status, error, finished_at from wfm.sync_runs where id = ${held.runId}`;
      return run?.status !== "running" && run;
    }, "the dead server's run to be closed by the other server's heartbeat");
    expect(closed).toMatchObject({ status: "failed", error: expect.stringMatching(/^the server stopped/) });
    expect(closed.finished_at).not.toBeNull();
    expect(await getRequest(sql, request.id)).toMatchObject({ status: "queued", runId: null, waiting: expect.stringContaining("Lonely is not running") });
    expect(await sql`select 1 from wfm.server_instances where server = 'Lonely'`).toHaveLength(0);
    expect(await other.stop()).toBe(0);
  });

  it("removing dead instances leaves live servers' runs alone", async () => {
    const { sql } = database;
    await b.server("Alive", 2);
    await sql`insert into wfm.server_instances (id, server, role, host, pid) values (gen_random_uuid(), 'Alive', 'primary', 'h', 1)`;
    const [{ id: instance }] = (await sql`select id from wfm.server_instances where server = 'Alive'`) as unknown as [{ id: string }];
    const [{ id: runId }] = (await sql`
      insert into wfm.sync_runs (server, source, kind, trigger, level, instance) values ('Alive', 'main', 'full', 'manual', 2, ${instance}) returning id`) as unknown as [{ id: number }];
    expect(await removeDeadInstances(sql)).toEqual([]);
    const [run] = await sql`select status from wfm.sync_runs where id = ${runId}`;
    expect(run).toMatchObject({ status: "running" });
  });
});

describe("what administrators see", () => {
  it("real-time held behind a full sync for longer than the limit makes /healthz degraded and is the instance's problem, until the run ends", async () => {
    const { sql } = database;
    await someAgents();
    await b.server("Held", 2);
    const scope = await holdScope();
    const server = new WfmServer({ flags: { name: "Held", host: "127.0.0.1", port: 0 }, databaseUrl: database.url, heldAfterMs: 300, heartbeatMs: 200 });
    await server.start();
    try {
      const healthz = async () => {
        const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const degraded = await eventually(async () => {
        const h = await healthz();
        return h.status === 503 && h;
      }, "/healthz to say degraded");
      expect(degraded.body).toMatchObject({ status: "degraded", problem: expect.stringMatching(/^real-time sync is held behind the startup full sync \(run \d+\), running for \d+ s$/) });
      const problem = await eventually(async () => {
        const [row] = await sql`select problem from wfm.server_instances where server = 'Held'`;
        return row?.problem as string | undefined;
      }, "the heartbeat to record the problem");
      expect(problem).toMatch(/held behind the startup full sync/);

      await scope.rollback();
      await eventually(async () => (await healthz()).status === 200, "/healthz to be ok once the run ended");
      await eventually(async () => {
        const [row] = await sql`select problem from wfm.server_instances where server = 'Held'`;
        return row && row.problem === null;
      }, "the problem to clear");
    } finally {
      await server.stop();
    }
  });

  it("/healthz answers promptly, degraded, while the database cannot be reached at all, and ok again after", async () => {
    await b.server("Cut", 0);
    const cluster = new URL(database.url);
    const proxy = await startTcpProxy(Number(cluster.port));
    const server = new WfmServer({ flags: { name: "Cut", host: "127.0.0.1", port: 0 }, databaseUrl: proxy.url(database.url) });
    await server.start();
    try {
      const healthz = async () => {
        const response = await fetch(`http://127.0.0.1:${server.port}/healthz`, { signal: AbortSignal.timeout(8_000) });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      await eventually(async () => (await healthz()).status === 200, "the server to be healthy");
      proxy.blackhole(); // nothing arrives, no error either: a query would wait forever
      const cut = await healthz();
      expect(cut).toMatchObject({ status: 503, body: { status: "degraded", database: "down" } });
      proxy.restore();
      await eventually(async () => (await healthz()).status === 200, "health to come back with the database");
    } finally {
      proxy.restore();
      await server.stop();
    }
  });
});
