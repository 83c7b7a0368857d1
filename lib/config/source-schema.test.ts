/**
 * `cfg` was built by migrations 0001 and 0002; every other source's schema is built by `sourceSchemaDdl`. These
 * tests install the generator's schema beside `cfg` and compare the two in PostgreSQL's own catalogs, with the
 * schema name replaced by a placeholder on both sides: a table, column, default, constraint, index, trigger or
 * function that differs — including a body that names `cfg` where it should name its own schema — fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, Sql } from "../db/client";
import { freshDatabase } from "../testing/database";
import { isSourceSchema, sourceSchemaDdl } from "./source-schema";

let database: Database;

beforeAll(async () => {
  database = await freshDatabase({ max: 2 });
});

/**
 * Each catalog entry as one line of text, the schema's own name replaced by `<schema>` (where it qualifies a
 * name, and in the NOTIFY channel). A reference to any other schema keeps its name, so it shows as a difference.
 */
async function catalogOf(sql: Sql, schema: string) {
  const own = new RegExp(`(?<![\\w"])"?${schema}"?(?=\\.)|(?<![\\w"])${schema}(?=_changes\\b)`, "g");
  const normalise = (value: unknown) => (typeof value === "string" ? value.replace(own, "<schema>") : value);
  const lines = (rows: readonly Record<string, unknown>[]) =>
    rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normalise(v)])))).sort();
  const [namespace] = await sql<{ oid: number }[]>`select oid::int from pg_namespace where nspname = ${schema}`;
  if (!namespace) throw new Error(`no schema ${schema}`);
  const ns = namespace.oid;
  return {
    // Tables, indexes, sequences and the change_row type, with their columns in order.
    relations: lines(await sql`
      select c.relname, c.relkind, c.relpersistence, c.relreplident, c.reloptions, c.relacl::text as acl,
             a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid) as "default", a.attidentity, a.attgenerated, a.attcollation::regcollation::text as collation
        from pg_class c
        left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
       where c.relnamespace = ${ns}`),
    types: lines(await sql`
      select typname, typtype, typcategory, format_type(typelem, null) as element
        from pg_type where typnamespace = ${ns}`),
    constraints: lines(await sql`
      select c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) as def,
             con.condeferrable, con.condeferred, con.convalidated
        from pg_constraint con join pg_class c on c.oid = con.conrelid
       where con.connamespace = ${ns}`),
    indexes: lines(await sql`
      select c.relname, pg_get_indexdef(i.indexrelid) as def, i.indisprimary, i.indisunique
        from pg_index i join pg_class c on c.oid = i.indexrelid
       where c.relnamespace = ${ns}`),
    triggers: lines(await sql`
      select c.relname, t.tgname, pg_get_triggerdef(t.oid) as def, t.tgenabled
        from pg_trigger t join pg_class c on c.oid = t.tgrelid
       where c.relnamespace = ${ns} and not t.tgisinternal`),
    functions: lines(await sql`
      select p.proname, pg_get_functiondef(p.oid) as def, p.proacl::text as acl
        from pg_proc p where p.pronamespace = ${ns}`),
    // Each sequence with its settings and the column that owns it (so dbids are counted per schema).
    sequences: lines(await sql`
      select s.relname, q.seqtypid::regtype::text as type, q.seqstart, q.seqincrement, q.seqmax, q.seqmin,
             q.seqcache, q.seqcycle, owner.relname as "ownerTable", a.attname as "ownerColumn"
        from pg_sequence q
        join pg_class s on s.oid = q.seqrelid
        left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid and d.deptype = 'a'
        left join pg_class owner on owner.oid = d.refobjid
        left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
       where s.relnamespace = ${ns}`),
  };
}

async function install(sql: Sql, schema: string): Promise<void> {
  await sql.begin((tx) => tx.unsafe(sourceSchemaDdl(schema)));
}

describe("a source's schema", () => {
  it("is built by the generator exactly as the migrations built cfg", async () => {
    const { sql } = database;
    await install(sql, "cfg_drift");
    const [cfg, drift] = [await catalogOf(sql, "cfg"), await catalogOf(sql, "cfg_drift")];
    // Each section compared on its own, so a failure names the kind of object that drifted.
    for (const section of Object.keys(cfg) as (keyof typeof cfg)[]) expect({ [section]: drift[section] }).toEqual({ [section]: cfg[section] });
    // Guard against comparing two empty lists: what 0001 and 0002 made is all there.
    expect(cfg.functions).toHaveLength(5);
    expect(cfg.triggers).toHaveLength(28);
    expect(cfg.sequences).toHaveLength(6);
    expect(cfg.constraints.filter((c) => c.includes('"contype":"f"'))).toHaveLength(8);
    // Its counter starts at its single row, at zero.
    expect(await sql`select one, seq from cfg_drift.change_counter`).toEqual([{ one: true, seq: 0 }]);
  });

  it("would show a drift: a changed default, or a body naming cfg instead of its own schema", async () => {
    const { sql } = database;
    await install(sql, "cfg_skewed");
    await sql`alter table cfg_skewed.persons alter column first_name set default '?'`;
    await sql.unsafe(`create or replace function cfg_skewed.lock_change_counter() returns trigger
      language plpgsql as $$
      BEGIN
        PERFORM 1 FROM cfg.change_counter WHERE one FOR UPDATE;
        RETURN NULL;
      END
      $$`);
    const [cfg, skewed] = [await catalogOf(sql, "cfg"), await catalogOf(sql, "cfg_skewed")];
    expect(skewed.relations).not.toEqual(cfg.relations);
    expect(skewed.functions.find((f) => f.includes("lock_change_counter"))).toContain("FROM cfg.change_counter");
    expect(skewed.functions).not.toEqual(cfg.functions);
    expect(skewed.triggers).toEqual(cfg.triggers);
  });

  it("feeds its own changes and notifies on its own channel", async () => {
    const { sql } = database;
    await install(sql, "cfg_own");
    const heard: string[] = [];
    const listener = await sql.listen("cfg_own_changes", (payload) => heard.push(payload));
    const [tenant] = await sql`insert into cfg_own.tenants (name) values ('Own') returning dbid`;
    await sql`insert into cfg_own.skills (tenant_dbid, name) values (${tenant!.dbid}, 'A'), (${tenant!.dbid}, 'B')`;
    expect(await sql`select seq, object_type as "objectType", op from cfg_own.changes order by seq`).toEqual([
      { seq: 1, objectType: "tenant", op: "created" },
      { seq: 2, objectType: "skill", op: "created" },
      { seq: 3, objectType: "skill", op: "created" },
    ]);
    await expect.poll(() => heard, { timeout: 30_000 }).toEqual(["1", "3"]);
    await listener.unlisten();
  });

  it("refuses a name that is not cfg or cfg_ and a source name, before writing any SQL", () => {
    for (const good of ["cfg", "cfg_eu", "cfg_a", `cfg_${"a".repeat(31)}`]) expect(isSourceSchema(good)).toBe(true);
    for (const bad of ["public", "wfm", "cfg_", "cfg_main", "cfg_Eu", "cfg_1eu", "cfg_eu-west", `cfg_${"a".repeat(32)}`, 'cfg_eu"; drop schema wfm; --', "cfgeu", ""]) {
      expect(isSourceSchema(bad)).toBe(false);
      expect(() => sourceSchemaDdl(bad)).toThrow(/not a source's schema name/);
    }
  });
});
