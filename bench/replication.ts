/**
 * The replicated-source measures (issue 14, SPEC §2.9 and §8): a source whose Configuration Database is another
 * PostgreSQL cluster, started here for the purpose (wal_level = logical; lib/testing/publisher-cluster.ts), with
 * the bench's WFM database as the subscriber.
 *
 * 1. The workload is loaded into the source's schema there (`npm run cfg-source -- init`'s installPublisher, then
 *    loadWorkload with `configurationDatabase`), the source is registered in WFM (createSource: a subscription),
 *    and the initial copy is timed until every table of the subscription is ready (pg_subscription_rel all 'r');
 *    then the cold full sync of a level-2 server of that source, in-process as main's is, to be set beside main's
 *    (a local source) of the same run.
 * 2. A WFM Server process of the source (`--source`): single-person changes committed there one at a time, each
 *    timed from its commit returning to the server's cursor NOTIFY (`wfm_cursor`, sent in the server's batch
 *    transaction, so delivered at its commit) — and, on the way, to the NOTIFY of the source's feed in WFM
 *    (`cfg_<name>_changes`, sent when the apply worker commits the replicated transaction): the replication part.
 * 3. Writers there at a steady rate (a "change" is one person's row updated: one change in the source's feed in
 *    WFM, one agent for the server to update; CHANGES_PER_TRANSACTION of them per transaction) for a while, the
 *    lag sampled every second: the subscription's in bytes and seconds (replicationStatus: the publisher's slot
 *    and walsender), changes committed there not yet in WFM's feed, and changes not yet applied by the server.
 *
 * The source, its server and what WFM imported from it are removed afterwards (and before, when an earlier bench
 * on an external database stopped half-way), the publisher cluster with them, on failure as well.
 */
import postgres from "postgres";
import { installPublisher } from "../lib/config/publisher";
import { replicationStatus } from "../lib/config/replication";
import { feedChannel, schemaOf, subscriptionOf } from "../lib/config/source-names";
import { createSource } from "../lib/config/sources";
import type { Database, Sql } from "../lib/db";
import { copyInto, loadWorkload } from "../lib/demo/load";
import { generateWorkload, type WorkloadSize } from "../lib/demo/workload";
import { spawnServer, type ServerProcess } from "../lib/server/process";
import { runFullSync } from "../lib/sync/engine";
import { startPublisherCluster, type PublisherCluster } from "../lib/testing/publisher-cluster";
import { LAG_RULE, lagLimit, lagWindowMax, type Measure, type ReplicatedLagSample, type ReplicatedWorkload } from "./results";
import { dropBenchSource } from "./sources";

export const REPLICATED_SOURCE = "benchrep";
/** Its level-2 server. */
export const REPLICATED_SERVER = "BenchRep";
/** Changes made one at a time for the latency. */
export const REPLICATED_CHANGES = 300;
/** The sustained writers: this many changes a second, for this long, in transactions of this many changes. */
export const SUSTAINED_RATE = 5000;
export const SUSTAINED_SECONDS = 20;
export const CHANGES_PER_TRANSACTION = 50;
export const SUSTAINED_WRITERS = 2;
/** The Configuration Database's name in the publisher cluster. */
const CONFIG_DATABASE = "config";
/** Longest waits: the initial copy of workload L, a server's start-up full sync, catching up after the writers. */
const COPY_LIMIT_MS = 30 * 60_000;
const CATCH_UP_LIMIT_MS = 10 * 60_000;

export interface ReplicationFigures {
  workload: ReplicatedWorkload;
  /** Loading the workload into the source's schema in its own Configuration Database. */
  loadMs: number;
  /** From registering the source in WFM to every table of its subscription ready. */
  copyMs: number;
  /** Changes WFM's feed of the source recorded for the copy. */
  copyChanges: number;
  coldMs: number;
  /** Publisher commit → WFM Server's commit, and → the NOTIFY of the source's feed in WFM (the replication part). */
  latency: Quantiles;
  arrival: Quantiles;
  sustained: Sustained;
}

export interface Quantiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Sustained {
  changes: number;
  /** The rate the writers committed at, from their start to their last commit. */
  offered: number;
  /** The rate the server applied at, from the writers' start until its cursor reached their last change. */
  applied: number;
  writingMs: number;
  /** From the writers' last commit to the server's cursor at their last change. */
  catchUpMs: number;
  samples: ReplicatedLagSample[];
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const quantiles = (values: number[]): Quantiles => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1)! };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the bench's listener has heard: the head of the source's feed in WFM (its NOTIFY carries the last seq of
 * each replicated transaction) and the server's cursor; waits resolve with the time the awaited notification came.
 */
class Heard {
  feed = 0;
  cursor = 0;
  private waiters: { ready: () => boolean; resolve: (at: number) => void }[] = [];

  /** A notification came: wakes the waits it satisfies. */
  heard() {
    const at = performance.now();
    for (const waiter of [...this.waiters]) {
      if (waiter.ready()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(at);
      }
    }
  }

  /** Resolves with the time `ready` became true (now, when it is already), or fails after `ms` naming `what`. */
  until(ready: () => boolean, what: string, ms: number): Promise<number> {
    if (ready()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`bench: gave up waiting ${Math.round(ms / 1000)} s for ${what} (feed ${this.feed}, cursor ${this.cursor})`));
      }, ms);
      const waiter = { ready, resolve: (at: number) => (clearTimeout(timer), resolve(at)) };
      this.waiters.push(waiter);
    });
  }
}

/** Runs the three measures; leaves WFM and the machine as it found them. `size` is the run's workload (--agents). */
export async function measureReplication(database: Database, options: { size: WorkloadSize }): Promise<ReplicationFigures> {
  const { sql } = database;
  const source = REPLICATED_SOURCE;
  const schema = schemaOf(source);
  await dropReplicatedSource(sql);
  let cluster: PublisherCluster | undefined;
  let config: Sql | undefined;
  let listener: Sql | undefined;
  let server: ServerProcess | undefined;
  try {
    cluster = await startPublisherCluster();
    const admin = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${CONFIG_DATABASE}`).finally(() => admin.end());
    const url = cluster.adminUrl.replace(/\/postgres$/, `/${CONFIG_DATABASE}`);
    config = postgres(url, { max: 2, onnotice: () => {} });
    const [version] = await config`select current_setting('server_version') as v, current_setting('fsync') as fsync, current_setting('synchronous_commit') as sc`;

    // 1. The workload there, the copy into WFM, the cold full sync of a level-2 server of the source.
    console.error(`bench: replicated source: loading ${options.size.agents.toLocaleString("en")} agents into its own Configuration Database…`);
    await installPublisher(url, source);
    const load = await loadWorkload(config, options.size, { source, configurationDatabase: true });

    console.error("bench: replicated source: registering it, initial copy…");
    const copyStarted = performance.now();
    await createSource(sql, { name: source, kind: "replicated", connection: url });
    await copied(sql, source);
    const copyMs = performance.now() - copyStarted;
    const [feed] = await sql`select seq from ${sql(`${schema}.change_counter`)}`;
    const copyChanges = Number(feed!.seq);
    // A level-2 server of the source puts its agents on the sites of its switches, as the local load makes them.
    const sites = generateWorkload(options.size, source).sites.map(([name, zone, switchDbid]) => [name ?? null, zone ?? null, switchDbid == null ? null : source, switchDbid ?? null]);
    await sql.begin((tx) => copyInto(tx, "wfm.sites", ["name", "time_zone", "switch_source", "switch_dbid"], sites));
    await sql`insert into wfm.servers (name, sync_level, source) values (${REPLICATED_SERVER}, 2, ${source})
              on conflict (name) do update set sync_level = 2, source = excluded.source`;
    await sql`checkpoint`;

    // Nothing but autovacuum analyses what a subscription copied: say whether the planner knew those tables.
    const [analysed] = await sql`
      select count(*) filter (where last_analyze is not null or last_autoanalyze is not null)::int as n, count(*)::int as of
        from pg_stat_user_tables where schemaname = ${schema} and relname in ('persons', 'agent_logins', 'skill_levels', 'skills', 'switches', 'time_zones', 'tenants')`;
    console.error(`bench: replicated source: copied in ${(copyMs / 1000).toFixed(2)} s; ${analysed!.n} of its ${analysed!.of} tables in WFM analysed so far; cold full sync…`);
    const coldStarted = performance.now();
    const cold = await runFullSync(sql, { server: REPLICATED_SERVER, trigger: "manual" });
    const coldMs = performance.now() - coldStarted;
    if (cold.status === "failed") throw new Error(`the cold full sync of the replicated source failed: ${cold.error}`);
    const [imported] = await sql`select count(*)::int as n from wfm.agents where source = ${source}`;
    if (imported!.n !== options.size.agents) throw new Error(`the cold sync of the replicated source left ${imported!.n} of its ${options.size.agents} agents in WFM`);
    await sql`vacuum analyze`;

    // 2. One change at a time, with a WFM Server of the source running.
    console.error("bench: replicated source: one change at a time, with a WFM Server process…");
    const heard = new Heard();
    listener = postgres(database.url, { max: 1, onnotice: () => {} });
    await listener.listen(feedChannel(source), (payload) => {
      heard.feed = Math.max(heard.feed, Number(payload));
      heard.heard();
    });
    await listener.listen("wfm_cursor", (payload) => {
      const [name, seq] = payload.split(":");
      if (name !== REPLICATED_SERVER) return;
      heard.cursor = Math.max(heard.cursor, Number(seq));
      heard.heard();
    });
    server = await spawnServer({ root: process.cwd(), databaseUrl: database.url, name: REPLICATED_SERVER, args: ["--source", source], output: "keep" });
    await server.waitForLine((l) => String(l.msg).startsWith("full sync ") && l.status !== undefined, CATCH_UP_LIMIT_MS);
    const [state] = await sql`
      select (select seq from ${sql(`${schema}.change_counter`)}) as feed,
             (select last_seq from wfm.sync_cursors where server = ${REPLICATED_SERVER} and source = ${source}) as cursor`;
    heard.feed = Math.max(heard.feed, Number(state!.feed));
    heard.cursor = Math.max(heard.cursor, Number(state!.cursor ?? 0));
    await heard.until(() => heard.cursor >= heard.feed, `${REPLICATED_SERVER} to catch up with its source's feed after its start-up sync`, CATCH_UP_LIMIT_MS);
    const dbids = (await sql`select cfg_dbid from wfm.agents where source = ${source} and termination_date is null order by cfg_dbid`).map((r) => Number(r.cfg_dbid));
    if (dbids.length < CHANGES_PER_TRANSACTION * SUSTAINED_WRITERS * 2) throw new Error(`the replicated source has only ${dbids.length} agents in WFM: too few to measure`);

    const persons = config(`${schema}.persons`);
    const latencies: number[] = [];
    const arrivals: number[] = [];
    for (let i = 0; i < REPLICATED_CHANGES; i++) {
      const before = heard.feed;
      // Nothing else writes there: the next transaction WFM's feed records is this one.
      const arrived = heard.until(() => heard.feed > before, `change ${i + 1} to reach WFM's feed of ${source}`, CATCH_UP_LIMIT_MS);
      await config`update ${persons} set first_name = ${`R${i}-${Date.now()}`} where dbid = ${dbids[(i * 7919) % dbids.length]!}`;
      const committed = performance.now();
      const arrivedAt = await arrived;
      const seq = heard.feed;
      const appliedAt = await heard.until(() => heard.cursor >= seq, `${REPLICATED_SERVER} to apply change ${i + 1}`, CATCH_UP_LIMIT_MS);
      arrivals.push(Math.max(0, arrivedAt - committed));
      latencies.push(Math.max(0, appliedAt - committed));
    }

    const q = quantiles(latencies);
    console.error(`bench: replicated source: one change at a time: p50 ${q.p50.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms; of which to WFM's feed p50 ${quantiles(arrivals).p50.toFixed(1)} ms`);

    // 3. Sustained writing there, the lag sampled every second.
    console.error(`bench: replicated source: ${SUSTAINED_RATE.toLocaleString("en")} changes/s written there for ${SUSTAINED_SECONDS} s…`);
    const sustained = await sustain(sql, url, source, { heard, dbids, slot: await slotOf(sql, source) });

    return {
      workload: {
        source,
        server: REPLICATED_SERVER,
        agents: options.size.agents,
        persons: load.persons,
        skillLevels: load.skillLevels,
        sites: sites.length,
        publisher: `embedded PostgreSQL ${version!.v} in a cluster of its own, wal_level logical, fsync ${version!.fsync}, synchronous_commit ${version!.sc}`,
        singleChanges: REPLICATED_CHANGES,
        rate: SUSTAINED_RATE,
        seconds: SUSTAINED_SECONDS,
        changesPerTransaction: CHANGES_PER_TRANSACTION,
        writers: SUSTAINED_WRITERS,
      },
      loadMs: load.ms,
      copyMs,
      copyChanges,
      coldMs,
      latency: quantiles(latencies),
      arrival: quantiles(arrivals),
      sustained,
    };
  } finally {
    await server?.stop().catch(() => {});
    await listener?.end().catch(() => {});
    await config?.end().catch(() => {});
    // The subscription goes before its publisher: deleting the source drops its slot there.
    await dropReplicatedSource(sql).catch((error) => console.error(`bench: the replicated source could not be removed: ${(error as Error).message.split("\n")[0]}`));
    await cluster?.remove().catch((error) => console.error(`bench: the replicated source's PostgreSQL cluster (${cluster!.dataDir}) could not be stopped and removed: ${(error as Error).message.split("\n")[0]}`));
  }
}

/** Until every table of the source's subscription is ready: its initial copy done. */
async function copied(sql: Sql, source: string): Promise<void> {
  const until = performance.now() + COPY_LIMIT_MS;
  for (;;) {
    const [row] = await sql`
      select count(*)::int as tables, count(*) filter (where r.srsubstate = 'r')::int as ready
        from pg_subscription s join pg_subscription_rel r on r.srsubid = s.oid
       where s.subname = ${subscriptionOf(source)} and s.subdbid = (select oid from pg_database where datname = current_database())`;
    if (row!.tables > 0 && row!.ready === row!.tables) return;
    if (performance.now() > until) throw new Error(`bench: the initial copy of ${source} did not finish within ${COPY_LIMIT_MS / 60_000} minutes (${row!.ready} of ${row!.tables} tables ready)`);
    await sleep(50);
  }
}

async function slotOf(sql: Sql, source: string): Promise<{ name: string; connection: string; slot: string }> {
  const [row] = await sql<{ connection: string; slot: string }[]>`select connection, slot from wfm.config_sources where name = ${source}`;
  return { name: source, connection: row!.connection, slot: row!.slot };
}

/**
 * SUSTAINED_WRITERS writers on the publisher, each taking the next transaction due (CHANGES_PER_TRANSACTION
 * persons' emails, each to a value it never had) on a schedule of SUSTAINED_RATE changes a second, for
 * SUSTAINED_SECONDS; a sample every second until the server has applied the last of them.
 */
async function sustain(
  sql: Sql,
  url: string,
  source: string,
  options: { heard: Heard; dbids: number[]; slot: { name: string; connection: string; slot: string } },
): Promise<Sustained> {
  const { heard, dbids } = options;
  const writers = Array.from({ length: SUSTAINED_WRITERS }, () => postgres(url, { max: 1, onnotice: () => {} }));
  const persons = `${schemaOf(source)}.persons`;
  const transactions = Math.round((SUSTAINED_RATE * SUSTAINED_SECONDS) / CHANGES_PER_TRANSACTION);
  const every = (CHANGES_PER_TRANSACTION / SUSTAINED_RATE) * 1000;
  const feedStart = heard.feed;
  let next = 0;
  let written = 0;
  let lastCommit = 0;
  let writing = true;
  let stopped = false;
  const samples: ReplicatedLagSample[] = [];
  const started = performance.now();
  // One sample a second, each after the last (a slow one delays the next), until the server has applied
  // everything written or the run stops.
  const sampling = (async () => {
    for (let k = 1; !stopped; k++) {
      const wait = started + k * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopped) return;
      const done = !writing && heard.cursor >= feedStart + written;
      const status = await replicationStatus(sql, options.slot);
      samples.push({
        atMs: Math.round(performance.now() - started),
        lagBytes: status.lagBytes,
        lagSeconds: status.lagSeconds === null ? null : Math.round(status.lagSeconds * 1000) / 1000,
        subscription: Math.max(0, written - (heard.feed - feedStart)),
        backlog: Math.max(0, heard.feed - heard.cursor),
      });
      if (done) return;
    }
  })();
  // Waited for below; a failure meanwhile is not left unhandled.
  sampling.catch(() => {});
  try {
    await Promise.all(
      writers.map(async (w) => {
        for (;;) {
          const k = next++;
          if (k >= transactions) return;
          const wait = started + k * every - performance.now();
          if (wait > 0) await sleep(wait);
          const from = (k * CHANGES_PER_TRANSACTION) % (dbids.length - CHANGES_PER_TRANSACTION);
          const ids = dbids.slice(from, from + CHANGES_PER_TRANSACTION);
          await w`update ${w(persons)} set email = 's' || ${k}::int || '.' || dbid || '@example.com' where dbid = any(${ids}::bigint[])`;
          written += ids.length;
          lastCommit = performance.now();
        }
      }),
    );
    writing = false;
    const writingMs = lastCommit - started;
    const end = feedStart + written;
    await heard.until(() => heard.feed >= end, `the ${written.toLocaleString("en")} changes written there to reach WFM's feed`, CATCH_UP_LIMIT_MS);
    const caughtUp = await heard.until(() => heard.cursor >= end, `${REPLICATED_SERVER} to apply the ${written.toLocaleString("en")} changes`, CATCH_UP_LIMIT_MS);
    await sampling;
    if (samples.length < 3) throw new Error(`bench: only ${samples.length} lag samples while the writers wrote`);
    return {
      changes: written,
      offered: written / (writingMs / 1000),
      applied: written / ((caughtUp - started) / 1000),
      writingMs: Math.round(writingMs),
      catchUpMs: Math.max(0, caughtUp - lastCommit),
      samples,
    };
  } finally {
    writing = false;
    stopped = true;
    await sampling.catch(() => {});
    await Promise.all(writers.map((w) => w.end()));
  }
}

/** Removes the replicated source, if there is one; with force, as its publisher may be gone already. */
export const dropReplicatedSource = (sql: Sql) => dropBenchSource(sql, REPLICATED_SOURCE, { force: true });

/** The first, last and largest of a series while the writers wrote (samples without a value left out). */
function series(samples: ReplicatedLagSample[], writingMs: number, value: (s: ReplicatedLagSample) => number | null): { first: number; last: number; max: number } {
  const values = samples.filter((s) => s.atMs <= writingMs + 500).map(value).filter((v): v is number => v !== null);
  if (!values.length) return { first: Number.NaN, last: Number.NaN, max: Number.NaN };
  return { first: values[0]!, last: values.at(-1)!, max: Math.max(...values) };
}

/** The figures as the bench's measures, by id; `localCold` is main's cold full sync of the same run. */
export function replicationMeasures(f: ReplicationFigures, localCold: Measure): Record<string, Omit<Measure, "ratio" | "verdict">> {
  const s = f.sustained;
  const lag = (pick: (x: ReplicatedLagSample) => number) => s.samples.map((x) => ({ atMs: x.atMs, lag: pick(x) }));
  const third = (pick: (x: ReplicatedLagSample) => number) => ({
    start: lagWindowMax(lag(pick), 0, s.writingMs / 3),
    end: lagWindowMax(lag(pick), (2 * s.writingMs) / 3, s.writingMs + 500),
  });
  const subscription = third((x) => x.subscription);
  const backlog = third((x) => x.backlog);
  const bytes = series(s.samples, s.writingMs, (x) => x.lagBytes);
  const seconds = series(s.samples, s.writingMs, (x) => x.lagSeconds);
  const kB = (n: number) => Math.round(n / 1024);
  return {
    "replicated.load.seconds": { label: "load the workload into the source's schema in its own Configuration Database, with its change feed there", value: f.loadMs / 1000, unit: "s", decimals: 2 },
    "replicated.copy.seconds": { label: "register the source in WFM until its subscription's initial copy is done (pg_subscription_rel all ready)", value: f.copyMs / 1000, unit: "s", decimals: 2 },
    "replicated.copy.changes": { label: "changes WFM's feed of the source recorded for the copy", value: f.copyChanges, unit: "changes", decimals: 0 },
    "replicated.cold.seconds": {
      label: "cold full sync of the replicated source after its copy, level 2", value: f.coldMs / 1000, unit: "s", decimals: 2,
      baseline: { measure: "cold.seconds", value: localCold.value, name: "a local source" },
    },
    "replicated.latency.n": { label: "changes committed there one at a time", value: f.latency.n, unit: "changes", decimals: 0 },
    "replicated.latency.p50": { label: "commit in the external Configuration Database → WFM commit, one change, median", value: f.latency.p50, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 50 } },
    "replicated.latency.p99": { label: "commit in the external Configuration Database → WFM commit, one change, 99th percentile", value: f.latency.p99, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 250 } },
    "replicated.latency.max": { label: "commit in the external Configuration Database → WFM commit, one change, slowest", value: f.latency.max, unit: "ms", decimals: 1 },
    "replicated.arrival.p50": { label: "commit there → the change in WFM's feed of the source (its NOTIFY), median", value: f.arrival.p50, unit: "ms", decimals: 1 },
    "replicated.arrival.p99": { label: "commit there → the change in WFM's feed of the source (its NOTIFY), 99th percentile", value: f.arrival.p99, unit: "ms", decimals: 1 },
    "replicated.sustained.changes": { label: "changes written there at the sustained rate", value: s.changes, unit: "changes", decimals: 0 },
    "replicated.sustained.offered": { label: "rate the writers there committed at", value: Math.round(s.offered), unit: "changes/s", decimals: 0 },
    "replicated.sustained.applied": { label: "rate the WFM Server applied at, until caught up", value: Math.round(s.applied), unit: "changes/s", decimals: 0 },
    "replicated.sustained.catchUp": { label: "time from the writers' last commit to the server's cursor at their last change", value: Math.round(s.catchUpMs), unit: "ms", decimals: 0 },
    "replicated.sustained.lagBytesFirst": { label: "subscription lag in bytes (the publisher's slot), first sample", value: kB(bytes.first), unit: "kB", decimals: 0 },
    "replicated.sustained.lagBytesLast": { label: "subscription lag in bytes, last sample while writing", value: kB(bytes.last), unit: "kB", decimals: 0 },
    "replicated.sustained.lagBytesMax": { label: "subscription lag in bytes, largest while writing", value: kB(bytes.max), unit: "kB", decimals: 0 },
    "replicated.sustained.lagSecondsFirst": { label: "subscription lag in seconds (the walsender's replay lag), first sample", value: seconds.first, unit: "s", decimals: 2 },
    "replicated.sustained.lagSecondsLast": { label: "subscription lag in seconds, last sample while writing", value: seconds.last, unit: "s", decimals: 2 },
    "replicated.sustained.lagSecondsMax": { label: "subscription lag in seconds, largest while writing", value: seconds.max, unit: "s", decimals: 2 },
    "replicated.sustained.subscriptionStart": { label: "changes committed there and not yet in WFM's feed, largest in the first third of the writers' run", value: subscription.start, unit: "changes", decimals: 0 },
    "replicated.sustained.subscriptionEnd": {
      label: "changes committed there and not yet in WFM's feed, largest in the last third", value: subscription.end, unit: "changes", decimals: 0,
      target: { of: "value", op: "<=", limit: lagLimit(subscription.start), rule: LAG_RULE },
    },
    "replicated.sustained.backlogStart": { label: "changes in WFM's feed of the source not yet applied by its server, largest in the first third", value: backlog.start, unit: "changes", decimals: 0 },
    "replicated.sustained.backlogEnd": {
      label: "changes in WFM's feed of the source not yet applied by its server, largest in the last third", value: backlog.end, unit: "changes", decimals: 0,
      target: { of: "value", op: "<=", limit: lagLimit(backlog.start), rule: LAG_RULE },
    },
  };
}
