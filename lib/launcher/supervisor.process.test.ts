/**
 * `npm start` supervises its bundled WFMServer (scripts/start.ts): when the server stops without the launcher
 * stopping it — it crashed, or someone stopped it by hand — the console and the database keep serving, and
 * the server is started again after a backoff (1 s, then 2 s, … at most 30 s).
 *
 * The launcher runs for real, as `npm start` runs it, against this test's database (DATABASE_URL), from a
 * scratch directory whose console is a stand-in that answers /api/v1/health, so the real console is neither
 * built nor served. The WFMServer children are the real ones. When they stop and start is read from /proc
 * (a child is listed there from its spawn until it is reaped), so the backoff is measured, not slept through.
 * Linux only, as /proc is.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import type { Database } from "../db/client";
import { freePort } from "../db/ports";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { caughtUp } from "../testing/servers";
import { sourceHash } from "./build";

const REPO = path.resolve(import.meta.dirname, "..", "..");

/** The console's stand-in, run as `node --import tsx <root>/scripts/console.ts`: answers /api/v1/health with its pid. */
const STAND_IN_CONSOLE = `
import http from "node:http";
http
  .createServer((request, response) => {
    response.writeHead(request.url === "/api/v1/health" ? 200 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify({ status: "ok", pid: process.pid }));
  })
  .listen(Number(process.env.PORT), process.env.HOST);
process.on("SIGTERM", () => process.exit(0));
`;

/**
 * A directory the launcher takes for the product's root: the real wfm-server script, tsx, the stand-in
 * console, and a build that is current (nothing to hash there), so no build runs.
 */
function scratchRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "wfm-launcher-"));
  fs.mkdirSync(path.join(root, "scripts"));
  fs.symlinkSync(path.join(REPO, "scripts", "wfm-server.ts"), path.join(root, "scripts", "wfm-server.ts"));
  fs.writeFileSync(path.join(root, "scripts", "console.ts"), STAND_IN_CONSOLE);
  fs.mkdirSync(path.join(root, "node_modules"));
  fs.symlinkSync(path.join(REPO, "node_modules", "tsx"), path.join(root, "node_modules", "tsx"));
  fs.mkdirSync(path.join(root, ".next"));
  fs.writeFileSync(path.join(root, ".next", "BUILD_ID"), "stand-in");
  fs.writeFileSync(path.join(root, ".next", "wfm-source-hash"), sourceHash(root));
  return root;
}

/** The pids of `pid`'s children, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const isServer = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("wfm-server.ts");
  } catch {
    return false;
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Polls /proc until the launcher's child `old` is gone and a new WFMServer child is there; says when each was
 * first seen (the exit is seen at most one poll late, so the time between them is at most that much short).
 */
async function restartOf(launcher: number, old: number, ms = 60_000): Promise<{ pid: number; goneAt: number; seenAt: number }> {
  const until = Date.now() + ms;
  let goneAt: number | undefined;
  for (;;) {
    const children = childrenOf(launcher);
    if (goneAt === undefined && !children.includes(old)) goneAt = performance.now();
    const pid = children.find((p) => p !== old && isServer(p));
    if (pid && goneAt !== undefined) return { pid, goneAt, seenAt: performance.now() };
    if (Date.now() > until) throw new Error(`the launcher started no new WFMServer within ${ms} ms of process ${old} stopping`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Launcher {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** The first line (so far or to come) that is `line` exactly, or matches it. */
  waitFor(line: string | RegExp, ms?: number): Promise<RegExpMatchArray>;
}

function launch(root: string, env: NodeJS.ProcessEnv): Launcher {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO, "scripts", "start.ts")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = "";
    stream.on("data", (chunk: Buffer) => {
      const text = pending + chunk.toString();
      const cut = text.lastIndexOf("\n");
      pending = text.slice(cut + 1);
      lines.push(...text.slice(0, cut + 1).split("\n").filter(Boolean));
      for (const wake of [...waiters]) wake();
    });
  }
  const waitFor = (line: string | RegExp, ms = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const pattern = typeof line === "string" ? new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : line;
      const done = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(look);
        if (error) reject(error);
      };
      const look = () => {
        for (const l of lines) {
          const match = l.match(pattern);
          if (match) return done(), resolve(match);
        }
        if (child.exitCode !== null || child.signalCode !== null) done(new Error(`the launcher exited before saying ${pattern}; its last lines:\n${lines.slice(-10).join("\n")}`));
      };
      const timer = setTimeout(() => done(new Error(`the launcher did not say ${pattern} within ${ms} ms; its last lines:\n${lines.slice(-10).join("\n")}`)), ms);
      waiters.add(look);
      void exited.then(look);
      look();
    });
  return { child, lines, exited, waitFor };
}

/** How late a poll may see a child's exit on a loaded machine (it only ever shortens the measured backoff). */
const SLACK = 500;

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 3 });
});

/** The processes this test started (the launcher, its servers and its stand-in console): killed if left running. */
const seen = new Set<number>();
const roots: string[] = [];
const ours = (pid: number) => {
  try {
    return /wfm-server\.ts|scripts\/start\.ts|wfm-launcher-/.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return false;
  }
};
afterEach(async () => {
  for (const pid of seen) if (alive(pid) && ours(pid)) process.kill(pid, "SIGKILL");
  seen.clear();
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

it("restarts the bundled WFMServer after it crashes or is stopped, with a growing backoff, while the console stays up", async () => {
  const { sql } = database;
  const b = new Builder(sql);
  const t = await b.tenant();
  const sw = await b.switch(t);
  await b.site({ switchDbid: sw });
  const ann = await b.wholePerson(t, { logins: [sw], lastName: "First" });

  const root = scratchRoot();
  roots.push(root);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, PORT: String(port), HOST: "127.0.0.1", WFM_DEMO: "0", WFM_ADMIN_PASSWORD: "launcher-test-password" };
  for (const name of ["WFM_START_SERVER", "WFM_MESH_SECRET", "WFM_DATA_DIR", "WFM_RUN_RETENTION_DAYS"]) delete env[name];
  const launcher = launch(root, env);
  seen.add(launcher.child.pid!);

  const [, first] = (await launcher.waitFor(/^wfm-sync: WFMServer runs as process (\d+);/, 120_000)).map(Number) as [number, number];
  seen.add(first);
  await launcher.waitFor(new RegExp(`^wfm-sync: Console ready at http://127\\.0\\.0\\.1:${port} `), 120_000);
  const consolePid = async () => ((await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as { pid: number }).pid;
  const theConsole = await consolePid();
  seen.add(theConsole);
  // (tsx may have an esbuild child too: only the servers and the console are counted.)
  expect(childrenOf(launcher.child.pid!).filter(isServer)).toEqual([first]);
  expect(childrenOf(launcher.child.pid!)).toContain(theConsole);
  expect(await b.agent(ann)).toMatchObject({ lastName: "First" }); // the start-up full sync ran

  // A crash: restarted, no sooner than 1 s after.
  const killedAt = performance.now();
  process.kill(first, "SIGKILL");
  const second = await restartOf(launcher.child.pid!, first);
  seen.add(second.pid);
  expect(second.seenAt - killedAt).toBeGreaterThanOrEqual(1000);
  expect(second.seenAt - second.goneAt).toBeGreaterThanOrEqual(1000 - SLACK);
  await launcher.waitFor(`wfm-sync: WFMServer (process ${first}) stopped (SIGKILL); the console keeps running, and WFMServer starts again in 1 s.`);
  await launcher.waitFor(`wfm-sync: WFMServer runs again as process ${second.pid}.`);
  expect(await consolePid()).toBe(theConsole);
  // The new process syncs.
  await sql`update cfg.persons set last_name = 'Second' where dbid = ${ann}`;
  await caughtUp(sql, "WFMServer", 60_000);
  expect(await b.agent(ann)).toMatchObject({ lastName: "Second" });

  // Stopped by hand (it exits 0): restarted again, and the backoff has doubled.
  const stoppedAt = performance.now();
  process.kill(second.pid, "SIGTERM");
  const third = await restartOf(launcher.child.pid!, second.pid);
  seen.add(third.pid);
  expect(third.seenAt - stoppedAt).toBeGreaterThanOrEqual(2000);
  expect(third.seenAt - third.goneAt).toBeGreaterThanOrEqual(2000 - SLACK);
  await launcher.waitFor(`wfm-sync: WFMServer (process ${second.pid}) stopped (exit code 0); the console keeps running, and WFMServer starts again in 2 s.`);
  await launcher.waitFor(`wfm-sync: WFMServer runs again as process ${third.pid}.`);
  expect(await consolePid()).toBe(theConsole);
  await sql`update cfg.persons set last_name = 'Third' where dbid = ${ann}`;
  await caughtUp(sql, "WFMServer", 60_000);
  expect(await b.agent(ann)).toMatchObject({ lastName: "Third" });
  expect(launcher.child.exitCode).toBeNull();
  expect(childrenOf(launcher.child.pid!).filter(isServer)).toEqual([third.pid]);
  expect(childrenOf(launcher.child.pid!)).toContain(theConsole);

  // Stopping the launcher stops its children for good: no restart.
  launcher.child.kill("SIGTERM");
  expect(await launcher.exited).toBe(0);
  expect([third.pid, theConsole].filter(alive)).toEqual([]);
  expect(launcher.lines.filter((l) => l.includes("starts again"))).toHaveLength(2);
}, 300_000); // three server starts and a launcher's: a minute on a loaded machine
