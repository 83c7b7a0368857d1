CREATE TABLE "wfm"."cache_versions" (
	"entity" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
