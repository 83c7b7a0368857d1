/**
 * Mesh measures (SPEC §8): eight WFM Servers in a ring with web events; a client injects invalidations at
 * one of them, one at a time, and an observer linked to all eight notes when each server passes it on —
 * which it does the moment it has seen it. Delivery to all = the latest of the eight. Timestamp checks are
 * counted over the same window (with web events there should be none).
 */
import WebSocket from "ws";
import type { Database } from "../lib/db";
import { freePort } from "../lib/db/ports";
import { MeshNode } from "../lib/mesh/node";
import { signToken } from "../lib/mesh/token";
import { spawnServer } from "../lib/server/process";

export interface MeshFigures {
  messages: number;
  p50: number;
  p99: number;
  checksDuring: number;
}

const SECRET = "bench-mesh-secret-0123456789";


export async function measureMesh(database: Database, options: { servers: number; messages: number }): Promise<MeshFigures> {
  const n = options.servers;
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const url = (i: number) => `ws://127.0.0.1:${ports[i]}/mesh`;
  const env = { WFM_MESH_SECRET: SECRET, WFM_AUTH_PROVIDER: "wfm" };
  const servers = await Promise.all(
    ports.map((port, i) =>
      spawnServer({ root: process.cwd(), databaseUrl: database.url, name: `Ring${i}`, port, env, output: "keep", args: ["--level", "0", "--web-events", "--peer", url((i + 1) % n)] }),
    ),
  );
  const quiet = { info() {}, warn() {}, debug() {} };
  const observers: WebSocket[] = [];
  try {
    for (;;) {
      const links = await Promise.all(servers.map((s) => s.metric("wfm_mesh_peers_connected")));
      if (links.every((l) => l >= 2)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const arrivals = new Map<string, number[]>();
    let waiting: { id: string; resolve: () => void } | undefined;
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(url(i), { headers: { authorization: `Bearer ${signToken(SECRET, `observer-${i}`)}` } });
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      ws.on("message", (data) => {
        const { id } = JSON.parse(data.toString()) as { id: string };
        const seen = arrivals.get(id) ?? [];
        seen.push(performance.now());
        arrivals.set(id, seen);
        // The server the message entered does not send it back down the link it came by: n - 1 copies
        // come from the other servers, and one from the entry server (the injector is another link).
        if (waiting?.id === id && seen.length === n) waiting.resolve();
      });
      observers.push(ws);
    }
    const injector = new MeshNode({ name: "bench", secret: SECRET, peers: [url(0)], log: quiet, relay: false });
    injector.start();
    while (injector.connected < 1) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
    const checksBefore = (await Promise.all(servers.map((s) => s.metric("wfm_cache_checks_total")))).reduce((a, b) => a + b, 0);

    const delays: number[] = [];
    for (let m = 0; m < options.messages; m++) {
      const sentAt = performance.now();
      let id = "";
      const done = new Promise<void>((resolve) => {
        const message = injector.announce("sites", [m], 1);
        id = message.id;
        waiting = { id, resolve };
        if ((arrivals.get(id)?.length ?? 0) >= n) resolve();
      });
      await done;
      delays.push(Math.max(...arrivals.get(id)!) - sentAt);
      arrivals.delete(id);
    }
    const checksAfter = (await Promise.all(servers.map((s) => s.metric("wfm_cache_checks_total")))).reduce((a, b) => a + b, 0);
    await injector.close();
    delays.sort((a, b) => a - b);
    const q = (p: number) => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]!;
    return { messages: delays.length, p50: q(0.5), p99: q(0.99), checksDuring: checksAfter - checksBefore };
  } finally {
    for (const ws of observers) ws.terminate();
    await Promise.all(servers.map((s) => s.stop()));
  }
}
