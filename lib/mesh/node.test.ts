/**
 * A MeshNode under abuse from a peer that holds the mesh secret (SPEC §3 web events), with real WebSocket
 * peers on 127.0.0.1: a normal burst passes, a flood is cut to the rate (counted, caught up by a timestamp
 * check, the link closed), and refused upgrades are all counted while the log stays bounded. The log is a
 * fake sink that records its calls.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createMetrics } from "../server/metrics";
import { invalidation, type MeshMessage } from "./message";
import { LogLimiter, MESH_LIMITS, MeshNode, type MeshLog, type MeshOptions } from "./node";
import { signToken } from "./token";

const SECRET = "test-mesh-secret-0123456789";

interface Line {
  level: "info" | "warn" | "debug";
  obj: Record<string, unknown>;
  msg?: string;
}

/** A log sink that keeps its lines and tells a waiter when one it waits for arrives. */
function recordingLog() {
  const lines: Line[] = [];
  const waiters: { test: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  const push = (level: Line["level"]) => (obj: object, msg?: string) => {
    const line = { level, obj: obj as Record<string, unknown>, msg };
    lines.push(line);
    for (const w of [...waiters]) {
      if (!w.test(line)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  };
  const log: MeshLog = { info: push("info"), warn: push("warn"), debug: push("debug") };
  const next = (test: (l: Line) => boolean) => new Promise<Line>((resolve) => waiters.push({ test, resolve }));
  return { log, lines, next };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A node accepting peers on a real HTTP server; `applied` resolves once it has applied `n` messages. */
async function listening(options: Partial<MeshOptions> = {}) {
  const { log, lines, next } = recordingLog();
  const messages: MeshMessage[] = [];
  const appliedWaiters: { n: number; resolve: () => void }[] = [];
  const node = new MeshNode({
    name: "S",
    secret: SECRET,
    peers: [],
    log,
    relay: true,
    onMessage: (m) => {
      messages.push(m);
      for (const w of [...appliedWaiters]) {
        if (messages.length < w.n) continue;
        appliedWaiters.splice(appliedWaiters.indexOf(w), 1);
        w.resolve();
      }
    },
    ...options,
  });
  const server = http.createServer();
  node.attach(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(async () => {
    await node.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/mesh`;
  const applied = (n: number) => new Promise<void>((resolve) => (messages.length >= n ? resolve() : appliedWaiters.push({ n, resolve })));
  return { node, url, log, lines, next, messages, applied };
}

/** A raw peer with a valid token: it can send whatever it likes. */
async function rawPeer(url: string, name: string) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${signToken(SECRET, name)}` } });
  ws.on("error", () => {});
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise((r) => ws.once("open", r));
  cleanups.push(() => ws.terminate());
  return { ws, closed };
}

describe("the mesh rate limit", () => {
  it("lets a burst of 100 real invalidations through, untouched", async () => {
    const s = await listening();
    const { log } = recordingLog();
    let connect!: () => void;
    const connected = new Promise<void>((resolve) => (connect = resolve));
    const peer = new MeshNode({ name: "console", secret: SECRET, peers: [s.url], log, relay: false, onConnected: () => connect() });
    peer.start();
    cleanups.push(() => peer.close());
    await connected;
    for (let i = 0; i < 100; i++) peer.announce("sites", [i], i + 1);
    await s.applied(100);
    expect(s.node.counts).toMatchObject({ received: 100, throttled: 0, flooding: 0 });
    expect(s.lines.filter((l) => l.level === "warn")).toEqual([]);
  });

  it("cuts a flood to the rate: drops are counted, a timestamp check catches up, the flooder is disconnected, and others go on", async () => {
    const missed: string[][] = [];
    let caughtUp!: () => void;
    const catchUp = new Promise<void>((r) => (caughtUp = r));
    const s = await listening({ onMissed: (peers) => (missed.push(peers), caughtUp()) });
    // A bystander linked to the node: it gets what the node relays.
    const bystander = await rawPeer(s.url, "bystander");
    let relayed = 0;
    bystander.ws.on("message", () => relayed++);

    const flooder = await rawPeer(s.url, "flooder");
    const n = 10_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) flooder.ws.send(JSON.stringify(invalidation("flooder", "sites", [], 1_000_000 + i)));
    // Without a limit, all of them are applied and the link stays open.
    expect(await Promise.race([flooder.closed, s.applied(n).then(() => `all ${n} applied`)])).toBe(1008);
    const seconds = (performance.now() - started) / 1000;
    await catchUp;

    const { burst, perSecond, closeAfterDropped } = MESH_LIMITS;
    const { counts } = s.node;
    // The first burst passes whole; after it, no more than the rate.
    expect(counts.received).toBeGreaterThanOrEqual(burst);
    expect(counts.received).toBeLessThanOrEqual(burst + perSecond * seconds + 1);
    expect(counts.throttled).toBeGreaterThanOrEqual(closeAfterDropped);
    expect(counts.received + counts.throttled).toBeLessThanOrEqual(n);
    expect(counts.flooding).toBe(1);
    expect(missed[0]).toEqual(["flooder"]);
    // The log says why, in a few lines, not one per message.
    const warns = s.lines.filter((l) => l.level === "warn");
    expect(warns.some((l) => l.msg === `mesh: disconnected flooder for flooding (${closeAfterDropped} messages dropped over the rate)`)).toBe(true);
    expect(warns.length).toBeLessThanOrEqual(3);
    // What was dropped was not relayed either.
    await s.applied(counts.received);
    expect(counts.relayed).toBe(counts.received);

    // The bystander, still linked, is not held to the flooder's account: its own burst passes.
    expect(bystander.ws.readyState).toBe(WebSocket.OPEN);
    const before = counts.received;
    for (let i = 0; i < 100; i++) bystander.ws.send(JSON.stringify(invalidation("bystander", "skills", [], i + 1)));
    await s.applied(before + 100);
    expect(counts.received).toBe(before + 100);
    expect(relayed).toBeGreaterThanOrEqual(burst);

    const metrics = createMetrics({ server: "S", sql: () => undefined as never, role: () => "primary", cache: () => undefined, mesh: () => s.node });
    expect(await metrics.registry.getSingleMetricAsString("wfm_mesh_messages_throttled_total")).toContain(`wfm_mesh_messages_throttled_total{server="S"} ${counts.throttled}`);
    expect(await metrics.registry.getSingleMetricAsString("wfm_mesh_links_flooding_total")).toContain(`wfm_mesh_links_flooding_total{server="S"} 1`);
  });

  it("a node without onMissed catches up through onConnected (what the runtime wires today)", async () => {
    const catchUps: string[] = [];
    let caughtUp!: () => void;
    const catchUp = new Promise<void>((r) => (caughtUp = r));
    let connections = 0;
    const s = await listening({
      limits: { burst: 10, perSecond: 1, closeAfterDropped: 1000 },
      onConnected: (peer) => {
        if (connections++ === 0) return; // the link opening
        catchUps.push(peer);
        caughtUp();
      },
    });
    const peer = await rawPeer(s.url, "eager");
    for (let i = 0; i < 50; i++) peer.ws.send(JSON.stringify(invalidation("eager", "sites", [], i + 1)));
    // Closing after them: the node answers the close once it has read all 50.
    peer.ws.close(1000);
    expect(await peer.closed).toBe(1000);
    expect(s.node.counts.received).toBeGreaterThanOrEqual(10);
    expect(s.node.counts.received).toBeLessThan(20);
    expect(s.node.counts.received + s.node.counts.throttled).toBe(50);
    expect(s.node.counts.flooding).toBe(0);
    await catchUp;
    expect(catchUps[0]).toBe("eager");
  });
});

describe("refused upgrades", () => {
  /** Tries to join with `token`; resolves with the HTTP status. */
  const knock = (url: string, token: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
      ws.on("unexpected-response", (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
      ws.on("open", () => (resolve(101), ws.terminate()));
      ws.on("error", () => resolve(0));
    });

  it("are all counted, while the log gets one line per reason and then how many more there were", async () => {
    const s = await listening();
    const tokens = [signToken("not-the-mesh-secret-at-all", "intruder"), signToken(SECRET, "late", 60, Date.now() - 3600_000)];
    const n = 3000;
    const statuses: number[] = [];
    // 3,000 knocks, 50 at a time.
    const started = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (i < n) statuses.push(await knock(s.url, tokens[i++ % 2]!));
      }),
    );
    expect(statuses.filter((st) => st === 401)).toHaveLength(n);
    expect(s.node.counts.refused).toBe(n);
    const refusals = () => s.lines.filter((l) => String(l.msg).startsWith("mesh: refused"));
    // One line per reason per 10 s window (a slow machine takes more than one window).
    const windows = Math.ceil((performance.now() - started) / MESH_LIMITS.logEveryMs);
    expect(refusals().length).toBeLessThanOrEqual(2 * windows);
    expect(refusals().map((l) => l.msg)).toContain("mesh: refused a peer: bad signature");
    expect(refusals().map((l) => l.msg)).toContain("mesh: refused a peer: expired token");
    // Closing writes what is pending: every refusal is accounted for in the log, as a line or in a count.
    await s.node.close();
    const accounted = refusals().reduce((sum, l) => sum + (typeof l.obj.refused === "number" ? l.obj.refused : 1), 0);
    expect(accounted).toBe(n);
    expect(refusals().length).toBeLessThanOrEqual(2 * (windows + 1));
  });

  it("say how many were left out when their window ends", async () => {
    const s = await listening({ limits: { logEveryMs: 1000 } });
    const bad = signToken("not-the-mesh-secret-at-all", "intruder");
    const summary = s.next((l) => typeof l.obj.refused === "number");
    for (let i = 0; i < 6; i++) expect(await knock(s.url, bad)).toBe(401);
    const line = await summary;
    const firsts = s.lines.filter((l) => l.msg === "mesh: refused a peer: bad signature").length;
    expect(firsts + (line.obj.refused as number)).toBe(6);
    expect(line.msg).toMatch(/^mesh: refused \d more peer\(s\): bad signature/);
    expect(s.node.counts.refused).toBe(6);
  }, 20_000);
});

describe("the log limiter", () => {
  afterEach(() => vi.useRealTimers());

  it("writes one line per key per window, sums up the rest at the window's end, and starts afresh after a quiet window", () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const limiter = new LogLimiter(10_000);
    const event = (key: string) => limiter.log(key, () => out.push(`${key}`), (left) => out.push(`${key} +${left}`));
    for (let i = 0; i < 1000; i++) event("a");
    event("b");
    expect(out).toEqual(["a", "b"]);
    vi.advanceTimersByTime(10_000);
    expect(out).toEqual(["a", "b", "a +999"]); // b had nothing left out: no line
    event("a"); // inside the window the summary opened
    event("b"); // b's window has ended: logged at once
    expect(out).toEqual(["a", "b", "a +999", "b"]);
    vi.advanceTimersByTime(10_000);
    expect(out).toEqual(["a", "b", "a +999", "b", "a +1"]);
    vi.advanceTimersByTime(10_000); // a quiet window: forgotten
    event("a");
    expect(out).toEqual(["a", "b", "a +999", "b", "a +1", "a"]);
    event("a");
    limiter.flush();
    expect(out).toEqual(["a", "b", "a +999", "b", "a +1", "a", "a +1"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
