-- Per-row cache versions (0005, 0006) were replaced by the per-entity counters of 0008/0009, which follow
-- commit order; nothing reads the row stamps any more, and their triggers cost every write a sequence call.
DROP TRIGGER "servers_cache_version" ON "wfm"."servers";--> statement-breakpoint
DROP TRIGGER "sites_cache_version" ON "wfm"."sites";--> statement-breakpoint
DROP TRIGGER "skills_cache_version" ON "wfm"."skills";--> statement-breakpoint
DROP TRIGGER "time_zones_cache_version" ON "wfm"."time_zones";--> statement-breakpoint
DROP FUNCTION "wfm"."bump_cache_version"();--> statement-breakpoint
ALTER TABLE "wfm"."servers" DROP COLUMN "version";--> statement-breakpoint
ALTER TABLE "wfm"."sites" DROP COLUMN "version";--> statement-breakpoint
ALTER TABLE "wfm"."skills" DROP COLUMN "version";--> statement-breakpoint
ALTER TABLE "wfm"."time_zones" DROP COLUMN "version";--> statement-breakpoint
DROP SEQUENCE "wfm"."cache_version";
