/**
 * npm run bench: the SPEC §8 measures this codebase has so far, on workload L (or --agents N), against a
 * throw-away embedded PostgreSQL (or DATABASE_URL). Prints one table; each time beside the physical floor
 * measured in the same run (a bare COPY of the same rows).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../lib/cli";
import { openDatabase, type Sql } from "../lib/db";
import { copyInto, counted, loadWorkload } from "../lib/demo/load";
import { generateWorkload, scaledWorkload, WORKLOAD_L } from "../lib/demo/workload";
import { runFullSync } from "../lib/sync/engine";
import { agentSearch, searchAgents } from "../lib/console/agents";
import { measureMesh } from "./mesh";
import { measureRealtime } from "./realtime";

interface Row {
  measure: string;
  value: string;
  target: string;
  verdict: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

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

/** The physical floor: a bare COPY of as many agent and skill-level rows as the cold sync writes. */
async function copyFloor(sql: Sql, agents: number): Promise<{ ms: number; rows: number }> {
  const size = scaledWorkload(agents);
  const tables = generateWorkload(size);
  await sql`drop schema if exists bench cascade`;
  await sql`create schema bench`;
  await sql`create table bench.agents (cfg_dbid bigint, tenant_dbid bigint, username text, first_name text, last_name text,
                                       email text, employee_id text, is_agent boolean)`;
  await sql`create table bench.agent_skills (agent_id bigint, skill_dbid bigint, level smallint)`;
  let rows = 0;
  const { ms } = await timed(async () => {
    await sql.begin(async (tx) => {
      const agentColumns = ["cfg_dbid", "tenant_dbid", "username", "first_name", "last_name", "email", "employee_id", "is_agent"];
      await copyInto(tx, "bench.agents", agentColumns, counted(tables.persons(), () => rows++));
      await copyInto(tx, "bench.agent_skills", ["agent_id", "skill_dbid", "level"], counted(tables.skillLevels(), () => rows++));
    });
  });
  await sql`drop schema bench cascade`;
  return { ms, rows };
}

runCli(async () => {
  const { values } = parseArgs({
    options: {
      agents: { type: "string", default: String(WORKLOAD_L.agents) },
      changes: { type: "string", default: "2000" },
      seconds: { type: "string", default: "10" },
      "mesh-messages": { type: "string", default: "1000" },
    },
  });
  const agents = Number(values.agents);
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-bench-"));
  await fs.chmod(base, 0o755);
  const database = await openDatabase({ dataDir: path.join(base, "pg"), max: 4, applicationName: "wfm-bench" });
  const { sql } = database;
  const rows: Row[] = [];
  try {
    const size = agents === WORKLOAD_L.agents ? WORKLOAD_L : scaledWorkload(agents);
    console.error(`bench: loading ${agents.toLocaleString("en")} agents…`);
    const load = await loadWorkload(sql, size, { reset: true });
    rows.push({ measure: `load workload (${load.persons.toLocaleString("en")} persons, ${load.skillLevels.toLocaleString("en")} levels, with change feed)`, value: seconds(load.ms), target: "well under 60 s", verdict: load.ms < 60_000 ? "ok" : "MISSED" });
    await sql`insert into wfm.servers (name, sync_level) values ('Bench', 2)`;
    await sql`checkpoint`;

    console.error("bench: COPY floor…");
    const floor = await copyFloor(sql, agents);
    rows.push({ measure: `bare COPY of the same ${floor.rows.toLocaleString("en")} rows (floor)`, value: seconds(floor.ms), target: "—", verdict: "" });
    await sql`checkpoint`;

    console.error("bench: cold full sync…");
    await wfmWrites(sql);
    const cold = await withPeakRss(() => timed(() => runFullSync(sql, { server: "Bench", trigger: "manual" })));
    const coldMs = cold.result.ms;
    if (cold.result.result.status === "failed") throw new Error(`cold sync failed: ${cold.result.result.error}`);
    const ratio = coldMs / floor.ms;
    rows.push({ measure: "cold full sync, empty WFM, level 2", value: `${seconds(coldMs)} (${ratio.toFixed(1)}× floor)`, target: "≤ 2× floor", verdict: ratio <= 2 ? "ok" : "MISSED" });
    rows.push({ measure: "memory of the sync process during the cold sync", value: `${Math.round(cold.peak / 1048576)} MB peak RSS`, target: "≤ 250 MB", verdict: cold.peak <= 250 * 1048576 ? "ok" : "MISSED" });
    await wfmWrites(sql);
    await sql`vacuum analyze`;

    console.error("bench: full sync with nothing changed…");
    const before = await wfmWrites(sql);
    const idle = await timed(() => runFullSync(sql, { server: "Bench", trigger: "manual" }));
    await new Promise((r) => setTimeout(r, 600)); // the run's connection reports its statistics as it closes
    const written = (await wfmWrites(sql)) - before;
    rows.push({ measure: "full sync, nothing changed", value: `${seconds(idle.ms)}, ${written} rows written`, target: "≤ 1.5 s, 0 rows", verdict: idle.ms <= 1500 && written === 0 ? "ok" : "MISSED" });

    console.error("bench: full sync with 1% of agents changed…");
    await sql`update cfg.persons set email = 'changed.' || email where is_agent and dbid % 100 = 7`;
    const changed = await timed(() => runFullSync(sql, { server: "Bench", trigger: "manual" }));
    rows.push({ measure: `full sync, 1% of agents changed (${changed.result.counts.updated} updated)`, value: seconds(changed.ms), target: "≤ 2 s", verdict: changed.ms <= 2000 ? "ok" : "MISSED" });

    console.error("bench: agents search…");
    // The query behind GET /api/v1/agents?q= (the route adds only session and JSON handling): name fragments
    // of several lengths, 200 searches, a page of 50 each.
    const names = (await sql`select last_name, first_name from cfg.persons where is_agent order by dbid limit 200`) as unknown as { last_name: string; first_name: string }[];
    const times: number[] = [];
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      const q = i % 3 === 0 ? n.last_name.slice(0, 3) : i % 3 === 1 ? `${n.first_name} ${n.last_name}` : n.last_name.slice(1, 5);
      const t0 = performance.now();
      await searchAgents(sql, agentSearch.parse({ q, limit: 50 }));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const p95 = times[Math.floor(times.length * 0.95)]!;
    rows.push({ measure: `console: agents search by name (${times.length} searches, pages of 50)`, value: `p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`, target: "p95 ≤ 50 ms", verdict: p95 <= 50 ? "ok" : "MISSED" });

    console.error("bench: real-time, with a WFM Server process…");
    const rt = await measureRealtime(database, { server: "Bench", changes: Number(values.changes), seconds: Number(values.seconds) });
    const { latency, throughput } = rt;
    rows.push({
      measure: `real-time: cfg commit → WFM commit, one change at a time (${latency.n.toLocaleString("en")} changes)`,
      value: `p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
      target: "p50 ≤ 5 ms, p99 ≤ 25 ms",
      verdict: latency.p50 <= 5 && latency.p99 <= 25 ? "ok" : "MISSED",
    });
    const flat = throughput.lagLastThird <= Math.max(2 * throughput.lagFirstThird, throughput.offered * 0.5);
    rows.push({
      measure: `real-time: sustained (${throughput.changes.toLocaleString("en")} changes by 4 writers in ${values.seconds} s)`,
      value: `${Math.round(throughput.applied).toLocaleString("en")} changes/s applied (offered ${Math.round(throughput.offered).toLocaleString("en")}/s); max lag ${throughput.lagFirstThird} → ${throughput.lagLastThird} changes; caught up ${Math.round(throughput.catchUpMs)} ms after the writers stopped`,
      target: "≥ 5,000 changes/s, flat lag",
      verdict: throughput.applied >= 5000 && flat ? "ok" : "MISSED",
    });

    console.error("bench: mesh, 8 WFM Servers in a ring…");
    const mesh = await measureMesh(database, { servers: 8, messages: Number(values["mesh-messages"]) });
    rows.push({
      measure: `mesh: invalidation reaches all 8 servers of a ring (${mesh.messages.toLocaleString("en")} messages)`,
      value: `p50 ${mesh.p50.toFixed(2)} ms, p99 ${mesh.p99.toFixed(2)} ms; ${mesh.checksDuring} timestamp queries meanwhile`,
      target: "p99 ≤ 10 ms; 0 timestamp queries",
      verdict: mesh.p99 <= 10 && mesh.checksDuring === 0 ? "ok" : "MISSED",
    });
    rows.push({
      measure: "freshness-check queries per server per hour (CacheSlack defaults)",
      value: "6 with web events (600 s), 120 without (30 s)",
      target: "—",
      verdict: "",
    });
  } finally {
    await database.shutdown();
    await fs.rm(base, { recursive: true, force: true });
  }

  const widths = (["measure", "value", "target", "verdict"] as const).map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`\nwfm-sync bench — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)}, ${agents.toLocaleString("en")} agents\n`);
  console.log(line(["measure", "value", "target", "verdict"]));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line([r.measure, r.value, r.target, r.verdict]));
});
