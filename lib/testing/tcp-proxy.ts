/**
 * A TCP proxy between a process under test and PostgreSQL, to stage network faults that a database restart
 * cannot: `blackhole()` keeps every connection open but carries nothing either way (a hung network or a
 * stalled host, where no error ever arrives), `restore()` carries traffic again; `whenClientSends(text, fault)`
 * strikes the first connection whose client sends `text`, at that moment — `cut` drops it (a backend killed
 * mid-statement), `hold` delivers the text and then carries nothing more on that connection (a server that
 * never answers) — timed by what the driver does rather than by the clock. Closed after the test.
 */
import net from "node:net";
import { afterEach } from "vitest";

export interface TcpProxy {
  port: number;
  /** The same database URL, through the proxy. */
  url(databaseUrl: string): string;
  blackhole(): void;
  restore(): void;
  /** Resolves once a connection was struck for sending `text`. */
  whenClientSends(text: string, fault: "cut" | "hold"): Promise<void>;
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
  let strike: { text: Buffer; fault: "cut" | "hold"; done: () => void } | undefined;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    let struck = false;
    client.on("data", (chunk: Buffer) => {
      if (strike && chunk.includes(strike.text)) {
        const { fault, done } = strike;
        strike = undefined;
        if (fault === "cut") {
          client.destroy();
          upstream.destroy();
        } else {
          upstream.write(chunk);
          upstream.unpipe(client);
          client.pause();
          struck = true;
        }
        done();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => holding || struck || client.resume());
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
    whenClientSends(text, fault) {
      return new Promise((resolve) => (strike = { text: Buffer.from(text), fault, done: resolve }));
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
