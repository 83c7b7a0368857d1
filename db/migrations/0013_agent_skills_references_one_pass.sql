-- The references of wfm.agent_skills (0003), checked in one pass per parent table instead of two: the ids the
-- statement names are collected once, locked FOR KEY SHARE (so a concurrent delete waits, as with a foreign
-- key), and counted; only when fewer parents were found than named is the orphan looked for, to name it.
-- A cold full sync inserts 800,000 levels in a few statements; the second pass over them cost ~0.4 s.
CREATE OR REPLACE FUNCTION wfm.agent_skills_check_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  named bigint;
  found bigint;
  orphan record;
BEGIN
  WITH ids AS (SELECT DISTINCT agent_id FROM new_rows),
       locked AS (SELECT a.id FROM wfm.agents a JOIN ids ON a.id = ids.agent_id FOR KEY SHARE OF a)
  SELECT (SELECT count(*) FROM ids), (SELECT count(*) FROM locked) INTO named, found;
  IF found < named THEN
    SELECT n.agent_id, n.skill_dbid INTO orphan FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM wfm.agents a WHERE a.id = n.agent_id) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'agent_skills',
      MESSAGE = format('agent skill (agent %s, skill %s) names an agent that does not exist', orphan.agent_id, orphan.skill_dbid);
  END IF;
  WITH ids AS (SELECT DISTINCT skill_dbid FROM new_rows),
       locked AS (SELECT s.cfg_dbid FROM wfm.skills s JOIN ids ON s.cfg_dbid = ids.skill_dbid FOR KEY SHARE OF s)
  SELECT (SELECT count(*) FROM ids), (SELECT count(*) FROM locked) INTO named, found;
  IF found < named THEN
    SELECT n.agent_id, n.skill_dbid INTO orphan FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM wfm.skills s WHERE s.cfg_dbid = n.skill_dbid) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'agent_skills',
      MESSAGE = format('agent skill (agent %s, skill %s) names a skill that does not exist', orphan.agent_id, orphan.skill_dbid);
  END IF;
  RETURN NULL;
END
$$;
