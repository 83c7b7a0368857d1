ALTER TABLE "wfm"."agent_skills" DROP CONSTRAINT "agent_skills_agent_id_agents_id_fk";
--> statement-breakpoint
ALTER TABLE "wfm"."agent_skills" DROP CONSTRAINT "agent_skills_skill_dbid_skills_cfg_dbid_fk";
--> statement-breakpoint
-- The references of wfm.agent_skills, enforced once per statement instead of once per row (see db/schema.ts).
-- Like a foreign key, the check locks each parent FOR KEY SHARE, so a concurrent delete of that agent or skill
-- waits for this transaction (and then cascades to what it wrote); unlike one, it does so once per distinct
-- parent with one set-based query.
CREATE FUNCTION wfm.agent_skills_check_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  orphan record;
BEGIN
  PERFORM 1 FROM wfm.agents a WHERE a.id IN (SELECT DISTINCT agent_id FROM new_rows) FOR KEY SHARE OF a;
  PERFORM 1 FROM wfm.skills s WHERE s.cfg_dbid IN (SELECT DISTINCT skill_dbid FROM new_rows) FOR KEY SHARE OF s;
  SELECT n.agent_id, n.skill_dbid INTO orphan FROM new_rows n
   WHERE NOT EXISTS (SELECT 1 FROM wfm.agents a WHERE a.id = n.agent_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'agent_skills',
      MESSAGE = format('agent skill (agent %s, skill %s) names an agent that does not exist', orphan.agent_id, orphan.skill_dbid);
  END IF;
  SELECT n.agent_id, n.skill_dbid INTO orphan FROM new_rows n
   WHERE NOT EXISTS (SELECT 1 FROM wfm.skills s WHERE s.cfg_dbid = n.skill_dbid) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'agent_skills',
      MESSAGE = format('agent skill (agent %s, skill %s) names a skill that does not exist', orphan.agent_id, orphan.skill_dbid);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER agent_skills_references_insert AFTER INSERT ON wfm.agent_skills
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.agent_skills_check_references();
--> statement-breakpoint
CREATE TRIGGER agent_skills_references_update AFTER UPDATE ON wfm.agent_skills
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.agent_skills_check_references();
--> statement-breakpoint
CREATE FUNCTION wfm.agents_delete_skills() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM wfm.agent_skills WHERE agent_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER agents_cascade_skills AFTER DELETE ON wfm.agents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.agents_delete_skills();
--> statement-breakpoint
CREATE FUNCTION wfm.skills_delete_agent_skills() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM wfm.agent_skills WHERE skill_dbid IN (SELECT cfg_dbid FROM old_rows);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER skills_cascade_agent_skills AFTER DELETE ON wfm.skills
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.skills_delete_agent_skills();
--> statement-breakpoint
-- The keys agent_skills names never change; refuse a change that would orphan its rows.
CREATE FUNCTION wfm.refuse_key_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
    MESSAGE = format('the key of %I.%I cannot change: wfm.agent_skills refers to it', TG_TABLE_SCHEMA, TG_TABLE_NAME);
END
$$;
--> statement-breakpoint
CREATE TRIGGER agents_key_fixed BEFORE UPDATE OF id ON wfm.agents
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION wfm.refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER skills_key_fixed BEFORE UPDATE OF cfg_dbid ON wfm.skills
  FOR EACH ROW WHEN (OLD.cfg_dbid IS DISTINCT FROM NEW.cfg_dbid) EXECUTE FUNCTION wfm.refuse_key_change();
