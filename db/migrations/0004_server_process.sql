CREATE TABLE "wfm"."sync_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"server" text NOT NULL,
	"kind" text NOT NULL,
	"cfg_dbid" bigint,
	"trigger" text NOT NULL,
	"requested_by" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"instance" uuid,
	"run_id" bigint,
	"error" text,
	CONSTRAINT "sync_requests_kind_valid" CHECK ("wfm"."sync_requests"."kind" in ('full','agent')),
	CONSTRAINT "sync_requests_status_valid" CHECK ("wfm"."sync_requests"."status" in ('queued','running','done','failed')),
	CONSTRAINT "sync_requests_agent_has_dbid" CHECK (("wfm"."sync_requests"."kind" = 'agent') = ("wfm"."sync_requests"."cfg_dbid" is not null))
);
--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" DROP CONSTRAINT "sync_runs_trigger_valid";--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" ADD COLUMN "out_of_scope" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "wfm"."sync_requests" ADD CONSTRAINT "sync_requests_server_servers_name_fk" FOREIGN KEY ("server") REFERENCES "wfm"."servers"("name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "wfm"."sync_requests" ADD CONSTRAINT "sync_requests_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "wfm"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_requests_queued_idx" ON "wfm"."sync_requests" USING btree ("server","id") WHERE "wfm"."sync_requests"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "sync_requests_run_idx" ON "wfm"."sync_requests" USING btree ("run_id");--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" ADD CONSTRAINT "sync_runs_trigger_valid" CHECK ("wfm"."sync_runs"."trigger" in ('startup','schedule','manual','failover','reinstate','feed'));