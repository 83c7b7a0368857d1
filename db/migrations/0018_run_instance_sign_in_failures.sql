CREATE TABLE "wfm"."sign_in_failures" (
	"username" text NOT NULL,
	"address" text NOT NULL,
	"failures" integer NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"blocked_until" timestamp with time zone,
	CONSTRAINT "sign_in_failures_username_address_pk" PRIMARY KEY("username","address")
);
--> statement-breakpoint
ALTER TABLE "wfm"."sync_runs" ADD COLUMN "instance" uuid;--> statement-breakpoint
CREATE INDEX "sign_in_failures_last_idx" ON "wfm"."sign_in_failures" USING btree ("last_failed_at");