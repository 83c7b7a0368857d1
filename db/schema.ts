/**
 * The two schemas of wfm-sync, as SPEC §2 lists them.
 *
 * `cfg` is the Configuration Database: the system of record. Its change feed (`cfg.changes`) is written by
 * triggers defined in a hand-written migration (db/migrations/*_change_feed.sql), because drizzle cannot
 * express triggers.
 *
 * `wfm` is the WFM database: what sync writes and the console reads.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = (name: string) => bigint(name, { mode: "number" });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

// ─── Configuration Database ──────────────────────────────────────────────────────────────────────────────

export const cfg = pgSchema("cfg");

export const cfgTenants = cfg.table("tenants", {
  dbid: bigserial("dbid", { mode: "number" }).primaryKey(),
  name: text("name").notNull().unique(),
});

// Names are unique within a tenant only: the same name under two tenants is a real-world mistake that
// sync detects (SPEC §2.4), so the schema must be able to hold it.
export const cfgSwitches = cfg.table(
  "switches",
  {
    dbid: bigserial("dbid", { mode: "number" }).primaryKey(),
    tenantDbid: id("tenant_dbid").notNull().references(() => cfgTenants.dbid, { onDelete: "cascade" }),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("switches_tenant_name_key").on(t.tenantDbid, t.name), index("switches_name_idx").on(t.name)],
);

export const cfgTimeZones = cfg.table(
  "time_zones",
  {
    dbid: bigserial("dbid", { mode: "number" }).primaryKey(),
    tenantDbid: id("tenant_dbid").notNull().references(() => cfgTenants.dbid, { onDelete: "cascade" }),
    name: text("name").notNull(),
    ianaName: text("iana_name").notNull(),
  },
  (t) => [uniqueIndex("time_zones_tenant_name_key").on(t.tenantDbid, t.name), index("time_zones_name_idx").on(t.name)],
);

export const cfgSkills = cfg.table(
  "skills",
  {
    dbid: bigserial("dbid", { mode: "number" }).primaryKey(),
    tenantDbid: id("tenant_dbid").notNull().references(() => cfgTenants.dbid, { onDelete: "cascade" }),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("skills_tenant_name_key").on(t.tenantDbid, t.name), index("skills_name_idx").on(t.name)],
);

export const cfgPersons = cfg.table(
  "persons",
  {
    dbid: bigserial("dbid", { mode: "number" }).primaryKey(),
    tenantDbid: id("tenant_dbid").notNull().references(() => cfgTenants.dbid, { onDelete: "cascade" }),
    username: text("username").notNull(),
    firstName: text("first_name").notNull().default(""),
    lastName: text("last_name").notNull().default(""),
    email: text("email"),
    employeeId: text("employee_id"),
    isAgent: boolean("is_agent").notNull().default(true),
  },
  (t) => [uniqueIndex("persons_tenant_username_key").on(t.tenantDbid, t.username)],
);

export const cfgAgentLogins = cfg.table(
  "agent_logins",
  {
    dbid: bigserial("dbid", { mode: "number" }).primaryKey(),
    switchDbid: id("switch_dbid").notNull().references(() => cfgSwitches.dbid, { onDelete: "cascade" }),
    code: text("code").notNull(),
    // A login outlives the person it was given to (it is freed, not deleted), as in a real configuration system.
    personDbid: id("person_dbid").references(() => cfgPersons.dbid, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("agent_logins_switch_code_key").on(t.switchDbid, t.code), index("agent_logins_person_idx").on(t.personDbid)],
);

export const cfgSkillLevels = cfg.table(
  "skill_levels",
  {
    personDbid: id("person_dbid").notNull().references(() => cfgPersons.dbid, { onDelete: "cascade" }),
    skillDbid: id("skill_dbid").notNull().references(() => cfgSkills.dbid, { onDelete: "cascade" }),
    level: smallint("level").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.personDbid, t.skillDbid] }),
    index("skill_levels_skill_idx").on(t.skillDbid),
    check("skill_levels_level_range", sql`${t.level} between 0 and 10`),
  ],
);

/**
 * The change feed. `seq` is allocated from `cfg.change_counter` inside the writing transaction (see the
 * change-feed migration for why), so it is gap-free and in commit order. `ref` carries the foreign keys a
 * consumer needs to find who is affected (a skill level's person and skill, a login's old and new person).
 */
export const cfgChanges = cfg.table(
  "changes",
  {
    seq: id("seq").primaryKey(),
    at: at("at").notNull().defaultNow(),
    objectType: text("object_type").notNull(),
    op: text("op").notNull(),
    dbid: id("dbid").notNull(),
    tenantDbid: id("tenant_dbid"),
    ref: jsonb("ref").$type<Record<string, number | null>>(),
  },
  (t) => [
    check(
      "changes_object_type_valid",
      sql`${t.objectType} in ('tenant','switch','time_zone','skill','person','agent_login','skill_level')`,
    ),
    check("changes_op_valid", sql`${t.op} in ('created','changed','deleted')`),
  ],
);

export const cfgChangeCounter = cfg.table(
  "change_counter",
  {
    one: boolean("one").primaryKey().default(true),
    seq: id("seq").notNull().default(0),
  },
  (t) => [check("change_counter_single_row", sql`${t.one}`)],
);

// ─── WFM database ────────────────────────────────────────────────────────────────────────────────────────

export const wfm = pgSchema("wfm");

export const sourceKinds = ["local", "replicated"] as const;

/**
 * Configuration sources (SPEC §2.9): each is one Configuration Database whose tables live in a schema of
 * their own in this database (`cfg` for `main`, `cfg_<name>` for the others), so sync stays set-based SQL
 * in one database. Everything WFM imports remembers its source, and dbids are unique within a source only.
 */
export const wfmConfigSources = wfm.table(
  "config_sources",
  {
    name: text("name").primaryKey(),
    kind: text("kind").$type<(typeof sourceKinds)[number]>().notNull().default("local"),
    schema: text("schema").notNull().unique(),
    createdAt: at("created_at").notNull().defaultNow(),
    /** A replicated source's connection string to its Configuration Database, password included: never shown back. */
    connection: text("connection"),
    /** The replication slot of its subscription on the publisher (unique per WFM database and source). */
    slot: text("slot"),
    /** When a WFM Server of the source last saw its subscription streaming: how long it has been down. */
    streamingSeenAt: at("streaming_seen_at"),
  },
  (t) => [
    check("config_sources_replicated_connected", sql`(${t.kind} = 'replicated') = (${t.connection} is not null and ${t.slot} is not null)`),
    check("config_sources_name_valid", sql`${t.name} ~ '^[a-z][a-z0-9_]{0,30}$'`),
    check("config_sources_kind_valid", sql`${t.kind} in ('local','replicated')`),
    check("config_sources_schema_named", sql`${t.schema} = case when ${t.name} = 'main' then 'cfg' else 'cfg_' || ${t.name} end`),
  ],
);

/**
 * The version a timestamp check compares (SPEC §3): one counter per cached entity, bumped by statement
 * triggers on servers, sites, skills and time zones (db/migrations/0009). The counter row stays locked
 * until the writing transaction ends, so versions follow commit order: a reader that has seen version n
 * has seen every write numbered up to n.
 */
export const wfmCacheVersions = wfm.table("cache_versions", {
  entity: text("entity").primaryKey(),
  version: id("version").notNull().default(0),
});

export const wfmServers = wfm.table(
  "servers",
  {
    name: text("name").primaryKey(),
    // The one source this server syncs (SPEC §2.9); changed like the level, without a restart.
    source: text("source").notNull().default("main").references(() => wfmConfigSources.name, { onUpdate: "cascade" }),
    syncLevel: smallint("sync_level").notNull().default(2),
    syncTimeoutMin: integer("sync_timeout_min").notNull().default(0),
    webEvents: boolean("web_events").notNull().default(false),
    // null means the default: 30 s, or 600 s with web events (SPEC §4).
    cacheSlackS: integer("cache_slack_s"),
    meshUrl: text("mesh_url"),
    peers: text("peers").array().notNull().default(sql`'{}'::text[]`),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("servers_sync_level_range", sql`${t.syncLevel} between 0 and 2`),
    check("servers_sync_timeout_nonnegative", sql`${t.syncTimeoutMin} >= 0`),
    check("servers_cache_slack_positive", sql`${t.cacheSlackS} is null or ${t.cacheSlackS} > 0`),
  ],
);

/** One running process of a server: the primary holds the server's advisory lock, a backup waits for it. */
export const wfmServerInstances = wfm.table(
  "server_instances",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    server: text("server").notNull().references(() => wfmServers.name, { onDelete: "cascade", onUpdate: "cascade" }),
    role: text("role").notNull().default("backup"),
    host: text("host").notNull(),
    pid: integer("pid").notNull(),
    port: integer("port"),
    startedAt: at("started_at").notNull().defaultNow(),
    heartbeatAt: at("heartbeat_at").notNull().defaultNow(),
    // With web events: this instance's mesh links as of its last heartbeat ([{url, state, since}]).
    meshPeers: jsonb("mesh_peers"),
    // What keeps this instance from working as of its last heartbeat (real-time sync stuck on a batch), for
    // the Servers page: a problem only in the process's log would be invisible to the administrators.
    problem: text("problem"),
  },
  (t) => [
    index("server_instances_server_idx").on(t.server),
    check("server_instances_role_valid", sql`${t.role} in ('primary','backup')`),
  ],
);

// Imported objects are keyed by (source, dbid); their names stay unique across every source (SPEC §2.4).
export const wfmTimeZones = wfm.table(
  "time_zones",
  {
    source: text("source").notNull(),
    cfgDbid: id("cfg_dbid").notNull(),
    tenantDbid: id("tenant_dbid").notNull(),
    name: text("name").notNull().unique(),
    ianaName: text("iana_name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.cfgDbid] })],
);

/**
 * A skill has a WFM id of its own, which agent_skills refers to: one narrow key for 800,000 levels instead
 * of (source, dbid). Skills imported before sources existed kept their dbid as their id.
 */
export const wfmSkills = wfm.table(
  "skills",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    source: text("source").notNull(),
    cfgDbid: id("cfg_dbid").notNull(),
    tenantDbid: id("tenant_dbid").notNull(),
    name: text("name").notNull().unique(),
  },
  (t) => [uniqueIndex("skills_source_dbid_key").on(t.source, t.cfgDbid)],
);

/**
 * Sites are WFM objects. `switch_dbid` names a cfg switch without a foreign key: WFM never constrains what
 * the Configuration Database may delete. One site per switch, so a new agent's site is never ambiguous.
 */
export const wfmSites = wfm.table(
  "sites",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    switchSource: text("switch_source"),
    switchDbid: id("switch_dbid"),
    server: text("server").references(() => wfmServers.name, { onDelete: "set null", onUpdate: "cascade" }),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  // Site names are unique whatever their case, as the console checks them ("Paris" and "paris" are one site).
  (t) => [
    index("sites_server_idx").on(t.server),
    uniqueIndex("sites_name_lower_key").on(sql`lower(${t.name})`),
    uniqueIndex("sites_switch_key").on(t.switchSource, t.switchDbid),
    check("sites_switch_has_source", sql`(${t.switchDbid} is null) = (${t.switchSource} is null)`),
  ],
);

export const wfmAgents = wfm.table(
  "agents",
  {
    id: serial("id").primaryKey(),
    source: text("source").notNull(),
    cfgDbid: id("cfg_dbid").notNull(),
    tenantDbid: id("tenant_dbid").notNull(),
    username: text("username").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    email: text("email"),
    employeeId: text("employee_id"),
    siteId: integer("site_id").references(() => wfmSites.id, { onDelete: "set null" }),
    terminationDate: date("termination_date", { mode: "string" }),
    terminationSource: text("termination_source"),
    awaitingFullSync: boolean("awaiting_full_sync").notNull().default(false),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("agents_source_dbid_key").on(t.source, t.cfgDbid),
    index("agents_site_idx").on(t.siteId),
    // Search by name, username or employee id (SPEC §5: fast at 100,000 agents): one trigram index over
    // the searchable text answers substring queries without a scan.
    index("agents_search_trgm_idx").using(
      "gin",
      sql`(lower(${t.firstName} || ' ' || ${t.lastName} || ' ' || ${t.username} || ' ' || coalesce(${t.employeeId}, ''))) gin_trgm_ops`,
    ),
    index("agents_awaiting_full_sync_idx").on(t.id).where(sql`${t.awaitingFullSync}`),
    // The Agents list sorted by name or username: a page is read off the index, not a sort of every agent.
    index("agents_name_order_idx").on(sql`lower(${t.lastName})`, sql`lower(${t.firstName})`, t.id),
    index("agents_username_order_idx").on(sql`lower(${t.username})`, t.id),
    // The Agents filter by termination source: the few terminated agents in id order, not a scan of all of them.
    index("agents_termination_source_idx").on(t.terminationSource, t.id).where(sql`${t.terminationSource} is not null`),
    check("agents_termination_source_valid", sql`${t.terminationSource} in ('config','manual')`),
    check(
      "agents_termination_consistent",
      sql`(${t.terminationDate} is null) = (${t.terminationSource} is null)`,
    ),
  ],
);

/**
 * An agent's skill levels. Its two references (to the agent and to the skill) are enforced by statement-level
 * triggers (db/migrations/0003_*.sql) rather than foreign keys: a foreign key checks and locks its parent
 * once per row, which was 5 of the 11.5 s of a cold sync of 800,000 levels; the triggers do the same checks,
 * locks and cascades once per statement, set-based.
 */
export const wfmAgentSkills = wfm.table(
  "agent_skills",
  {
    agentId: integer("agent_id").notNull(),
    skillId: id("skill_id").notNull(),
    level: smallint("level").notNull(),
  },
  (t) => [
    // No index by skill: only a deleted skill's cascade looks levels up that way (a 30 ms scan, rarely),
    // while every full sync that writes levels paid for maintaining one (0.6 s of a cold sync of 800,000).
    primaryKey({ columns: [t.agentId, t.skillId] }),
    check("agent_skills_level_range", sql`${t.level} between 0 and 10`),
  ],
);

/**
 * Each agent's skill levels in one number, kept by statement triggers on agent_skills and skills (migration
 * 0027) for every writer, the sync and a hand edit alike: the XOR of `wfm.level_hash(source, cfg skill dbid,
 * level)` over its levels. A full sync computes the same from cfg's rows and diffs row by row only the agents
 * whose two numbers differ (lib/sync/skill-levels.ts). An agent without levels has no row (0).
 */
export const wfmAgentLevelDigests = wfm.table("agent_level_digests", {
  agentId: integer("agent_id").primaryKey(),
  digest: bigint("digest", { mode: "bigint" }).notNull(),
});

export const roles = ["admin", "supervisor", "viewer"] as const;
export type Role = (typeof roles)[number];

export const wfmUsers = wfm.table(
  "users",
  {
    id: serial("id").primaryKey(),
    // null for accounts that did not come from cfg, such as the bootstrap admin.
    source: text("source"),
    cfgDbid: id("cfg_dbid"),
    username: text("username").notNull().unique(),
    firstName: text("first_name").notNull().default(""),
    lastName: text("last_name").notNull().default(""),
    email: text("email"),
    role: text("role").$type<Role>().notNull(),
    passwordHash: text("password_hash"),
    // The IANA zone the console shows this user's times in; null: the browser's own.
    timeZone: text("time_zone"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_source_dbid_key").on(t.source, t.cfgDbid),
    check("users_role_valid", sql`${t.role} in ('admin','supervisor','viewer')`),
    check("users_dbid_has_source", sql`(${t.cfgDbid} is null) = (${t.source} is null)`),
  ],
);

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const wfmSessions = wfm.table(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id").notNull().references(() => wfmUsers.id, { onDelete: "cascade" }),
    createdAt: at("created_at").notNull().defaultNow(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Failed sign-ins per (user name, client address), shared by every console process, the page and REST:
 * each failure beyond the free ones doubles the wait before that pair may try again. Keyed by address too,
 * so a stranger guessing at 'admin' delays only their own address, never the real admin's.
 */
export const wfmSignInFailures = wfm.table(
  "sign_in_failures",
  {
    username: text("username").notNull(),
    address: text("address").notNull(),
    failures: integer("failures").notNull(),
    lastFailedAt: at("last_failed_at").notNull().defaultNow(),
    blockedUntil: at("blocked_until"),
  },
  (t) => [primaryKey({ columns: [t.username, t.address] }), index("sign_in_failures_last_idx").on(t.lastFailedAt)],
);

/** API bearer tokens (SPEC §6): created by an admin in the console, acting as a user; only the SHA-256 is kept. */
export const wfmApiTokens = wfm.table(
  "api_tokens",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: integer("user_id").notNull().references(() => wfmUsers.id, { onDelete: "cascade" }),
    createdBy: text("created_by"),
    createdAt: at("created_at").notNull().defaultNow(),
    lastUsedAt: at("last_used_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

export const runKinds = ["full", "realtime", "targeted"] as const;
// 'feed' is beyond SPEC §2.2's list: it marks the realtime runs, which no person or schedule starts. 'scope'
// marks a full sync a server started because its scope grew (sites newly assigned to it, its level raised
// from 0): no person asked for it.
export const runTriggers = ["startup", "schedule", "manual", "failover", "reinstate", "feed", "scope"] as const;
export const runStatuses = ["running", "succeeded", "failed", "partial"] as const;
export const eventActions = ["added", "updated", "terminated", "skipped", "warning", "error"] as const;

export const wfmSyncRuns = wfm.table(
  "sync_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // Plain text, not a foreign key: the history of a server outlives the server.
    server: text("server").notNull(),
    // The source the server synced when the run began.
    source: text("source").notNull(),
    kind: text("kind").$type<(typeof runKinds)[number]>().notNull(),
    level: smallint("level").notNull(),
    trigger: text("trigger").$type<(typeof runTriggers)[number]>().notNull(),
    status: text("status").$type<(typeof runStatuses)[number]>().notNull().default("running"),
    startedAt: at("started_at").notNull().defaultNow(),
    finishedAt: at("finished_at"),
    added: integer("added").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    terminated: integer("terminated").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    // Realtime runs: changes read from the feed that were outside this server's scope (SPEC §2.6 counts
    // them without a log line, so they cannot be counted from the log).
    outOfScope: integer("out_of_scope").notNull().default(0),
    progressDone: integer("progress_done").notNull().default(0),
    progressTotal: integer("progress_total").notNull().default(0),
    error: text("error"),
    // The server process (wfm.server_instances.id) running it: when that instance is found dead, whoever
    // removes it closes its runs, so a server killed and never restarted leaves no run 'running' forever.
    instance: uuid("instance"),
    // Who asked: the user (also through an API token) for manual and reinstate runs, else the server itself.
    requestedBy: text("requested_by"),
  },
  (t) => [
    index("sync_runs_started_idx").on(t.startedAt.desc()),
    index("sync_runs_server_started_idx").on(t.server, t.startedAt.desc()),
    index("sync_runs_running_idx").on(t.server).where(sql`${t.status} = 'running'`),
    check("sync_runs_kind_valid", sql`${t.kind} in ('full','realtime','targeted')`),
    check("sync_runs_trigger_valid", sql`${t.trigger} in ('startup','schedule','manual','failover','reinstate','feed','scope')`),
    check("sync_runs_status_valid", sql`${t.status} in ('running','succeeded','failed','partial')`),
  ],
);

export const wfmSyncEvents = wfm.table(
  "sync_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // References wfm.sync_runs (on delete cascade) through statement-level triggers, not a foreign key
    // (db/migrations/0015): a cold full sync logs 100,000 lines in a few statements, and the per-row key
    // check cost a third of their insert.
    runId: id("run_id").notNull(),
    at: at("at").notNull().defaultNow(),
    objectType: text("object_type").notNull(),
    objectKey: text("object_key").notNull(),
    action: text("action").$type<(typeof eventActions)[number]>().notNull(),
    message: text("message").notNull(),
  },
  (t) => [
    index("sync_events_run_action_idx").on(t.runId, t.action, t.id),
    index("sync_events_object_idx").on(t.objectType, t.objectKey, t.id),
    check(
      "sync_events_action_valid",
      sql`${t.action} in ('added','updated','terminated','skipped','warning','error')`,
    ),
  ],
);

/** How far each server has applied each source's change feed: a server that changes source keeps both. */
export const wfmSyncCursors = wfm.table(
  "sync_cursors",
  {
    server: text("server").notNull().references(() => wfmServers.name, { onDelete: "cascade", onUpdate: "cascade" }),
    source: text("source").notNull(),
    lastSeq: id("last_seq").notNull().default(0),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.server, t.source] })],
);

export const requestKinds = ["full", "agent"] as const;
export const requestStatuses = ["queued", "running", "done", "failed"] as const;

/**
 * Requests to a WFM Server from the console or the API: "run a full sync", "sync one agent". A durable
 * queue: a request waits here until the server's primary takes it (FOR UPDATE SKIP LOCKED), and keeps the
 * run it started.
 */
export const wfmSyncRequests = wfm.table(
  "sync_requests",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    server: text("server").notNull().references(() => wfmServers.name, { onDelete: "cascade", onUpdate: "cascade" }),
    kind: text("kind").$type<(typeof requestKinds)[number]>().notNull(),
    cfgDbid: id("cfg_dbid"),
    // The source the server synced when asked: an agent's dbid means something only within it (SPEC §2.9).
    source: text("source"),
    trigger: text("trigger").$type<(typeof runTriggers)[number]>().notNull(),
    requestedBy: text("requested_by"),
    status: text("status").$type<(typeof requestStatuses)[number]>().notNull().default("queued"),
    requestedAt: at("requested_at").notNull().defaultNow(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    instance: uuid("instance"),
    runId: id("run_id").references(() => wfmSyncRuns.id, { onDelete: "set null" }),
    error: text("error"),
  },
  (t) => [
    index("sync_requests_queued_idx").on(t.server, t.id).where(sql`${t.status} = 'queued'`),
    index("sync_requests_run_idx").on(t.runId),
    check("sync_requests_kind_valid", sql`${t.kind} in ('full','agent')`),
    check("sync_requests_status_valid", sql`${t.status} in ('queued','running','done','failed')`),
    check("sync_requests_agent_has_dbid", sql`(${t.kind} = 'agent') = (${t.cfgDbid} is not null)`),
  ],
);

export const auditObjectTypes = ["agent", "site", "server"] as const;
export const auditActions = ["terminated", "reinstated", "moved", "assigned", "created", "updated", "deleted"] as const;

/**
 * The audit trail: who did what, by hand, to an agent, a site or a server, and when. A line is written by
 * the act's own transaction (lib/console/audit.ts), so it exists exactly when the act does. `username` is
 * text, not a reference: the trail outlives the user, as it outlives the agent, site or server it names.
 * `detail` holds each field the act changed as {from, to}.
 */
export const wfmAuditEvents = wfm.table(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: at("at").notNull().defaultNow(),
    username: text("username").notNull(),
    action: text("action").$type<(typeof auditActions)[number]>().notNull(),
    objectType: text("object_type").$type<(typeof auditObjectTypes)[number]>().notNull(),
    objectKey: text("object_key").notNull(),
    detail: jsonb("detail").$type<Record<string, { from: unknown; to: unknown }>>().notNull().default({}),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at),
    index("audit_events_object_idx").on(t.objectType, t.objectKey, t.id),
    // User names are compared as sign-in compares them: whatever their case.
    index("audit_events_username_idx").on(sql`lower(${t.username})`, t.id),
    check("audit_events_object_type_valid", sql`${t.objectType} in ('agent','site','server')`),
    check("audit_events_action_valid", sql`${t.action} in ('terminated','reinstated','moved','assigned','created','updated','deleted')`),
  ],
);
