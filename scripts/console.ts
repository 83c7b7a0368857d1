/**
 * The console's HTTP server: Next.js's production request handler behind a plain Node server of ours
 * (`npm start` runs this instead of `next start`), for one reason — the client's address. Next keeps an
 * X-Forwarded-For a client sends and fills it in only when absent, so a route cannot tell a forged one
 * from the socket's. Here every request gets CLIENT_ADDRESS_HEADER written from the socket (or from the
 * proxies the operator declared in WFM_TRUSTED_PROXIES), overwriting anything the client sent, and the
 * sign-in throttle keys on that (lib/auth/client-address.ts).
 */
import http from "node:http";
import next from "next";
import { runCli } from "../lib/cli";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "../lib/auth/client-address";
import { env } from "../lib/env";
import { StartupError } from "../lib/errors";

runCli(async () => {
  const { port, host, trustedProxies: hops } = env();
  const app = next({ dev: false, dir: process.cwd(), hostname: host, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = http.createServer((request, response) => {
    request.headers[CLIENT_ADDRESS_HEADER] = clientAddress(request.headers["x-forwarded-for"], request.socket.remoteAddress, hops);
    // Without trusted proxies, a forwarded address is the client's own claim: Next sets the real one instead.
    if (hops === 0) delete request.headers["x-forwarded-for"];
    handle(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new StartupError(error.code === "EADDRINUSE" ? `Port ${port} on ${host} is already in use: set PORT to another.` : `The console cannot listen on ${host}:${port}: ${error.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  console.log(`wfm-sync: console listening on http://${host}:${port}${hops ? ` (behind ${hops} trusted proxy hop${hops === 1 ? "" : "s"})` : ""}`);

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await new Promise(() => {});
});
