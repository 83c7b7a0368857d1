/**
 * A replicated source against a real second PostgreSQL (SPEC §2.9, issue 14): the subscriber's feed records what
 * PostgreSQL's apply worker writes exactly as the local feed records the same writes, gap-free and in commit
 * order under concurrent writers on the publisher; registering and deleting go all the way or leave nothing; and
 * writes through the config API are refused, naming where to write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../db/client";
import { createClient } from "../db/client";
import { DomainError } from "../errors";
import { runFullSync } from "../sync/engine";
import { freshDatabase } from "../testing/database";
import { databaseIn, freshPublisherDatabase, replicated, startPublisherCluster, type PublisherCluster } from "../testing/publisher";
import { eventually } from "../testing/servers";
import { createPerson } from "./persons";
import { installPublisher } from "./publisher";
import { replicationStatus } from "./replication";
import { feedChannel, subscriptionOf } from "./source-names";
import { createSource, deleteSource, getSource } from "./sources";

type Database = Awaited<ReturnType<typeof freshDatabase>>;
let wfm: Database;
beforeAll(async () => {
  wfm = await freshDatabase({ max: 6 });
});

type FeedRow = { seq: number; objectType: string; op: string; dbid: number; tenantDbid: number | null; ref: unknown };
const feed = (sql: Sql, schema: string) =>
  sql<FeedRow[]>`select seq, object_type as "objectType", op, dbid, tenant_dbid as "tenantDbid", ref from ${sql(`${schema}.changes`)} order by seq`;

/** The same writes, in the same transactions, for any source's schema: every kind of object and op. */
const script = (s: string): string[][] => [
  [
    `insert into ${s}.tenants (name) values ('T1'), ('T2')`,
    `insert into ${s}.switches (tenant_dbid, name) values (1, 'SW1'), (2, 'SW2')`,
    `insert into ${s}.time_zones (tenant_dbid, name, iana_name) values (1, 'Paris', 'Europe/Paris')`,
    `insert into ${s}.skills (tenant_dbid, name) values (1, 'Sales'), (1, 'Support'), (2, 'Billing')`,
  ],
  [
    `insert into ${s}.persons (tenant_dbid, username, first_name, last_name) values (1, 'ann', 'Ann', 'A'), (1, 'bob', 'Bob', 'B'), (2, 'cid', 'Cid', 'C')`,
    `insert into ${s}.agent_logins (switch_dbid, code, person_dbid) values (1, '1001', 1), (1, '1002', 2), (2, '2001', 3)`,
    `insert into ${s}.skill_levels (person_dbid, skill_dbid, level) values (1, 1, 5), (1, 2, 3), (2, 1, 7), (3, 3, 1)`,
  ],
  // One person as a whole: a change, a level change, a login moved to her; a no-op update records nothing.
  [
    `update ${s}.persons set email = 'ann@example.com' where dbid = 1`,
    `update ${s}.skill_levels set level = 9 where person_dbid = 1 and skill_dbid = 2`,
    `update ${s}.agent_logins set person_dbid = 1 where code = '1002'`,
    `update ${s}.persons set last_name = last_name where dbid = 2`,
  ],
  // A delete that cascades to levels and unlinks a login, and a level moving to another skill (a key change).
  [`delete from ${s}.persons where dbid = 2`],
  [`update ${s}.skill_levels set skill_dbid = 2 where person_dbid = 3 and skill_dbid = 3`, `delete from ${s}.skills where dbid = 3`],
  [`update ${s}.tenants set name = 'Tenant one' where dbid = 1`, `delete from ${s}.time_zones where dbid = 1`],
];

async function runScript(sql: Sql, schema: string) {
  for (const transaction of script(schema)) {
    await sql.begin(async (tx) => {
      for (const statement of transaction) await tx.unsafe(statement);
    });
  }
}

/** A feed as a sorted list of its changes without their numbers: what it says, not in which order within a transaction. */
const contents = (rows: FeedRow[]) =>
  rows.map((r) => JSON.stringify([r.objectType, r.op, r.dbid, r.tenantDbid, r.ref])).sort();

describe("a replicated source", () => {
  let publisher: Awaited<ReturnType<typeof freshPublisherDatabase>>;
  beforeAll(async () => {
    publisher = await freshPublisherDatabase();
    await installPublisher(publisher.url, "eu");
    // Written before WFM subscribes: it arrives with the initial copy, and is fed like any other change.
    await publisher.sql`insert into cfg_eu.tenants (name) values ('Early')`;
  });

  it("registers: the initial copy and every later change arrive, and its feed says what a local source's feed says of the same writes", async () => {
    const { sql } = wfm;
    const created = await createSource(sql, { name: "eu", kind: "replicated", connection: publisher.url });
    expect(created.kind).toBe("replicated");
    // Just registered, its workers not yet started: about to copy, not down.
    expect(created.replication?.state).toMatch(/^(copying|streaming)$/);
    expect(JSON.stringify(created)).not.toContain("postgres:postgres@");
    await replicated(sql, publisher.sql, "eu");
    const early = await feed(sql, "cfg_eu");
    expect(early.map((r) => [r.objectType, r.op, r.dbid])).toEqual([["tenant", "created", 1]]);
    await publisher.sql`delete from cfg_eu.tenants`;
    await publisher.sql`alter sequence cfg_eu.tenants_dbid_seq restart`;
    await replicated(sql, publisher.sql, "eu");

    await createSource(sql, { name: "loc" });
    await Promise.all([runScript(publisher.sql, "cfg_eu"), runScript(sql, "cfg_loc")]);
    await replicated(sql, publisher.sql, "eu");

    const euFeed = (await feed(sql, "cfg_eu")).slice(2);
    const local = await feed(sql, "cfg_loc");
    expect(contents(euFeed)).toEqual(contents(local));
    // Gap-free: numbered 3.. after the early tenant's create and delete.
    expect(euFeed.map((r) => r.seq)).toEqual(euFeed.map((_, i) => i + 3));
    // The subscriber's tables equal the publisher's, row for row.
    for (const table of ["tenants", "switches", "time_zones", "skills", "persons", "agent_logins", "skill_levels"]) {
      const mine = await sql.unsafe(`select * from cfg_eu.${table} order by 1, 2`);
      const theirs = await publisher.sql.unsafe(`select * from cfg_eu.${table} order by 1, 2`);
      expect(mine, table).toEqual(theirs);
    }
    const status = await replicationStatus(sql, { name: "eu", connection: publisher.url, slot: (await slotOf(sql, "eu"))! });
    expect(status).toMatchObject({ state: "streaming", copy: null, problem: null, downSince: null });
    expect(status.lagBytes).toBeLessThan(1024 * 1024);
    // Its skills are named like eu's: across sources, a collision (SPEC §2.4) no server of eu should meet below.
    await deleteSource(sql, "loc");
  });

  it("feeds each replicated transaction whole, gap-free and in commit order while writers race on the publisher", async () => {
    const { sql } = wfm;
    const [{ seq: start }] = (await sql`select seq from cfg_eu.change_counter`) as unknown as [{ seq: number }];
    const writers = 4;
    const perWriter = 40;
    const committed = new Set<number>();
    let done = 0;
    const write = async (w: number) => {
      const client = createClient(publisher.url, { max: 1 });
      try {
        for (let i = 0; i < perWriter; i++) {
          try {
            await client.sql.begin(async (tx) => {
              const [person] = await tx`insert into cfg_eu.persons (tenant_dbid, username) values (1, ${`w${w}-${i}`}) returning dbid`;
              await new Promise((r) => setImmediate(r));
              await tx`insert into cfg_eu.skill_levels (person_dbid, skill_dbid, level) values (${person!.dbid}, 1, 1), (${person!.dbid}, 2, 2)`;
              if ((w + i) % 6 === 0) throw new Error("roll back");
              committed.add(person!.dbid as number);
            });
          } catch (error) {
            if ((error as Error).message !== "roll back") throw error;
          }
        }
      } finally {
        done++;
        wake();
        await client.close();
      }
    };
    // A consumer on the WFM side reading as real-time sync does, checking each batch is contiguous and whole.
    const seen: FeedRow[] = [];
    // Woken by the feed's own NOTIFY (sent when a replicated transaction commits in WFM) or a writer ending,
    // never by a timer; the count makes a signal that came between a read and the wait count.
    let signals = 0;
    let waiting: (() => void) | null = null;
    function wake() {
      signals++;
      waiting?.();
    }
    const listener = await sql.listen(feedChannel("eu"), () => wake());
    const consume = async () => {
      let cursor = start;
      for (;;) {
        const before = signals;
        const finished = done === writers;
        const batch = await sql<FeedRow[]>`
          select seq, object_type as "objectType", op, dbid, tenant_dbid as "tenantDbid", ref from cfg_eu.changes where seq > ${cursor} order by seq`;
        batch.forEach((row, i) => {
          if (row.seq !== cursor + i + 1) throw new Error(`gap: read ${row.seq} right after ${cursor + i}`);
        });
        seen.push(...batch);
        cursor = batch.at(-1)?.seq ?? cursor;
        if (finished && batch.length === 0 && seen.filter((r) => r.objectType === "person").length === committed.size) return;
        if (batch.length === 0) {
          if (signals === before) await new Promise<void>((resolve) => (waiting = resolve));
          waiting = null;
        }
      }
    };
    await Promise.all([...Array.from({ length: writers }, (_, w) => write(w)), consume()]);
    await listener.unlisten();
    const persons = seen.filter((r) => r.objectType === "person").map((r) => r.dbid);
    expect(new Set(persons)).toEqual(committed);
    expect(persons).toHaveLength(committed.size);
    // Whole: each person's two levels follow it, with no other transaction's change in between.
    seen.forEach((row, i) => {
      if (row.objectType !== "person") return;
      expect(seen.slice(i + 1, i + 3).map((r) => [r.objectType, r.dbid])).toEqual([
        ["skill_level", row.dbid],
        ["skill_level", row.dbid],
      ]);
    });
  });

  it("is read by a full sync of a server of its own, and refuses writes through the config API, naming its database", async () => {
    const { sql } = wfm;
    await sql`insert into wfm.servers (name, sync_level, source) values ('EU-1', 2, 'eu')`;
    const run = await runFullSync(sql, { server: "EU-1", trigger: "manual" });
    expect(run.status).toBe("succeeded");
    const [{ n }] = (await sql`select count(*)::int as n from wfm.agents where source = 'eu'`) as unknown as [{ n: number }];
    const [{ m }] = (await publisher.sql`select count(*)::int as m from cfg_eu.persons where is_agent`) as unknown as [{ m: number }];
    expect(n).toBe(m);
    const refused = await createPerson(sql, "eu", { tenantDbid: 1, username: "zed" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe("CONFLICT");
    const where = new URL(publisher.url);
    expect((refused as DomainError).message).toContain(`${where.hostname}:${where.port}${where.pathname}`);
    expect((refused as DomainError).message).not.toContain(where.password);
    await sql`delete from wfm.servers where name = 'EU-1'`;
  });
});

async function slotOf(sql: Sql, name: string) {
  const [row] = await sql<{ slot: string }[]>`select slot from wfm.config_sources where name = ${name}`;
  return row?.slot;
}

/**
 * This database's subscription to a source, if any. pg_subscription lists every database's, and other test files
 * subscribe their databases to sources of the same names at the same time.
 */
const ownSubscription = (sql: Sql, source: string) => sql<{ enabled: boolean }[]>`
  select subenabled as enabled from pg_subscription
   where subname = ${subscriptionOf(source)} and subdbid = (select oid from pg_database where datname = current_database())`;

describe("registering and deleting a replicated source", () => {
  let cluster: PublisherCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPublisherCluster();
    const admin = createClient(cluster.adminUrl, { max: 1 });
    await admin.sql`create database config`;
    await admin.close();
    url = databaseIn(cluster.adminUrl, "config");
  });
  afterAll(async () => {
    await cluster?.remove();
  });

  it("is refused with nothing written when its database has no publication for it", async () => {
    const { sql } = wfm;
    const error = await createSource(sql, { name: "apac", kind: "replicated", connection: url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toMatch(/wfm_apac/);
    expect(await sql`select 1 from wfm.config_sources where name = 'apac'`).toHaveLength(0);
    expect(await sql`select 1 from pg_namespace where nspname = 'cfg_apac'`).toHaveLength(0);
    expect(await ownSubscription(sql, "apac")).toHaveLength(0);
  });

  it("deleted, takes its subscription, schema and replication slot with it", async () => {
    const { sql } = wfm;
    await installPublisher(url, "emea");
    await createSource(sql, { name: "emea", kind: "replicated", connection: url });
    const slot = (await slotOf(sql, "emea"))!;
    const config = createClient(url, { max: 1 });
    try {
      expect(await config.sql`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(1);
      expect(await deleteSource(sql, "emea")).toEqual({ slotLeft: null });
      expect(await config.sql`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(0);
    } finally {
      await config.close();
    }
    expect(await sql`select 1 from pg_namespace where nspname = 'cfg_emea'`).toHaveLength(0);
    expect(await ownSubscription(sql, "emea")).toHaveLength(0);
  });

  it("deleted when its slot is gone from the publisher already (dropped there by hand)", async () => {
    const { sql } = wfm;
    await installPublisher(url, "amer");
    await createSource(sql, { name: "amer", kind: "replicated", connection: url });
    const slot = (await slotOf(sql, "amer"))!;
    await sql.unsafe(`alter subscription ${subscriptionOf("amer")} disable`);
    const config = createClient(url, { max: 1 });
    try {
      // A worker started before the disable may still be about to take the slot: wait for every worker of the
      // subscription to be gone (the launcher starts none for a disabled one), and only then for the slot to be free.
      await eventually(
        async () => (await sql`select 1 from pg_stat_subscription where subname = ${subscriptionOf("amer")} and pid is not null`).length === 0,
        "the subscription's workers gone",
      );
      await eventually(async () => (await config.sql`select 1 from pg_replication_slots where slot_name = ${slot} and not active`).length === 1, "the slot released");
      await config.sql`select pg_drop_replication_slot(${slot})`;
    } finally {
      await config.close();
    }
    await sql.unsafe(`alter subscription ${subscriptionOf("amer")} enable`);
    expect(await deleteSource(sql, "amer")).toEqual({ slotLeft: null });
    expect(await sql`select 1 from wfm.config_sources where name = 'amer'`).toHaveLength(0);
    expect(await ownSubscription(sql, "amer")).toHaveLength(0);
  });

  it("is not deleted while its publisher is down unless forced; forced, it names the slot left there", async () => {
    const { sql } = wfm;
    await installPublisher(url, "apac");
    await createSource(sql, { name: "apac", kind: "replicated", connection: url });
    const slot = (await slotOf(sql, "apac"))!;
    const config = createClient(url, { max: 1 });
    await replicated(sql, config.sql, "apac");
    await config.close();
    await cluster.stop();

    const down = await eventually(async () => {
      const s = await getSource(sql, "apac");
      return s.replication?.state === "down" ? s.replication : null;
    }, "apac down");
    expect(down.problem).toMatch(/cannot be reached/);
    const refused = await deleteSource(sql, "apac").catch((e: unknown) => e);
    expect((refused as DomainError).code).toBe("UNAVAILABLE");
    expect((refused as DomainError).message).toContain(slot);
    expect(await sql`select 1 from wfm.config_sources where name = 'apac'`).toHaveLength(1);
    expect(await ownSubscription(sql, "apac")).toEqual([{ enabled: true }]);

    const forced = await deleteSource(sql, "apac", { force: true });
    expect(forced.slotLeft).toBe(slot);
    expect(await sql`select 1 from wfm.config_sources where name = 'apac'`).toHaveLength(0);
    expect(await sql`select 1 from pg_namespace where nspname = 'cfg_apac'`).toHaveLength(0);
    expect(await ownSubscription(sql, "apac")).toHaveLength(0);
  });
});
