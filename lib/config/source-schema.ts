/**
 * The one definition of a configuration source's schema (SPEC §2.9): its tables, constraints, indexes and change
 * feed, for any schema name. `cfg` (the source `main`) was built by migrations 0001 and 0002 before sources
 * existed; every other source's schema is built from this text, and `source-schema.test.ts` compares the catalogs
 * of `cfg` and a schema built here, so the two cannot drift apart unnoticed. A change to the cfg tables or the feed
 * is made here and in a migration that applies it to every existing source schema.
 *
 * Why the feed is a counter row and not a sequence, and why the lock comes first: `db/migrations/0002_change_feed.sql`.
 * The function bodies below are that migration's text with the schema name in place of `cfg`, word for word, because
 * PostgreSQL keeps a function's body as written and the equivalence test compares them as written.
 */
import { MAIN_SOURCE, SOURCE_NAME_PATTERN } from "./source-names";

/** `cfg`, or `cfg_` and a source name other than main: the only names a source's schema may have. */
export function isSourceSchema(schema: string): boolean {
  if (schema === "cfg") return true;
  if (!schema.startsWith("cfg_")) return false;
  const source = schema.slice("cfg_".length);
  return SOURCE_NAME_PATTERN.test(source) && source !== MAIN_SOURCE;
}

/** The cfg tables that feed changes, each with the trigger function that records them. */
export const FEED_TABLES = [
  ["tenants", "feed_simple('tenant')"],
  ["switches", "feed_simple('switch')"],
  ["time_zones", "feed_simple('time_zone')"],
  ["skills", "feed_simple('skill')"],
  ["persons", "feed_simple('person')"],
  ["agent_logins", "feed_agent_logins()"],
  ["skill_levels", "feed_skill_levels()"],
] as const;

/**
 * The complete DDL of a source's schema, from `CREATE SCHEMA` to its last trigger, as one multi-statement string
 * to run in the transaction that registers the source. The schema name is checked first because it is written
 * into the SQL as it is (it can only be lower-case letters, digits and underscores, so it needs no quoting), and
 * `CREATE SCHEMA` is not `IF NOT EXISTS`: a schema of that name already there makes the whole text fail instead
 * of being half-merged with whatever it holds.
 */
export function sourceSchemaDdl(schema: string): string {
  if (!isSourceSchema(schema)) {
    throw new Error(`not a source's schema name: ${JSON.stringify(schema)} (cfg, or cfg_ and a source name)`);
  }
  return [tables(schema), feedFunctions(schema), `INSERT INTO ${schema}.change_counter (one, seq) VALUES (true, 0);`, triggers(schema)].join("\n");
}

/** Tables, keys and indexes as migration 0001 made them for cfg: the same names, types, defaults and rules. */
function tables(s: string): string {
  // bigserial makes each schema's own sequences (cfg_eu.persons_dbid_seq), so dbids are counted per source.
  return `CREATE SCHEMA ${s};
CREATE TABLE ${s}.tenants (
  dbid bigserial PRIMARY KEY NOT NULL,
  name text NOT NULL,
  CONSTRAINT tenants_name_unique UNIQUE (name)
);
CREATE TABLE ${s}.switches (
  dbid bigserial PRIMARY KEY NOT NULL,
  tenant_dbid bigint NOT NULL,
  name text NOT NULL
);
CREATE TABLE ${s}.time_zones (
  dbid bigserial PRIMARY KEY NOT NULL,
  tenant_dbid bigint NOT NULL,
  name text NOT NULL,
  iana_name text NOT NULL
);
CREATE TABLE ${s}.skills (
  dbid bigserial PRIMARY KEY NOT NULL,
  tenant_dbid bigint NOT NULL,
  name text NOT NULL
);
CREATE TABLE ${s}.persons (
  dbid bigserial PRIMARY KEY NOT NULL,
  tenant_dbid bigint NOT NULL,
  username text NOT NULL,
  first_name text DEFAULT '' NOT NULL,
  last_name text DEFAULT '' NOT NULL,
  email text,
  employee_id text,
  is_agent boolean DEFAULT true NOT NULL
);
CREATE TABLE ${s}.agent_logins (
  dbid bigserial PRIMARY KEY NOT NULL,
  switch_dbid bigint NOT NULL,
  code text NOT NULL,
  person_dbid bigint
);
CREATE TABLE ${s}.skill_levels (
  person_dbid bigint NOT NULL,
  skill_dbid bigint NOT NULL,
  level smallint NOT NULL,
  CONSTRAINT skill_levels_person_dbid_skill_dbid_pk PRIMARY KEY (person_dbid, skill_dbid),
  CONSTRAINT skill_levels_level_range CHECK (level between 0 and 10)
);
CREATE TABLE ${s}.change_counter (
  one boolean PRIMARY KEY DEFAULT true NOT NULL,
  seq bigint DEFAULT 0 NOT NULL,
  CONSTRAINT change_counter_single_row CHECK (one)
);
CREATE TABLE ${s}.changes (
  seq bigint PRIMARY KEY NOT NULL,
  at timestamp with time zone DEFAULT now() NOT NULL,
  object_type text NOT NULL,
  op text NOT NULL,
  dbid bigint NOT NULL,
  tenant_dbid bigint,
  ref jsonb,
  CONSTRAINT changes_object_type_valid CHECK (object_type in ('tenant','switch','time_zone','skill','person','agent_login','skill_level')),
  CONSTRAINT changes_op_valid CHECK (op in ('created','changed','deleted'))
);
ALTER TABLE ${s}.agent_logins ADD CONSTRAINT agent_logins_switch_dbid_switches_dbid_fk FOREIGN KEY (switch_dbid) REFERENCES ${s}.switches (dbid) ON DELETE cascade ON UPDATE no action;
ALTER TABLE ${s}.agent_logins ADD CONSTRAINT agent_logins_person_dbid_persons_dbid_fk FOREIGN KEY (person_dbid) REFERENCES ${s}.persons (dbid) ON DELETE set null ON UPDATE no action;
ALTER TABLE ${s}.persons ADD CONSTRAINT persons_tenant_dbid_tenants_dbid_fk FOREIGN KEY (tenant_dbid) REFERENCES ${s}.tenants (dbid) ON DELETE cascade ON UPDATE no action;
ALTER TABLE ${s}.skill_levels ADD CONSTRAINT skill_levels_person_dbid_persons_dbid_fk FOREIGN KEY (person_dbid) REFERENCES ${s}.persons (dbid) ON DELETE cascade ON UPDATE no action;
ALTER TABLE ${s}.skill_levels ADD CONSTRAINT skill_levels_skill_dbid_skills_dbid_fk FOREIGN KEY (skill_dbid) REFERENCES ${s}.skills (dbid) ON DELETE cascade ON UPDATE no action;
ALTER TABLE ${s}.skills ADD CONSTRAINT skills_tenant_dbid_tenants_dbid_fk FOREIGN KEY (tenant_dbid) REFERENCES ${s}.tenants (dbid) ON DELETE cascade ON UPDATE no action;
ALTER TABLE ${s}.switches ADD CONSTRAINT switches_tenant_dbid_tenants_dbid_fk FOREIGN KEY (tenant_dbid) REFERENCES ${s}.tenants (dbid) ON DELETE cascade ON UPDATE no action;
ALTER TABLE ${s}.time_zones ADD CONSTRAINT time_zones_tenant_dbid_tenants_dbid_fk FOREIGN KEY (tenant_dbid) REFERENCES ${s}.tenants (dbid) ON DELETE cascade ON UPDATE no action;
CREATE UNIQUE INDEX agent_logins_switch_code_key ON ${s}.agent_logins USING btree (switch_dbid, code);
CREATE INDEX agent_logins_person_idx ON ${s}.agent_logins USING btree (person_dbid);
CREATE UNIQUE INDEX persons_tenant_username_key ON ${s}.persons USING btree (tenant_dbid, username);
CREATE INDEX skill_levels_skill_idx ON ${s}.skill_levels USING btree (skill_dbid);
CREATE UNIQUE INDEX skills_tenant_name_key ON ${s}.skills USING btree (tenant_dbid, name);
CREATE INDEX skills_name_idx ON ${s}.skills USING btree (name);
CREATE UNIQUE INDEX switches_tenant_name_key ON ${s}.switches USING btree (tenant_dbid, name);
CREATE INDEX switches_name_idx ON ${s}.switches USING btree (name);
CREATE UNIQUE INDEX time_zones_tenant_name_key ON ${s}.time_zones USING btree (tenant_dbid, name);
CREATE INDEX time_zones_name_idx ON ${s}.time_zones USING btree (name);`;
}

/** The change feed's type and functions, created in the schema and naming only it; NOTIFY on `<schema>_changes`. */
function feedFunctions(s: string): string {
  return `CREATE TYPE ${s}.change_row AS (op text, dbid bigint, tenant_dbid bigint, ref jsonb);
CREATE FUNCTION ${s}.append_changes(p_object_type text, p_rows ${s}.change_row[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(array_length(p_rows, 1), 0);
  last_seq bigint;
BEGIN
  IF n = 0 THEN
    RETURN;
  END IF;
  UPDATE ${s}.change_counter SET seq = seq + n WHERE one RETURNING seq INTO last_seq;
  INSERT INTO ${s}.changes (seq, at, object_type, op, dbid, tenant_dbid, ref)
  SELECT last_seq - n + r.ord, clock_timestamp(), p_object_type, r.op, r.dbid, r.tenant_dbid, r.ref
  FROM unnest(p_rows) WITH ORDINALITY AS r(op, dbid, tenant_dbid, ref, ord);
  -- Delivered at commit only, and never for a rolled-back transaction.
  PERFORM pg_notify('${s}_changes', last_seq::text);
END
$$;
CREATE FUNCTION ${s}.lock_change_counter() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM ${s}.change_counter WHERE one FOR UPDATE;
  RETURN NULL;
END
$$;
-- Tables whose rows carry their own dbid and tenant: tenants, switches, time zones, skills, persons.
-- TG_ARGV[0] is the object type; the tenant column is 'dbid' for tenants themselves.
CREATE FUNCTION ${s}.feed_simple() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows ${s}.change_row[];
  tenant_col text := CASE WHEN TG_ARGV[0] = 'tenant' THEN 'dbid' ELSE 'tenant_dbid' END;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format($q$SELECT array_agg(ROW('created', n.dbid, n.%1$I, NULL)::${s}.change_row ORDER BY n.dbid)
                      FROM new_rows n$q$, tenant_col) INTO rows;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format($q$SELECT array_agg(ROW('deleted', o.dbid, o.%1$I, NULL)::${s}.change_row ORDER BY o.dbid)
                      FROM old_rows o$q$, tenant_col) INTO rows;
  ELSE
    EXECUTE format($q$SELECT array_agg(ROW(CASE WHEN o.dbid IS NULL THEN 'created'
                                                 WHEN n.dbid IS NULL THEN 'deleted'
                                                 ELSE 'changed' END,
                                            coalesce(n.dbid, o.dbid), coalesce(n.%1$I, o.%1$I), NULL)::${s}.change_row
                                        ORDER BY coalesce(n.dbid, o.dbid))
                      FROM old_rows o FULL JOIN new_rows n ON n.dbid = o.dbid
                      WHERE o IS DISTINCT FROM n$q$, tenant_col) INTO rows;
  END IF;
  PERFORM ${s}.append_changes(TG_ARGV[0], rows);
  RETURN NULL;
END
$$;
-- A login is keyed by its own dbid; ref names its switch and person (and the previous person on a change,
-- since a login moving between persons affects both). Its tenant is its switch's.
CREATE FUNCTION ${s}.feed_agent_logins() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows ${s}.change_row[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW('created', n.dbid, s.tenant_dbid,
                         jsonb_build_object('switch_dbid', n.switch_dbid, 'person_dbid', n.person_dbid))::${s}.change_row
                     ORDER BY n.dbid)
      INTO rows FROM new_rows n LEFT JOIN ${s}.switches s ON s.dbid = n.switch_dbid;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW('deleted', o.dbid, s.tenant_dbid,
                         jsonb_build_object('switch_dbid', o.switch_dbid, 'person_dbid', o.person_dbid))::${s}.change_row
                     ORDER BY o.dbid)
      INTO rows FROM old_rows o LEFT JOIN ${s}.switches s ON s.dbid = o.switch_dbid;
  ELSE
    SELECT array_agg(ROW(CASE WHEN o.dbid IS NULL THEN 'created' WHEN n.dbid IS NULL THEN 'deleted' ELSE 'changed' END,
                         coalesce(n.dbid, o.dbid), s.tenant_dbid,
                         jsonb_build_object('switch_dbid', coalesce(n.switch_dbid, o.switch_dbid),
                                            'person_dbid', n.person_dbid,
                                            'old_person_dbid', o.person_dbid,
                                            'old_switch_dbid', o.switch_dbid))::${s}.change_row
                     ORDER BY coalesce(n.dbid, o.dbid))
      INTO rows
      FROM old_rows o FULL JOIN new_rows n ON n.dbid = o.dbid
      LEFT JOIN ${s}.switches s ON s.dbid = coalesce(n.switch_dbid, o.switch_dbid)
     WHERE o IS DISTINCT FROM n;
  END IF;
  PERFORM ${s}.append_changes('agent_login', rows);
  RETURN NULL;
END
$$;
-- A skill level has no dbid of its own: the change's dbid is the person's, ref names the skill. Its tenant is
-- the person's (unknown when the level goes because its person was deleted in the same statement).
CREATE FUNCTION ${s}.feed_skill_levels() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows ${s}.change_row[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW('created', n.person_dbid, p.tenant_dbid,
                         jsonb_build_object('skill_dbid', n.skill_dbid, 'level', n.level))::${s}.change_row
                     ORDER BY n.person_dbid, n.skill_dbid)
      INTO rows FROM new_rows n LEFT JOIN ${s}.persons p ON p.dbid = n.person_dbid;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW('deleted', o.person_dbid, p.tenant_dbid,
                         jsonb_build_object('skill_dbid', o.skill_dbid, 'level', o.level))::${s}.change_row
                     ORDER BY o.person_dbid, o.skill_dbid)
      INTO rows FROM old_rows o LEFT JOIN ${s}.persons p ON p.dbid = o.person_dbid;
  ELSE
    SELECT array_agg(ROW(CASE WHEN o.person_dbid IS NULL THEN 'created'
                              WHEN n.person_dbid IS NULL THEN 'deleted' ELSE 'changed' END,
                         coalesce(n.person_dbid, o.person_dbid), p.tenant_dbid,
                         jsonb_build_object('skill_dbid', coalesce(n.skill_dbid, o.skill_dbid),
                                            'level', n.level, 'old_level', o.level))::${s}.change_row
                     ORDER BY coalesce(n.person_dbid, o.person_dbid), coalesce(n.skill_dbid, o.skill_dbid))
      INTO rows
      FROM old_rows o FULL JOIN new_rows n ON n.person_dbid = o.person_dbid AND n.skill_dbid = o.skill_dbid
      LEFT JOIN ${s}.persons p ON p.dbid = coalesce(n.person_dbid, o.person_dbid)
     WHERE o IS DISTINCT FROM n;
  END IF;
  PERFORM ${s}.append_changes('skill_level', rows);
  RETURN NULL;
END
$$;
`;
}

/** Per table: the counter lock before each writing statement, then one recorder per kind of write. */
function triggers(s: string): string {
  return FEED_TABLES.map(
    ([table, fn]) => `CREATE TRIGGER ${table}_feed_lock BEFORE INSERT OR UPDATE OR DELETE ON ${s}.${table}
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.lock_change_counter();
CREATE TRIGGER ${table}_feed_insert AFTER INSERT ON ${s}.${table} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.${fn};
CREATE TRIGGER ${table}_feed_update AFTER UPDATE ON ${s}.${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.${fn};
CREATE TRIGGER ${table}_feed_delete AFTER DELETE ON ${s}.${table} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.${fn};`,
  ).join("\n");
}

/**
 * The change feed of a replicated source on the WFM side (SPEC §2.9, issue 14). PostgreSQL's apply worker (and
 * the table sync workers of the initial copy) run as `session_replication_role = replica`: they fire no
 * statement-level trigger — so not the feed above — and only row-level triggers enabled for replica. Each
 * replicated row is staged by such a trigger, in a temporary table of the session's; the first one of a transaction also queues a deferred constraint
 * trigger, which runs once, at commit, and turns the transaction's staged rows into changes exactly as the local
 * feed records them: the same objects, ops, tenants and refs, numbered under the counter's row lock so that seq
 * order is commit order and the feed stays gap-free. A replicated transaction is one unit of the feed, never
 * half a person. Numbering at commit rather than per row also keeps the counter row from being updated once per
 * row of an initial copy (a hundred thousand versions of one row in one transaction).
 *
 * Local writes to the same schema (plain SQL) still go through the statement-level feed: its triggers are
 * enabled for origin only, these for replica only, and both number under the same counter lock.
 */
export function replicatedFeedDdl(schema: string): string {
  if (!isSourceSchema(schema) || schema === "cfg") {
    throw new Error(`not a replicated source's schema name: ${JSON.stringify(schema)} (cfg_ and a source name)`);
  }
  const s = schema;
  const pending = `wfm.${s}_feed_pending`;
  const staged = `pg_temp.${s}_changes_staged`;
  return `CREATE TABLE ${s}.changes_commit (txid bigint PRIMARY KEY);
CREATE FUNCTION ${s}.feed_key(p_object_type text, r jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_object_type = 'skill_level' THEN (r->>'person_dbid') || ',' || (r->>'skill_dbid') ELSE r->>'dbid' END
$$;
CREATE FUNCTION ${s}.feed_replicated_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('${pending}', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('${pending}', 'on', true);
    -- The session's own staging table (the apply worker's, a table sync worker's), emptied at each commit:
    -- no dead rows for anyone to vacuum, and nothing another session's transaction can see or wait for.
    CREATE TEMP TABLE IF NOT EXISTS ${s}_changes_staged (
      ord bigint GENERATED ALWAYS AS IDENTITY,
      object_type text NOT NULL,
      op text NOT NULL,
      old_row jsonb,
      new_row jsonb
    ) ON COMMIT DELETE ROWS;
    INSERT INTO ${s}.changes_commit (txid) VALUES (txid_current());
  END IF;
  INSERT INTO ${staged} (object_type, op, old_row, new_row)
  VALUES (TG_ARGV[0], TG_OP,
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
          CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
  RETURN NULL;
END
$$;
CREATE FUNCTION ${s}.feed_replicated_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
BEGIN
  DELETE FROM ${s}.changes_commit WHERE txid = NEW.txid;
  PERFORM set_config('${pending}', 'off', true);
  WITH staged AS MATERIALIZED (
    SELECT * FROM ${staged}
  ), normalized AS (
    -- u: from an UPDATE, whose refs the local feed writes in its "changed" shape even when a key change
    -- makes it a delete and a create.
    SELECT ord, 0 AS part, object_type, 'created' AS op, false AS u, NULL::jsonb AS o, new_row AS n
      FROM staged WHERE op = 'INSERT'
    UNION ALL
    SELECT ord, 0, object_type, 'deleted', false, old_row, NULL FROM staged WHERE op = 'DELETE'
    UNION ALL
    SELECT ord, 0, object_type, 'changed', true, old_row, new_row FROM staged
     WHERE op = 'UPDATE' AND ${s}.feed_key(object_type, old_row) = ${s}.feed_key(object_type, new_row)
       AND old_row IS DISTINCT FROM new_row
    UNION ALL
    SELECT ord, 0, object_type, 'deleted', true, old_row, NULL FROM staged
     WHERE op = 'UPDATE' AND ${s}.feed_key(object_type, old_row) <> ${s}.feed_key(object_type, new_row)
    UNION ALL
    SELECT ord, 1, object_type, 'created', true, NULL, new_row FROM staged
     WHERE op = 'UPDATE' AND ${s}.feed_key(object_type, old_row) <> ${s}.feed_key(object_type, new_row)
  ), numbered AS (
  SELECT row_number() OVER (ORDER BY c.ord, c.part) AS k, c.object_type, c.op,
         CASE WHEN c.object_type = 'skill_level' THEN (r->>'person_dbid')::bigint ELSE (r->>'dbid')::bigint END AS dbid,
         CASE c.object_type WHEN 'tenant' THEN (r->>'dbid')::bigint
                            WHEN 'agent_login' THEN sw.tenant_dbid
                            WHEN 'skill_level' THEN p.tenant_dbid
                            ELSE (r->>'tenant_dbid')::bigint END AS tenant_dbid,
         CASE c.object_type
           WHEN 'agent_login' THEN
             CASE WHEN c.u
                  THEN jsonb_build_object('switch_dbid', coalesce(c.n->'switch_dbid', c.o->'switch_dbid'),
                                          'person_dbid', c.n->'person_dbid',
                                          'old_person_dbid', c.o->'person_dbid',
                                          'old_switch_dbid', c.o->'switch_dbid')
                  ELSE jsonb_build_object('switch_dbid', r->'switch_dbid', 'person_dbid', r->'person_dbid') END
           WHEN 'skill_level' THEN
             CASE WHEN c.u
                  THEN jsonb_build_object('skill_dbid', r->'skill_dbid', 'level', c.n->'level', 'old_level', c.o->'level')
                  ELSE jsonb_build_object('skill_dbid', r->'skill_dbid', 'level', r->'level') END
         END AS ref
    FROM normalized c
    CROSS JOIN LATERAL (SELECT coalesce(c.n, c.o) AS r) x
    LEFT JOIN ${s}.switches sw ON c.object_type = 'agent_login' AND sw.dbid = (x.r->>'switch_dbid')::bigint
    LEFT JOIN ${s}.persons p ON c.object_type = 'skill_level' AND p.dbid = (x.r->>'person_dbid')::bigint
  ), total AS (
    SELECT count(*)::bigint AS n FROM numbered
  ), counter AS (
    -- Not even locked when every replicated update left its row as it was.
    UPDATE ${s}.change_counter SET seq = seq + total.n FROM total WHERE one AND total.n > 0 RETURNING seq AS last_seq, total.n
  ), inserted AS (
    INSERT INTO ${s}.changes (seq, at, object_type, op, dbid, tenant_dbid, ref)
    SELECT counter.last_seq - counter.n + numbered.k, clock_timestamp(), numbered.object_type, numbered.op,
           numbered.dbid, numbered.tenant_dbid, numbered.ref
      FROM numbered, counter
    RETURNING seq
  )
  SELECT max(seq) INTO last_seq FROM inserted;
  -- The staged rows go with the commit (ON COMMIT DELETE ROWS).
  IF last_seq IS NULL THEN
    RETURN NULL;
  END IF;
  -- Delivered at commit only, and never for a rolled-back transaction.
  PERFORM pg_notify('${s}_changes', last_seq::text);
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER changes_commit AFTER INSERT ON ${s}.changes_commit
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${s}.feed_replicated_commit();
ALTER TABLE ${s}.changes_commit ENABLE ALWAYS TRIGGER changes_commit;
${FEED_TABLES.map(
  ([table, fn]) => `CREATE TRIGGER ${table}_feed_replicated AFTER INSERT OR UPDATE OR DELETE ON ${s}.${table}
  FOR EACH ROW EXECUTE FUNCTION ${s}.feed_replicated_row('${objectTypeOf(fn)}');
ALTER TABLE ${s}.${table} ENABLE REPLICA TRIGGER ${table}_feed_replicated;`,
).join("\n")}`;
}

/** 'person' of "feed_simple('person')", 'agent_login' of "feed_agent_logins()": the feed's object type of a table. */
function objectTypeOf(recorder: string): string {
  const simple = /^feed_simple\('([a-z_]+)'\)$/.exec(recorder);
  if (simple) return simple[1]!;
  return recorder === "feed_agent_logins()" ? "agent_login" : "skill_level";
}
