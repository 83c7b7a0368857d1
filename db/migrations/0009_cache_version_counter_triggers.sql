-- One version counter per cached entity (SPEC §3). A statement that inserts, updates or deletes rows of a
-- cached table bumps its counter; the counter row stays locked until that transaction ends, so versions
-- follow commit order and a timestamp check (select * from wfm.cache_versions) never misses a write that
-- committed late with an early number — which per-row versions from a sequence would.
INSERT INTO wfm.cache_versions (entity, version)
SELECT entity, 1 FROM (VALUES ('servers'), ('sites'), ('skills'), ('time_zones')) AS e(entity)
ON CONFLICT (entity) DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION wfm.bump_entity_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Statements that touched no row (an UPDATE whose WHERE matched nothing) change nothing. (Separate
  -- branches: a TRUNCATE trigger has no transition table to look at.)
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE wfm.cache_versions SET version = version + 1 WHERE entity = TG_ARGV[0];
  ELSIF EXISTS (SELECT 1 FROM changed_rows) THEN
    UPDATE wfm.cache_versions SET version = version + 1 WHERE entity = TG_ARGV[0];
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER servers_version_insert AFTER INSERT ON wfm.servers
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('servers');
--> statement-breakpoint
CREATE TRIGGER servers_version_update AFTER UPDATE ON wfm.servers
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('servers');
--> statement-breakpoint
CREATE TRIGGER servers_version_delete AFTER DELETE ON wfm.servers
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('servers');
--> statement-breakpoint
CREATE TRIGGER servers_version_truncate AFTER TRUNCATE ON wfm.servers
  FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('servers');
--> statement-breakpoint
CREATE TRIGGER sites_version_insert AFTER INSERT ON wfm.sites
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('sites');
--> statement-breakpoint
CREATE TRIGGER sites_version_update AFTER UPDATE ON wfm.sites
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('sites');
--> statement-breakpoint
CREATE TRIGGER sites_version_delete AFTER DELETE ON wfm.sites
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('sites');
--> statement-breakpoint
CREATE TRIGGER sites_version_truncate AFTER TRUNCATE ON wfm.sites
  FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('sites');
--> statement-breakpoint
CREATE TRIGGER skills_version_insert AFTER INSERT ON wfm.skills
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('skills');
--> statement-breakpoint
CREATE TRIGGER skills_version_update AFTER UPDATE ON wfm.skills
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('skills');
--> statement-breakpoint
CREATE TRIGGER skills_version_delete AFTER DELETE ON wfm.skills
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('skills');
--> statement-breakpoint
CREATE TRIGGER skills_version_truncate AFTER TRUNCATE ON wfm.skills
  FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('skills');
--> statement-breakpoint
CREATE TRIGGER time_zones_version_insert AFTER INSERT ON wfm.time_zones
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('time_zones');
--> statement-breakpoint
CREATE TRIGGER time_zones_version_update AFTER UPDATE ON wfm.time_zones
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('time_zones');
--> statement-breakpoint
CREATE TRIGGER time_zones_version_delete AFTER DELETE ON wfm.time_zones
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('time_zones');
--> statement-breakpoint
CREATE TRIGGER time_zones_version_truncate AFTER TRUNCATE ON wfm.time_zones
  FOR EACH STATEMENT EXECUTE FUNCTION wfm.bump_entity_version('time_zones');
