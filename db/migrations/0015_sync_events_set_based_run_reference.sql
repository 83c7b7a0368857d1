-- The sync log's reference to its run, enforced once per statement instead of once per row (as agent_skills'
-- in 0003/0013): a cold full sync inserts 100,000 'added' lines in five statements, and the per-row foreign-key
-- check cost ~0.3 s of them. Like the key it replaces, the check locks each run FOR KEY SHARE, so a concurrent
-- delete of the run waits for the writer and then cascades to what it wrote.
ALTER TABLE "wfm"."sync_events" DROP CONSTRAINT "sync_events_run_id_sync_runs_id_fk";--> statement-breakpoint
CREATE FUNCTION wfm.sync_events_check_run() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  named bigint;
  found bigint;
  orphan bigint;
BEGIN
  WITH ids AS (SELECT DISTINCT run_id FROM new_rows),
       locked AS (SELECT r.id FROM wfm.sync_runs r JOIN ids ON r.id = ids.run_id FOR KEY SHARE OF r)
  SELECT (SELECT count(*) FROM ids), (SELECT count(*) FROM locked) INTO named, found;
  IF found < named THEN
    SELECT n.run_id INTO orphan FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM wfm.sync_runs r WHERE r.id = n.run_id) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'sync_events',
      MESSAGE = format('sync event names run %s, which does not exist', orphan);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER sync_events_run_insert AFTER INSERT ON wfm.sync_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.sync_events_check_run();--> statement-breakpoint
CREATE TRIGGER sync_events_run_update AFTER UPDATE ON wfm.sync_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.sync_events_check_run();--> statement-breakpoint
CREATE FUNCTION wfm.sync_runs_delete_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM wfm.sync_events WHERE run_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER sync_runs_cascade_events AFTER DELETE ON wfm.sync_runs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.sync_runs_delete_events();--> statement-breakpoint
CREATE TRIGGER sync_runs_key_fixed BEFORE UPDATE OF id ON wfm.sync_runs
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION wfm.refuse_key_change();
