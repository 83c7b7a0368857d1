/**
 * npm start: the database (embedded, or DATABASE_URL), migrations, demo data on first run, the first admin,
 * a production build when none is current, then the console — and, once the runtime lands, a WFM Server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { runCli } from "../lib/cli";
import { ensureAdmin } from "../lib/auth/bootstrap";
import { openDatabase, defaultDataDir } from "../lib/db";
import { portInUse } from "../lib/db/ports";
import { configurationIsEmpty, loadWorkload } from "../lib/demo/load";
import { DEMO_WORKLOAD } from "../lib/demo/workload";
import { StartupError } from "../lib/errors";
import { ensureBuild, nextCli } from "../lib/launcher/build";
import { runFullSync } from "../lib/sync/engine";
import { pruneRuns } from "../lib/sync/runs";

const log = (line: string) => console.log(`wfm-sync: ${line}`);

function parsePort(value: string | undefined): number {
  if (value === undefined || value === "") return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StartupError(`PORT must be a whole number from 1 to 65535, not '${value}'.`);
  }
  return port;
}

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

runCli(async () => {
  const started = performance.now();
  const root = process.cwd();
  const port = parsePort(process.env.PORT);
  const host = process.env.HOST || "127.0.0.1";
  const retentionDays = process.env.WFM_RUN_RETENTION_DAYS ? Number(process.env.WFM_RUN_RETENTION_DAYS) : 30;
  if (!Number.isFinite(retentionDays) || retentionDays < 0) {
    throw new StartupError(`WFM_RUN_RETENTION_DAYS must be a number of days ≥ 0, not '${process.env.WFM_RUN_RETENTION_DAYS}'.`);
  }
  if (await portInUse(port, host)) {
    throw new StartupError(`Port ${port} on ${host} is already in use: stop what uses it, or start with PORT=<another port>.`);
  }

  const dataDir = process.env.WFM_DATA_DIR ? path.resolve(process.env.WFM_DATA_DIR) : defaultDataDir();
  const database = await openDatabase({ dataDir, max: 4, applicationName: "wfm-launcher" });
  let consoleProcess: ChildProcess | undefined;
  let stopping = false;
  /** Stops the console, then the database: on a signal, on the console's death, or on a failed start. */
  const release = async () => {
    stopping = true;
    if (consoleProcess && consoleProcess.exitCode === null) {
      consoleProcess.kill("SIGTERM");
      await new Promise((resolve) => consoleProcess!.once("exit", resolve));
    }
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
    } else {
      log("Using the PostgreSQL at DATABASE_URL.");
    }

    if (process.env.WFM_DEMO !== "0" && (await configurationIsEmpty(database.sql))) {
      const demo = await loadWorkload(database.sql, DEMO_WORKLOAD);
      log(`Loaded the demo Configuration Database: ${demo.persons} persons, ${demo.sites} sites (${demo.ms} ms).`);
    }
    const admin = await ensureAdmin(database.sql, process.env.WFM_ADMIN_PASSWORD);

    await ensureBuild(root, log);

    // Until the WFM Server runtime exists as its own process, the launcher registers WFMServer (level 2)
    // and runs its start-up full sync directly. The runtime replaces this with a child process;
    // WFM_START_SERVER=0 skips it for deployments that run their servers elsewhere.
    const pruned = await pruneRuns(database.sql, retentionDays);
    if (pruned > 0) log(`Pruned ${pruned} sync runs older than ${retentionDays} days.`);

    if (process.env.WFM_START_SERVER !== "0") {
      await database.sql`insert into wfm.servers (name, sync_level) values ('WFMServer', 2) on conflict (name) do nothing`;
      const sync = await runFullSync(database.sql, { server: "WFMServer", trigger: "startup" });
      log(
        sync.status === "failed"
          ? `The start-up full sync of WFMServer failed: ${sync.error}`
          : `Start-up full sync of WFMServer: ${sync.status} — ${sync.counts.added} added, ${sync.counts.updated} updated, ${sync.counts.terminated} terminated, ${sync.counts.errors} errors (run ${sync.runId}).`,
      );
    }

    const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
    consoleProcess = spawn(process.execPath, [nextCli(root), "start", "-p", String(port), "-H", host], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port) },
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
        process.env.WFM_ADMIN_PASSWORD
          ? "Sign in as 'admin' with the password in WFM_ADMIN_PASSWORD."
          : `Sign in as 'admin' with password ${admin.password} — shown only this once; change it after signing in.`,
      );
    }
  } catch (error) {
    await release();
    throw error;
  }
});
