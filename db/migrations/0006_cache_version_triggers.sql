-- Whoever updates a cached row (a server's sync, the console, the REST API, plain SQL) gives it a new
-- version from wfm.cache_version, in the same transaction; inserts take one by default. A WFM Server's
-- timestamp check compares each table's max(version) and count(*) with what it cached (SPEC §3).
CREATE FUNCTION wfm.bump_cache_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := nextval('wfm.cache_version');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER servers_cache_version BEFORE UPDATE ON wfm.servers
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION wfm.bump_cache_version();
--> statement-breakpoint
CREATE TRIGGER sites_cache_version BEFORE UPDATE ON wfm.sites
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION wfm.bump_cache_version();
--> statement-breakpoint
CREATE TRIGGER skills_cache_version BEFORE UPDATE ON wfm.skills
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION wfm.bump_cache_version();
--> statement-breakpoint
CREATE TRIGGER time_zones_cache_version BEFORE UPDATE ON wfm.time_zones
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION wfm.bump_cache_version();
