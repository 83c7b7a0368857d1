CREATE TABLE "wfm"."audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"username" text NOT NULL,
	"action" text NOT NULL,
	"object_type" text NOT NULL,
	"object_key" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_events_object_type_valid" CHECK ("wfm"."audit_events"."object_type" in ('agent','site','server')),
	CONSTRAINT "audit_events_action_valid" CHECK ("wfm"."audit_events"."action" in ('terminated','reinstated','moved','assigned','created','updated','deleted'))
);
--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "wfm"."audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_object_idx" ON "wfm"."audit_events" USING btree ("object_type","object_key","id");--> statement-breakpoint
CREATE INDEX "audit_events_username_idx" ON "wfm"."audit_events" USING btree (lower("username"),"id");--> statement-breakpoint
CREATE INDEX "agents_termination_source_idx" ON "wfm"."agents" USING btree ("termination_source","id") WHERE "wfm"."agents"."termination_source" is not null;