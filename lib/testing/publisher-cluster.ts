/**
 * A Configuration Database's own PostgreSQL cluster, for replicated sources' tests (SPEC §2.9, issue 14). The
 * global setup starts one for the whole run (see publisher.ts); a test that stops or restarts its publisher
 * starts one of its own.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded";

/**
 * What a Configuration Database's cluster needs to publish: logical WAL, room for the slots and senders of
 * many subscriptions at once, and commits flushed before they are acknowledged — a walsender sends only flushed
 * WAL, so an asynchronous commit would wait for the WAL writer (200 ms) before it is replicated.
 */
export const PUBLISHER_SETTINGS = ["wal_level=logical", "max_replication_slots=64", "max_wal_senders=64", "synchronous_commit=on"];

export interface PublisherCluster extends EmbeddedDatabase {
  dataDir: string;
  /** The cluster's `postgres` database, for creating and dropping databases. */
  adminUrl: string;
  /** Stops the cluster and removes its files. */
  remove(): Promise<void>;
}

/** A throw-away publisher cluster in a directory of its own; `walLevel: "replica"` makes one that cannot publish. */
export async function startPublisherCluster(
  options: { walLevel?: "logical" | "replica"; dataDir?: string; port?: number; settings?: string[] } = {},
): Promise<PublisherCluster> {
  const base = options.dataDir ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), "wfm-publisher-"));
  if (base) await fs.chmod(base, 0o755);
  const dataDir = options.dataDir ?? path.join(base!, "pg");
  // Later settings win: a test may override ours.
  const settings = [...PUBLISHER_SETTINGS.map((s) => (s.startsWith("wal_level=") ? `wal_level=${options.walLevel ?? "logical"}` : s)), ...(options.settings ?? [])];
  const cluster = await startEmbeddedPostgres({ dataDir, durable: false, settings, ...(options.port ? { port: options.port } : {}) });
  return {
    ...cluster,
    dataDir,
    adminUrl: cluster.url.replace(/\/wfm$/, "/postgres"),
    remove: async () => {
      await cluster.stop();
      if (base) await fs.rm(base, { recursive: true, force: true });
    },
  };
}

