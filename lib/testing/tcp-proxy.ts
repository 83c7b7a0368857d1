/**
 * A TCP proxy between a process under test and PostgreSQL, to stage network faults that a database restart
 * cannot: `blackhole()` keeps every connection open but carries nothing either way (a hung network or a
 * stalled host, where no error ever arrives), `restore()` carries traffic again. Closed after the test.
 */
import net from "node:net";
import { afterEach } from "vitest";

export interface TcpProxy {
  port: number;
  /** The same database URL, through the proxy. */
  url(databaseUrl: string): string;
  blackhole(): void;
  restore(): void;
  close(): Promise<void>;
}

const open = new Set<TcpProxy>();
afterEach(async () => {
  const closing = [...open];
  open.clear();
  await Promise.all(closing.map((p) => p.close()));
});

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let holding = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (holding) for (const socket of pair) socket.pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: TcpProxy = {
    port,
    url: (databaseUrl) => {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    blackhole() {
      holding = true;
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    restore() {
      holding = false;
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    async close() {
      open.delete(proxy);
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.add(proxy);
  return proxy;
}
