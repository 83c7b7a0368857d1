-- Configuration sources (SPEC §2.9). Every existing row came from the one Configuration Database there was, the
-- `cfg` schema, which becomes the source `main`: nothing existing changes meaning. Columns are added with the
-- default 'main' (instant: PostgreSQL keeps the default as the existing rows' value without rewriting them), then
-- the default is dropped where a writer must always say which source it means, so a forgotten source fails loudly
-- instead of quietly landing in `main`.
CREATE TABLE "wfm"."config_sources" (
	"name" text PRIMARY KEY NOT NULL,
	"kind" text DEFAULT 'local' NOT NULL,
	"schema" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_sources_schema_unique" UNIQUE("schema"),
	CONSTRAINT "config_sources_name_valid" CHECK ("wfm"."config_sources"."name" ~ '^[a-z][a-z0-9_]{0,30}$'),
	CONSTRAINT "config_sources_kind_valid" CHECK ("wfm"."config_sources"."kind" in ('local','replicated')),
	CONSTRAINT "config_sources_schema_named" CHECK ("wfm"."config_sources"."schema" = case when "wfm"."config_sources"."name" = 'main' then 'cfg' else 'cfg_' || "wfm"."config_sources"."name" end)
);
--> statement-breakpoint
INSERT INTO "wfm"."config_sources" ("name", "kind", "schema") VALUES ('main', 'local', 'cfg') ON CONFLICT DO NOTHING;
--> statement-breakpoint

-- Servers: each belongs to one source.
ALTER TABLE "wfm"."servers" ADD COLUMN "source" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."servers" ADD CONSTRAINT "servers_source_config_sources_name_fk" FOREIGN KEY ("source") REFERENCES "wfm"."config_sources"("name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint

-- Agents: keyed by (source, dbid).
ALTER TABLE "wfm"."agents" ADD COLUMN "source" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."agents" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "wfm"."agents" DROP CONSTRAINT "agents_cfg_dbid_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "agents_source_dbid_key" ON "wfm"."agents" USING btree ("source","cfg_dbid");--> statement-breakpoint

-- Time zones: keyed by (source, dbid); names stay unique across sources.
ALTER TABLE "wfm"."time_zones" ADD COLUMN "source" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."time_zones" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "wfm"."time_zones" DROP CONSTRAINT "time_zones_pkey";--> statement-breakpoint
ALTER TABLE "wfm"."time_zones" ADD CONSTRAINT "time_zones_source_cfg_dbid_pk" PRIMARY KEY("source","cfg_dbid");--> statement-breakpoint

-- Skills: a WFM id of their own, which agent_skills refers to. Existing skills keep their dbid as their id, so
-- the 800,000 levels of a large WFM database keep their values and are not rewritten: the column is renamed.
ALTER TABLE "wfm"."skills" ADD COLUMN "source" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."skills" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "wfm"."skills" ADD COLUMN "id" bigint;--> statement-breakpoint
UPDATE "wfm"."skills" SET "id" = "cfg_dbid";--> statement-breakpoint
CREATE SEQUENCE "wfm"."skills_id_seq" OWNED BY "wfm"."skills"."id";--> statement-breakpoint
SELECT setval('wfm.skills_id_seq', coalesce((SELECT max("id") FROM "wfm"."skills"), 0) + 1, false);--> statement-breakpoint
ALTER TABLE "wfm"."skills" ALTER COLUMN "id" SET DEFAULT nextval('wfm.skills_id_seq');--> statement-breakpoint
ALTER TABLE "wfm"."skills" ALTER COLUMN "id" SET NOT NULL;--> statement-breakpoint
DROP TRIGGER "skills_key_fixed" ON "wfm"."skills";--> statement-breakpoint
ALTER TABLE "wfm"."skills" DROP CONSTRAINT "skills_pkey";--> statement-breakpoint
ALTER TABLE "wfm"."skills" ADD CONSTRAINT "skills_pkey" PRIMARY KEY ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "skills_source_dbid_key" ON "wfm"."skills" USING btree ("source","cfg_dbid");--> statement-breakpoint
CREATE TRIGGER skills_key_fixed BEFORE UPDATE OF id ON wfm.skills
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION wfm.refuse_key_change();--> statement-breakpoint
ALTER TABLE "wfm"."agent_skills" RENAME COLUMN "skill_dbid" TO "skill_id";--> statement-breakpoint
ALTER TABLE "wfm"."agent_skills" RENAME CONSTRAINT "agent_skills_agent_id_skill_dbid_pk" TO "agent_skills_agent_id_skill_id_pk";--> statement-breakpoint
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
    SELECT n.agent_id, n.skill_id INTO orphan FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM wfm.agents a WHERE a.id = n.agent_id) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'agent_skills',
      MESSAGE = format('agent skill (agent %s, skill %s) names an agent that does not exist', orphan.agent_id, orphan.skill_id);
  END IF;
  WITH ids AS (SELECT DISTINCT skill_id FROM new_rows),
       locked AS (SELECT s.id FROM wfm.skills s JOIN ids ON s.id = ids.skill_id FOR KEY SHARE OF s)
  SELECT (SELECT count(*) FROM ids), (SELECT count(*) FROM locked) INTO named, found;
  IF found < named THEN
    SELECT n.agent_id, n.skill_id INTO orphan FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM wfm.skills s WHERE s.id = n.skill_id) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'agent_skills',
      MESSAGE = format('agent skill (agent %s, skill %s) names a skill that does not exist', orphan.agent_id, orphan.skill_id);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION wfm.skills_delete_agent_skills() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM wfm.agent_skills WHERE skill_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END
$$;--> statement-breakpoint

-- Users imported from cfg remember their source; accounts made in WFM (the bootstrap admin) have neither.
ALTER TABLE "wfm"."users" ADD COLUMN "source" text;--> statement-breakpoint
UPDATE "wfm"."users" SET "source" = 'main' WHERE "cfg_dbid" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."users" DROP CONSTRAINT "users_cfg_dbid_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "users_source_dbid_key" ON "wfm"."users" USING btree ("source","cfg_dbid");--> statement-breakpoint
ALTER TABLE "wfm"."users" ADD CONSTRAINT "users_dbid_has_source" CHECK (("wfm"."users"."cfg_dbid" is null) = ("wfm"."users"."source" is null));--> statement-breakpoint

-- A site's switch names its source.
ALTER TABLE "wfm"."sites" ADD COLUMN "switch_source" text;--> statement-breakpoint
UPDATE "wfm"."sites" SET "switch_source" = 'main' WHERE "switch_dbid" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."sites" DROP CONSTRAINT "sites_switch_dbid_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "sites_switch_key" ON "wfm"."sites" USING btree ("switch_source","switch_dbid");--> statement-breakpoint
ALTER TABLE "wfm"."sites" ADD CONSTRAINT "sites_switch_has_source" CHECK (("wfm"."sites"."switch_dbid" is null) = ("wfm"."sites"."switch_source" is null));--> statement-breakpoint

-- Cursors: one per server per source, so a server moved to another source and back resumes where it was.
ALTER TABLE "wfm"."sync_cursors" ADD COLUMN "source" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."sync_cursors" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "wfm"."sync_cursors" DROP CONSTRAINT "sync_cursors_pkey";--> statement-breakpoint
ALTER TABLE "wfm"."sync_cursors" ADD CONSTRAINT "sync_cursors_server_source_pk" PRIMARY KEY("server","source");--> statement-breakpoint

-- Runs: the source their server synced when they began.
ALTER TABLE "wfm"."sync_runs" ADD COLUMN "source" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint

-- A source cannot go while anything in WFM came from it or a server belongs to it (the servers' foreign key says
-- the latter). Imported rows carry no foreign key to their source: a per-row key check on the 100,000 agents and
-- 800,000 levels of a cold sync is what 0003 removed for the same reason.
CREATE FUNCTION wfm.config_sources_refuse_delete_in_use() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM wfm.agents WHERE source = OLD.name)
     OR EXISTS (SELECT 1 FROM wfm.skills WHERE source = OLD.name)
     OR EXISTS (SELECT 1 FROM wfm.time_zones WHERE source = OLD.name)
     OR EXISTS (SELECT 1 FROM wfm.users WHERE source = OLD.name)
     OR EXISTS (SELECT 1 FROM wfm.sites WHERE switch_source = OLD.name) THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = 'config_sources',
      MESSAGE = format('the source %s cannot be deleted: WFM holds objects imported from it', OLD.name);
  END IF;
  RETURN OLD;
END
$$;--> statement-breakpoint
CREATE TRIGGER config_sources_in_use BEFORE DELETE ON wfm.config_sources
  FOR EACH ROW EXECUTE FUNCTION wfm.config_sources_refuse_delete_in_use();
