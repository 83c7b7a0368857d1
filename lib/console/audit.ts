/**
 * The audit trail of manual acts: terminating, reinstating and moving an agent; creating, editing, assigning
 * and deleting a site; registering, changing and deleting a WFM Server — who did it, when, and what changed.
 * The domain function of each act records its lines with recordAudit in its own transaction, so a line
 * commits with the act or not at all, and the console and REST, calling the same function, record alike.
 */
import { z } from "zod";
import { auditActions, auditObjectTypes } from "../../db/schema";
import type { Sql } from "../db/client";
import { agentDisplayName } from "./runs";
import { BIGINT_ID_MAX, checkTimeRange, cursorText, instantText, INT_ID_MAX, text } from "../input";

export type AuditObjectType = (typeof auditObjectTypes)[number];
export type AuditAction = (typeof auditActions)[number];

/** Each field an act changed, as it was and as it became: a creation's `from` and a deletion's `to` are null. */
export type AuditDetail = Record<string, { from: unknown; to: unknown }>;

export interface AuditLine {
  action: AuditAction;
  objectType: AuditObjectType;
  /** An agent's or a site's id, a server's name. */
  objectKey: string | number;
  detail: AuditDetail;
}

/** One line as the console and GET /api/v1/audit show it (lib/api/shapes auditShape). */
export interface AuditView {
  at: Date;
  user: string;
  action: AuditAction;
  objectType: AuditObjectType;
  objectKey: string;
  detail: AuditDetail;
}

/** The fields whose value differs between `before` and `after`, as an act's detail. */
export function changesBetween(before: Record<string, unknown>, after: Record<string, unknown>): AuditDetail {
  const detail: AuditDetail = {};
  for (const [field, to] of Object.entries(after)) {
    if (to !== undefined && to !== before[field]) detail[field] = { from: before[field] ?? null, to };
  }
  return detail;
}

/**
 * Records the lines of one act done by `username` (the user's, also when they acted through an API token).
 * `tx` is the act's own transaction: the lines are written, and undone, with what they describe.
 */
export async function recordAudit(tx: Sql, username: string, lines: AuditLine[]): Promise<void> {
  if (!username) throw new Error("An audited act needs the name of the user who did it.");
  if (lines.length === 0) return;
  const rows = lines.map((l) => ({ action: l.action, object_type: l.objectType, object_key: String(l.objectKey), detail: l.detail }));
  // One statement however many lines: assigning 10,000 sites at once is one act of 10,000 lines.
  await tx`
    insert into wfm.audit_events (username, action, object_type, object_key, detail)
    select ${username}, x.action, x.object_type, x.object_key, x.detail
      from jsonb_to_recordset(${tx.json(rows as never)}) as x(action text, object_type text, object_key text, detail jsonb)`;
}

export const auditFilter = z
  .object({
    user: text("user").trim().min(1, "user is a user name").max(200, "user has at most 200 characters").describe("who did it, whatever the case").optional(),
    objectType: z.enum(auditObjectTypes, { message: `objectType is ${auditObjectTypes.join(", ")}` }).optional(),
    objectKey: text("objectKey").trim().min(1, "objectKey is an agent's or a site's id, or a server's name").max(200, "objectKey has at most 200 characters")
      .describe("with objectType: the agent's id, the site's id or the server's name")
      .optional(),
    action: z.enum(auditActions, { message: `action is one of ${auditActions.join(", ")}` }).optional(),
    from: instantText("from").describe("lines recorded at or after this instant").optional(),
    to: instantText("to").describe("lines recorded before this instant").optional(),
    limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(500, "limit is at most 500").default(100),
    cursor: cursorText(BIGINT_ID_MAX).optional(),
  })
  .superRefine(checkTimeRange)
  .superRefine((f, context) => {
    // An agent's ids and a site's ids overlap: a key alone names no object.
    if (f.objectKey !== undefined && f.objectType === undefined) context.addIssue({ code: "custom", path: ["objectKey"], message: "objectKey needs objectType (agent, site or server)" });
  });
/** A checked filter (`auditFilter.parse` of a query string or form). */
export type AuditFilter = z.output<typeof auditFilter>;

/**
 * Audit lines newest first, in pages (keyset: the cursor is the last line's id; the next page holds older
 * lines). Only the filters given become conditions, so each combination is planned on its own index.
 */
export async function listAudit(sql: Sql, f: AuditFilter): Promise<{ items: AuditView[]; next: string | null }> {
  const conditions = [
    f.user !== undefined && sql`lower(username) = lower(${f.user})`,
    f.objectType !== undefined && sql`object_type = ${f.objectType}`,
    f.objectKey !== undefined && sql`object_key = ${f.objectKey}`,
    f.action !== undefined && sql`action = ${f.action}`,
    f.from !== undefined && sql`at >= ${f.from}`,
    f.to !== undefined && sql`at < ${f.to}`,
    f.cursor !== undefined && sql`id < ${f.cursor}::bigint`,
  ].filter((c) => c !== false);
  const where = conditions.reduce((all, c) => sql`${all} and ${c}`, sql`true`);
  const rows = await sql<(AuditView & { id: number })[]>`
    select id, at, username as "user", action, object_type as "objectType", object_key as "objectKey", detail
      from wfm.audit_events where ${where}
     order by id desc limit ${f.limit + 1}`;
  const page = rows.slice(0, f.limit);
  return { items: page.map(({ id: _, ...line }) => line), next: rows.length > f.limit ? String(page.at(-1)!.id) : null };
}

/**
 * What the console calls each object of these lines now: an agent's name and username, a site's name, a
 * server's name — keyed `type:key`. An object deleted since has no entry.
 */
export async function auditObjectNames(sql: Sql, lines: Pick<AuditView, "objectType" | "objectKey">[]): Promise<Map<string, string>> {
  const ids = (type: AuditObjectType) => [
    ...new Set(lines.filter((l) => l.objectType === type && /^\d{1,10}$/.test(l.objectKey)).map((l) => Number(l.objectKey)).filter((id) => id <= INT_ID_MAX)),
  ];
  const rows = await sql<{ key: string; name: string }[]>`
    select 'agent:' || a.id as key, ${agentDisplayName(sql)} as name
      from wfm.agents a where a.id = any(${ids("agent")}::int[])
    union all
    select 'site:' || id, name from wfm.sites where id = any(${ids("site")}::int[])`;
  const names = new Map(rows.map((r) => [r.key, r.name]));
  for (const l of lines) if (l.objectType === "server") names.set(`server:${l.objectKey}`, l.objectKey);
  return names;
}

const FIELD_LABELS: Record<string, string> = {
  terminationDate: "termination date",
  site: "site",
  name: "name",
  timeZone: "time zone",
  switchSource: "switch's source",
  switchDbid: "switch",
  server: "WFM Server",
  source: "source",
  syncLevel: "SynchronizationLevel",
  syncTimeoutMinutes: "SynchronizationTimeout (minutes)",
  cacheSlackSeconds: "CacheSlack (seconds)",
  webEvents: "web events",
};

function shown(field: string, value: unknown): string {
  if (value === null || value === undefined) return field === "cacheSlackSeconds" ? "default" : "none";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "object" && "name" in value) return String(value.name);
  return String(value);
}

/**
 * A line's detail in words, for the console: `termination date: none → 2031-02-03`; a creation lists what the
 * object was created with, a deletion what it had.
 */
export function describeAuditDetail(action: AuditAction, detail: AuditDetail): string {
  // In the order forms show the fields: jsonb keeps an object's keys in an order of its own.
  const order = (field: string) => (field in FIELD_LABELS ? Object.keys(FIELD_LABELS).indexOf(field) : Infinity);
  return Object.entries(detail)
    .sort(([a], [b]) => order(a) - order(b))
    .map(([field, { from, to }]) => {
      const label = FIELD_LABELS[field] ?? field;
      if (action === "created") return `${label} ${shown(field, to)}`;
      if (action === "deleted") return `${label} was ${shown(field, from)}`;
      return `${label}: ${shown(field, from)} → ${shown(field, to)}`;
    })
    .join("; ");
}
