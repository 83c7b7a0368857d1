CREATE TABLE "wfm"."agent_level_digests" (
	"agent_id" integer PRIMARY KEY NOT NULL,
	"digest" bigint NOT NULL
);
--> statement-breakpoint
-- One skill level as a 64-bit number, its skill named as cfg names it (source and dbid): a full sync hashes cfg's
-- levels from cfg's rows alone, without looking WFM's skills up (a join that doubled the cost of the hashing).
-- hashint8extended folds a bigint's halves together before hashing (2^32 + 5 hashes as 4 does), so the high half
-- goes into the seed too, beside the source and the level (0-10, the low four bits): for one source, no two
-- (dbid, level) pairs hash the same input. A single immutable expression: the planner inlines it.
CREATE FUNCTION wfm.level_hash(source text, skill_dbid bigint, level smallint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN hashint8extended(skill_dbid, ((hashtext(source)::bigint << 32) # ((skill_dbid >> 32) << 4)) + level);
--> statement-breakpoint
-- Each agent's levels as one number (see db/schema.ts): the XOR of level_hash over its levels, kept by every
-- statement that writes agent_skills. XOR takes a level out as it put it in, so a trigger needs only the rows
-- its statement wrote, never the agent's others. Rows are locked in agent order, so that two transactions
-- writing the same agents' levels wait for each other instead of deadlocking. An agent whose levels are all
-- gone has no row, like one that never had any.
CREATE FUNCTION wfm.agent_skills_keep_digests() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO wfm.agent_level_digests AS d (agent_id, digest)
    SELECT n.agent_id, bit_xor(wfm.level_hash(k.source, k.cfg_dbid, n.level))
      FROM new_rows n JOIN wfm.skills k ON k.id = n.skill_id
     GROUP BY n.agent_id ORDER BY n.agent_id
    ON CONFLICT (agent_id) DO UPDATE SET digest = d.digest # excluded.digest;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO wfm.agent_level_digests AS d (agent_id, digest)
    SELECT r.agent_id, bit_xor(wfm.level_hash(k.source, k.cfg_dbid, r.level))
      FROM (SELECT agent_id, skill_id, level FROM old_rows UNION ALL SELECT agent_id, skill_id, level FROM new_rows) r
      JOIN wfm.skills k ON k.id = r.skill_id
     GROUP BY r.agent_id ORDER BY r.agent_id
    ON CONFLICT (agent_id) DO UPDATE SET digest = d.digest # excluded.digest;
    DELETE FROM wfm.agent_level_digests d WHERE d.digest = 0 AND d.agent_id IN (SELECT agent_id FROM old_rows);
  ELSE
    -- Levels that go with their skill (skills_delete_agent_skills) find it gone: that trigger took them out.
    INSERT INTO wfm.agent_level_digests AS d (agent_id, digest)
    SELECT o.agent_id, bit_xor(wfm.level_hash(k.source, k.cfg_dbid, o.level))
      FROM old_rows o JOIN wfm.skills k ON k.id = o.skill_id
     GROUP BY o.agent_id ORDER BY o.agent_id
    ON CONFLICT (agent_id) DO UPDATE SET digest = d.digest # excluded.digest;
    DELETE FROM wfm.agent_level_digests d WHERE d.digest = 0 AND d.agent_id IN (SELECT agent_id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- With every level, every digest goes; with every skill too, since a level hashes by its skill's cfg name and
-- levels left behind by a TRUNCATE of skills name none: their agents then differ from cfg, and a full sync
-- diffs them row by row.
CREATE FUNCTION wfm.clear_level_digests() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM wfm.agent_level_digests;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER agent_skills_digests_insert AFTER INSERT ON wfm.agent_skills
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.agent_skills_keep_digests();
--> statement-breakpoint
CREATE TRIGGER agent_skills_digests_update AFTER UPDATE ON wfm.agent_skills
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.agent_skills_keep_digests();
--> statement-breakpoint
CREATE TRIGGER agent_skills_digests_delete AFTER DELETE ON wfm.agent_skills
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.agent_skills_keep_digests();
--> statement-breakpoint
CREATE TRIGGER agent_skills_digests_truncate AFTER TRUNCATE ON wfm.agent_skills
  FOR EACH STATEMENT EXECUTE FUNCTION wfm.clear_level_digests();
--> statement-breakpoint
CREATE TRIGGER skills_digests_truncate AFTER TRUNCATE ON wfm.skills
  FOR EACH STATEMENT EXECUTE FUNCTION wfm.clear_level_digests();
--> statement-breakpoint
-- A deleted skill's levels go with it (as in 0024), and out of their agents' digests, hashed by the skill's
-- name from before its delete: agent_skills' own trigger, firing after, finds the skill gone.
CREATE OR REPLACE FUNCTION wfm.skills_delete_agent_skills() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Every level-2 full sync deletes the skills cfg no longer has, usually none.
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  WITH gone AS (
    DELETE FROM wfm.agent_skills WHERE skill_id IN (SELECT id FROM old_rows) RETURNING agent_id, skill_id, level
  )
  INSERT INTO wfm.agent_level_digests AS d (agent_id, digest)
  SELECT g.agent_id, bit_xor(wfm.level_hash(o.source, o.cfg_dbid, g.level))
    FROM gone g JOIN old_rows o ON o.id = g.skill_id
   GROUP BY g.agent_id ORDER BY g.agent_id
  ON CONFLICT (agent_id) DO UPDATE SET digest = d.digest # excluded.digest;
  DELETE FROM wfm.agent_level_digests d WHERE d.digest = 0;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A skill named anew (its source or dbid changed) renames its levels in their agents' digests.
CREATE FUNCTION wfm.skills_rename_in_digests() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.source, o.cfg_dbid) IS DISTINCT FROM (n.source, n.cfg_dbid)) THEN
    RETURN NULL;
  END IF;
  INSERT INTO wfm.agent_level_digests AS d (agent_id, digest)
  SELECT s.agent_id, bit_xor(wfm.level_hash(o.source, o.cfg_dbid, s.level) # wfm.level_hash(n.source, n.cfg_dbid, s.level))
    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN wfm.agent_skills s ON s.skill_id = n.id
   WHERE (o.source, o.cfg_dbid) IS DISTINCT FROM (n.source, n.cfg_dbid)
   GROUP BY s.agent_id ORDER BY s.agent_id
  ON CONFLICT (agent_id) DO UPDATE SET digest = d.digest # excluded.digest;
  DELETE FROM wfm.agent_level_digests d WHERE d.digest = 0;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER skills_rename_in_digests AFTER UPDATE ON wfm.skills
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.skills_rename_in_digests();
--> statement-breakpoint
-- Every digest computed again from the rows. For this migration, and for whoever wrote agent_skills with its
-- triggers off (a data-only pg_restore restores the digests and then fires the triggers on the levels, leaving
-- each agent's digest XORed with itself): run it, and the next full sync diffs exactly the agents that differ.
CREATE FUNCTION wfm.rebuild_level_digests() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM wfm.agent_level_digests;
  INSERT INTO wfm.agent_level_digests (agent_id, digest)
  SELECT s.agent_id, bit_xor(wfm.level_hash(k.source, k.cfg_dbid, s.level))
    FROM wfm.agent_skills s JOIN wfm.skills k ON k.id = s.skill_id
   GROUP BY s.agent_id HAVING bit_xor(wfm.level_hash(k.source, k.cfg_dbid, s.level)) <> 0;
$$;
--> statement-breakpoint
SELECT wfm.rebuild_level_digests();
