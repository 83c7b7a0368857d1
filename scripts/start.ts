/**
 * npm start: the database (embedded, or DATABASE_URL), migrations, demo data on first run, the first admin,
 * a production build when none is current, one WFM Server (WFMServer, level 2) as a child process, then the
 * console. On SIGINT/SIGTERM it stops them in reverse order: console, server, database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { runCli } from "../lib/cli";
import { ensureAdmin } from "../lib/auth/bootstrap";
import { openDatabase, configuredDataDir } from "../lib/db";
import { portInUse } from "../lib/db/ports";
import { configurationIsEmpty, loadWorkload } from "../lib/demo/load";
import { DEMO_WORKLOAD } from "../lib/demo/workload";
import { env } from "../lib/env";
import { StartupError } from "../lib/errors";
import { ensureBuild } from "../lib/launcher/build";
import { spawnServer, type ServerProcess } from "../lib/server/process";
import { describeDeadInstance } from "../lib/server/event-log";
import { removeDeadInstances } from "../lib/server/registration";
import { pruneRuns } from "../lib/sync/runs";
import type { Sql } from "../lib/db";

const SERVER_NAME = "WFMServer";

const log = (line: string) => console.log(`wfm-sync: ${line}`);

async function waitForHealth(url: string, child: ChildProcess, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new StartupError(`The console exited during start (code ${child.exitCode}); see its output above.`);
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new StartupError(`The console did not answer on ${url} within ${ms / 1000} s.`);
}

/** Waits for the server's start-up full sync, showing its progress, so the console opens on synced data. */
async function waitForStartupSync(sql: Sql, server: ServerProcess, since: Date) {
  let shown = -1;
  for (;;) {
    if (server.child.exitCode !== null) throw new StartupError(`${SERVER_NAME} exited during start (code ${server.child.exitCode}); see its log above.`);
    if ((await server.health())?.role === "backup") {
      log(`${SERVER_NAME} is already running elsewhere against this database; this process waits as its backup.`);
      return;
    }
    const [run] = await sql<{ id: number; status: string; done: number; total: number; error: string | null }[]>`
      select id, status, progress_done as done, progress_total as total, error from wfm.sync_runs
       where server = ${SERVER_NAME} and kind = 'full' and started_at >= ${since} order by id limit 1`;
    if (run && run.status !== "running") {
      log(run.status === "failed" ? `The start-up full sync of ${SERVER_NAME} failed: ${run.error}` : `Start-up full sync of ${SERVER_NAME}: ${run.status} (run ${run.id}).`);
      return;
    }
    const percent = run && run.total > 0 ? Math.floor((100 * run.done) / run.total) : 0;
    if (run && percent >= shown + 25) {
      log(`Start-up full sync of ${SERVER_NAME}: ${percent}%`);
      shown = percent;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function sweepDeadInstances(sql: Sql) {
  try {
    for (const dead of await removeDeadInstances(sql)) log(`${describeDeadInstance(dead)}.`);
  } catch {
    // The database is away: the servers and the health check say so; the next sweep tries again.
  }
}

runCli(async () => {
  const started = performance.now();
  const root = process.cwd();
  // Every variable, checked before anything starts; the console and the server inherit this environment.
  const { port, host, runRetentionDays: retentionDays, demo: loadDemo, adminPassword, startServer, meshSecret } = env();
  if (await portInUse(port, host)) {
    throw new StartupError(`Port ${port} on ${host} is already in use: stop what uses it, or start with PORT=<another port>.`);
  }

  const dataDir = configuredDataDir();
  const database = await openDatabase({ dataDir, max: 4, applicationName: "wfm-launcher" });
  let consoleProcess: ChildProcess | undefined;
  let server: ServerProcess | undefined;
  /** A restart of the bundled server in flight: stopping waits for it and stops what it started. */
  let restarting: Promise<unknown> | undefined;
  let stopping = false;
  /** Stops the console, the server, then the database: on a signal, on the console's death, or on a failed start. */
  let sweeper: NodeJS.Timeout | undefined;
  const release = async () => {
    stopping = true;
    clearInterval(sweeper);
    if (consoleProcess && consoleProcess.exitCode === null) {
      consoleProcess.kill("SIGTERM");
      await new Promise((resolve) => consoleProcess!.once("exit", resolve));
    }
    await restarting;
    await server?.stop();
    await database.shutdown().catch(() => {});
  };
  const stop = async (code: number) => {
    if (stopping) return;
    await release();
    process.exit(code);
  };
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));

  try {
    if (database.embedded) {
      log(
        database.embedded.reused
          ? `Using the embedded PostgreSQL already running on ${path.relative(root, dataDir) || dataDir} (port ${database.embedded.port}).`
          : `Embedded PostgreSQL on 127.0.0.1:${database.embedded.port}, data in ${path.relative(root, dataDir) || dataDir}.`,
      );
      const shared = database.embedded.sharedBinaries;
      if (shared) log(`The 'postgres' user cannot run PostgreSQL inside this checkout, so it runs from ${shared.created ? "a copy just made in" : "its copy in"} ${shared.dir}.`);
    } else {
      log("Using the PostgreSQL at DATABASE_URL.");
    }

    if (loadDemo && (await configurationIsEmpty(database.sql))) {
      const demo = await loadWorkload(database.sql, DEMO_WORKLOAD);
      log(`Loaded the demo Configuration Database: ${demo.persons} persons, ${demo.sites} sites (${demo.ms} ms).`);
    }
    const admin = await ensureAdmin(database.sql, adminPassword);

    await ensureBuild(root, log);

    const pruned = await pruneRuns(database.sql, retentionDays);
    if (pruned > 0) log(`Pruned ${pruned} sync runs older than ${retentionDays} days.`);
    // Servers remove each other's dead instances as they heartbeat; when none runs at all (the last one was
    // killed), the launcher does, so its runs are closed and its requests queued again all the same.
    sweeper = setInterval(() => void sweepDeadInstances(database.sql), 5_000);
    sweeper.unref();

    // WFM_START_SERVER=0: deployments that run their servers elsewhere (npm run wfm-server).
    if (startServer) {
      const [{ now: since }] = (await database.sql`select now() as now`) as unknown as [{ now: Date }];
      // With a mesh secret, the bundled server registers with web events on (SPEC §3); the console joins it.
      const webEvents = meshSecret ? ["--web-events"] : [];
      const args = ["--level", "2", ...webEvents];
      const databaseUrl = database.url;
      // The bundled server is supervised, not vital: when it stops (stopped by hand to fail over to a backup,
      // or crashed) the console and the database keep serving, and it is started again — as a backup when
      // another instance has taken over meanwhile.
      let restarts = 0;
      const restartLater = (why: string) => {
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts++, 5));
        console.error(`wfm-sync: ${why}; the console keeps running, and ${SERVER_NAME} starts again in ${delay / 1000} s.`);
        setTimeout(() => {
          if (stopping) return;
          restarting = spawnServer({ root, databaseUrl, name: SERVER_NAME, args, output: "inherit" }).then(
            async (next) => {
              if (stopping) return next.stop(); // the launcher began stopping while this one started
              server = next;
              log(`${SERVER_NAME} runs again as process ${next.child.pid}.`);
              supervise(next);
              // A restart that stays up a minute starts the backoff afresh.
              setTimeout(() => next.child.exitCode === null && next.child.signalCode === null && (restarts = 0), 60_000).unref();
            },
            (error: unknown) => {
              if (!stopping) restartLater(`${SERVER_NAME} could not be started again (${(error as Error).message})`);
            },
          );
        }, delay).unref();
      };
      const supervise = (running: ServerProcess) => {
        running.child.once("exit", (code, signal) => {
          if (!stopping) restartLater(`${SERVER_NAME} (process ${running.child.pid}) stopped (${signal ?? `exit code ${code}`})`);
        });
      };
      server = await spawnServer({ root, databaseUrl, name: SERVER_NAME, args, output: "inherit" });
      log(`${SERVER_NAME} runs as process ${server.child.pid}; /healthz and /metrics on ${server.url}.`);
      supervise(server);
      await waitForStartupSync(database.sql, server, since);
    }

    const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
    // Next's production handler behind our own HTTP server, which records each client's address (scripts/console.ts).
    consoleProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "console.ts")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", PORT: String(port), HOST: host },
      stdio: ["ignore", "inherit", "inherit"],
    });
    consoleProcess.once("exit", (code) => {
      if (!stopping) {
        console.error(`wfm-sync: the console exited unexpectedly (code ${code}).`);
        void stop(1);
      }
    });
    await waitForHealth(url, consoleProcess, 60_000);

    log(`Console ready at ${url} (started in ${((performance.now() - started) / 1000).toFixed(1)} s).`);
    if (admin.created) {
      log(
        adminPassword
          ? "Sign in as 'admin' with the password in WFM_ADMIN_PASSWORD."
          : `Sign in as 'admin' with password ${admin.password} — shown only this once; change it after signing in.`,
      );
    }
  } catch (error) {
    await release();
    throw error;
  }
});
