import { beforeAll, describe, expect, it } from "vitest";
import { feedChannel, MAIN_SOURCE, schemaOf } from "../config/source-names";
import { createSource } from "../config/sources";
import { freshDatabase } from "../testing/database";
import type { Database } from "./client";

interface Change {
  seq: number;
  objectType: string;
  op: string;
  dbid: number;
  tenantDbid: number | null;
  ref: Record<string, number | null> | null;
}

let database: Database;

// One database for both sources: each feed is checked while the other exists beside it.
beforeAll(async () => {
  database = await freshDatabase();
  await createSource(database.sql, { name: "eu" });
});

/** main is the cfg schema the migrations built; eu is a source made at run time by sourceSchemaDdl. */
describe.each([MAIN_SOURCE, "eu"])("the change feed of source %s", (source) => {
  let cursor = 0;
  /** A table of the source's schema, as an identifier. */
  const table = (name: string) => database.sql(`${schemaOf(source)}.${name}`);

  /** The changes written since the last call, as a consumer reading `seq > cursor` sees them. */
  async function newChanges(): Promise<Omit<Change, "seq">[]> {
    const rows = await database.sql<Change[]>`
      select seq, object_type as "objectType", op, dbid, tenant_dbid as "tenantDbid", ref
        from ${table("changes")} where seq > ${cursor} order by seq`;
    rows.forEach((row, i) => expect(row.seq).toBe(cursor + i + 1));
    cursor = rows.at(-1)?.seq ?? cursor;
    return rows.map(({ seq: _, ...rest }) => rest);
  }

  it("records a create, change and delete of a tenant, switch, time zone, skill and person", async () => {
    const { sql } = database;
    const [tenant] = await sql`insert into ${table("tenants")} (name) values ('Feed') returning dbid`;
    const t = tenant!.dbid as number;
    const [sw] = await sql`insert into ${table("switches")} (tenant_dbid, name) values (${t}, 'SW-Feed') returning dbid`;
    const [tz] = await sql`insert into ${table("time_zones")} (tenant_dbid, name, iana_name) values (${t}, 'Feed TZ', 'Europe/Paris') returning dbid`;
    const [skill] = await sql`insert into ${table("skills")} (tenant_dbid, name) values (${t}, 'Feeding') returning dbid`;
    const [person] = await sql`insert into ${table("persons")} (tenant_dbid, username) values (${t}, 'feeder') returning dbid`;
    expect(await newChanges()).toEqual([
      { objectType: "tenant", op: "created", dbid: t, tenantDbid: t, ref: null },
      { objectType: "switch", op: "created", dbid: sw!.dbid, tenantDbid: t, ref: null },
      { objectType: "time_zone", op: "created", dbid: tz!.dbid, tenantDbid: t, ref: null },
      { objectType: "skill", op: "created", dbid: skill!.dbid, tenantDbid: t, ref: null },
      { objectType: "person", op: "created", dbid: person!.dbid, tenantDbid: t, ref: null },
    ]);

    await sql`update ${table("tenants")} set name = 'Feed 2' where dbid = ${t}`;
    await sql`update ${table("switches")} set name = 'SW-Feed 2' where dbid = ${sw!.dbid}`;
    await sql`update ${table("time_zones")} set iana_name = 'Europe/Berlin' where dbid = ${tz!.dbid}`;
    await sql`update ${table("skills")} set name = 'Fed' where dbid = ${skill!.dbid}`;
    await sql`update ${table("persons")} set email = 'f@example.com' where dbid = ${person!.dbid}`;
    expect((await newChanges()).map((c) => [c.objectType, c.op, c.dbid])).toEqual([
      ["tenant", "changed", t],
      ["switch", "changed", sw!.dbid],
      ["time_zone", "changed", tz!.dbid],
      ["skill", "changed", skill!.dbid],
      ["person", "changed", person!.dbid],
    ]);

    await sql`delete from ${table("persons")} where dbid = ${person!.dbid}`;
    await sql`delete from ${table("skills")} where dbid = ${skill!.dbid}`;
    await sql`delete from ${table("time_zones")} where dbid = ${tz!.dbid}`;
    await sql`delete from ${table("switches")} where dbid = ${sw!.dbid}`;
    await sql`delete from ${table("tenants")} where dbid = ${t}`;
    expect((await newChanges()).map((c) => [c.objectType, c.op, c.dbid])).toEqual([
      ["person", "deleted", person!.dbid],
      ["skill", "deleted", skill!.dbid],
      ["time_zone", "deleted", tz!.dbid],
      ["switch", "deleted", sw!.dbid],
      ["tenant", "deleted", t],
    ]);
  });

  it("records logins and skill levels with the person and skill they concern", async () => {
    const { sql } = database;
    const [tenant] = await sql`insert into ${table("tenants")} (name) values ('Levels') returning dbid`;
    const t = tenant!.dbid as number;
    const [sw] = await sql`insert into ${table("switches")} (tenant_dbid, name) values (${t}, 'SW-Levels') returning dbid`;
    const [skill] = await sql`insert into ${table("skills")} (tenant_dbid, name) values (${t}, 'Levelling') returning dbid`;
    const [ann] = await sql`insert into ${table("persons")} (tenant_dbid, username) values (${t}, 'ann') returning dbid`;
    const [bob] = await sql`insert into ${table("persons")} (tenant_dbid, username) values (${t}, 'bob') returning dbid`;
    await newChanges();

    const [login] = await sql`insert into ${table("agent_logins")} (switch_dbid, code, person_dbid) values (${sw!.dbid}, '7001', ${ann!.dbid}) returning dbid`;
    await sql`insert into ${table("skill_levels")} (person_dbid, skill_dbid, level) values (${ann!.dbid}, ${skill!.dbid}, 3)`;
    await sql`update ${table("skill_levels")} set level = 5 where person_dbid = ${ann!.dbid}`;
    await sql`update ${table("agent_logins")} set person_dbid = ${bob!.dbid} where dbid = ${login!.dbid}`;
    await sql`delete from ${table("skill_levels")} where person_dbid = ${ann!.dbid}`;
    await sql`delete from ${table("agent_logins")} where dbid = ${login!.dbid}`;
    expect(await newChanges()).toEqual([
      { objectType: "agent_login", op: "created", dbid: login!.dbid, tenantDbid: t, ref: { switch_dbid: sw!.dbid, person_dbid: ann!.dbid } },
      { objectType: "skill_level", op: "created", dbid: ann!.dbid, tenantDbid: t, ref: { skill_dbid: skill!.dbid, level: 3 } },
      { objectType: "skill_level", op: "changed", dbid: ann!.dbid, tenantDbid: t, ref: { skill_dbid: skill!.dbid, level: 5, old_level: 3 } },
      {
        objectType: "agent_login",
        op: "changed",
        dbid: login!.dbid,
        tenantDbid: t,
        ref: { switch_dbid: sw!.dbid, person_dbid: bob!.dbid, old_person_dbid: ann!.dbid, old_switch_dbid: sw!.dbid },
      },
      { objectType: "skill_level", op: "deleted", dbid: ann!.dbid, tenantDbid: t, ref: { skill_dbid: skill!.dbid, level: 5 } },
      { objectType: "agent_login", op: "deleted", dbid: login!.dbid, tenantDbid: t, ref: { switch_dbid: sw!.dbid, person_dbid: bob!.dbid } },
    ]);
  });

  it("records a person's cascaded skill levels and freed logins when the person is deleted", async () => {
    const { sql } = database;
    const [tenant] = await sql`insert into ${table("tenants")} (name) values ('Cascade') returning dbid`;
    const t = tenant!.dbid as number;
    const [sw] = await sql`insert into ${table("switches")} (tenant_dbid, name) values (${t}, 'SW-Cascade') returning dbid`;
    const [skill] = await sql`insert into ${table("skills")} (tenant_dbid, name) values (${t}, 'Cascading') returning dbid`;
    const [p] = await sql`insert into ${table("persons")} (tenant_dbid, username) values (${t}, 'leaver') returning dbid`;
    await sql`insert into ${table("agent_logins")} (switch_dbid, code, person_dbid) values (${sw!.dbid}, '7002', ${p!.dbid})`;
    await sql`insert into ${table("skill_levels")} (person_dbid, skill_dbid, level) values (${p!.dbid}, ${skill!.dbid}, 7)`;
    await newChanges();
    await sql`delete from ${table("persons")} where dbid = ${p!.dbid}`;
    const changes = await newChanges();
    expect(changes.map((c) => [c.objectType, c.op])).toEqual([
      ["person", "deleted"],
      ["agent_login", "changed"],
      ["skill_level", "deleted"],
    ]);
    expect(changes[1]!.ref).toMatchObject({ person_dbid: null, old_person_dbid: p!.dbid });
  });

  it("records nothing for an update that changes nothing, or for a rolled-back transaction", async () => {
    const { sql } = database;
    const [tenant] = await sql`insert into ${table("tenants")} (name) values ('Quiet') returning dbid`;
    await newChanges();
    await sql`update ${table("tenants")} set name = name where dbid = ${tenant!.dbid}`;
    await sql
      .begin(async (tx) => {
        await tx`insert into ${table("skills")} (tenant_dbid, name) values (${tenant!.dbid}, 'Never')`;
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await newChanges()).toEqual([]);
    // The rolled-back transaction's seq was returned with it: the next change takes the next number.
    await sql`insert into ${table("skills")} (tenant_dbid, name) values (${tenant!.dbid}, 'Kept')`;
    expect(await newChanges()).toHaveLength(1);
  });

  it("records a bulk statement as one row per object, in one allocation", async () => {
    const { sql } = database;
    const [tenant] = await sql`insert into ${table("tenants")} (name) values ('Bulk') returning dbid`;
    await newChanges();
    await sql`insert into ${table("skills")} (tenant_dbid, name) select ${tenant!.dbid}, 'Bulk ' || g from generate_series(1, 500) g`;
    const changes = await newChanges();
    expect(changes).toHaveLength(500);
    expect(new Set(changes.map((c) => c.dbid)).size).toBe(500);
  });

  it("announces each commit with NOTIFY carrying the last seq, and nothing for a rollback", async () => {
    const { sql } = database;
    const heard: number[] = [];
    const listener = await sql.listen(feedChannel(source), (payload) => heard.push(Number(payload)));
    const [tenant] = await sql`insert into ${table("tenants")} (name) values ('Loud') returning dbid`;
    await sql
      .begin(async (tx) => {
        await tx`insert into ${table("skills")} (tenant_dbid, name) values (${tenant!.dbid}, 'Hush')`;
        throw new Error("roll back");
      })
      .catch(() => {});
    await sql`insert into ${table("skills")} (tenant_dbid, name) values (${tenant!.dbid}, 'Heard 1'), (${tenant!.dbid}, 'Heard 2')`;
    const [last] = await sql`select max(seq) as seq from ${table("changes")}`;
    await expect.poll(() => heard.at(-1), { timeout: 30_000 }).toBe(last!.seq);
    expect(heard).toEqual([last!.seq - 2, last!.seq]);
    await listener.unlisten();
  });
});
