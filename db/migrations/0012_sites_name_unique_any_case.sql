ALTER TABLE "wfm"."sites" DROP CONSTRAINT "sites_name_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "sites_name_lower_key" ON "wfm"."sites" USING btree (lower("name"));