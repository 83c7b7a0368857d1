/**
 * Starting a WFM Server as a child process — how `npm start` runs its server, and how tests run real ones.
 * The child is `scripts/wfm-server.ts` under Node with tsx's loader (no tsx wrapper process in between,
 * so a signal reaches the server itself). Its JSON log lines are kept for whoever wants to read them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../db/ports";
import { StartupError } from "../errors";

export interface ServerProcessOptions {
  root: string;
  databaseUrl: string;
  name: string;
  /** Extra command-line flags (--level, --timeout, --peer …). */
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Where the child's log lines go besides the kept list: "inherit" prints them, "keep" only keeps them. */
  output?: "inherit" | "keep";
  /** The HTTP port (for peers that must know it in advance); a free one by default. */
  port?: number;
  /**
   * A JavaScript build of scripts/wfm-server.ts to run with plain Node instead of the script under tsx's
   * loader. Tests pass the bundle lib/testing/server-bundle.ts makes once per run (same code, no transform
   * per spawn); npm start never does.
   */
  entry?: string;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Every log line so far, parsed (lines that are not JSON are kept as { msg }). */
  lines: Record<string, unknown>[];
  /** Resolves with the first line (so far or to come) that matches. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  health(): Promise<Record<string, unknown> | undefined>;
  /** One figure from its /metrics (NaN when it has none by that name). */
  metric(name: string): Promise<number>;
  /** SIGTERM, then SIGKILL if it has not exited within `ms`; resolves with the exit code. */
  stop(ms?: number): Promise<number | null>;
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export async function spawnServer(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const program = options.entry ? ["--enable-source-maps", options.entry] : ["--import", "tsx", path.join(options.root, "scripts", "wfm-server.ts")];
  const child = spawn(
    process.execPath,
    [...program, "--name", options.name, "--port", String(port), ...(options.args ?? [])],
    {
      cwd: options.root,
      env: { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  const take = (text: string, stream: NodeJS.WriteStream) => {
    for (const raw of text.split("\n")) {
      if (!raw.trim()) continue;
      if (options.output === "inherit") stream.write(`${raw}\n`);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        line = { msg: raw };
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  };
  let pendingOut = "";
  let pendingErr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = pendingOut + chunk.toString();
    const cut = text.lastIndexOf("\n");
    pendingOut = text.slice(cut + 1);
    take(text.slice(0, cut + 1), process.stdout);
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = pendingErr + chunk.toString();
    const cut = text.lastIndexOf("\n");
    pendingErr = text.slice(cut + 1);
    take(text.slice(0, cut + 1), process.stderr);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const handle: ServerProcess = {
    child,
    port,
    url,
    lines,
    exited,
    waitForLine(match, ms = 30_000) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (line: Record<string, unknown>) => (clearTimeout(timer), resolve(line)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`WFM Server ${options.name} logged no matching line within ${ms} ms; its last lines:\n${lines.slice(-8).map((l) => JSON.stringify(l)).join("\n")}`));
        }, ms);
        waiters.push(waiter);
        void exited.then(() => {
          if (waiters.includes(waiter)) {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(waiter), 1);
            reject(new Error(`WFM Server ${options.name} exited before logging the line awaited; its last lines:\n${lines.slice(-8).map((l) => JSON.stringify(l)).join("\n")}`));
          }
        });
      });
    },
    async health() {
      try {
        const response = await fetch(`${url}/healthz`);
        return (await response.json()) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    },
    async metric(name) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
      return line ? Number(line.split(" ").at(-1)) : Number.NaN;
    },
    async stop(ms = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };

  // Up when it says where it listens; a server that exits first failed to start, and says why on stderr.
  try {
    await handle.waitForLine((line) => typeof line.msg === "string" && line.msg.includes("listening on"), 60_000);
  } catch {
    await handle.kill();
    const said = lines.map((l) => String(l.msg ?? JSON.stringify(l))).filter(Boolean).slice(-3).join(" | ");
    throw new StartupError(`WFM Server ${options.name} did not start: ${said || "no output"}`);
  }
  return handle;
}
