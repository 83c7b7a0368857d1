CREATE SEQUENCE "wfm"."cache_version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "wfm"."servers" ALTER COLUMN "version" SET DEFAULT nextval('wfm.cache_version');--> statement-breakpoint
ALTER TABLE "wfm"."sites" ALTER COLUMN "version" SET DEFAULT nextval('wfm.cache_version');--> statement-breakpoint
ALTER TABLE "wfm"."skills" ADD COLUMN "version" bigint DEFAULT nextval('wfm.cache_version') NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."time_zones" ADD COLUMN "version" bigint DEFAULT nextval('wfm.cache_version') NOT NULL;