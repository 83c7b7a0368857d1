ALTER TABLE "wfm"."sync_runs" DROP CONSTRAINT "sync_runs_trigger_valid";--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" ADD COLUMN "requested_by" text;--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" ADD CONSTRAINT "sync_runs_trigger_valid" CHECK ("wfm"."sync_runs"."trigger" in ('startup','schedule','manual','failover','reinstate','feed','scope'));--> statement-breakpoint
-- Runs before this migration: who asked is the user of the request they served, else the server itself.
UPDATE "wfm"."sync_runs" r SET "requested_by" = coalesce(
  (SELECT string_agg(DISTINCT q.requested_by, ', ') FROM "wfm"."sync_requests" q WHERE q.run_id = r.id AND q.requested_by IS NOT NULL),
  r.server);
