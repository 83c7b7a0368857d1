/**
 * A real WFM Server of a replicated source (SPEC §2.9, issue 14) watching its subscription: /metrics carries the
 * replication's lag and state; the Configuration Database's PostgreSQL going away makes the instance's problem
 * "source eu down for N s" and /healthz degraded, logged once; its return clears both; a server moved to a local
 * source shows nothing of replication. The publisher is a cluster of this test's own, stopped and started again
 * on the same data directory and port, as a DBA's restart would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPublisher } from "../config/publisher";
import { createSource } from "../config/sources";
import { createClient, type Database } from "../db/client";
import { freshDatabase } from "../testing/database";
import { databaseIn, startPublisherCluster, type PublisherCluster } from "../testing/publisher";
import { caughtUp, eventually, onEvent, startServer } from "../testing/servers";
import type { ServerProcess } from "./process";

let wfm: Database;
let cluster: PublisherCluster;
let restarted: PublisherCluster | undefined;
beforeAll(async () => {
  wfm = await freshDatabase({ max: 6 });
  cluster = await startPublisherCluster();
});
afterAll(async () => {
  await restarted?.stop();
  await cluster?.remove();
});

/** The samples of the server's /metrics whose name starts wfm_source_replication, as "name{labels} value" lines. */
async function replicationSamples(server: ServerProcess): Promise<string[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split("\n").filter((line) => line.startsWith("wfm_source_replication"));
}

/** A sample named `name` carrying (at least) `labels`, and its value; prom-client orders labels as it likes. */
const sample = (name: string, labels: Record<string, string>, value: number) =>
  expect.stringMatching(
    new RegExp(`^${name}\\{${Object.entries(labels).map(([k, v]) => `(?=[^}]*\\b${k}="${v}")`).join("")}[^}]*\\} ${value}$`),
  );

const agent = async (username: string) => {
  const [row] = await wfm.sql<{ lastName: string }[]>`select last_name as "lastName" from wfm.agents where source = 'eu' and username = ${username}`;
  return row;
};

describe("a WFM Server of a replicated source", () => {
  it("exports the replication's lag, shows the source down as its problem while the publisher is stopped, and clears it when it is back", async () => {
    const { sql } = wfm;
    const admin = createClient(cluster.adminUrl, { max: 1 });
    await admin.sql.unsafe("create database cfg_eu_db");
    await admin.close();
    const url = databaseIn(cluster.adminUrl, "cfg_eu_db");
    await installPublisher(url, "eu");
    const publisher = createClient(url, { max: 1 });
    await publisher.sql`insert into cfg_eu.tenants (name) values ('EU')`;
    await publisher.sql`insert into cfg_eu.persons (tenant_dbid, username, first_name, last_name) values (1, 'eoin', 'Eoin', 'Walsh')`;
    await publisher.close();
    await createSource(sql, { name: "eu", kind: "replicated", connection: url });

    const server = await startServer(wfm, "EU-1", ["--source", "eu", "--cache-slack", "1"]);
    await eventually(async () => (await agent("eoin"))?.lastName === "Walsh", "eoin, written in the publisher, to reach WFM");

    // Up: /metrics has the source's replication, labelled with the source.
    await eventually(async () => (await server.metric("wfm_source_replication_up")) === 1, "wfm_source_replication_up 1");
    const samples = await replicationSamples(server);
    expect(samples).toContainEqual(sample("wfm_source_replication_up", { server: "EU-1", source: "eu" }, 1));
    expect(samples).toContainEqual(sample("wfm_source_replication_state", { server: "EU-1", source: "eu", state: "(streaming|catching up)" }, 1));
    expect(await server.metric("wfm_source_replication_lag_bytes")).toBeGreaterThanOrEqual(0);
    expect(await server.metric("wfm_source_replication_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(await server.health()).toMatchObject({ status: "ok", replication: { source: "eu" } });
    expect((await server.health())?.problem).toBeUndefined();

    // The Configuration Database's PostgreSQL stops: the server says its source is down, on /healthz and as
    // its instance's problem on the Servers page.
    await cluster.stop();
    const health = await eventually(async () => {
      const h = await server.health();
      return typeof h?.problem === "string" && /^source eu down for \d+ s: /.test(h.problem) ? h : undefined;
    }, "/healthz to say source eu is down");
    expect(health).toMatchObject({ status: "degraded", database: "up", role: "primary", replication: { source: "eu", state: "down" } });
    expect(health.problem).toContain(`${new URL(url).hostname}:${new URL(url).port}/cfg_eu_db`);
    expect(health.problem).not.toContain("postgres:postgres");
    await eventually(async () => {
      const [row] = await sql<{ problem: string | null }[]>`select problem from wfm.server_instances where server = 'EU-1'`;
      return row?.problem?.startsWith("source eu down for ");
    }, "the instance's problem on the Servers page");
    expect(await server.metric("wfm_source_replication_up")).toBe(0);
    expect(await replicationSamples(server)).toContainEqual(sample("wfm_source_replication_state", { server: "EU-1", source: "eu", state: "down" }, 1));
    await server.waitForLine(onEvent("source:replication:lost", { source: "eu" }));
    // Logged once, not at every check: two more checks see it down and say nothing.
    const checks = await server.metric("wfm_source_replication_checks_total");
    await eventually(async () => (await server.metric("wfm_source_replication_checks_total")) >= checks + 2, "two more checks of eu");
    expect(server.lines.filter(onEvent("source:replication:lost"))).toHaveLength(1);
    // The server goes on as before with what arrived: still primary, its cursor at the end of eu's feed.
    await caughtUp(sql, "EU-1");
    expect((await server.health())?.role).toBe("primary");

    // Started again on its data directory and port: the subscription resumes from its slot, the problem goes.
    restarted = await startPublisherCluster({ dataDir: cluster.dataDir, port: cluster.port });
    await eventually(async () => {
      const h = await server.health();
      return h?.status === "ok" && h.problem === undefined;
    }, "/healthz ok again", 90_000);
    const back = await server.waitForLine(onEvent("source:replication:regained", { source: "eu" }));
    expect(back.downSeconds).toBeGreaterThanOrEqual(0);
    expect(server.lines.filter(onEvent("source:replication:lost"))).toHaveLength(1);
    expect(await server.metric("wfm_source_replication_up")).toBe(1);
    await eventually(async () => {
      const [row] = await sql<{ problem: string | null }[]>`select problem from wfm.server_instances where server = 'EU-1'`;
      return row && row.problem === null;
    }, "the instance's problem to clear");
    const again = createClient(url, { max: 1 });
    await again.sql`insert into cfg_eu.persons (tenant_dbid, username, first_name, last_name) values (1, 'aoife', 'Aoife', 'Byrne')`;
    await again.close();
    await eventually(async () => (await agent("aoife"))?.lastName === "Byrne", "aoife, written after the restart, to reach WFM");

    // Moved to main, a local source: nothing of replication on /metrics or /healthz any more.
    await sql`update wfm.servers set source = 'main' where name = 'EU-1'`;
    await server.waitForLine(onEvent("scope:source:changed", { previous: "eu", source: "main" }));
    await eventually(async () => (await replicationSamples(server)).length === 0, "no replication samples for a local source");
    expect((await server.health())?.replication).toBeUndefined();
    expect(await server.stop()).toBe(0);
  });
});
