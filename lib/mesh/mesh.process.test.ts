/**
 * The cache mesh with real WFM Server processes on 127.0.0.1 (SPEC §3): every topology delivers each
 * message to every server exactly once; tokens are checked; bad messages are dropped; a server that
 * rejoins catches up by a timestamp check; and the effect users see — a site reassigned in the console is
 * used by the servers at once with web events, within CacheSlack without.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Database } from "../db/client";
import { freePort } from "../db/ports";
import { assignSite } from "../console/sites";
import type { ServerProcess } from "../server/process";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { caughtUp, eventually, onEvent, startServer } from "../testing/servers";
import { resetWorld } from "../testing/world";
import { announcerOf, joinMesh } from "./console-peer";
import { MeshNode } from "./node";
import { signToken } from "./token";

const SECRET = "test-mesh-secret-0123456789";
const ENV = { WFM_MESH_SECRET: SECRET, WFM_AUTH_PROVIDER: "wfm" };
const quiet = { info() {}, warn() {}, debug() {} };

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 6 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

const meshUrl = (port: number) => `ws://127.0.0.1:${port}/mesh`;

/** Starts servers S0…S(n-1) at level 0 with web events, each connecting to the peers `edges` give it. */
async function topology(n: number, edges: [number, number][], args: string[] = ["--level", "0"]): Promise<ServerProcess[]> {
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  return Promise.all(
    ports.map((port, i) =>
      startServer(database, `S${i}`, [...args, "--web-events", ...edges.filter(([from]) => from === i).flatMap(([, to]) => ["--peer", meshUrl(ports[to]!)])], ENV, port),
    ),
  );
}

const degree = (n: number, edges: [number, number][]) => Array.from({ length: n }, (_, i) => edges.filter(([a, c]) => a === i || c === i).length);

async function linked(servers: ServerProcess[], degrees: number[]) {
  await eventually(async () => {
    const counts = await Promise.all(servers.map((s) => s.metric("wfm_mesh_peers_connected")));
    return counts.every((c, i) => c === degrees[i]);
  }, "every mesh link to open");
}

/** A client peer, as the console is: connects to one server, announces, relays nothing. */
async function clientOf(server: ServerProcess): Promise<MeshNode> {
  const node = new MeshNode({ name: "test-client", secret: SECRET, peers: [meshUrl(server.port)], log: quiet, relay: false });
  node.start();
  await eventually(async () => node.connected === 1, "the test client to connect");
  return node;
}

const TOPOLOGIES: Record<string, { n: number; edges: [number, number][] }> = {
  line: { n: 5, edges: [[0, 1], [1, 2], [2, 3], [3, 4]] },
  ring: { n: 5, edges: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]] },
  star: { n: 5, edges: [[1, 0], [2, 0], [3, 0], [4, 0]] },
  "full mesh": { n: 4, edges: [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] },
};

describe("the mesh delivers each message to every server exactly once", () => {
  for (const [name, { n, edges }] of Object.entries(TOPOLOGIES)) {
    it(`in a ${name} of ${n} servers, from any server, and a cycle never loops`, async () => {
      const servers = await topology(n, edges);
      await linked(servers, degree(n, edges));
      // The servers' own announcements (their registrations) settle first; count from there.
      await Promise.all(servers.map((s) => s.waitForLine(onEvent("sync:full:finish"))));
      await new Promise((r) => setTimeout(r, 300));
      const received = () => Promise.all(servers.map((s) => s.metric("wfm_mesh_messages_received_total")));
      const before = await received();
      const perServer = 10;
      // Messages enter at every server in turn, as if each had made a change.
      for (const entry of servers) {
        const client = await clientOf(entry);
        for (let i = 0; i < perServer; i++) client.announce("sites", [i], 1);
        await client.close();
      }
      const total = perServer * n;
      const expected = before.map((r) => r + total);
      await eventually(async () => JSON.stringify(await received()) === JSON.stringify(expected), `every server to receive ${total} more messages`);
      // Nothing more arrives later: no message circulates.
      await new Promise((r) => setTimeout(r, 300));
      expect(await received()).toEqual(expected);
      const duplicates = await Promise.all(servers.map((s) => s.metric("wfm_mesh_messages_duplicate_total")));
      if (name === "line" || name === "star") expect(duplicates.every((d) => d === 0)).toBe(true);
      else expect(duplicates.some((d) => d > 0)).toBe(true);
      await Promise.all(servers.map((s) => s.stop()));
    });
  }
});

describe("mesh hygiene", () => {
  it("refuses a wrong or expired token with 401 and logs it; drops malformed and oversized messages and disconnects a repeat offender", async () => {
    const [server] = await topology(1, []);
    const status = (token: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(meshUrl(server!.port), { headers: { authorization: `Bearer ${token}` } });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => (ws.close(), resolve(101)));
        ws.on("error", () => {});
      });
    expect(await status(signToken("not-the-mesh-secret-at-all", "intruder"))).toBe(401);
    expect(await status(signToken(SECRET, "late", 60, Date.now() - 3600_000))).toBe(401);
    expect(await status(signToken(SECRET, "friend"))).toBe(101);
    await server!.waitForLine((l) => String(l.msg) === "mesh: refused a peer: expired token");
    expect(await server!.metric("wfm_mesh_peers_refused_total")).toBe(2);

    const ws = new WebSocket(meshUrl(server!.port), { headers: { authorization: `Bearer ${signToken(SECRET, "sloppy")}` } });
    await new Promise((r) => ws.once("open", r));
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.send("not json");
    ws.send("x".repeat(20_000));
    ws.send(JSON.stringify({ type: "invalidate", id: "nope" }));
    await server!.waitForLine((l) => String(l.msg).includes("over the limit"));
    ws.send("{}");
    ws.send("[]");
    expect(await closed).toBe(1008);
    expect(await server!.metric("wfm_mesh_messages_malformed_total")).toBe(5);
    expect(await server!.metric("wfm_mesh_messages_received_total")).toBe(0);
    expect(await server!.stop()).toBe(0);
  });

  it("web events without the mesh secret refuse to start, saying what is missing", async () => {
    await expect(startServer(database, "NoSecret", ["--web-events"], { WFM_MESH_SECRET: "" })).rejects.toThrow(/Web events need WFM_MESH_SECRET/);
    await expect(startServer(database, "NoProvider", ["--web-events"], { ...ENV, WFM_AUTH_PROVIDER: "" })).rejects.toThrow(/\[auth\] provider 'wfm'/);
  });

  it("a server cut off and rejoined catches up at once by a timestamp check", async () => {
    const t = await b.tenant();
    const site = await b.site({ switchDbid: await b.switch(t) });
    // A line S0 — S1 — S2; CacheSlack is long, so only the mesh or a rejoin can refresh S2.
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const start = (i: number, peers: number[]) =>
      startServer(database, `S${i}`, ["--level", "0", "--web-events", "--cache-slack", "3600", ...peers.flatMap((p) => ["--peer", meshUrl(ports[p]!)])], ENV, ports[i]);
    const [s0, s1, s2] = [await start(0, [1]), await start(1, [2]), await start(2, [])];
    await linked([s0, s1, s2], [1, 2, 1]);
    await s1.stop();
    await b.server("Elsewhere", 0);
    const client = await clientOf(s0);
    const changed = await assignSite(database.sql, { siteId: site, server: "Elsewhere" }, "admin", (entity, keys, version) => client.announce(entity, keys, version));
    if (changed.version === null) throw new Error("the assignment changed nothing");
    await eventually(async () => (await s0.health())?.cache && ((await s0.health())!.cache as { versions: { sites: number } }).versions.sites === changed.version, "S0 to apply the change");
    expect(((await s2.health())!.cache as { versions: { sites: number } }).versions.sites).toBeLessThan(changed.version);

    const back = await start(1, [2]);
    // The rejoin's check, not the one when the links first formed (which reloaded the servers' mesh URLs).
    await s2.waitForLine((l) => onEvent("cache:reloaded", { why: "reconnected to a peer" })(l) && (l.changed as string[]).includes("sites"));
    expect(((await s2.health())!.cache as { versions: { sites: number } }).versions.sites).toBe(changed.version);
    await client.close();
    await Promise.all([s0.stop(), back.stop(), s2.stop()]);
  });
});

describe("what users see", () => {
  async function reassignThenAddAgent(webEvents: boolean) {
    const { sql } = database;
    const t = await b.tenant();
    const sw = await b.switch(t);
    const site = await b.site({ switchDbid: sw, name: "Moving" });
    await b.server("A", 2);
    await b.server("B", 1);
    await sql`update wfm.sites set server = 'A' where id = ${site}`;
    const [pa, pb] = [await freePort(), await freePort()];
    if (webEvents) await sql`update wfm.servers set web_events = true`;
    else await sql`update wfm.servers set cache_slack_s = 2`;
    const a = await startServer(database, "A", webEvents ? ["--peer", meshUrl(pb)] : [], ENV, pa);
    const bServer = await startServer(database, "B", [], ENV, pb);
    await Promise.all([caughtUp(sql, "A"), caughtUp(sql, "B")]);
    if (webEvents) await linked([a, bServer], [1, 1]);

    // The console joins the mesh as it does (the servers recorded in wfm with web events), reassigns the
    // site to B through the domain function its action calls, and announces it.
    const client = webEvents ? await joinMesh(sql, quiet, ENV) : undefined;
    if (client) await eventually(async () => client.connected === 2, "the console to join both servers");
    const changed = await assignSite(sql, { siteId: site, server: "B" }, "admin", announcerOf(client));
    const version = changed.version;
    if (version === null) throw new Error("the assignment changed nothing");
    const fresh = async (s: ServerProcess) => ((await s.health())!.cache as { versions: { sites: number } }).versions.sites >= version;
    await eventually(async () => (await fresh(a)) && (await fresh(bServer)), webEvents ? "the mesh to refresh both servers" : "CacheSlack to pass on both servers");

    const agent = await b.wholePerson(t, { logins: [sw] });
    await Promise.all([caughtUp(sql, "A"), caughtUp(sql, "B")]);
    const importer = await sql`select r.server from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
                                where e.object_key = ${String(agent)} and e.action = 'added'`;
    expect(importer.map((r) => r.server)).toEqual(["B"]);
    await client?.close();
    await Promise.all([a.stop(), bServer.stop()]);
  }

  it("with web events, a site reassigned from A to B is used at once: B imports the new agent and A does not", async () => {
    await reassignThenAddAgent(true);
  });

  it("without web events, the same holds once CacheSlack has passed", async () => {
    await reassignThenAddAgent(false);
  });
});
