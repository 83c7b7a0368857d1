/**
 * One node of the WebSocket peer mesh (SPEC §3 web events), built on `ws`. A node accepts peers on its
 * HTTP server's `/mesh` and connects to the peers it is configured with; links are symmetric once open.
 * A message a node has not seen is applied and relayed to every other link; one it has seen is dropped.
 * So in any connected topology — direct, indirect, cyclic — each node gets each message exactly once.
 * The console is a node that connects but does not relay.
 *
 * A peer holds the mesh secret, but may still misbehave (a bug, or a stolen secret): every link has a token
 * bucket (MESH_LIMITS), and what it sends over the rate is dropped unread and counted; a link that keeps
 * flooding is closed (1008). Dropping an invalidation is safe only because a timestamp check catches up, so
 * a node that dropped messages runs one (onMissed) shortly after, covering every message dropped until then.
 * Log lines a peer can provoke at will (refused upgrades, drops) are limited per reason, with a count of the
 * lines left out; the counts and metrics still count every event.
 */
import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { invalidation, MAX_MESSAGE_BYTES, parseMessage, SeenSet, type CachedEntity, type MeshMessage } from "./message";
import { signToken, verifyToken } from "./token";

export interface MeshLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface MeshOptions {
  /** This node's name, the origin of what it announces (a server's name, or "console"). */
  name: string;
  secret: string;
  /** ws:// or wss:// URLs this node connects to. */
  peers: string[];
  log: MeshLog;
  /** Servers relay what they receive; the console, a leaf, does not. */
  relay: boolean;
  onMessage?: (message: MeshMessage) => void | Promise<void>;
  /** After any link opens (again), either way: what was missed while apart must be caught up. */
  onConnected?: (peer: string) => void;
  /**
   * Messages from `peers` were dropped over the rate limit: what they said must be caught up (a timestamp
   * check). Called at most once per `catchUpAfterMs`, after every drop it covers. Without it, onConnected is
   * called instead (with the peers' names joined), which makes the same catch-up.
   */
  onMissed?: (peers: string[]) => void;
  /** Overrides of MESH_LIMITS (tests). */
  limits?: Partial<MeshLimits>;
}

export interface MeshLimits {
  /** Messages (frames of any kind) a link may send at once… */
  burst: number;
  /** …and per second, sustained. Over that, they are dropped unread. */
  perSecond: number;
  /** A link whose dropped messages reach this many (forgiven at `forgivenPerSecond`) is closed for flooding. */
  closeAfterDropped: number;
  forgivenPerSecond: number;
  /** After the first drop, the catch-up waits this long, so that one timestamp check covers a whole burst. */
  catchUpAfterMs: number;
  /** At most one log line per reason this often; the next one says how many were left out. */
  logEveryMs: number;
}

/**
 * Real traffic is a few messages per write (a server announces at most one per cached entity per batch, the
 * console one per save), so a burst of hundreds passes; a flood of thousands is cut to the rate, and closed.
 */
export const MESH_LIMITS: MeshLimits = {
  burst: 500,
  perSecond: 100,
  closeAfterDropped: 500,
  forgivenPerSecond: 50,
  catchUpAfterMs: 500,
  logEveryMs: 10_000,
};

interface Link {
  ws: WebSocket;
  peer: string;
  direction: "in" | "out";
  strikes: number;
  /** Answered the last ping: a link that does not is dead (half-open) and is dropped. */
  alive: boolean;
  /** The token bucket: messages it may still send now, as of `at`. */
  tokens: number;
  /** Messages dropped over the rate, less those forgiven since, as of `at`. */
  dropped: number;
  at: number;
  /** Closed for flooding: whatever it still sends is dropped. */
  flooding?: boolean;
}

/** At most one line per key each `everyMs`; the lines left out are counted and summed up at the window's end. */
export class LogLimiter {
  private readonly windows = new Map<string, { left: number; summary: (left: number) => void; timer: NodeJS.Timeout }>();
  constructor(private readonly everyMs: number) {}

  /** Writes `line` now, or counts it and later calls `summary` with how many were left out. */
  log(key: string, line: () => void, summary: (left: number) => void): void {
    const open = this.windows.get(key);
    if (open) {
      open.left++;
      open.summary = summary;
      return;
    }
    line();
    this.open(key, summary);
  }

  /** Writes the pending summaries and forgets every window. */
  flush(): void {
    for (const [key, window] of this.windows) {
      clearTimeout(window.timer);
      this.windows.delete(key);
      if (window.left) window.summary(window.left);
    }
  }

  private open(key: string, summary: (left: number) => void) {
    const window = {
      left: 0,
      summary,
      timer: setTimeout(() => {
        this.windows.delete(key);
        // Something was left out: say so now, and that line opens the next window.
        if (window.left) {
          window.summary(window.left);
          this.open(key, window.summary);
        }
      }, this.everyMs),
    };
    window.timer.unref();
    this.windows.set(key, window);
  }
}

export interface PeerState {
  url: string;
  state: "connected" | "connecting" | "down";
  since: number;
  error?: string;
}

export const MESH_PATH = "/mesh";
const STRIKES = 5;
const PING_MS = 20_000;
// Frames a little over the message limit still reach the strike count; far larger ones close the link.
const MAX_PAYLOAD = 4 * MAX_MESSAGE_BYTES;
/** A link that stays up this long counts as healthy: the reconnect backoff starts afresh. */
const STABLE_MS = 30_000;

export class MeshNode {
  readonly counts = { sent: 0, received: 0, relayed: 0, duplicates: 0, malformed: 0, refused: 0, throttled: 0, flooding: 0 };
  readonly limits: MeshLimits;
  private readonly links = new Set<Link>();
  private readonly seen = new SeenSet();
  private readonly outbound = new Map<string, PeerState & { attempt: number; timer?: NodeJS.Timeout; ws?: WebSocket }>();
  private wss?: WebSocketServer;
  private pinger?: NodeJS.Timeout;
  private closed = false;
  private readonly logs: LogLimiter;
  /** The catch-up due after messages were dropped, and the peers they came from. */
  private catchUp?: { timer: NodeJS.Timeout; peers: Set<string> };

  constructor(private readonly options: MeshOptions) {
    this.limits = { ...MESH_LIMITS, ...options.limits };
    this.logs = new LogLimiter(this.limits.logEveryMs);
  }

  /** Accepts peers on `server`'s /mesh; refuses (401) any upgrade without a valid token. */
  attach(server: http.Server): void {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
    server.on("upgrade", (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node removes its own error listener before 'upgrade': without one, a client resetting the socket
      // would crash the process.
      const onSocketError = () => socket.destroy();
      socket.on("error", onSocketError);
      const refuse = (status: string) => {
        socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        socket.destroy();
      };
      if ((request.url ?? "").split("?")[0] !== MESH_PATH) return refuse("404 Not Found");
      // The token travels in the Authorization header only: a query string ends up in proxies' logs.
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
      const check = verifyToken(this.options.secret, bearer);
      if (!check.ok) {
        // Every refusal is counted; the log gets one line per reason every logEveryMs (anyone can knock).
        this.counts.refused++;
        const from = request.socket.remoteAddress;
        this.logs.log(
          `refused: ${check.reason}`,
          () => this.options.log.warn({ from, reason: check.reason }, `mesh: refused a peer: ${check.reason}`),
          (left) =>
            this.options.log.warn(
              { from, reason: check.reason, refused: left },
              `mesh: refused ${left} more peer(s): ${check.reason} (logged at most once every ${this.limits.logEveryMs / 1000} s)`,
            ),
        );
        return refuse("401 Unauthorized");
      }
      this.wss!.handleUpgrade(request, socket, head, (ws) => {
        socket.removeListener("error", onSocketError);
        this.open(ws, check.subject, "in");
        this.options.log.info({ peer: check.subject }, `mesh: ${check.subject} connected`);
        this.options.onConnected?.(check.subject);
      });
    });
  }

  /** Connects to the configured peers, and keeps reconnecting (backoff with jitter) while open. */
  start(): void {
    for (const url of this.options.peers) this.addPeer(url);
    this.pinger = setInterval(() => {
      for (const link of this.links) {
        if (link.ws.readyState !== WebSocket.OPEN) continue;
        if (!link.alive) {
          this.options.log.warn({ peer: link.peer }, `mesh: ${link.peer} did not answer a ping; dropping the link`);
          link.ws.terminate();
          continue;
        }
        link.alive = false;
        link.ws.ping();
      }
    }, PING_MS);
  }

  /** Connects to one more peer (a server registered after this node started); a known one is left as it is. */
  addPeer(url: string): void {
    if (this.closed || this.outbound.has(url)) return;
    this.outbound.set(url, { url, state: "connecting", since: Date.now(), attempt: 0 });
    this.dial(url);
  }

  /**
   * Makes the peers this node dials exactly `urls`: new ones are dialled, those no longer listed (a server
   * removed, restarted on another port, or without web events now) are hung up and not redialled.
   */
  setPeers(urls: string[]): void {
    const wanted = new Set(urls);
    for (const [url, peer] of this.outbound) {
      if (wanted.has(url)) continue;
      this.outbound.delete(url);
      clearTimeout(peer.timer);
      peer.ws?.terminate();
    }
    for (const url of wanted) this.addPeer(url);
  }

  /** Announces a change this node made: every connected node gets it (and relays it on). */
  announce(entity: CachedEntity, keys: (string | number)[], version: number): MeshMessage {
    const message = invalidation(this.options.name, entity, keys, version);
    this.seen.add(message.id);
    this.counts.sent += this.send(message);
    return message;
  }

  /** Sends an existing message onward (a leaf that was handed one); nothing new is minted. */
  send(message: MeshMessage, except?: Link): number {
    const text = JSON.stringify(message);
    let n = 0;
    for (const link of this.links) {
      if (link === except || link.ws.readyState !== WebSocket.OPEN) continue;
      link.ws.send(text);
      n++;
    }
    return n;
  }

  peerStates(): PeerState[] {
    const outbound = [...this.outbound.values()].map(({ url, state, since, error }) => ({ url, state, since, error }));
    const inbound = [...this.links]
      .filter((l) => l.direction === "in")
      .map((l) => ({ url: `${l.peer} (inbound)`, state: "connected" as const, since: 0 }));
    return [...outbound, ...inbound];
  }

  get connected(): number {
    return [...this.links].filter((l) => l.ws.readyState === WebSocket.OPEN).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pinger);
    clearTimeout(this.catchUp?.timer);
    this.logs.flush();
    for (const peer of this.outbound.values()) clearTimeout(peer.timer);
    // Close politely, so what was just sent still goes out; give up on a peer that does not answer.
    await Promise.all(
      [...this.links].map(
        (link) =>
          new Promise<void>((resolve) => {
            if (link.ws.readyState !== WebSocket.OPEN) return resolve(link.ws.terminate());
            const timer = setTimeout(() => resolve(link.ws.terminate()), 1000);
            link.ws.once("close", () => (clearTimeout(timer), resolve()));
            link.ws.close(1001, "going away");
          }),
      ),
    );
    for (const peer of this.outbound.values()) peer.ws?.terminate();
    this.links.clear();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  private dial(url: string) {
    const peer = this.outbound.get(url)!;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${signToken(this.options.secret, this.options.name)}` },
      maxPayload: MAX_PAYLOAD,
      handshakeTimeout: 5000,
    });
    peer.ws = ws;
    let opened = false;
    ws.on("open", () => {
      opened = true;
      Object.assign(peer, { state: "connected", since: Date.now(), error: undefined });
      this.open(ws, url, "out");
      this.options.log.info({ peer: url }, `mesh: connected to ${url}`);
      this.options.onConnected?.(url);
    });
    ws.on("unexpected-response", (_request, response) => {
      peer.error = `HTTP ${response.statusCode}`;
      ws.terminate();
    });
    ws.on("error", (error) => {
      peer.error ??= error.message;
    });
    ws.on("close", () => {
      // Closed for good, or hung up by setPeers: no reconnecting.
      if (this.closed || this.outbound.get(url) !== peer) return;
      if (opened) this.options.log.warn({ peer: url }, `mesh: lost ${url}; reconnecting`);
      // Only a link that stayed up a while resets the backoff: one accepted and closed at once must not spin.
      if (opened && Date.now() - peer.since >= STABLE_MS) peer.attempt = 0;
      const delay = Math.min(30_000, 250 * 2 ** peer.attempt) * (0.5 + Math.random());
      peer.attempt++;
      Object.assign(peer, { state: opened || peer.state === "connected" ? "connecting" : "down", since: Date.now() });
      if (peer.attempt > 3) peer.state = "down";
      peer.timer = setTimeout(() => {
        peer.error = undefined;
        this.dial(url);
      }, delay);
    });
  }

  private open(ws: WebSocket, peer: string, direction: Link["direction"]) {
    const link: Link = { ws, peer, direction, strikes: 0, alive: true, tokens: this.limits.burst, dropped: 0, at: performance.now() };
    this.links.add(link);
    link.ws.on("pong", () => (link.alive = true));
    link.ws.on("message", (data: RawData) => this.receive(link, data as Buffer));
    link.ws.on("close", () => this.links.delete(link));
    link.ws.on("error", () => this.links.delete(link));
  }

  /** Takes a token from the link's bucket: false if it is over the rate. */
  private admit(link: Link): boolean {
    const now = performance.now();
    const seconds = (now - link.at) / 1000;
    link.at = now;
    link.tokens = Math.min(this.limits.burst, link.tokens + seconds * this.limits.perSecond);
    link.dropped = Math.max(0, link.dropped - seconds * this.limits.forgivenPerSecond);
    if (link.tokens < 1) return false;
    link.tokens--;
    return true;
  }

  /** Drops a message over the rate: counted, logged (limited), caught up later; a link that keeps on is closed. */
  private throttle(link: Link) {
    this.counts.throttled++;
    this.missed(link.peer);
    if (link.flooding) return;
    link.dropped++;
    const { perSecond, burst } = this.limits;
    this.logs.log(
      `throttled: ${link.peer}`,
      () =>
        this.options.log.warn(
          { peer: link.peer, perSecond, burst },
          `mesh: ${link.peer} sends over ${perSecond} messages a second (bursts of ${burst}): dropping the excess; a timestamp check catches up`,
        ),
      (left) => this.options.log.warn({ peer: link.peer, dropped: left }, `mesh: dropped ${left} more message(s) from ${link.peer} over the rate`),
    );
    if (link.dropped >= this.limits.closeAfterDropped) {
      link.flooding = true;
      this.counts.flooding++;
      this.options.log.warn(
        { peer: link.peer, dropped: Math.round(link.dropped) },
        `mesh: disconnected ${link.peer} for flooding (${this.limits.closeAfterDropped} messages dropped over the rate)`,
      );
      link.ws.close(1008, "flooding");
      // A flooder need not answer the close: stop reading it soon anyway.
      setTimeout(() => link.ws.terminate(), 1000).unref();
    }
  }

  /**
   * Messages were dropped: a timestamp check must follow, started after the last of them. One is scheduled
   * at the first drop, `catchUpAfterMs` later; drops until then are covered by it, later ones schedule another.
   */
  private missed(peer: string) {
    if (this.catchUp) {
      this.catchUp.peers.add(peer);
      return;
    }
    const catchUp = {
      peers: new Set([peer]),
      timer: setTimeout(() => {
        this.catchUp = undefined;
        if (this.closed) return;
        const peers = [...catchUp.peers];
        if (this.options.onMissed) this.options.onMissed(peers);
        else this.options.onConnected?.(peers.join(", "));
      }, this.limits.catchUpAfterMs),
    };
    catchUp.timer.unref();
    this.catchUp = catchUp;
  }

  private receive(link: Link, data: Buffer) {
    // Before anything is parsed: a flood costs no more than reading it.
    if (link.flooding || !this.admit(link)) return this.throttle(link);
    const parsed = parseMessage(data);
    if (!parsed.ok) {
      this.counts.malformed++;
      link.strikes++;
      this.options.log.warn({ peer: link.peer, reason: parsed.reason, strikes: link.strikes }, `mesh: dropped a message from ${link.peer}: ${parsed.reason}`);
      if (link.strikes >= STRIKES) {
        this.options.log.warn({ peer: link.peer }, `mesh: disconnected ${link.peer} after ${STRIKES} malformed messages`);
        link.ws.close(1008, "too many malformed messages");
      }
      return;
    }
    const { message } = parsed;
    if (!this.seen.add(message.id)) {
      this.counts.duplicates++;
      return;
    }
    this.counts.received++;
    void Promise.resolve(this.options.onMessage?.(message)).catch((error: unknown) =>
      this.logs.log(
        "apply failed",
        () => this.options.log.warn({ id: message.id, err: String(error) }, "mesh: applying a message failed"),
        (left) => this.options.log.warn({ failed: left, err: String(error) }, `mesh: applying ${left} more message(s) failed`),
      ),
    );
    if (this.options.relay) this.counts.relayed += this.send(message, link);
  }
}
