ALTER TABLE "wfm"."config_sources" ADD COLUMN "connection" text;--> statement-breakpoint
ALTER TABLE "wfm"."config_sources" ADD COLUMN "slot" text;--> statement-breakpoint
ALTER TABLE "wfm"."config_sources" ADD COLUMN "streaming_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wfm"."config_sources" ADD CONSTRAINT "config_sources_replicated_connected" CHECK (("wfm"."config_sources"."kind" = 'replicated') = ("wfm"."config_sources"."connection" is not null and "wfm"."config_sources"."slot" is not null));