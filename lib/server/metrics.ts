/**
 * The server's Prometheus metrics (prom-client), one registry per server so several servers can share a
 * test process. Cursor lag is read from the database when scraped, so it is true even while the server
 * is stuck or backing up.
 */
import { schemaOf } from "../config/source-names";
import client from "prom-client";
import type { Sql } from "../db/client";
import type { MeshNode } from "../mesh/node";
import type { ServerCache } from "./cache";
import type { ServerEvents } from "./events";
import type { SourceHealth } from "./source-health";

export type ServerMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: {
  server: string;
  sql: () => Sql;
  role: () => string;
  cache: () => ServerCache | undefined;
  mesh: () => MeshNode | undefined;
  /** The watch of the server's source (source-health.ts): what its last check saw, never a new check. */
  source?: () => SourceHealth | undefined;
}) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ server: options.server });
  client.collectDefaultMetrics({ register: registry });

  new client.Gauge({
    name: "wfm_server_role",
    help: "1 for this instance's current role (primary, backup, starting, stopping)",
    labelNames: ["role"],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ role: options.role() }, 1);
    },
  });
  let lagCache = { changes: 0, seconds: 0 };
  const readLag = async () => {
    try {
      const sql = options.sql();
      // The lag in the feed of the server's own source (SPEC §2.9), behind its cursor for that source.
      const [server] = await sql<{ source: string }[]>`select source from wfm.servers where name = ${options.server}`;
      if (!server) return lagCache;
      const S = schemaOf(server.source);
      const [row] = await sql<{ changes: number; seconds: number }[]>`
        select k.seq - coalesce(c.last_seq, 0) as changes,
               coalesce(extract(epoch from clock_timestamp() - (select at from ${sql(`${S}.changes`)} where seq = coalesce(c.last_seq, 0) + 1)), 0)::float8 as seconds
          from ${sql(`${S}.change_counter`)} k
          left join wfm.sync_cursors c on c.server = ${options.server} and c.source = ${server.source}`;
      if (row) lagCache = { changes: Number(row.changes), seconds: Math.max(0, row.seconds) };
    } catch {
      // The database is away: report the last known lag; /healthz says the database is down.
    }
    return lagCache;
  };
  new client.Gauge({
    name: "wfm_cursor_lag_changes",
    help: "Changes in the feed after this server's cursor",
    registers: [registry],
    async collect() {
      this.set((await readLag()).changes);
    },
  });
  new client.Gauge({
    name: "wfm_cursor_lag_seconds",
    help: "Age of the oldest change this server has not applied (0 when caught up)",
    registers: [registry],
    async collect() {
      this.set((await readLag()).seconds);
    },
  });
  const changesApplied = new client.Counter({
    name: "wfm_changes_applied_total",
    help: "Feed changes applied by real-time sync",
    registers: [registry],
  });
  const changesSkipped = new client.Counter({
    name: "wfm_changes_skipped_total",
    help: "Feed changes not applied, by reason (out_of_scope, level_0, left_alone: manually terminated or awaiting a full sync)",
    labelNames: ["reason"],
    registers: [registry],
  });
  const runs = new client.Counter({
    name: "wfm_sync_runs_total",
    help: "Full and targeted runs finished, by kind and status",
    labelNames: ["kind", "status"],
    registers: [registry],
  });
  const runDuration = new client.Histogram({
    name: "wfm_sync_run_duration_seconds",
    help: "Duration of full and targeted runs",
    labelNames: ["kind"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const batchDuration = new client.Histogram({
    name: "wfm_realtime_batch_duration_seconds",
    help: "Duration of real-time batches that applied changes (read, apply and commit)",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new client.Gauge({
    name: "wfm_cache_checks_total",
    help: "Timestamp checks (freshness-check queries) this server has made",
    registers: [registry],
    collect() {
      this.set(options.cache()?.checks ?? 0);
    },
  });
  new client.Gauge({
    name: "wfm_cache_loads_total",
    help: "Loads of each cached entity (at start, and on timestamp checks and mesh messages that found it stale)",
    labelNames: ["entity"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [entity, loads] of Object.entries(options.cache()?.loads ?? {})) this.set({ entity }, loads);
    },
  });
  new client.Gauge({
    name: "wfm_cache_age_seconds",
    help: "Seconds since each cached entity was last reloaded",
    labelNames: ["entity"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [entity, at] of Object.entries(options.cache()?.reloadedAt ?? {})) this.set({ entity }, (Date.now() - at) / 1000);
    },
  });
  const meshCount = (name: string, help: string, key: keyof MeshNode["counts"]) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(options.mesh()?.counts[key] ?? 0);
      },
    });
  meshCount("wfm_mesh_messages_sent_total", "Mesh messages this server announced (each counted once per link)", "sent");
  meshCount("wfm_mesh_messages_received_total", "Mesh messages received for the first time and applied", "received");
  meshCount("wfm_mesh_messages_relayed_total", "Mesh messages passed on to other links (each counted once per link)", "relayed");
  meshCount("wfm_mesh_messages_duplicate_total", "Mesh messages dropped as already seen", "duplicates");
  meshCount("wfm_mesh_messages_malformed_total", "Mesh messages dropped as oversized or malformed", "malformed");
  meshCount("wfm_mesh_peers_refused_total", "Mesh upgrade requests refused (no or bad token), each counted though the log is limited", "refused");
  meshCount("wfm_mesh_messages_throttled_total", "Mesh messages dropped unread because their link was over the rate limit", "throttled");
  meshCount("wfm_mesh_links_flooding_total", "Mesh links closed for flooding (dropping over the rate limit and keeping on)", "flooding");
  new client.Gauge({
    name: "wfm_mesh_peers_connected",
    help: "Open mesh links (inbound and outbound)",
    registers: [registry],
    collect() {
      this.set(options.mesh()?.connected ?? 0);
    },
  });
  // The replication of the server's source (SPEC §2.9), as its last check saw it: a scrape never opens a
  // connection to the publisher. A local source, or one not checked yet, has no samples.
  const replicated = () => options.source?.()?.current;
  const sourceGauge = (name: string, help: string, value: (status: NonNullable<ReturnType<typeof replicated>>["status"]) => number | null) =>
    new client.Gauge({
      name,
      help,
      labelNames: ["source"],
      registers: [registry],
      collect() {
        this.reset();
        const current = replicated();
        const figure = current ? value(current.status) : null;
        if (current && figure !== null) this.set({ source: current.source }, figure);
      },
    });
  sourceGauge("wfm_source_replication_up", "1 while the server's replicated source's subscription is receiving (copying, streaming or catching up), 0 while it is down", (s) =>
    s.state === "down" ? 0 : 1,
  );
  sourceGauge("wfm_source_replication_lag_bytes", "WAL the source's publisher has and WFM has not confirmed, from its replication slot (absent when the publisher cannot be asked)", (s) => s.lagBytes);
  sourceGauge("wfm_source_replication_lag_seconds", "How far behind WFM's apply of the replicated source is in time (0 when caught up; absent when unknown, as while down)", (s) => s.lagSeconds);
  new client.Gauge({
    name: "wfm_source_replication_state",
    help: "1 for the replicated source's current state (copying, streaming, catching up, down)",
    labelNames: ["source", "state"],
    registers: [registry],
    collect() {
      this.reset();
      const current = replicated();
      if (current) this.set({ source: current.source, state: current.status.state }, 1);
    },
  });
  new client.Gauge({
    name: "wfm_source_replication_checks_total",
    help: "Checks of replicated sources' subscriptions this instance has made (one every few seconds while its source is replicated)",
    labelNames: ["source"],
    registers: [registry],
    collect() {
      this.reset();
      const health = options.source?.();
      if (health?.current) this.set({ source: health.current.source }, health.checks);
    },
  });
  const invalidationDelay = new client.Histogram({
    name: "wfm_mesh_invalidation_delay_seconds",
    help: "From a change's announcement to this server applying it",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  return { registry, changesApplied, changesSkipped, runs, runDuration, batchDuration, invalidationDelay };
}

/** The metrics that count what happens, fed by the server's events (the runtime knows nothing of them). */
export function observeEvents(metrics: ServerMetrics, events: ServerEvents): void {
  const run = (kind: "full" | "targeted") => ({ result, seconds }: { result: { status: string }; seconds: number }) => {
    metrics.runs.inc({ kind, status: result.status });
    metrics.runDuration.observe({ kind }, seconds);
  };
  events.on("sync:full:finish", run("full"));
  events.on("sync:targeted:finish", run("targeted"));
  events.on("realtime:batch:applied", ({ batch, seconds }) => {
    metrics.batchDuration.observe(seconds);
    if (batch.level === 0) {
      metrics.changesSkipped.inc({ reason: "level_0" }, batch.changes);
      return;
    }
    metrics.changesSkipped.inc({ reason: "out_of_scope" }, batch.outOfScope);
    metrics.changesSkipped.inc({ reason: "left_alone" }, batch.counts.skipped);
    metrics.changesApplied.inc(Math.max(0, batch.changes - batch.outOfScope - batch.counts.skipped));
  });
}
