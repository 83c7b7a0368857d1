/**
 * Real-time measures (SPEC §8) against a real WFM Server process:
 * - latency: one cfg change at a time, from the writer's commit returning to the server's cursor NOTIFY
 *   (sent in the server's batch transaction, so delivered at its commit) — p50 and p99;
 * - throughput: writers change cfg as fast as they can for a while; the rate the server applies, and
 *   whether its lag grows.
 */
import postgres from "postgres";
import type { Database } from "../lib/db";
import { spawnServer } from "../lib/server/process";
import { lagWindowMax, latencyHistogram, type LagSample, type LatencyBucket } from "./results";

export const WRITERS = 4;
export const AGENTS_PER_STATEMENT = 5;

export interface RealtimeFigures {
  latency: { n: number; p50: number; p90: number; p99: number; max: number; histogram: LatencyBucket[] };
  throughput: {
    offered: number;
    applied: number;
    /** The largest lag sampled in the first and in the last third of the writers' run. */
    lagFirstThird: number;
    lagLastThird: number;
    catchUpMs: number;
    changes: number;
    /** Every lag sample (every 250 ms), and how long the writers wrote. */
    samples: LagSample[];
    writingMs: number;
  };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function measureRealtime(database: Database, options: { server: string; changes: number; seconds: number }): Promise<RealtimeFigures> {
  const server = await spawnServer({ root: process.cwd(), databaseUrl: database.url, name: options.server, output: "keep" });
  const writer = postgres(database.url, { max: 1, onnotice: () => {} });
  const listener = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    await server.waitForLine((l) => String(l.msg).startsWith("full sync ") && l.status !== undefined, 600_000);
    const dbids = (await writer`select dbid from cfg.persons where is_agent order by dbid limit 5000`).map((r) => Number(r.dbid));
    let cursor = 0;
    let waiting: { seq: number; resolve: () => void } | undefined;
    await listener.listen("wfm_cursor", (payload) => {
      const [name, seq] = payload.split(":");
      if (name !== options.server) return;
      cursor = Number(seq);
      if (waiting && cursor >= waiting.seq) waiting.resolve();
    });

    // Latency: one change, wait until it is applied, the next.
    const latencies: number[] = [];
    for (let i = 0; i < options.changes; i++) {
      const dbid = dbids[i % dbids.length]!;
      const [row] = await writer`
        update cfg.persons set first_name = ${`R${i}-${Date.now()}`} where dbid = ${dbid}
        returning (select seq from cfg.change_counter) as seq`;
      const committed = performance.now();
      const seq = Number(row!.seq);
      if (cursor < seq) await new Promise<void>((resolve) => (waiting = { seq, resolve }));
      latencies.push(performance.now() - committed);
    }
    latencies.sort((a, b) => a - b);

    // Throughput: WRITERS writers, each statement changing AGENTS_PER_STATEMENT agents' emails, as fast as they go.
    const writers = Array.from({ length: WRITERS }, () => postgres(database.url, { max: 1, onnotice: () => {} }));
    const head = async () => Number((await writer`select seq from cfg.change_counter`)[0]!.seq);
    const startSeq = await head();
    const started = performance.now();
    const until = started + options.seconds * 1000;
    const lags: LagSample[] = [];
    const sampler = setInterval(async () => {
      const h = await head().catch(() => 0);
      lags.push({ atMs: Math.round(performance.now() - started), lag: Math.max(0, h - cursor) });
    }, 250);
    await Promise.all(
      writers.map(async (w, n) => {
        for (let i = 0; performance.now() < until; i++) {
          const from = (n * 997 + i * AGENTS_PER_STATEMENT) % (dbids.length - AGENTS_PER_STATEMENT);
          await w`update cfg.persons set email = ${`t${i}.${n}@example.com`} where dbid = any(${dbids.slice(from, from + AGENTS_PER_STATEMENT)}::bigint[])`;
        }
      }),
    );
    const writing = performance.now() - started;
    const endSeq = await head();
    if (cursor < endSeq) await new Promise<void>((resolve) => (waiting = { seq: endSeq, resolve }));
    const total = performance.now() - started;
    clearInterval(sampler);
    await Promise.all(writers.map((w) => w.end()));
    const changes = endSeq - startSeq;
    return {
      latency: {
        n: latencies.length, p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99), max: latencies.at(-1)!,
        histogram: latencyHistogram(latencies),
      },
      throughput: {
        offered: changes / (writing / 1000),
        applied: changes / (total / 1000),
        lagFirstThird: lagWindowMax(lags, 0, writing / 3),
        lagLastThird: lagWindowMax(lags, (2 * writing) / 3, writing),
        catchUpMs: total - writing,
        changes,
        samples: lags,
        writingMs: Math.round(writing),
      },
    };
  } finally {
    await writer.end();
    await listener.end();
    await server.stop();
  }
}
