/**
 * Configuration sources (SPEC §2.9): creating, listing and deleting them against a real PostgreSQL, every refusal
 * with its code and nothing written, the races a create or a delete can meet, and each source's change feed
 * counting and announcing only its own writes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createClient, type Database, type Sql } from "../db/client";
import { DomainError } from "../errors";
import { agentEvents } from "../console/runs";
import { freshDatabase } from "../testing/database";
import { holdTransaction, waitUntilBlocked } from "../testing/locks";
import { sourceSchemaDdl } from "./source-schema";
import { createSource, deleteSource, getSource, listSources, newSourceInput } from "./sources";

let database: Database;
let sql: Sql;

beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  sql = database.sql;
});

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const schemaExists = async (schema: string) =>
  (await sql`select 1 from pg_namespace where nspname = ${schema}`).length === 1;
const sourceNames = async () => (await sql<{ name: string }[]>`select name from wfm.config_sources order by name`).map((r) => r.name);

/** A client of one connection named `applicationName`, so a test can see its statement waiting for a lock. */
function namedClient(applicationName: string): Database {
  return createClient(database.url, { max: 1, applicationName });
}

describe("creating, listing and deleting sources", () => {
  it("creates a local source with an empty schema and feed of its own, lists it after main, and deletes it", async () => {
    const created = await createSource(sql, { name: "eu" });
    expect(created).toEqual({
      name: "eu",
      kind: "local",
      schema: "cfg_eu",
      createdAt: expect.any(Date),
      feedSeq: 0,
      counts: { tenants: 0, persons: 0, agents: 0 },
      servers: [],
      replication: null,
    });
    await createSource(sql, { name: "apac", kind: "local" });
    await createSource(sql, { name: "zz_last" });
    expect((await listSources(sql)).map((s) => [s.name, s.schema])).toEqual([
      ["main", "cfg"],
      ["apac", "cfg_apac"],
      ["eu", "cfg_eu"],
      ["zz_last", "cfg_zz_last"],
    ]);
    expect(await getSource(sql, "eu")).toEqual(created);
    const main = await getSource(sql, "main");
    expect(main).toMatchObject({ name: "main", kind: "local", schema: "cfg", replication: null });

    await deleteSource(sql, "apac");
    await deleteSource(sql, "zz_last");
    expect(await schemaExists("cfg_apac")).toBe(false);
    expect((await listSources(sql)).map((s) => s.name)).toEqual(["main", "eu"]);
    const gone = await refusal(getSource(sql, "apac"));
    expect(gone.code).toBe("NOT_FOUND");
    expect(gone.message).toContain('"apac"');
  });

  it("counts each source's tenants, persons and agents, and names the servers that belong to it", async () => {
    await createSource(sql, { name: "counted" });
    const [tenant] = await sql`insert into cfg_counted.tenants (name) values ('T') returning dbid`;
    await sql`insert into cfg_counted.persons (tenant_dbid, username) values (${tenant!.dbid}, 'a'), (${tenant!.dbid}, 'b')`;
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('counted', 1, 1, 'counted-a', 'A', 'A')`;
    await sql`insert into wfm.servers (name, source) values ('Counted B', 'counted'), ('Counted A', 'counted')`;
    expect(await getSource(sql, "counted")).toMatchObject({
      feedSeq: 3,
      counts: { tenants: 1, persons: 2, agents: 1 },
      servers: ["Counted A", "Counted B"],
    });
  });

  it("makes a source again under a name that was deleted, with a new feed and no cursor left of the old one", async () => {
    await createSource(sql, { name: "again" });
    const [tenant] = await sql`insert into cfg_again.tenants (name) values ('Once') returning dbid`;
    await sql`insert into cfg_again.persons (tenant_dbid, username) values (${tenant!.dbid}, 'once')`;
    await sql`insert into wfm.servers (name) values ('Again server')`;
    await sql`insert into wfm.sync_cursors (server, source, last_seq) values ('Again server', 'again', 2)`;
    await deleteSource(sql, "again");
    expect(await sql`select 1 from wfm.sync_cursors where source = 'again'`).toHaveLength(0);
    expect(await createSource(sql, { name: "again" })).toMatchObject({ feedSeq: 0, counts: { tenants: 0, persons: 0, agents: 0 } });
  });

  it("renames a deleted source's runs, so a source made again under its name does not inherit their log", async () => {
    await createSource(sql, { name: "reborn" });
    const [old] = await sql<{ id: number }[]>`
      insert into wfm.sync_runs (server, source, kind, level, trigger, status) values ('Reborn server', 'reborn', 'full', 2, 'manual', 'succeeded') returning id`;
    await sql`insert into wfm.sync_events (run_id, object_type, object_key, action, message) values (${old!.id}, 'agent', '7', 'added', 'the old person 7')`;
    await deleteSource(sql, "reborn");
    const [renamed] = await sql<{ source: string }[]>`select source from wfm.sync_runs where id = ${old!.id}`;
    // Still readable in Sync history, under a name no live source can have.
    expect(renamed!.source).toMatch(/^reborn \(deleted \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)$/);

    await createSource(sql, { name: "reborn" });
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('reborn', 7, 1, 'new-7', 'New', 'Seven')`;
    expect(await agentEvents(sql, { source: "reborn", cfgDbid: 7 })).toEqual([]);
    await sql`delete from wfm.agents where source = 'reborn'`;
  });
});

describe("what createSource refuses, with nothing written", () => {
  it("refuses a name outside ^[a-z][a-z0-9_]{0,30}$, an unknown field and an unknown kind with BAD_INPUT", async () => {
    const before = await sourceNames();
    const bad: unknown[] = [
      { name: "EU" },
      { name: "1eu" },
      { name: "_eu" },
      { name: "e-u" },
      { name: "eu west" },
      { name: "" },
      { name: "a".repeat(32) },
      { name: 7 },
      {},
      null,
      "eu",
      { name: "ok", extra: true },
      { name: "ok", kind: "remote" },
    ];
    for (const input of bad) {
      const error = await refusal(createSource(sql, input));
      expect(error.code, JSON.stringify(input)).toBe("BAD_INPUT");
    }
    expect((await refusal(createSource(sql, { name: "EU" }))).message).toMatch(/^name: .*lower-case letter/);
    expect((await refusal(createSource(sql, { name: "ok", extra: 1 }))).message).toContain('"extra"');
    expect(await sourceNames()).toEqual(before);
    expect(await schemaExists("cfg_ok")).toBe(false);
    // The longest name there may be is taken.
    expect((await createSource(sql, { name: "a".repeat(31) })).schema).toBe(`cfg_${"a".repeat(31)}`);
  });

  it("refuses a replicated source without a connection URL, or of an unknown kind, naming the field", async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: "far", kind: "replicated" }, /^connection: connection is a PostgreSQL connection URL/],
      [{ name: "far", kind: "replicated", connection: "host=far dbname=cfg" }, /^connection: connection is a PostgreSQL connection URL/],
      [{ name: "far", kind: "mirrored" }, /^kind: kind is "local" .* or "replicated"/],
      [{ name: "far", kind: "local", connection: "postgres://x@far/cfg" }, /"connection"/],
    ];
    for (const [input, message] of cases) {
      const error = await refusal(createSource(sql, input));
      expect(error.code).toBe("BAD_INPUT");
      expect(error.message).toMatch(message);
    }
    // The form schema says the same, for the console's server action.
    const parsed = newSourceInput.safeParse({ name: "far", kind: "replicated" });
    expect(parsed.success ? null : parsed.error.issues[0]!.path).toEqual(["connection"]);
    expect(await schemaExists("cfg_far")).toBe(false);
  });

  it("refuses main with CONFLICT: main always exists", async () => {
    const error = await refusal(createSource(sql, { name: "main" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("main always exists");
    expect(await schemaExists("cfg_main")).toBe(false);
  });

  it("refuses a name that exists already with CONFLICT, leaving that source as it was", async () => {
    await createSource(sql, { name: "twice" });
    await sql`insert into cfg_twice.tenants (name) values ('Kept')`;
    const error = await refusal(createSource(sql, { name: "twice" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain('"twice" exists already');
    expect(await sql`select name from cfg_twice.tenants`).toEqual([{ name: "Kept" }]);
  });

  it("refuses a leftover schema of that name with CONFLICT naming it, and never drops it", async () => {
    await sql`create schema cfg_leftover`;
    await sql`create table cfg_leftover.notes (text text)`;
    await sql`insert into cfg_leftover.notes values ('someone''s data')`;
    const error = await refusal(createSource(sql, { name: "leftover" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("cfg_leftover");
    expect(await sql`select text from cfg_leftover.notes`).toEqual([{ text: "someone's data" }]);
    expect(await sourceNames()).not.toContain("leftover");
  });
});

describe("two creates of one name at once", () => {
  it("lets one succeed and refuses the other with CONFLICT, both started together", async () => {
    const results = await Promise.allSettled([createSource(sql, { name: "race" }), createSource(sql, { name: "race" })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected")!;
    expect((rejected.reason as DomainError).code).toBe("CONFLICT");
    expect(await sql`select count(*)::int as n from pg_tables where schemaname = 'cfg_race'`).toEqual([{ n: 9 }]);
  });

  it("makes the second wait for the first and then refuses it once the first commits", async () => {
    // Stands in for a create between its insert and its commit, doing what createSource does.
    const first = await holdTransaction(database.url, async (tx) => {
      await tx`insert into wfm.config_sources (name, kind, schema) values ('held', 'local', 'cfg_held')`;
      await tx.unsafe(sourceSchemaDdl("cfg_held"));
    });
    const second = namedClient("second create");
    try {
      const creating = createSource(second.sql, { name: "held" });
      await waitUntilBlocked(sql, { applicationName: "second create" }, { by: first.pid, settled: creating });
      await first.commit();
      const error = await refusal(creating);
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain('"held" exists already');
      // The first's source, whole, and nothing of the second's.
      expect(await sourceNames()).toContain("held");
      expect(await sql`select count(*)::int as n from pg_tables where schemaname = 'cfg_held'`).toEqual([{ n: 9 }]);
      expect((await getSource(sql, "held")).feedSeq).toBe(0);
    } finally {
      await second.close();
    }
  });

  it("makes the second wait for the first and then create the source once the first rolls back", async () => {
    const first = await holdTransaction(database.url, async (tx) => {
      await tx`insert into wfm.config_sources (name, kind, schema) values ('undone', 'local', 'cfg_undone')`;
      await tx.unsafe(sourceSchemaDdl("cfg_undone"));
    });
    const second = namedClient("second create undone");
    try {
      const creating = createSource(second.sql, { name: "undone" });
      await waitUntilBlocked(sql, { applicationName: "second create undone" }, { by: first.pid, settled: creating });
      await first.rollback();
      expect((await creating).schema).toBe("cfg_undone");
    } finally {
      await second.close();
    }
  });
});

describe("what deleteSource refuses", () => {
  it("refuses an unknown source with NOT_FOUND naming it, and main with BAD_INPUT", async () => {
    const unknown = await refusal(deleteSource(sql, "nowhere"));
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toContain('"nowhere"');
    const main = await refusal(deleteSource(sql, "main"));
    expect(main.code).toBe("BAD_INPUT");
    expect(main.message).toContain("main cannot be deleted");
    expect(await schemaExists("cfg")).toBe(true);
  });

  it("refuses a source servers belong to with CONFLICT naming every one of them", async () => {
    await createSource(sql, { name: "served" });
    await sql`insert into wfm.servers (name, source) values ('Served 1', 'served'), ('Served 2', 'served')`;
    const error = await refusal(deleteSource(sql, "served"));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("Served 1, Served 2");
    expect(error.details).toBeUndefined(); // the Error shape's details are field problems; the message names the servers
    expect(await schemaExists("cfg_served")).toBe(true);
    // Once they belong elsewhere it goes.
    await sql`update wfm.servers set source = 'main' where source = 'served'`;
    await deleteSource(sql, "served");
    expect(await schemaExists("cfg_served")).toBe(false);
  });

  it("refuses a source agents came from with CONFLICT saying how many, and one anything else came from", async () => {
    await createSource(sql, { name: "imported" });
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
              values ('imported', 1, 1, 'imp-1', 'A', 'A'), ('imported', 2, 1, 'imp-2', 'B', 'B')`;
    await sql`insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('imported', 1, 1, 'Imported skill')`;
    const error = await refusal(deleteSource(sql, "imported"));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("2 agents and 1 skill");
    expect(await schemaExists("cfg_imported")).toBe(true);

    await createSource(sql, { name: "zoned" });
    await sql`insert into wfm.time_zones (source, cfg_dbid, tenant_dbid, name, iana_name) values ('zoned', 1, 1, 'Zoned TZ', 'Europe/Oslo')`;
    const zoned = await refusal(deleteSource(sql, "zoned"));
    expect(zoned.code).toBe("CONFLICT");
    expect(zoned.message).toContain("1 time zone");
  });

  it("refuses with CONFLICT when a sync reading the source imports an agent while the delete runs", async () => {
    await createSource(sql, { name: "syncing" });
    // As a sync does: read the source's tables, write what it found, commit.
    const sync = await holdTransaction(database.url, async (tx) => {
      await tx`select count(*) from cfg_syncing.persons`;
      await tx`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('syncing', 1, 1, 'syncing-1', 'S', 'S')`;
    });
    const deleter = namedClient("delete during sync");
    try {
      const deleting = deleteSource(deleter.sql, "syncing");
      await waitUntilBlocked(sql, { applicationName: "delete during sync" }, { by: sync.pid, settled: deleting });
      await sync.commit();
      const error = await refusal(deleting);
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain("WFM holds objects imported from it");
      expect(await schemaExists("cfg_syncing")).toBe(true);
    } finally {
      await deleter.close();
    }
  });

  it("waits for a server being moved to the source, then refuses with CONFLICT naming it", async () => {
    await createSource(sql, { name: "moving" });
    await sql`insert into wfm.servers (name) values ('Mover')`;
    const move = await holdTransaction(database.url, (tx) => tx`update wfm.servers set source = 'moving' where name = 'Mover'`);
    const deleter = namedClient("delete during move");
    try {
      const deleting = deleteSource(deleter.sql, "moving");
      await waitUntilBlocked(sql, { applicationName: "delete during move" }, { by: move.pid, settled: deleting });
      await move.commit();
      const error = await refusal(deleting);
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain("Mover");
    } finally {
      await deleter.close();
    }
  });

  it("makes a move to the source wait for its delete, and then fail", async () => {
    await createSource(sql, { name: "leaving" });
    await sql`insert into wfm.servers (name) values ('Latecomer')`;
    // Stands in for deleteSource between its lock and its commit.
    const deleting = await holdTransaction(database.url, async (tx) => {
      await tx`select 1 from wfm.config_sources where name = 'leaving' for update`;
      await tx`drop schema cfg_leaving cascade`;
      await tx`delete from wfm.config_sources where name = 'leaving'`;
    });
    const mover = namedClient("move during delete");
    try {
      const moving = mover.sql`update wfm.servers set source = 'leaving' where name = 'Latecomer'`;
      const settled = moving.then(() => null, (e: unknown) => e);
      await waitUntilBlocked(sql, { applicationName: "move during delete" }, { by: deleting.pid, settled });
      await deleting.commit();
      expect(((await settled) as { code?: string }).code).toBe("23503");
    } finally {
      await mover.close();
    }
  });
});

describe("each source's change feed", () => {
  it("notifies a write to cfg_eu on cfg_eu_changes and not on cfg_changes, and main's the other way round", async () => {
    await createSource(sql, { name: "loud" });
    const heard: Record<string, number[]> = { cfg_changes: [], cfg_loud_changes: [] };
    const listeners = await Promise.all(
      Object.keys(heard).map((channel) => sql.listen(channel, (payload) => heard[channel]!.push(Number(payload)))),
    );
    const counter = async (schema: string) => Number((await sql`select seq from ${sql(schema)}.change_counter`)[0]!.seq);
    const mainStart = await counter("cfg");

    const [euTenant] = await sql`insert into cfg_loud.tenants (name) values ('Loud EU') returning dbid`;
    await sql`insert into cfg_loud.persons (tenant_dbid, username) values (${euTenant!.dbid}, 'eu-1'), (${euTenant!.dbid}, 'eu-2')`;
    const [mainTenant] = await sql`insert into cfg.tenants (name) values ('Loud main') returning dbid`;
    await sql`insert into cfg.persons (tenant_dbid, username) values (${mainTenant!.dbid}, 'main-1')`;
    await sql`update cfg_loud.persons set email = 'eu@example.com' where username = 'eu-1'`;

    // One listening connection hears notifications in commit order, so once each channel's last one is in,
    // everything committed before it has been heard too: a stray on the wrong channel would be there.
    await expect.poll(() => heard.cfg_loud_changes!.at(-1), { timeout: 30_000 }).toBe(4);
    await expect.poll(() => heard.cfg_changes!.at(-1), { timeout: 30_000 }).toBe(mainStart + 2);
    expect(heard).toEqual({ cfg_loud_changes: [1, 3, 4], cfg_changes: [mainStart + 1, mainStart + 2] });
    await Promise.all(listeners.map((l) => l.unlisten()));

    // feedSeq counts each source's own changes only.
    expect((await getSource(sql, "loud")).feedSeq).toBe(4);
    expect((await getSource(sql, "main")).feedSeq).toBe(mainStart + 2);
    expect(await sql`select seq, object_type as "objectType", op from cfg_loud.changes order by seq`).toEqual([
      { seq: 1, objectType: "tenant", op: "created" },
      { seq: 2, objectType: "person", op: "created" },
      { seq: 3, objectType: "person", op: "created" },
      { seq: 4, objectType: "person", op: "changed" },
    ]);
  });
});
