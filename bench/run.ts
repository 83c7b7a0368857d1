/**
 * npm run bench: the SPEC §8 measures this codebase has so far, on workload L (or --agents N), against a
 * throw-away embedded PostgreSQL (or any PostgreSQL: --url, DATABASE_URL). Each time is beside the physical floor measured in the same
 * run (a bare COPY of the same rows); then the same workload split over two sources, beside one source's times
 * (bench/sources.ts); last, a replicated source, its Configuration Database in a PostgreSQL cluster of its own
 * (bench/replication.ts). Writes the results as JSON (bench/results.ts has the shape; --json FILE,
 * default bench/results/latest.json) and prints them as a table; `npm run bench:report` puts them in
 * BENCHMARKS.md.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../lib/cli";
import { MAIN_SOURCE } from "../lib/config/source-names";
import { openDatabase, type Sql } from "../lib/db";
import { describeTarget, validateDatabaseUrl } from "../lib/db/client";
import { SYNC_SESSION_SETTINGS, syncConnection, type SyncSessionSetting } from "../lib/db/session-settings";
import { env } from "../lib/env";
import { copyInto, counted, loadWorkload } from "../lib/demo/load";
import { generateWorkload, scaledWorkload, WORKLOAD_L, type Row } from "../lib/demo/workload";
import { runFullSync } from "../lib/sync/engine";
import { agentSearch, searchAgents } from "../lib/console/agents";
import { measureMesh } from "./mesh";
import { DEFAULT_SCALE_JSON, SCALE_FORMAT, SCALE_SIZES, scaleMarkdown, scaleProblems, type ScalePoint, type ScaleResults, type ScaleSync } from "./scale";
import { measureReplication, REPLICATED_SOURCE, replicationMeasures } from "./replication";
import { AGENTS_PER_STATEMENT, measureRealtime, WRITERS } from "./realtime";
import { dropSecondSource, measureTwoSources, SECOND_SOURCE } from "./sources";
import {
  DEFAULT_JSON, lagLimit, lagTrend, LAG_RULE, markdownTable, measure, NOT_MEASURED, PG_SETTINGS, problems, REPLICATED_NOT_MEASURED, RESULTS_FORMAT, showSettings, tableRows,
  UNTUNED_EXTERNAL, type BenchResults, type Machine, type Measure, type Workload,
} from "./results";

/** SPEC §4: CacheSlack defaults to 30 s, 600 s with web events (lib/server/runtime.ts). */
const CACHE_SLACK = { plain: 30, webEvents: 600 };
const MESH_SERVERS = 8;
const SEARCHES = 200;
const SEARCH_PAGE = 50;

const HELP = `usage: npm run bench -- [options]

  --agents N          workload size (default ${WORKLOAD_L.agents.toLocaleString("en")}: SPEC §8 workload L; others keep L's proportions)
  --changes N         real-time latency: changes made one at a time (default 2000)
  --seconds S         real-time throughput: seconds of writing (default 10)
  --mesh-messages N   mesh: invalidations sent (default 1000)
  --url URL           run against this PostgreSQL (postgres://user:password@host:port/db) instead of a throw-away
                      embedded one; DATABASE_URL does the same. Its wfm-sync schemas are migrated and its cfg and
                      synchronized WFM data replaced by the workload (users and servers stay); a source
                      ${SECOND_SOURCE} is made for the two-source measure and dropped after it. The replicated-source
                      measure starts a PostgreSQL cluster of its own on 127.0.0.1 (the Configuration Database), which
                      that PostgreSQL subscribes to as source ${REPLICATED_SOURCE}, dropped after it; when it cannot,
                      the run goes on and says why the measure is missing
  --json FILE         where to write the results (default ${DEFAULT_JSON}; with --scale, ${DEFAULT_SCALE_JSON})
  --scale             instead of the above: only the three full syncs (cold, nothing changed, 1% changed) at
                      each of --sizes, each size in a cluster of its own (with --url: reloaded there), each sync
                      in a process of its own whose peak RSS is recorded; 10–15 minutes here for the default sizes
  --sizes N,N,…       the sizes --scale measures (default ${SCALE_SIZES.join(",")})
  --help              this text

The sync's own sessions set what they need (lib/db/session-settings.ts); the output names the server's version,
its defaults and what those sessions ran with. Then \`npm run bench:report\` rewrites BENCHMARKS.md's figures
from the JSON.`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** Peak resident memory of this process while `work` runs (the engine runs in-process here, as in a server). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ peak: number; result: T }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await work();
    return { peak: Math.max(peak, process.memoryUsage().rss), result };
  } finally {
    clearInterval(sampler);
  }
}

/** Rows inserted, updated or deleted in WFM's synchronized tables since the last call. */
async function wfmWrites(sql: Sql): Promise<number> {
  await sql`select pg_stat_clear_snapshot()`;
  const [row] = await sql`
    select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint as n from pg_stat_user_tables
     where schemaname = 'wfm' and relname in ('agents', 'agent_skills', 'skills', 'time_zones', 'users', 'sites')`;
  return row!.n as number;
}

/**
 * The physical floor: a bare COPY of as many agent and skill-level rows as the cold sync writes, with the
 * columns it writes (an agent's source beside its dbid, a level's WFM skill id), on a session with the sync's
 * settings, so the two differ only in what they do.
 */
async function copyFloor(sql: Sql, agents: number): Promise<{ ms: number; rows: number }> {
  const size = scaledWorkload(agents);
  const tables = generateWorkload(size, MAIN_SOURCE);
  await sql`drop schema if exists bench cascade`;
  await sql`create schema bench`;
  await sql`create table bench.agents (source text, cfg_dbid bigint, tenant_dbid bigint, username text, first_name text,
                                       last_name text, email text, employee_id text, is_agent boolean)`;
  await sql`create table bench.agent_skills (agent_id bigint, skill_id bigint, level smallint)`;
  let rows = 0;
  const session = syncConnection(sql, "wfm-bench floor");
  try {
    const { ms } = await timed(async () => {
      await session.begin(async (tx) => {
        const agentColumns = ["source", "cfg_dbid", "tenant_dbid", "username", "first_name", "last_name", "email", "employee_id", "is_agent"];
        const agentRows = counted(tables.persons(), () => rows++);
        await copyInto(tx, "bench.agents", agentColumns, mapRows(agentRows, (person) => [MAIN_SOURCE, ...person]));
        // The levels' skill dbids stand in for the WFM skill ids the sync writes: the same type, the same cost.
        await copyInto(tx, "bench.agent_skills", ["agent_id", "skill_id", "level"], counted(tables.skillLevels(), () => rows++));
      });
    });
    return { ms, rows };
  } finally {
    await session.end();
    await sql`drop schema bench cascade`;
  }
}

/** `rows` with each changed by `change` as it streams. */
function mapRows(rows: Iterable<Row>, change: (row: Row) => Row): Iterable<Row> {
  return {
    *[Symbol.iterator]() {
      for (const row of rows) yield change(row);
    },
  };
}

/** Settings as one session sees them, in the order asked. */
async function settingsOf<Name extends string>(session: Sql, names: readonly Name[]): Promise<Record<Name, string>> {
  const rows = await session<{ name: Name; value: string }[]>`
    select name, current_setting(name) as value from unnest(${names as unknown as string[]}::text[]) as name`;
  const seen = new Map(rows.map((r) => [r.name, r.value]));
  return Object.fromEntries(names.map((name) => [name, seen.get(name)!])) as Record<Name, string>;
}

/**
 * The machine's facts, PostgreSQL's among them: its settings as a new session of the pool sees them (the
 * server's defaults), and as a session opened the way the sync opens its own sees them.
 */
async function machineFacts(sql: Sql, source: string, loadStart: number): Promise<Machine> {
  const [v] = await sql`select current_setting('server_version') as version`;
  const settings = await settingsOf(sql, PG_SETTINGS);
  const session = syncConnection(sql, "wfm-bench settings");
  const names = Object.keys(SYNC_SESSION_SETTINGS) as SyncSessionSetting[];
  const syncSession = await settingsOf(session, names).finally(() => session.end());
  for (const name of names) {
    if (syncSession[name] !== SYNC_SESSION_SETTINGS[name]) throw new Error(`bench: the sync session's ${name} is ${syncSession[name]}, not ${SYNC_SESSION_SETTINGS[name]}`);
  }
  let osName: string | null;
  try {
    osName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? null;
  } catch {
    osName = null; // not Linux, or no os-release
  }
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? null,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName ? `${osName}, Linux ${os.release()}` : `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    loadAverage: { start: Math.round(loadStart * 100) / 100, end: 0 },
    postgres: { version: String(v!.version), source, settings, syncSession },
  };
}

/**
 * Which PostgreSQL the bench uses: --url, else DATABASE_URL, else a throw-away embedded one. An external one is
 * named before anything touches it: it may be somebody's database.
 */
function benchTarget(url: string | undefined): { external: string | undefined; source: string } {
  const external = url ?? env().databaseUrl;
  const source = url !== undefined ? "--url" : external ? "DATABASE_URL" : "embedded PostgreSQL";
  if (external) console.error(`bench: the PostgreSQL at ${describeTarget(external)} (${source}) will be migrated and its cfg and synchronized WFM data replaced by the workload`);
  return { external, source };
}

/** The level-2 server the full syncs run as (an external database may hold it from an earlier bench). */
const registerBenchServer = (sql: Sql) =>
  sql`insert into wfm.servers (name, sync_level) values ('Bench', 2) on conflict (name) do update set sync_level = 2`;

/** SPEC §8's "1% changed": every hundredth agent's e-mail. */
const changeOnePercent = (sql: Sql) => sql`update cfg.persons set email = 'changed.' || email where is_agent and dbid % 100 = 7`;

/** A full sync's connection reports its statistics as it closes: what wfmWrites reads after it. */
const statisticsReported = () => new Promise((resolve) => setTimeout(resolve, 600));

/** One full sync by a process of its own (bench/full-sync-process.ts): its time, counts and peak RSS. */
function fullSyncProcess(url: string, server: string): ScaleSync & { counts: { updated: number } } {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join("bench", "full-sync-process.ts"), url, server], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  const line = JSON.parse(out.trim().split("\n").at(-1)!) as { ms: number; status: string; error: string | null; counts: { updated: number }; peakRssMB: number };
  if (line.status === "failed") throw new Error(`bench: full sync failed: ${line.error}`);
  return { seconds: line.ms / 1000, peakRssMB: line.peakRssMB, counts: line.counts };
}

/**
 * --scale: the three full syncs at each size, each size in a throw-away cluster of its own (or, with --url, the
 * same database reloaded), so one size's dead rows and statistics do not weigh on the next.
 */
async function measureScale(sizes: number[], url: string | undefined, jsonFile: string): Promise<void> {
  const date = new Date().toISOString();
  const loadStart = os.loadavg()[0]!;
  const { external, source } = benchTarget(url);
  const points: ScalePoint[] = [];
  let machine: Machine | undefined;
  for (const agents of sizes) {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-bench-scale-"));
    await fs.chmod(base, 0o755);
    const database = await openDatabase({ databaseUrl: external ?? null, dataDir: path.join(base, "pg"), max: 4, applicationName: "wfm-bench" });
    const { sql } = database;
    try {
      machine ??= await machineFacts(sql, source, loadStart);
      await dropSecondSource(sql);
      console.error(`bench: scale ${agents.toLocaleString("en")} agents: loading…`);
      const size = agents === WORKLOAD_L.agents ? WORKLOAD_L : scaledWorkload(agents);
      const load = await loadWorkload(sql, size, { reset: true });
      await registerBenchServer(sql);
      await sql`checkpoint`;
      console.error(`bench: scale ${agents.toLocaleString("en")} agents: floor, then the cold full sync…`);
      const floor = await copyFloor(sql, agents);
      await sql`checkpoint`;
      const cold = fullSyncProcess(database.url, "Bench");
      await sql`vacuum analyze`;
      console.error(`bench: scale ${agents.toLocaleString("en")} agents: nothing changed, then 1% changed…`);
      const before = await wfmWrites(sql);
      const idle = fullSyncProcess(database.url, "Bench");
      await statisticsReported();
      const written = (await wfmWrites(sql)) - before;
      await changeOnePercent(sql);
      const changed = fullSyncProcess(database.url, "Bench");
      const point: ScalePoint = {
        agents,
        persons: load.persons,
        skillLevels: load.skillLevels,
        loadSeconds: load.ms / 1000,
        floorSeconds: floor.ms / 1000,
        floorRows: floor.rows,
        cold: { seconds: cold.seconds, peakRssMB: cold.peakRssMB },
        idle: { seconds: idle.seconds, peakRssMB: idle.peakRssMB, rowsWritten: Number(written) },
        changed: { seconds: changed.seconds, peakRssMB: changed.peakRssMB, updated: changed.counts.updated },
      };
      points.push(point);
      console.error(`bench: scale ${agents.toLocaleString("en")} agents: floor ${point.floorSeconds.toFixed(2)} s, cold ${cold.seconds.toFixed(2)} s (${cold.peakRssMB} MB), ` +
        `nothing changed ${idle.seconds.toFixed(2)} s (${idle.peakRssMB} MB), 1% ${changed.seconds.toFixed(2)} s (${changed.peakRssMB} MB)`);
    } finally {
      await database.shutdown();
      await fs.rm(base, { recursive: true, force: true });
    }
  }
  if (machine?.loadAverage) machine.loadAverage.end = Math.round(os.loadavg()[0]! * 100) / 100;
  const results: ScaleResults = { format: SCALE_FORMAT, provenance: { kind: "measured", command: commandLine(), ...gitState() }, date, machine: machine!, points };
  const wrong = scaleProblems(results);
  if (wrong.length) throw new Error(`bench: inconsistent scale results (a bug in bench/run.ts):\n${wrong.join("\n")}`);
  await fs.mkdir(path.dirname(jsonFile), { recursive: true });
  await fs.writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwfm-sync bench, scale — ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${date.slice(0, 10)}\n`);
  console.log(scaleMarkdown(results));
  console.log(`\nwrote ${path.relative(process.cwd(), jsonFile)}; \`npm run bench:report\` puts it in BENCHMARKS.md`);
}

/** The command line as run, for a committed file: a password in --url stays out of it. */
const commandLine = () =>
  `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim().replace(/ --$/, "").replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)\S*@/g, "$1…@");

function gitState(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    // The bench's own results, rewritten by the last run, are not a change to what is measured.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/results"], { encoding: "utf8" }).trim() !== "";
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

runCli(async () => {
  const { values } = parseArgs({
    options: {
      agents: { type: "string", default: String(WORKLOAD_L.agents) },
      changes: { type: "string", default: "2000" },
      seconds: { type: "string", default: "10" },
      "mesh-messages": { type: "string", default: "1000" },
      url: { type: "string" },
      json: { type: "string" },
      scale: { type: "boolean", default: false },
      sizes: { type: "string", default: SCALE_SIZES.join(",") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const agents = Number(values.agents);
  const changesWanted = Number(values.changes);
  const writerSeconds = Number(values.seconds);
  const meshMessages = Number(values["mesh-messages"]);
  for (const [flag, n] of [["--agents", agents], ["--changes", changesWanted], ["--seconds", writerSeconds], ["--mesh-messages", meshMessages]] as const) {
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number\n\n${HELP}`);
  }
  if (values.url !== undefined) validateDatabaseUrl(values.url, "--url");
  if (values.scale) {
    const sizes = values.sizes.split(",").map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--sizes must be positive whole numbers, comma-separated\n\n${HELP}`);
    await measureScale(sizes, values.url, path.resolve(values.json ?? DEFAULT_SCALE_JSON));
    return;
  }
  const jsonFile = path.resolve(values.json ?? DEFAULT_JSON);
  const git = gitState();
  const date = new Date().toISOString();
  const loadStart = os.loadavg()[0]!;

  const { external, source } = benchTarget(values.url);
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-bench-"));
  await fs.chmod(base, 0o755);
  const database = await openDatabase({ databaseUrl: external ?? null, dataDir: path.join(base, "pg"), max: 4, applicationName: "wfm-bench" });
  const { sql } = database;
  const M: Record<string, Measure> = {};
  const put = (id: string, m: Omit<Measure, "ratio" | "verdict">) => (M[id] = measure(m));
  let machine: Machine;
  let workload: Workload;
  let samples: BenchResults["samples"];
  let replicatedLag: BenchResults["replicatedLag"];
  let latencyBuckets: BenchResults["latencyHistogram"];
  const notMeasured = [...NOT_MEASURED];
  try {
    machine = await machineFacts(sql, source, loadStart);
    console.error(`bench: PostgreSQL ${machine.postgres.version} (${source}); server defaults: ${showSettings(machine.postgres.settings)}; the sync's own sessions set: ${showSettings(machine.postgres.syncSession!)}`);
    const size = agents === WORKLOAD_L.agents ? WORKLOAD_L : scaledWorkload(agents);
    // An earlier bench on this database may have stopped during the two-source measure: one source from here.
    await dropSecondSource(sql);
    console.error(`bench: loading ${agents.toLocaleString("en")} agents…`);
    const load = await loadWorkload(sql, size, { reset: true });
    const [feed] = await sql`select seq from cfg.change_counter`;
    workload = {
      name: size === WORKLOAD_L ? "L" : null,
      agents,
      persons: load.persons,
      nonAgents: load.persons - agents,
      skillLevels: load.skillLevels,
      skills: size.skills,
      sites: load.sites,
      switches: size.switches,
      timeZones: size.timeZones,
      singleChanges: changesWanted,
      writers: WRITERS,
      agentsPerStatement: AGENTS_PER_STATEMENT,
      writerSeconds,
      meshServers: MESH_SERVERS,
      meshMessages,
      searches: SEARCHES,
      searchPageSize: SEARCH_PAGE,
    };
    put("load.seconds", { label: "load the workload into cfg, with its change feed", value: load.ms / 1000, unit: "s", decimals: 2 });
    put("load.changes", { label: "changes the load recorded in the change feed", value: Number(feed!.seq), unit: "changes", decimals: 0 });
    await registerBenchServer(sql);
    await sql`checkpoint`;
    const [indexes] = await sql`select count(*)::int as n from pg_indexes where schemaname = 'wfm' and tablename = 'agents'`;
    put("schema.agentIndexes", { label: "indexes on wfm.agents (pg_indexes)", value: Number(indexes!.n), unit: "indexes", decimals: 0 });

    console.error("bench: COPY floor…");
    const floor = await copyFloor(sql, agents);
    const floorS = floor.ms / 1000;
    put("floor.seconds", { label: "bare COPY of the same agent and level rows into tables with no index, trigger or constraint", value: floorS, unit: "s", decimals: 2 });
    put("floor.rows", { label: "rows in the floor's COPY", value: floor.rows, unit: "rows", decimals: 0 });
    await sql`checkpoint`;

    console.error("bench: cold full sync…");
    await wfmWrites(sql);
    const cold = await withPeakRss(() => timed(() => runFullSync(sql, { server: "Bench", trigger: "manual" })));
    if (cold.result.result.status === "failed") throw new Error(`cold sync failed: ${cold.result.result.error}`);
    put("cold.seconds", { label: "cold full sync, empty WFM, level 2", value: cold.result.ms / 1000, unit: "s", decimals: 2, floor: floorS, target: { of: "ratio", op: "<=", limit: 2 } });
    put("memory.peakRss", { label: "peak RSS of the bench process during the cold sync (the engine runs in-process)", value: Math.round(cold.peak / 1048576), unit: "MB", decimals: 0, target: { of: "value", op: "<=", limit: 250 } });
    await wfmWrites(sql);
    await sql`vacuum analyze`;

    console.error("bench: full sync with nothing changed…");
    const before = await wfmWrites(sql);
    const idle = await timed(() => runFullSync(sql, { server: "Bench", trigger: "manual" }));
    await statisticsReported();
    const written = (await wfmWrites(sql)) - before;
    put("idle.seconds", { label: "full sync, nothing changed", value: idle.ms / 1000, unit: "s", decimals: 2, floor: floorS, target: { of: "ratio", op: "<=", limit: 1 } });
    put("idle.rowsWritten", { label: "rows written in WFM's synchronized tables by that sync", value: Number(written), unit: "rows", decimals: 0, target: { of: "value", op: "==", limit: 0 } });

    console.error("bench: full sync with 1% of agents changed…");
    await changeOnePercent(sql);
    const changed = await timed(() => runFullSync(sql, { server: "Bench", trigger: "manual" }));
    put("changed.seconds", { label: "full sync, 1% of agents changed", value: changed.ms / 1000, unit: "s", decimals: 2, floor: floorS, target: { of: "ratio", op: "<=", limit: 1.2 } });
    put("changed.updated", { label: "agents that sync updated", value: changed.result.counts.updated, unit: "agents", decimals: 0 });

    console.error("bench: agents search…");
    // The query behind GET /api/v1/agents?q= (the route adds only session and JSON handling): name fragments
    // of several lengths, a page each.
    const names = (await sql`select last_name, first_name from cfg.persons where is_agent order by dbid limit ${SEARCHES}`) as unknown as { last_name: string; first_name: string }[];
    const times: number[] = [];
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      const q = i % 3 === 0 ? n.last_name.slice(0, 3) : i % 3 === 1 ? `${n.first_name} ${n.last_name}` : n.last_name.slice(1, 5);
      const t0 = performance.now();
      await searchAgents(sql, agentSearch.parse({ q, limit: SEARCH_PAGE }));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    workload.searches = times.length;
    put("search.p50", { label: "agents search by name, median", value: times[Math.floor(times.length / 2)]!, unit: "ms", decimals: 1 });
    put("search.p95", { label: "agents search by name, 95th percentile", value: times[Math.floor(times.length * 0.95)]!, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 50 } });

    console.error("bench: real-time, with a WFM Server process…");
    const rt = await measureRealtime(database, { server: "Bench", changes: changesWanted, seconds: writerSeconds });
    const { latency, throughput } = rt;
    put("latency.n", { label: "changes made one at a time", value: latency.n, unit: "changes", decimals: 0 });
    put("latency.p50", { label: "cfg commit → WFM commit, one change, median", value: latency.p50, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 5 } });
    put("latency.p90", { label: "cfg commit → WFM commit, one change, 90th percentile", value: latency.p90, unit: "ms", decimals: 1 });
    put("latency.p99", { label: "cfg commit → WFM commit, one change, 99th percentile", value: latency.p99, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 10 } });
    put("latency.max", { label: "cfg commit → WFM commit, one change, the slowest", value: latency.max, unit: "ms", decimals: 1 });
    latencyBuckets = latency.histogram;
    put("sustained.changes", { label: "changes the writers made", value: throughput.changes, unit: "changes", decimals: 0 });
    put("sustained.offered", { label: "rate the writers committed at", value: Math.round(throughput.offered), unit: "changes/s", decimals: 0 });
    put("sustained.applied", { label: "rate the server applied at, until caught up", value: Math.round(throughput.applied), unit: "changes/s", decimals: 0, target: { of: "value", op: ">=", limit: 5000 } });
    put("sustained.lagStart", { label: "largest lag in the first third of the writers' run", value: throughput.lagFirstThird, unit: "changes", decimals: 0 });
    put("sustained.lagEnd", { label: "largest lag in the last third of the writers' run", value: throughput.lagLastThird, unit: "changes", decimals: 0, target: { of: "value", op: "<=", limit: lagLimit(throughput.lagFirstThird), rule: LAG_RULE } });
    put("sustained.lagTrend", { label: "least-squares slope of the lag while the writers ran", value: Math.round(lagTrend(throughput.samples, throughput.writingMs)), unit: "changes/s", decimals: 0 });
    put("sustained.catchUp", { label: "time from the writers stopping to the server's cursor reaching their last change", value: Math.round(throughput.catchUpMs), unit: "ms", decimals: 0 });
    samples = { lag: throughput.samples, writingMs: throughput.writingMs };

    console.error(`bench: mesh, ${MESH_SERVERS} WFM Servers in a ring…`);
    const mesh = await measureMesh(database, { servers: MESH_SERVERS, messages: meshMessages });
    workload.meshMessages = mesh.messages;
    put("mesh.p50", { label: "invalidation reaches every server of the ring, median", value: mesh.p50, unit: "ms", decimals: 2 });
    put("mesh.p99", { label: "invalidation reaches every server of the ring, 99th percentile", value: mesh.p99, unit: "ms", decimals: 2, target: { of: "value", op: "<=", limit: 10 } });
    put("mesh.timestampQueries", { label: "timestamp (freshness-check) queries by the ring's servers meanwhile", value: mesh.checksDuring, unit: "timestamp queries", decimals: 0, target: { of: "value", op: "==", limit: 0 } });

    // Last, as it replaces main's data with half of it: issue 13 asks that two sources cost no more than one.
    console.error(`bench: two sources, the workload split in half between ${MAIN_SOURCE} and ${SECOND_SOURCE}…`);
    const two = await measureTwoSources(sql, { agents, mainServer: "Bench", writes: () => wfmWrites(sql) });
    workload.split = two.parts;
    const sum = (ms: number[]) => ms.reduce((a, b) => a + b, 0) / 1000;
    const each = (ms: number[]) => two.parts.map((p, i) => `${p.source} ${(ms[i]! / 1000).toFixed(2)} s`).join(" + ");
    console.error(`bench: two sources: cold ${each(two.coldMs)}; nothing changed ${each(two.idleMs)}`);
    const oneSource = (id: "cold.seconds" | "idle.seconds") => ({ measure: id, value: M[id]!.value, name: "one source" });
    put("twoSources.load.seconds", { label: `load the workload split in half into ${MAIN_SOURCE} and ${SECOND_SOURCE}, with their change feeds`, value: two.loadMs / 1000, unit: "s", decimals: 2 });
    put("twoSources.cold.seconds", {
      label: "cold full syncs of both sources, one after the other, empty WFM, level 2: the sum of the two runs", value: sum(two.coldMs), unit: "s", decimals: 2,
      baseline: oneSource("cold.seconds"), target: { of: "ratio", op: "<=", limit: 1.1 },
    });
    put("twoSources.idle.seconds", {
      label: "full syncs of both sources, nothing changed: the sum of the two runs", value: sum(two.idleMs), unit: "s", decimals: 2,
      baseline: oneSource("idle.seconds"), target: { of: "ratio", op: "<=", limit: 1.1 },
    });
    put("twoSources.idle.rowsWritten", { label: "rows written in WFM's synchronized tables by those two syncs", value: Number(two.idleWritten), unit: "rows", decimals: 0, target: { of: "value", op: "==", limit: 0 } });

    // It needs a second cluster the WFM database can reach and subscribe to: when it cannot be measured, the
    // rest of the run still counts, and the document says why it is missing.
    console.error("bench: a replicated source, its Configuration Database in a PostgreSQL cluster of its own…");
    try {
      const rep = await measureReplication(database, { size });
      workload.replicated = rep.workload;
      for (const [id, m] of Object.entries(replicationMeasures(rep, M["cold.seconds"]!))) put(id, m);
      replicatedLag = { samples: rep.sustained.samples, writingMs: rep.sustained.writingMs };
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
      console.error(`bench: the replicated source was not measured: ${why}`);
      notMeasured.push(`${REPLICATED_NOT_MEASURED} — this run could not measure it: ${why}`);
    }
  } finally {
    await database.shutdown();
    await fs.rm(base, { recursive: true, force: true });
  }
  if (machine.loadAverage) machine.loadAverage.end = Math.round(os.loadavg()[0]! * 100) / 100;
  put("cacheSlack.webEvents", { label: "CacheSlack default with web events (SPEC §4)", value: CACHE_SLACK.webEvents, unit: "s", decimals: 0, kind: "derived" });
  put("cacheSlack.plain", { label: "CacheSlack default without web events (SPEC §4)", value: CACHE_SLACK.plain, unit: "s", decimals: 0, kind: "derived" });
  put("freshness.webEvents", { label: "freshness-check queries per server per hour with web events", value: 3600 / CACHE_SLACK.webEvents, unit: "per hour", decimals: 0, kind: "derived" });
  put("freshness.plain", { label: "freshness-check queries per server per hour without web events", value: 3600 / CACHE_SLACK.plain, unit: "per hour", decimals: 0, kind: "derived" });

  const results: BenchResults = {
    format: RESULTS_FORMAT,
    // The command goes into a committed file: a password in --url stays out of it.
    provenance: { kind: "measured", command: commandLine(), ...git },
    date,
    machine,
    workload,
    measures: M,
    samples,
    replicatedLag,
    latencyHistogram: latencyBuckets,
    notMeasured: external ? notMeasured.filter((line) => line !== UNTUNED_EXTERNAL) : notMeasured,
  };
  const wrong = problems(results);
  if (wrong.length) throw new Error(`bench: inconsistent results (a bug in bench/run.ts):\n${wrong.join("\n")}`);
  await fs.mkdir(path.dirname(jsonFile), { recursive: true });
  await fs.writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\nwfm-sync bench — ${machine.cores} cores, ${machine.memoryGiB} GiB, ${date.slice(0, 10)}, ${agents.toLocaleString("en")} agents`);
  console.log(`PostgreSQL ${machine.postgres.version} (${source}); server defaults: ${showSettings(machine.postgres.settings)}`);
  console.log(`the sync's own sessions set: ${showSettings(machine.postgres.syncSession!)}\n`);
  console.log(markdownTable(tableRows(results)));
  const shown = jsonFile.startsWith(`${process.cwd()}${path.sep}`) ? path.relative(process.cwd(), jsonFile) : jsonFile;
  console.log(`\nwrote ${shown}; \`npm run bench:report${jsonFile === path.resolve(DEFAULT_JSON) ? "" : ` -- --json ${values.json}`}\` puts it in BENCHMARKS.md`);
});
