/** Sync runs and their log as the console and the API show them (SPEC §6.1 "run", "event"). */
import { z } from "zod";
import { eventActions } from "../../db/schema";
import { findSource, sourceName } from "../config/source-names";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { decodeSortCursor, encodeSortCursor, pageCursorText } from "../api/paging";
import { BIGINT_ID_MAX, INT_ID_MAX, checkTimeRange, containsPattern, cursorText, idText, instantText, text } from "../input";

export interface RunView {
  id: number;
  server: string;
  /** The configuration source its server synchronized when it began (SPEC §2.9): its log's dbids are that source's. */
  source: string;
  kind: "full" | "realtime" | "targeted";
  trigger: string;
  level: number;
  status: "running" | "succeeded" | "failed" | "partial";
  startedAt: Date;
  finishedAt: Date | null;
  counts: { added: number; updated: number; terminated: number; skipped: number; errors: number };
  outOfScope: number;
  progress: { done: number; total: number };
  error: string | null;
  /** Who asked: a user's name (also through an API token), or the server's own for the runs it starts itself. */
  requestedBy: string | null;
}

/** What Sync history sorts by: the start order (id), how long a run took, or what it counted. */
export const RUN_SORTS = ["id", "duration", "added", "updated", "terminated", "skipped", "errors"] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export const runFilter = z.object({
  server: text("server").trim().min(1, "server is a WFM Server's name").optional(),
  // A live source, as on /agents: a deleted source's runs carry "<name> (deleted …)" and are found unfiltered.
  source: sourceName("source").describe("runs of servers synchronizing this configuration source (GET /sources)").optional(),
  kind: z.enum(["full", "realtime", "targeted"], { message: "kind is full, realtime or targeted" }).optional(),
  status: z.enum(["running", "succeeded", "failed", "partial"], { message: "status is running, succeeded, failed or partial" }).optional(),
  from: instantText("from").describe("runs started at or after this instant").optional(),
  to: instantText("to").describe("runs started before this instant").optional(),
  agentId: idText("agentId", INT_ID_MAX).describe("runs that logged a line for this agent (its id in WFM)").optional(),
  sort: z.enum(RUN_SORTS, { message: `sort is one of ${RUN_SORTS.join(", ")}` }).default("id").describe("id (the start order), duration, or a count"),
  dir: z.enum(["asc", "desc"], { message: "dir is asc or desc" }).default("desc"),
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(500, "limit is at most 500").default(100),
  cursor: pageCursorText.describe("the `next` of the previous page").optional(),
}).superRefine(checkTimeRange);
export type RunFilter = z.output<typeof runFilter>;

/**
 * Runs newest first (or as sorted), in pages by keyset: the cursor is the last id seen or, sorted by another
 * column, that run's sort key and id — runs that start meanwhile never make a page repeat or skip one. Ties
 * go newest first; a run still going sorts as the shortest by duration (it has no duration yet). An agent's
 * runs are those whose log names it (its agent and skill-level lines, by cfg dbid).
 */
export async function listRuns(sql: Sql, f: RunFilter): Promise<{ items: RunView[]; next: string | null }> {
  // An unknown source is a NOT_FOUND naming it, not an empty page.
  if (f.source !== undefined) await findSource(sql, f.source);
  const byId = f.sort === "id";
  const asc = f.dir === "asc";
  const sortKey = {
    id: sql`id`,
    duration: sql`coalesce(extract(epoch from finished_at - started_at), -1)::float8`,
    added: sql`added::float8`,
    updated: sql`updated::float8`,
    terminated: sql`terminated::float8`,
    skipped: sql`skipped::float8`,
    errors: sql`errors::float8`,
  }[f.sort];
  let after = sql``;
  if (f.cursor && byId) {
    const id = Number(decodeIdCursor(f.cursor));
    after = asc ? sql`and id > ${id}` : sql`and id < ${id}`;
  } else if (f.cursor) {
    const [key, id] = decodeSortCursor(f.cursor, ["number", "number"]) as [number, number];
    after = asc ? sql`and (${sortKey} > ${key} or (${sortKey} = ${key} and id < ${id}))` : sql`and (${sortKey} < ${key} or (${sortKey} = ${key} and id < ${id}))`;
  }
  const rows = await sql<(RunView & { sortKey: number })[]>`
    select id, server, source, kind, trigger, level, status, started_at as "startedAt", finished_at as "finishedAt",
           json_build_object('added', added, 'updated', updated, 'terminated', terminated, 'skipped', skipped, 'errors', errors) as counts,
           out_of_scope as "outOfScope", json_build_object('done', progress_done, 'total', progress_total) as progress, error,
           requested_by as "requestedBy", ${sortKey}::float8 as "sortKey"
      from wfm.sync_runs
     where (${f.server ?? null}::text is null or server = ${f.server ?? null})
       and (${f.source ?? null}::text is null or source = ${f.source ?? null})
       and (${f.kind ?? null}::text is null or kind = ${f.kind ?? null})
       and (${f.status ?? null}::text is null or status = ${f.status ?? null})
       and (${f.from ?? null}::timestamptz is null or started_at >= ${f.from ?? null})
       and (${f.to ?? null}::timestamptz is null or started_at < ${f.to ?? null})
       and (${f.agentId ?? null}::int is null or (id, source) in (
             select e.run_id, a.source from wfm.sync_events e join wfm.agents a on e.object_key = a.cfg_dbid::text
              where a.id = ${f.agentId ?? null} and e.object_type in ('agent', 'skill_level')))
       ${after}
     order by ${sortKey} ${asc ? sql`asc` : sql`desc`}, id desc
     limit ${f.limit + 1}`;
  const items = rows.slice(0, f.limit).map(({ sortKey: _, ...run }) => run);
  const last = rows[f.limit - 1];
  return { items, next: rows.length > f.limit ? (byId ? String(last!.id) : encodeSortCursor([last!.sortKey, last!.id])) : null };
}

/** A runs cursor when sorted by id: the id itself. */
function decodeIdCursor(text: string): string {
  if (!/^\d{1,16}$/.test(text) || Number(text) > BIGINT_ID_MAX) throw fieldError("BAD_INPUT", "cursor", "cursor is the `next` of the previous page");
  return text;
}

export async function getRun(sql: Sql, id: number): Promise<RunView> {
  const [run] = await sql<RunView[]>`
    select id, server, source, kind, trigger, level, status, started_at as "startedAt", finished_at as "finishedAt",
           json_build_object('added', added, 'updated', updated, 'terminated', terminated, 'skipped', skipped, 'errors', errors) as counts,
           out_of_scope as "outOfScope", json_build_object('done', progress_done, 'total', progress_total) as progress, error,
           requested_by as "requestedBy"
      from wfm.sync_runs where id = ${id}`;
  if (!run) throw new DomainError("NOT_FOUND", `There is no sync run ${id}.`);
  return run;
}

/** A run's status alone, or null when there is no such run: cheap enough to poll while waiting for it. */
export async function getRunStatus(sql: Sql, id: number): Promise<RunView["status"] | null> {
  const [run] = await sql<{ status: RunView["status"] }[]>`select status from wfm.sync_runs where id = ${id}`;
  return run?.status ?? null;
}

export const eventFilter = z
  .object({
    action: z.enum(eventActions, { message: `action is one of ${eventActions.join(", ")}` }).optional(),
    objectType: text("objectType").trim().min(1).max(40).describe("agent, skill_level, skill, time_zone, user, switch or run").optional(),
    q: text("q").trim().max(200, "a search has at most 200 characters").describe("lines whose message holds this text, whose object has this dbid, or whose agent's name, username or employee id holds it").optional(),
    from: instantText("from").describe("lines logged at or after this instant").optional(),
    to: instantText("to").describe("lines logged before this instant").optional(),
    limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(1000, "limit is at most 1000").default(500),
    cursor: cursorText(BIGINT_ID_MAX).optional(),
  })
  .superRefine(checkTimeRange);
export type EventFilter = z.output<typeof eventFilter>;

/** The log's query string for the API: the filters, and `format=csv` for the whole matching log as a file. */
export const eventQuery = eventFilter.safeExtend({
  format: z.enum(["json", "csv"], { message: "format is json or csv" }).describe("csv: every matching line (limit and cursor do not apply), as text/csv").optional(),
});

export interface EventView {
  id: number;
  runId: number;
  at: Date;
  objectType: string;
  objectKey: string;
  action: string;
  message: string;
  /** What the line is about, named as WFM knows it now (an agent's name and username, a skill's name…), if it still exists. */
  objectName: string | null;
  /** The agent's id in WFM, for an agent's or a skill level's line whose agent exists: the console links it. */
  agentId: number | null;
}

/** The source a run's log lines name dbids of (its server's source when it began). */
const runSource = (sql: Sql, runId: number) => sql`(select r.source from wfm.sync_runs r where r.id = ${runId})`;

/** The filtered lines of a run's log (the WHERE of the page and of the CSV), `after` an event id. */
function matchingEvents(sql: Sql, runId: number, f: Omit<EventFilter, "limit" | "cursor">, after: number) {
  const q = f.q ? containsPattern(f.q) : null;
  return sql`
    from wfm.sync_events e
   where e.run_id = ${runId}
     and (${f.action ?? null}::text is null or e.action = ${f.action ?? null})
     and (${f.objectType ?? null}::text is null or e.object_type = ${f.objectType ?? null})
     and (${f.from ?? null}::timestamptz is null or e.at >= ${f.from ?? null})
     and (${f.to ?? null}::timestamptz is null or e.at < ${f.to ?? null})
     and (${q}::text is null
          or e.object_key = ${f.q ?? null}
          or lower(e.message) like ${q}
          or (e.object_type in ('agent', 'skill_level') and e.object_key in (
                select a.cfg_dbid::text from wfm.agents a
                 where a.source = ${runSource(sql, runId)}
                   and lower(a.first_name || ' ' || a.last_name || ' ' || a.username || ' ' || coalesce(a.employee_id, '')) like ${q})))
     and e.id > ${after}`;
}

/**
 * The object a line names, as WFM has it now: only an id that is all digits can be a dbid, and it is a dbid of
 * the run's source (`src`, that source's name: dbids are unique within a source only).
 */
const namedObject = (sql: Sql, runId: number) => sql`
  cross join ${runSource(sql, runId)} src(name)
  left join wfm.agents a on a.source = src.name and a.cfg_dbid = case when e.object_type in ('agent', 'skill_level') and e.object_key ~ '^[0-9]{1,18}$' then e.object_key::bigint end
  left join wfm.skills k on k.source = src.name and k.cfg_dbid = case when e.object_type = 'skill' and e.object_key ~ '^[0-9]{1,18}$' then e.object_key::bigint end
  left join wfm.time_zones z on z.source = src.name and z.cfg_dbid = case when e.object_type = 'time_zone' and e.object_key ~ '^[0-9]{1,18}$' then e.object_key::bigint end
  left join wfm.users u on u.source = src.name and u.cfg_dbid = case when e.object_type = 'user' and e.object_key ~ '^[0-9]{1,18}$' then e.object_key::bigint end`;

const eventColumns = (sql: Sql) => sql`
  e.id, e.run_id as "runId", e.at, e.object_type as "objectType", e.object_key as "objectKey", e.action, e.message,
  coalesce(${agentDisplayName(sql)}, k.name, z.name, u.username) as "objectName",
  a.id as "agentId"`;

/** A run's log in order, filtered by action, object type, text and time, in pages (keyset by event id). */
export async function runEvents(sql: Sql, runId: number, f: EventFilter): Promise<{ items: EventView[]; next: string | null }> {
  const rows = await sql<EventView[]>`
    select ${eventColumns(sql)}
      from (select e.* ${matchingEvents(sql, runId, f, f.cursor ? Number(f.cursor) : 0)} order by e.id limit ${f.limit + 1}) e
      ${namedObject(sql, runId)}
     order by e.id`;
  const items = rows.slice(0, f.limit);
  return { items, next: rows.length > f.limit ? String(items.at(-1)!.id) : null };
}

const CSV_COLUMNS = ["id", "runId", "at", "objectType", "objectKey", "objectName", "action", "message"] as const;

/**
 * One CSV field. Quoted when it holds a quote, comma or line break; and a value a spreadsheet would run as a
 * formula (=, +, -, @ first — a name from cfg can start so; only a plain negative number is left alone) is
 * prefixed with ' so that it is shown as text.
 */
function csvField(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The whole matching log as CSV, a chunk of lines at a time, read through a cursor: a run of 100,000 lines
 * is never held in memory at once, and a reader who goes away stops the query.
 */
export async function* runEventsCsv(sql: Sql, runId: number, f: Omit<EventFilter, "limit" | "cursor">): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(",")}\r\n`;
  const cursor = sql<EventView[]>`
    select ${eventColumns(sql)}
      from (select e.* ${matchingEvents(sql, runId, f, 0)}) e
      ${namedObject(sql, runId)}
     order by e.id`.cursor(2000);
  for await (const rows of cursor) {
    yield rows.map((row) => `${CSV_COLUMNS.map((column) => csvField(row[column])).join(",")}\r\n`).join("");
  }
}

/** The object types and actions a run's log holds, with counts: the filters offer only what is there. */
export async function runEventFacets(sql: Sql, runId: number) {
  return sql<{ objectType: string; action: string; n: number }[]>`
    select object_type as "objectType", action, count(*)::int as n from wfm.sync_events where run_id = ${runId}
     group by 1, 2 order by 1, 2`;
}

/** An agent (aliased `a`) as the console names it: "First Last (username)", or its bare username when it has no name. */
export const agentDisplayName = (sql: Sql) => sql`coalesce(nullif(trim(a.first_name || ' ' || a.last_name), '') || ' (' || a.username || ')', a.username)`;

/**
 * The agent a filter means: by WFM id when it came from a link (`byId`), else as typed — a username first
 * (any case), or a WFM id.
 */
export async function findAgentForFilter(sql: Sql, typed: string, byId = false): Promise<{ id: number; name: string } | null> {
  const id = /^\d{1,9}$/.test(typed) ? Number(typed) : null;
  if (byId && id === null) return null;
  const [agent] = await sql<{ id: number; name: string }[]>`
    select a.id, ${agentDisplayName(sql)} as name from wfm.agents a
     where ${byId ? sql`a.id = ${id}` : sql`lower(a.username) = lower(${typed}) or a.id = ${id}`}
     order by ${byId ? sql`a.id` : sql`lower(a.username) = lower(${typed}) desc, a.id`} limit 1`;
  return agent ?? null;
}

export const agentEventFilter = z
  .object({
    q: text("q").trim().max(200, "a search has at most 200 characters").optional(),
    from: instantText("from").optional(),
    to: instantText("to").optional(),
  })
  .superRefine(checkTimeRange);

export interface AgentEventView {
  id: number;
  runId: number;
  at: Date;
  objectType: string;
  action: string;
  message: string;
  server: string;
  kind: string;
}

/**
 * An agent's own lines in the sync log (its agent and skill-level lines, by cfg dbid, in runs of its source),
 * newest first, narrowed by text in the message and by time. The index on (object_type, object_key, id) finds
 * them in any log size.
 */
export async function agentEvents(sql: Sql, agent: { source: string; cfgDbid: number }, f: z.output<typeof agentEventFilter> = {}, limit = 50): Promise<AgentEventView[]> {
  const { source, cfgDbid } = agent;
  const q = f.q ? containsPattern(f.q) : null;
  return sql<AgentEventView[]>`
    select e.id, e.run_id as "runId", e.at, e.object_type as "objectType", e.action, e.message, r.server, r.kind
      from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
     where e.object_type in ('agent', 'skill_level') and e.object_key = ${String(cfgDbid)} and r.source = ${source}
       and (${q}::text is null or lower(e.message) like ${q})
       and (${f.from ?? null}::timestamptz is null or e.at >= ${f.from ?? null})
       and (${f.to ?? null}::timestamptz is null or e.at < ${f.to ?? null})
     order by e.id desc limit ${limit}`;
}
