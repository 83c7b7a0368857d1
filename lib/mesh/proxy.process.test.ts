/**
 * The mesh through a reverse proxy (SPEC §3): Debian's nginx, started by this test on a loopback port with
 * the WebSocket configuration the README shows, between two WFM Servers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../db/client";
import { freePort } from "../db/ports";
import { freshDatabase } from "../testing/database";
import { eventually, startServer } from "../testing/servers";
import WebSocket from "ws";
import { MeshNode } from "./node";

const SECRET = "test-mesh-secret-0123456789";
const ENV = { WFM_MESH_SECRET: SECRET, WFM_AUTH_PROVIDER: "wfm" };
const NGINX = process.env.NGINX_PATH || "/usr/sbin/nginx";

let database: Database;
let nginx: ChildProcess | undefined;
let dir: string;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  dir = mkdtempSync(path.join(os.tmpdir(), "wfm-nginx-"));
});
afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill("SIGQUIT");
    await new Promise((r) => nginx!.once("exit", r));
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The README's proxy block, one location per server. */
function nginxConfig(port: number, upstreams: Record<string, number>): string {
  const locations = Object.entries(upstreams)
    .map(
      ([prefix, upstream]) => `
    location /${prefix}/ {
      proxy_pass http://127.0.0.1:${upstream}/;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Authorization $http_authorization;
      proxy_read_timeout 1h;
    }`,
    )
    .join("\n");
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`;
}

it("works end to end behind nginx: a server connects to its peer through the proxy, and messages cross it", async () => {
  expect(existsSync(NGINX), `nginx is needed for this test: apt-get install -y nginx (or set NGINX_PATH)`).toBe(true);
  const [proxyPort, p0, p1] = await Promise.all([freePort(), freePort(), freePort()]);
  writeFileSync(path.join(dir, "nginx.conf"), nginxConfig(proxyPort, { s0: p0, s1: p1 }));
  nginx = spawn(NGINX, ["-c", path.join(dir, "nginx.conf"), "-p", dir], { stdio: ["ignore", "ignore", "pipe"] });
  await eventually(
    async () => fetch(`http://127.0.0.1:${proxyPort}/s1/healthz`).then(() => true, () => false) || nginx!.exitCode !== null,
    "nginx to listen",
  );
  expect(nginx.exitCode, existsSync(path.join(dir, "error.log")) ? readFileSync(path.join(dir, "error.log"), "utf8") : "").toBeNull();

  const via = (prefix: string) => `ws://127.0.0.1:${proxyPort}/${prefix}/mesh`;
  const s1 = await startServer(database, "S1", ["--level", "0", "--web-events"], ENV, p1);
  const s0 = await startServer(database, "S0", ["--level", "0", "--web-events", "--peer", via("s1")], ENV, p0);
  await eventually(async () => (await s0.metric("wfm_mesh_peers_connected")) === 1 && (await s1.metric("wfm_mesh_peers_connected")) === 1, "S0 to reach S1 through nginx");
  // The health endpoint answers through the proxy too.
  expect(await (await fetch(`http://127.0.0.1:${proxyPort}/s0/healthz`)).json()).toMatchObject({ server: "S0" });

  // A client peer (as the console) joins S1 through the proxy and announces; S0 gets it by S1's relay.
  const before = await s0.metric("wfm_mesh_messages_received_total");
  const client = new MeshNode({ name: "console", secret: SECRET, peers: [via("s1")], log: { info() {}, warn() {}, debug() {} }, relay: false });
  client.start();
  await eventually(async () => client.connected === 1, "the client to connect through nginx");
  for (let i = 0; i < 5; i++) client.announce("sites", [i], 1);
  await eventually(async () => (await s0.metric("wfm_mesh_messages_received_total")) === before + 5, "the messages to cross the proxy");
  await client.close();

  // A bad token is refused through the proxy as well.
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(via("s1"), { headers: { authorization: "Bearer forged.token" } });
    ws.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    ws.on("open", () => (ws.close(), resolve(101)));
    ws.on("error", () => {});
  });
  expect(refused).toBe(401);
  expect(await Promise.all([s0.stop(), s1.stop()])).toEqual([0, 0]);
});
