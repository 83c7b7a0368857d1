/**
 * What the REST API answers (SPEC §6.1), as zod schemas: the OpenAPI document is generated from them, and the
 * end-to-end tests parse real answers with them, so the document, the contract and the product cannot drift.
 * Field names are the contract that outside tools rely on.
 */
import { z } from "zod";
import { auditActions, auditObjectTypes } from "../../db/schema";

const dbid = z.number().int().positive();
const timestamp = z.string().describe("an ISO 8601 date and time");
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("a date, YYYY-MM-DD");
/** SPEC §2.9: the configuration source an object came from (`main` is the `cfg` schema). */
const source = z.string().describe("the configuration source it came from (GET /sources); main is the original cfg");

export const errorShape = z
  .object({
    error: z.object({
      code: z.string().describe("BAD_INPUT, UNAUTHENTICATED, INVALID_CREDENTIALS, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_MANY_ATTEMPTS or INTERNAL"),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).nullable(),
    }),
  })
  .meta({ id: "Error" });

/** A list: `next` is the cursor of the following page, null on the last. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() });

/** A page of a list that also says how many match (the Agents list). */
export const countedPage = <T extends z.ZodType>(item: T) =>
  page(item).extend({
    total: z.number().int().describe("how many match the filters, exactly up to 10,000"),
    totalIsEstimate: z.boolean().describe("true when total is PostgreSQL's estimate (above 10,000 matches)"),
  });

export const healthShape = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({ reachable: z.boolean(), latencyMs: z.number().optional() }),
});

export const sessionUserShape = z
  .object({
    id: z.number().int(),
    username: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    role: z.enum(["admin", "supervisor", "viewer"]),
    timeZone: z.string().nullable().describe("the IANA zone the console shows this user's times in; null: the browser's own"),
  })
  .meta({ id: "SessionUser" });

export const instanceShape = z.object({
  id: z.string(),
  role: z.enum(["primary", "backup"]),
  host: z.string(),
  pid: z.number().int(),
  port: z.number().int().nullable(),
  startedAt: timestamp,
  heartbeatAt: timestamp,
  stale: z.boolean(),
  meshPeers: z
    .array(
      z.object({
        url: z.string().describe("the peer's ws:// address, or a label such as \"console (inbound)\" for a link it accepted"),
        state: z.enum(["connected", "connecting", "down"]),
        since: z.number().optional().describe("when the link reached this state, in ms since the epoch (0: unknown)"),
        error: z.string().optional(),
      }),
    )
    .nullable(),
  problem: z.string().nullable().describe("what keeps this instance from working (real-time sync stuck), or null"),
});

export const serverShape = z
  .object({
    name: z.string(),
    source: z.string().describe("the configuration source this server synchronizes (SPEC §2.9); its scope is taken within it"),
    syncLevel: z.number().int().min(0).max(2),
    syncTimeoutMinutes: z.number().int().min(0),
    webEvents: z.boolean(),
    cacheSlackSeconds: z.number().int().nullable().describe("null: the default, 30 s (600 s with web events)"),
    meshUrl: z.string().nullable(),
    instances: z.array(instanceShape),
    cursorLag: z.number().int().describe("changes in its source's change feed after this server's cursor"),
    cursorLagSeconds: z.number(),
    currentRun: z
      .object({ id: z.number().int(), kind: z.string(), trigger: z.string(), done: z.number().int(), total: z.number().int(), startedAt: timestamp })
      .nullable(),
    lastFullSync: z
      .object({
        id: z.number().int(),
        status: z.string(),
        finishedAt: timestamp.nullable(),
        why: z.string().nullable().describe("what went wrong, in a line: a failed run's error, or a partial run's error count and first error; null when it succeeded"),
      })
      .nullable(),
  })
  .meta({ id: "Server" });

export const fullSyncStartedShape = z.union([
  z.object({ runId: z.number().int() }),
  z.object({ requestId: z.number().int(), waiting: z.string().nullable() }),
]);

export const siteShape = z
  .object({
    id: z.number().int(),
    name: z.string(),
    timeZone: z.string().describe("a WFM time zone's name"),
    switchSource: z.string().nullable().describe("the configuration source of the site's switch (null when it has none)"),
    switchDbid: dbid.nullable(),
    switchName: z.string().nullable(),
    server: z.string().nullable().describe("the assigned WFM Server's name, or null"),
    agentCount: z.number().int(),
    synchronizedBy: z
      .object({
        server: z.string().nullable().describe("the WFM Server that synchronizes the site's agents, or null when none does"),
        by: z.enum(["assigned", "default"]).nullable().describe("assigned to the site, or the level-2 server of the switch's source, which takes every unassigned site of its source"),
        warning: z.string().nullable().describe("why the site's agents are not synchronized now (a server stopped, at level 0, none at level 2), or two servers claim it"),
      })
      .describe("who synchronizes the site, so a client need not work it out from levels and assignments"),
  })
  .meta({ id: "Site" });

/** PATCH /sites/{id}: the site, and what the change means for its agents when that is not "synchronized now". */
export const siteChangeShape = siteShape
  .extend({ consequence: z.string().nullable().describe("for a patch that assigned or cleared the site's server, what that means for its agents, e.g. \"Denver's 322 agents stop synchronizing until Branch runs.\"; null when they are synchronized, or the patch did not touch the server") })
  .meta({ id: "SiteChange" });

export const agentShape = z
  .object({
    id: z.number().int(),
    source,
    cfgDbid: dbid.describe("the person's dbid in its source"),
    tenantDbid: dbid,
    username: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    employeeId: z.string().nullable(),
    site: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    terminationDate: day.nullable(),
    terminationSource: z.enum(["config", "manual"]).nullable(),
    awaitingFullSync: z.boolean(),
    skills: z.array(z.object({ name: z.string(), level: z.number().int() })),
  })
  .meta({ id: "Agent" });

const counts = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  terminated: z.number().int(),
  skipped: z.number().int(),
  errors: z.number().int(),
});

export const runShape = z
  .object({
    id: z.number().int(),
    server: z.string(),
    source: z.string().describe("the configuration source its server synchronized when the run began"),
    kind: z.enum(["full", "realtime", "targeted"]),
    trigger: z.string().describe("startup, schedule, manual, failover, reinstate, scope (the server's scope grew: sites assigned to it, its level raised from 0), or feed (real-time runs)"),
    level: z.number().int(),
    status: z.enum(["running", "succeeded", "failed", "partial"]),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    counts,
    outOfScope: z.number().int().describe("changes skipped because they belong to another server's sites"),
    progress: z.object({ done: z.number().int(), total: z.number().int() }),
    error: z.string().nullable(),
    requestedBy: z.string().nullable().describe("who asked: the user (also when they used an API token), or the server's own name for runs it started itself"),
  })
  .meta({ id: "Run" });

export const eventShape = z
  .object({
    id: z.number().int(),
    runId: z.number().int(),
    at: timestamp,
    objectType: z.string().describe("agent, skill_level, skill, time_zone, user, switch or run"),
    objectKey: z.string().describe("the object's cfg dbid (a run's id for object type run)"),
    action: z.enum(["added", "updated", "terminated", "skipped", "warning", "error"]),
    message: z.string(),
    objectName: z.string().nullable().describe("the object as WFM names it now (an agent's name and username, a skill's or time zone's name, a user's username); null when WFM no longer has it"),
    agentId: z.number().int().nullable().describe("for an agent's or skill level's line: the agent's id in WFM (GET /agents/{id}), when it exists"),
  })
  .meta({ id: "Event" });

export const auditShape = z
  .object({
    at: timestamp,
    user: z.string().describe("who did it: the user's username, also when they acted through an API token"),
    action: z.enum(auditActions).describe("agent: terminated, reinstated, moved; site: created, updated, assigned (its WFM Server), deleted; server: created, updated (its options), deleted"),
    objectType: z.enum(auditObjectTypes),
    objectKey: z.string().describe("the agent's id (GET /agents/{id}), the site's id, or the server's name"),
    detail: z
      .record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }))
      .describe("each field the act changed, as it was and as it became: terminationDate, site ({id, name}), name, timeZone, switchSource, switchDbid, server, source, syncLevel, syncTimeoutMinutes, cacheSlackSeconds, webEvents; a creation's from and a deletion's to are null"),
  })
  .meta({ id: "AuditEvent" });

export const skillShape = z.object({ source, cfgDbid: dbid, tenantDbid: dbid, name: z.string() }).meta({ id: "Skill" });
export const timeZoneShape = z.object({ source, cfgDbid: dbid, tenantDbid: dbid, name: z.string(), ianaName: z.string() }).meta({ id: "TimeZone" });

export const userShape = z
  .object({
    id: z.number().int(),
    username: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    role: z.enum(["admin", "supervisor", "viewer"]),
    fromCfg: z.boolean(),
    source: z.string().nullable().describe("the configuration source the user was imported from; null for an account made in WFM"),
  })
  .meta({ id: "User" });

export const importResultShape = z.object({
  imported: z.array(z.string()).describe("the usernames of the users created"),
  already: z.number().int().describe("how many of the persons were users already (left as they are)"),
});

export const validationShape = z
  .object({
    duplicates: z.array(
      z.object({
        objectType: z.enum(["switch", "timeZone", "skill"]),
        name: z.string(),
        members: z.array(z.object({ source, tenantDbid: dbid, dbid })).describe("every object of that name, in any source and tenant"),
      }),
    ),
    unassignedAgents: z.number().int(),
    brokenSites: z
      .array(
        z.object({
          id: z.number().int(),
          name: z.string(),
          missingSwitchSource: z.string().nullable().describe("the source of the switch the site names, when that source no longer has it"),
          missingSwitchDbid: z.number().int().nullable().describe("the switch the site names, when its source no longer has it"),
          missingTimeZone: z.string().nullable().describe("the time zone the site names, when WFM no longer has it"),
        }),
      )
      .describe("sites that name a switch or time zone deleted since: edit them"),
  })
  .meta({ id: "Validation" });

export const cfgTenantShape = z.object({ dbid, name: z.string() }).meta({ id: "CfgTenant" });
export const cfgSwitchShape = z.object({ dbid, tenantDbid: dbid, name: z.string() }).meta({ id: "CfgSwitch" });
export const cfgSkillShape = z.object({ dbid, tenantDbid: dbid, name: z.string() }).meta({ id: "CfgSkill" });
export const cfgTimeZoneShape = z.object({ dbid, tenantDbid: dbid, name: z.string(), ianaName: z.string() }).meta({ id: "CfgTimeZone" });
export const cfgPersonShape = z
  .object({
    dbid,
    tenantDbid: dbid,
    username: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    employeeId: z.string().nullable(),
    isAgent: z.boolean(),
    logins: z.array(z.object({ switchDbid: dbid, code: z.string() })),
    skills: z.array(z.object({ skillDbid: dbid, level: z.number().int().min(0).max(10) })),
  })
  .meta({ id: "CfgPerson" });

export const cfgShapes = {
  tenants: cfgTenantShape,
  switches: cfgSwitchShape,
  "time-zones": cfgTimeZoneShape,
  skills: cfgSkillShape,
} as const;
