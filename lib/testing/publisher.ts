/**
 * The other PostgreSQL of a replicated source's tests (SPEC §2.9, issue 14): a Configuration Database in its own
 * cluster, as a real deployment has it. The global setup starts one cluster with `wal_level = logical` for the
 * whole run; each test file takes a fresh database in it. A test that stops or restarts its publisher starts a
 * cluster of its own with `startPublisherCluster`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { createClient, type Database, type Sql } from "../db/client";
import { subscriptionOf } from "../config/source-names";
import { eventually } from "./servers";

export { startPublisherCluster, type PublisherCluster } from "./publisher-cluster";

/** The URL of database `name` in a cluster whose admin URL is given. */
export const databaseIn = (adminUrl: string, name: string) => adminUrl.replace(/\/postgres$/, `/${name}`);

/**
 * An empty database of this test file's own in the run's publisher cluster (a Configuration Database with
 * nothing installed yet), dropped when the file's tests end, with any replication slot left on it.
 */
export async function freshPublisherDatabase(adminUrl: string = inject("publisherUrl")): Promise<Database & { url: string }> {
  const name = `p_${randomBytes(6).toString("hex")}`;
  const admin = createClient(adminUrl, { max: 1 });
  await admin.sql.unsafe(`create database ${name}`);
  await admin.close();
  const url = databaseIn(adminUrl, name);
  const database = createClient(url, { max: 4 });
  afterAll(async () => {
    await database.close();
    const cleanup = createClient(adminUrl, { max: 1 });
    // A subscriber dropped without its slot (or never dropped) leaves the slot holding WAL, and a database
    // with a slot cannot be dropped.
    await cleanup.sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = ${name} and not active`;
    await cleanup.sql.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.close();
  });
  return Object.assign(database, { url });
}

/**
 * Waits until WFM has applied everything the publisher has committed so far: the initial copy done and the
 * subscription's apply worker past the publisher's current WAL position.
 */
export async function replicated(sql: Sql, publisher: Sql, source: string): Promise<void> {
  const [{ lsn }] = (await publisher`select pg_current_wal_lsn()::text as lsn`) as unknown as [{ lsn: string }];
  await eventually(async () => {
    const [row] = await sql<{ done: boolean | null; copying: number }[]>`
      select (select w.latest_end_lsn >= ${lsn}::pg_lsn from pg_stat_subscription w
               where w.subid = s.oid and w.relid is null) as done,
             (select count(*) from pg_subscription_rel r where r.srsubid = s.oid and r.srsubstate <> 'r')::int as copying
        from pg_subscription s
       where s.subname = ${subscriptionOf(source)} and s.subdbid = (select oid from pg_database where datname = current_database())`;
    return row?.done === true && row.copying === 0;
  }, `WFM's copy of ${source} caught up with the publisher's ${lsn}`);
}
