/**
 * The server's one HTTP port (SPEC §7): `/healthz` and `/metrics` (and the mesh endpoint, with web
 * events). Listens on the given host and port; port 0 picks a free one, recorded with the instance.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { StartupError } from "../errors";

export interface Health {
  status: "ok" | "degraded";
  [key: string]: unknown;
}

export interface HttpEndpoints {
  health(): Promise<Health>;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export async function startHttp(host: string, port: number, endpoints: HttpEndpoints): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    try {
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD" }).end();
      } else if (path === "/healthz") {
        const health = await endpoints.health();
        response.writeHead(health.status === "ok" ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(health));
      } else if (path === "/metrics") {
        const { contentType, body } = await endpoints.metrics();
        response.writeHead(200, { "content-type": contentType }).end(body);
      } else {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found: this WFM Server serves /healthz and /metrics\n");
      }
    } catch (error) {
      response.writeHead(500, { "content-type": "text/plain" }).end(`${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new StartupError(`Port ${port} on ${host} is already in use: choose another with --port, or leave it out for a free one.`)
          : new StartupError(`Cannot listen on ${host}:${port}: ${error.message}`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
