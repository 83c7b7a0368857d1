-- The change feed: every write to a cfg table appends rows to cfg.changes and NOTIFYs 'cfg_changes'.
--
-- Why a counter row and not a sequence: a sequence hands out numbers at call time, before commit, so a
-- transaction holding seq 10 may commit after one holding seq 11; a consumer that has read up to 11 would
-- then skip 10 forever. Here each writing statement takes its seqs by updating the single row of
-- cfg.change_counter. That row stays locked until the writing transaction ends, so the next writer can
-- only allocate after the previous one committed (it then sees the committed value) or rolled back (its
-- increment is undone with it). Hence seqs become visible strictly in increasing order, commit order and
-- seq order agree, and the feed is gap-free: a consumer reading `seq > cursor` never skips a change.
-- The price is that cfg writers serialize on that row from their first write until commit — fine for a
-- configuration database, whose writes are small and short.
--
-- The counter row is locked *before* each writing statement touches any cfg row (a BEFORE STATEMENT
-- trigger), not only when its changes are appended after it. Otherwise a writer holding the counter could
-- wait for a row that a second writer locked before reaching the counter — a deadlock that the counter
-- alone would have caused. Taking the counter first gives every cfg writer the same lock order.
--
-- Triggers are per statement with transition tables, so a bulk COPY of 800,000 skill levels takes one
-- counter update, not 800,000. An UPDATE that changes nothing records nothing.
CREATE TYPE cfg.change_row AS (op text, dbid bigint, tenant_dbid bigint, ref jsonb);
--> statement-breakpoint
CREATE FUNCTION cfg.append_changes(p_object_type text, p_rows cfg.change_row[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(array_length(p_rows, 1), 0);
  last_seq bigint;
BEGIN
  IF n = 0 THEN
    RETURN;
  END IF;
  UPDATE cfg.change_counter SET seq = seq + n WHERE one RETURNING seq INTO last_seq;
  INSERT INTO cfg.changes (seq, at, object_type, op, dbid, tenant_dbid, ref)
  SELECT last_seq - n + r.ord, clock_timestamp(), p_object_type, r.op, r.dbid, r.tenant_dbid, r.ref
  FROM unnest(p_rows) WITH ORDINALITY AS r(op, dbid, tenant_dbid, ref, ord);
  -- Delivered at commit only, and never for a rolled-back transaction.
  PERFORM pg_notify('cfg_changes', last_seq::text);
END
$$;
--> statement-breakpoint
CREATE FUNCTION cfg.lock_change_counter() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM cfg.change_counter WHERE one FOR UPDATE;
  RETURN NULL;
END
$$;
--> statement-breakpoint
INSERT INTO cfg.change_counter (one, seq) VALUES (true, 0) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Tables whose rows carry their own dbid and tenant: tenants, switches, time zones, skills, persons.
-- TG_ARGV[0] is the object type; the tenant column is 'dbid' for tenants themselves.
CREATE FUNCTION cfg.feed_simple() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows cfg.change_row[];
  tenant_col text := CASE WHEN TG_ARGV[0] = 'tenant' THEN 'dbid' ELSE 'tenant_dbid' END;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format($q$SELECT array_agg(ROW('created', n.dbid, n.%1$I, NULL)::cfg.change_row ORDER BY n.dbid)
                      FROM new_rows n$q$, tenant_col) INTO rows;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format($q$SELECT array_agg(ROW('deleted', o.dbid, o.%1$I, NULL)::cfg.change_row ORDER BY o.dbid)
                      FROM old_rows o$q$, tenant_col) INTO rows;
  ELSE
    EXECUTE format($q$SELECT array_agg(ROW(CASE WHEN o.dbid IS NULL THEN 'created'
                                                 WHEN n.dbid IS NULL THEN 'deleted'
                                                 ELSE 'changed' END,
                                            coalesce(n.dbid, o.dbid), coalesce(n.%1$I, o.%1$I), NULL)::cfg.change_row
                                        ORDER BY coalesce(n.dbid, o.dbid))
                      FROM old_rows o FULL JOIN new_rows n ON n.dbid = o.dbid
                      WHERE o IS DISTINCT FROM n$q$, tenant_col) INTO rows;
  END IF;
  PERFORM cfg.append_changes(TG_ARGV[0], rows);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A login is keyed by its own dbid; ref names its switch and person (and the previous person on a change,
-- since a login moving between persons affects both). Its tenant is its switch's.
CREATE FUNCTION cfg.feed_agent_logins() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows cfg.change_row[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW('created', n.dbid, s.tenant_dbid,
                         jsonb_build_object('switch_dbid', n.switch_dbid, 'person_dbid', n.person_dbid))::cfg.change_row
                     ORDER BY n.dbid)
      INTO rows FROM new_rows n LEFT JOIN cfg.switches s ON s.dbid = n.switch_dbid;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW('deleted', o.dbid, s.tenant_dbid,
                         jsonb_build_object('switch_dbid', o.switch_dbid, 'person_dbid', o.person_dbid))::cfg.change_row
                     ORDER BY o.dbid)
      INTO rows FROM old_rows o LEFT JOIN cfg.switches s ON s.dbid = o.switch_dbid;
  ELSE
    SELECT array_agg(ROW(CASE WHEN o.dbid IS NULL THEN 'created' WHEN n.dbid IS NULL THEN 'deleted' ELSE 'changed' END,
                         coalesce(n.dbid, o.dbid), s.tenant_dbid,
                         jsonb_build_object('switch_dbid', coalesce(n.switch_dbid, o.switch_dbid),
                                            'person_dbid', n.person_dbid,
                                            'old_person_dbid', o.person_dbid,
                                            'old_switch_dbid', o.switch_dbid))::cfg.change_row
                     ORDER BY coalesce(n.dbid, o.dbid))
      INTO rows
      FROM old_rows o FULL JOIN new_rows n ON n.dbid = o.dbid
      LEFT JOIN cfg.switches s ON s.dbid = coalesce(n.switch_dbid, o.switch_dbid)
     WHERE o IS DISTINCT FROM n;
  END IF;
  PERFORM cfg.append_changes('agent_login', rows);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A skill level has no dbid of its own: the change's dbid is the person's, ref names the skill. Its tenant is
-- the person's (unknown when the level goes because its person was deleted in the same statement).
CREATE FUNCTION cfg.feed_skill_levels() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows cfg.change_row[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW('created', n.person_dbid, p.tenant_dbid,
                         jsonb_build_object('skill_dbid', n.skill_dbid, 'level', n.level))::cfg.change_row
                     ORDER BY n.person_dbid, n.skill_dbid)
      INTO rows FROM new_rows n LEFT JOIN cfg.persons p ON p.dbid = n.person_dbid;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW('deleted', o.person_dbid, p.tenant_dbid,
                         jsonb_build_object('skill_dbid', o.skill_dbid, 'level', o.level))::cfg.change_row
                     ORDER BY o.person_dbid, o.skill_dbid)
      INTO rows FROM old_rows o LEFT JOIN cfg.persons p ON p.dbid = o.person_dbid;
  ELSE
    SELECT array_agg(ROW(CASE WHEN o.person_dbid IS NULL THEN 'created'
                              WHEN n.person_dbid IS NULL THEN 'deleted' ELSE 'changed' END,
                         coalesce(n.person_dbid, o.person_dbid), p.tenant_dbid,
                         jsonb_build_object('skill_dbid', coalesce(n.skill_dbid, o.skill_dbid),
                                            'level', n.level, 'old_level', o.level))::cfg.change_row
                     ORDER BY coalesce(n.person_dbid, o.person_dbid), coalesce(n.skill_dbid, o.skill_dbid))
      INTO rows
      FROM old_rows o FULL JOIN new_rows n ON n.person_dbid = o.person_dbid AND n.skill_dbid = o.skill_dbid
      LEFT JOIN cfg.persons p ON p.dbid = coalesce(n.person_dbid, o.person_dbid)
     WHERE o IS DISTINCT FROM n;
  END IF;
  PERFORM cfg.append_changes('skill_level', rows);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('tenants', 'cfg.feed_simple(''tenant'')'),
      ('switches', 'cfg.feed_simple(''switch'')'),
      ('time_zones', 'cfg.feed_simple(''time_zone'')'),
      ('skills', 'cfg.feed_simple(''skill'')'),
      ('persons', 'cfg.feed_simple(''person'')'),
      ('agent_logins', 'cfg.feed_agent_logins()'),
      ('skill_levels', 'cfg.feed_skill_levels()')) AS v(tbl, fn)
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON cfg.%I
                    FOR EACH STATEMENT EXECUTE FUNCTION cfg.lock_change_counter()', t.tbl || '_feed_lock', t.tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON cfg.%I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %s', t.tbl || '_feed_insert', t.tbl, t.fn);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON cfg.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %s', t.tbl || '_feed_update', t.tbl, t.fn);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON cfg.%I REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %s', t.tbl || '_feed_delete', t.tbl, t.fn);
  END LOOP;
END
$$;
