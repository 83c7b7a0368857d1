/**
 * What the sync's own sessions need of PostgreSQL, set by those sessions rather than expected of the cluster:
 * a customer's PostgreSQL is not tuned for us (stock: work_mem 4MB, maintenance_work_mem 64MB, jit on), and a
 * cluster-wide change for our sake would change every other application's memory use too. The values equal the
 * embedded cluster's own (lib/db/embedded.ts), so a run sees the same settings on either.
 *
 * They are sent as startup parameters of the session's own connection (postgres.js `connection`), so they hold
 * for the session's whole life, across statements and transactions, come back if the connection is re-opened,
 * and never reach the pooled connections the console uses.
 *
 * Measured on workload L against a stock PostgreSQL 15 (EXPLAIN ANALYZE of a full sync's statements by
 * auto_explain, and nothing-changed syncs alternating between settings).
 */
import { dedicatedClient, type Sql } from "./client";

export const SYNC_SESSION_SETTINGS = {
  // A batch's statements cost far above jit_above_cost, so each was compiled, inlined and optimized: 0.4–1.1 s
  // of compiling for the 0.3–0.5 s the batch's collecting statement then ran. A nothing-changed sync took 3.8 s
  // with JIT and 2.6 s without (medians of six).
  jit: "off",
  // At 4MB three statements of a 50,000-agent batch spilled to disk: the union of agent ids (a hash aggregate in
  // 5 batches), the skill-level diff (a hash join in 4) and the sort of the added agents. In memory they need
  // 14MB, 27MB and 8MB: this leaves each at least twice what it uses (hashes may take work_mem × the multiplier
  // below). A limit per sort or hash, taken only as far as a statement needs it.
  work_mem: "32MB",
  // PostgreSQL 15's default, pinned: 13 and 14 default to 1, which halves the room of the hashes above and
  // changes which plans the planner believes fit in memory.
  hash_mem_multiplier: "2",
  // A run's ANALYZE does not use it, and a GIN trigram build of 100,000 agents took the same at 64MB; it bounds
  // the index builds and VACUUMs of a session of ours, set here so they never depend on the cluster.
  maintenance_work_mem: "256MB",
} as const satisfies Record<string, string>;

export type SyncSessionSetting = keyof typeof SYNC_SESSION_SETTINGS;

/**
 * A connection of its own for sync work (a run, the real-time feed, the bench's floor), with the settings above.
 * The same function opens all of them, so what the bench reports is what the sync ran with.
 */
export function syncConnection(sql: Sql, applicationName: string, options: { onclose?: () => void } = {}): Sql {
  return dedicatedClient(sql, applicationName, { ...options, settings: SYNC_SESSION_SETTINGS });
}
