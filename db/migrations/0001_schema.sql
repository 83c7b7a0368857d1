CREATE SCHEMA "cfg";
--> statement-breakpoint
CREATE SCHEMA "wfm";
--> statement-breakpoint
CREATE TABLE "cfg"."agent_logins" (
	"dbid" bigserial PRIMARY KEY NOT NULL,
	"switch_dbid" bigint NOT NULL,
	"code" text NOT NULL,
	"person_dbid" bigint
);
--> statement-breakpoint
CREATE TABLE "cfg"."change_counter" (
	"one" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "change_counter_single_row" CHECK ("cfg"."change_counter"."one")
);
--> statement-breakpoint
CREATE TABLE "cfg"."changes" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"object_type" text NOT NULL,
	"op" text NOT NULL,
	"dbid" bigint NOT NULL,
	"tenant_dbid" bigint,
	"ref" jsonb,
	CONSTRAINT "changes_object_type_valid" CHECK ("cfg"."changes"."object_type" in ('tenant','switch','time_zone','skill','person','agent_login','skill_level')),
	CONSTRAINT "changes_op_valid" CHECK ("cfg"."changes"."op" in ('created','changed','deleted'))
);
--> statement-breakpoint
CREATE TABLE "cfg"."persons" (
	"dbid" bigserial PRIMARY KEY NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"username" text NOT NULL,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text DEFAULT '' NOT NULL,
	"email" text,
	"employee_id" text,
	"is_agent" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cfg"."skill_levels" (
	"person_dbid" bigint NOT NULL,
	"skill_dbid" bigint NOT NULL,
	"level" smallint NOT NULL,
	CONSTRAINT "skill_levels_person_dbid_skill_dbid_pk" PRIMARY KEY("person_dbid","skill_dbid"),
	CONSTRAINT "skill_levels_level_range" CHECK ("cfg"."skill_levels"."level" between 0 and 10)
);
--> statement-breakpoint
CREATE TABLE "cfg"."skills" (
	"dbid" bigserial PRIMARY KEY NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cfg"."switches" (
	"dbid" bigserial PRIMARY KEY NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cfg"."tenants" (
	"dbid" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "tenants_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "cfg"."time_zones" (
	"dbid" bigserial PRIMARY KEY NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"name" text NOT NULL,
	"iana_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wfm"."agent_skills" (
	"agent_id" integer NOT NULL,
	"skill_dbid" bigint NOT NULL,
	"level" smallint NOT NULL,
	CONSTRAINT "agent_skills_agent_id_skill_dbid_pk" PRIMARY KEY("agent_id","skill_dbid"),
	CONSTRAINT "agent_skills_level_range" CHECK ("wfm"."agent_skills"."level" between 0 and 10)
);
--> statement-breakpoint
CREATE TABLE "wfm"."agents" (
	"id" serial PRIMARY KEY NOT NULL,
	"cfg_dbid" bigint NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"username" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text,
	"employee_id" text,
	"site_id" integer,
	"termination_date" date,
	"termination_source" text,
	"awaiting_full_sync" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_cfg_dbid_unique" UNIQUE("cfg_dbid"),
	CONSTRAINT "agents_termination_source_valid" CHECK ("wfm"."agents"."termination_source" in ('config','manual')),
	CONSTRAINT "agents_termination_consistent" CHECK (("wfm"."agents"."termination_date" is null) = ("wfm"."agents"."termination_source" is null))
);
--> statement-breakpoint
CREATE TABLE "wfm"."server_instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"server" text NOT NULL,
	"role" text DEFAULT 'backup' NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"port" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "server_instances_role_valid" CHECK ("wfm"."server_instances"."role" in ('primary','backup'))
);
--> statement-breakpoint
CREATE TABLE "wfm"."servers" (
	"name" text PRIMARY KEY NOT NULL,
	"sync_level" smallint DEFAULT 2 NOT NULL,
	"sync_timeout_min" integer DEFAULT 0 NOT NULL,
	"web_events" boolean DEFAULT false NOT NULL,
	"cache_slack_s" integer,
	"mesh_url" text,
	"peers" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "servers_sync_level_range" CHECK ("wfm"."servers"."sync_level" between 0 and 2),
	CONSTRAINT "servers_sync_timeout_nonnegative" CHECK ("wfm"."servers"."sync_timeout_min" >= 0),
	CONSTRAINT "servers_cache_slack_positive" CHECK ("wfm"."servers"."cache_slack_s" is null or "wfm"."servers"."cache_slack_s" > 0)
);
--> statement-breakpoint
CREATE TABLE "wfm"."sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wfm"."sites" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"switch_dbid" bigint,
	"server" text,
	"version" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sites_name_unique" UNIQUE("name"),
	CONSTRAINT "sites_switch_dbid_unique" UNIQUE("switch_dbid")
);
--> statement-breakpoint
CREATE TABLE "wfm"."skills" (
	"cfg_dbid" bigint PRIMARY KEY NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "skills_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "wfm"."sync_cursors" (
	"server" text PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wfm"."sync_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"object_type" text NOT NULL,
	"object_key" text NOT NULL,
	"action" text NOT NULL,
	"message" text NOT NULL,
	CONSTRAINT "sync_events_action_valid" CHECK ("wfm"."sync_events"."action" in ('added','updated','terminated','skipped','warning','error'))
);
--> statement-breakpoint
CREATE TABLE "wfm"."sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"server" text NOT NULL,
	"kind" text NOT NULL,
	"level" smallint NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"added" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"terminated" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "sync_runs_kind_valid" CHECK ("wfm"."sync_runs"."kind" in ('full','realtime','targeted')),
	CONSTRAINT "sync_runs_trigger_valid" CHECK ("wfm"."sync_runs"."trigger" in ('startup','schedule','manual','failover','reinstate')),
	CONSTRAINT "sync_runs_status_valid" CHECK ("wfm"."sync_runs"."status" in ('running','succeeded','failed','partial'))
);
--> statement-breakpoint
CREATE TABLE "wfm"."time_zones" (
	"cfg_dbid" bigint PRIMARY KEY NOT NULL,
	"tenant_dbid" bigint NOT NULL,
	"name" text NOT NULL,
	"iana_name" text NOT NULL,
	CONSTRAINT "time_zones_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "wfm"."users" (
	"id" serial PRIMARY KEY NOT NULL,
	"cfg_dbid" bigint,
	"username" text NOT NULL,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text DEFAULT '' NOT NULL,
	"email" text,
	"role" text NOT NULL,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_cfg_dbid_unique" UNIQUE("cfg_dbid"),
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_role_valid" CHECK ("wfm"."users"."role" in ('admin','supervisor','viewer'))
);
--> statement-breakpoint
ALTER TABLE "cfg"."agent_logins" ADD CONSTRAINT "agent_logins_switch_dbid_switches_dbid_fk" FOREIGN KEY ("switch_dbid") REFERENCES "cfg"."switches"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."agent_logins" ADD CONSTRAINT "agent_logins_person_dbid_persons_dbid_fk" FOREIGN KEY ("person_dbid") REFERENCES "cfg"."persons"("dbid") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."persons" ADD CONSTRAINT "persons_tenant_dbid_tenants_dbid_fk" FOREIGN KEY ("tenant_dbid") REFERENCES "cfg"."tenants"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."skill_levels" ADD CONSTRAINT "skill_levels_person_dbid_persons_dbid_fk" FOREIGN KEY ("person_dbid") REFERENCES "cfg"."persons"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."skill_levels" ADD CONSTRAINT "skill_levels_skill_dbid_skills_dbid_fk" FOREIGN KEY ("skill_dbid") REFERENCES "cfg"."skills"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."skills" ADD CONSTRAINT "skills_tenant_dbid_tenants_dbid_fk" FOREIGN KEY ("tenant_dbid") REFERENCES "cfg"."tenants"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."switches" ADD CONSTRAINT "switches_tenant_dbid_tenants_dbid_fk" FOREIGN KEY ("tenant_dbid") REFERENCES "cfg"."tenants"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfg"."time_zones" ADD CONSTRAINT "time_zones_tenant_dbid_tenants_dbid_fk" FOREIGN KEY ("tenant_dbid") REFERENCES "cfg"."tenants"("dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wfm"."agent_skills" ADD CONSTRAINT "agent_skills_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "wfm"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wfm"."agent_skills" ADD CONSTRAINT "agent_skills_skill_dbid_skills_cfg_dbid_fk" FOREIGN KEY ("skill_dbid") REFERENCES "wfm"."skills"("cfg_dbid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wfm"."agents" ADD CONSTRAINT "agents_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "wfm"."sites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wfm"."server_instances" ADD CONSTRAINT "server_instances_server_servers_name_fk" FOREIGN KEY ("server") REFERENCES "wfm"."servers"("name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "wfm"."sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "wfm"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wfm"."sites" ADD CONSTRAINT "sites_server_servers_name_fk" FOREIGN KEY ("server") REFERENCES "wfm"."servers"("name") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "wfm"."sync_cursors" ADD CONSTRAINT "sync_cursors_server_servers_name_fk" FOREIGN KEY ("server") REFERENCES "wfm"."servers"("name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "wfm"."sync_events" ADD CONSTRAINT "sync_events_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "wfm"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_logins_switch_code_key" ON "cfg"."agent_logins" USING btree ("switch_dbid","code");--> statement-breakpoint
CREATE INDEX "agent_logins_person_idx" ON "cfg"."agent_logins" USING btree ("person_dbid");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_tenant_username_key" ON "cfg"."persons" USING btree ("tenant_dbid","username");--> statement-breakpoint
CREATE INDEX "skill_levels_skill_idx" ON "cfg"."skill_levels" USING btree ("skill_dbid");--> statement-breakpoint
CREATE UNIQUE INDEX "skills_tenant_name_key" ON "cfg"."skills" USING btree ("tenant_dbid","name");--> statement-breakpoint
CREATE INDEX "skills_name_idx" ON "cfg"."skills" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "switches_tenant_name_key" ON "cfg"."switches" USING btree ("tenant_dbid","name");--> statement-breakpoint
CREATE INDEX "switches_name_idx" ON "cfg"."switches" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "time_zones_tenant_name_key" ON "cfg"."time_zones" USING btree ("tenant_dbid","name");--> statement-breakpoint
CREATE INDEX "time_zones_name_idx" ON "cfg"."time_zones" USING btree ("name");--> statement-breakpoint
CREATE INDEX "agent_skills_skill_idx" ON "wfm"."agent_skills" USING btree ("skill_dbid");--> statement-breakpoint
CREATE INDEX "agents_site_idx" ON "wfm"."agents" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "agents_search_trgm_idx" ON "wfm"."agents" USING gin ((lower("first_name" || ' ' || "last_name" || ' ' || "username" || ' ' || coalesce("employee_id", ''))) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "agents_name_order_idx" ON "wfm"."agents" USING btree ("last_name","first_name","id");--> statement-breakpoint
CREATE INDEX "agents_awaiting_full_sync_idx" ON "wfm"."agents" USING btree ("id") WHERE "wfm"."agents"."awaiting_full_sync";--> statement-breakpoint
CREATE INDEX "server_instances_server_idx" ON "wfm"."server_instances" USING btree ("server");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "wfm"."sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "wfm"."sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sites_server_idx" ON "wfm"."sites" USING btree ("server");--> statement-breakpoint
CREATE INDEX "sync_events_run_action_idx" ON "wfm"."sync_events" USING btree ("run_id","action","id");--> statement-breakpoint
CREATE INDEX "sync_events_object_idx" ON "wfm"."sync_events" USING btree ("object_type","object_key","id");--> statement-breakpoint
CREATE INDEX "sync_runs_started_idx" ON "wfm"."sync_runs" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sync_runs_server_started_idx" ON "wfm"."sync_runs" USING btree ("server","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sync_runs_running_idx" ON "wfm"."sync_runs" USING btree ("server") WHERE "wfm"."sync_runs"."status" = 'running';