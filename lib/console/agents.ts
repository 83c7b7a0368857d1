/**
 * Agents in the console and the API (SPEC §5 Agents and Agent Properties, §6.1 "agent"): search, one agent
 * with its skills and its own sync events, and the two things people do to an agent — terminate or
 * reinstate it (SPEC §2.7), and "Sync now".
 */
import { z } from "zod";
import { agentShape } from "../api/shapes";
import { findSource, sourceName } from "../config/source-names";
import { coldImportUnderway, type ImportUnderway } from "../sync/cold-import";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { decodeSortCursor, encodeSortCursor, pageCursorText } from "../api/paging";
import { BIGINT_ID_MAX, containsPattern, idNumber, idText, INT_ID_MAX, text } from "../input";
import { awaitRequestRun, requestSync } from "../sync/requests";
import { recordAudit, type AuditLine } from "./audit";
import type { StartedFullSync } from "./full-sync";
import { agentSourceMismatch } from "./sites";

/** SPEC §6.1 "agent": the shape the API documents is the type the domain returns. */
export type AgentView = z.infer<typeof agentShape>;

/** What the Agents list sorts by; name and username have indexes of their own (db/migrations/0023). */
export const AGENT_SORTS = ["id", "name", "username"] as const;

/** Above this many matches the total is PostgreSQL's estimate (a count would read every match). */
export const EXACT_TOTAL_UP_TO = 10_000;

export const agentSearch = z.object({
  q: text("q").trim().max(200, "a search has at most 200 characters").optional(),
  // A site's id, or "none" for the agents without a site (SPEC §5 Validation's unassigned agents).
  site: z.union([z.literal("none"), idText("site", INT_ID_MAX)], { message: 'site is a site\'s id, or "none"' }).optional(),
  terminated: z.enum(["true", "false"], { message: "terminated is true or false" }).transform((v) => v === "true").optional(),
  awaitingFullSync: z.enum(["true", "false"], { message: "awaitingFullSync is true or false" }).transform((v) => v === "true")
    .describe("true: reinstated agents that real-time sync leaves alone until the next full sync re-reads them").optional(),
  terminationSource: z.enum(["manual", "config"], { message: "terminationSource is manual or config" })
    .describe("manual: terminated by hand; config: terminated because the person left cfg").optional(),
  // SPEC §2.9: the agents of one configuration source; an unknown source is a 404 naming it.
  source: sourceName("source").describe("the agents of this configuration source (GET /sources)").optional(),
  cfgDbid: idText("cfgDbid", BIGINT_ID_MAX).describe("the person's dbid, in `source` when given, else in any source").optional(),
  sort: z.enum(AGENT_SORTS, { message: `sort is one of ${AGENT_SORTS.join(", ")}` }).default("id")
    .describe("id (the order agents arrived in), name (last name, first name) or username").optional(),
  dir: z.enum(["asc", "desc"], { message: "dir is asc or desc" }).default("asc").optional(),
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(200, "limit is at most 200").default(50),
  cursor: pageCursorText.describe("the `next` of the previous page").optional(),
  // The page before a row (the console's "Previous"): the first row's cursor of the page shown; `next` then leads back.
  before: pageCursorText.describe("the page before the row this cursor names (the console's Previous)").optional(),
});
/** A checked search (`agentSearch.parse` of a query string or form). */
export type AgentSearch = z.output<typeof agentSearch>;

const agentColumns = (sql: Sql) => sql`
  a.id, a.source, a.cfg_dbid as "cfgDbid", a.tenant_dbid as "tenantDbid", a.username, a.first_name as "firstName",
  a.last_name as "lastName", a.email, a.employee_id as "employeeId",
  case when s.id is null then null else json_build_object('id', s.id, 'name', s.name) end as site,
  a.termination_date::text as "terminationDate", a.termination_source as "terminationSource",
  a.awaiting_full_sync as "awaitingFullSync",
  coalesce((select json_agg(json_build_object('name', k.name, 'level', x.level) order by k.name)
              from wfm.agent_skills x join wfm.skills k on k.id = x.skill_id where x.agent_id = a.id), '[]') as skills`;

/** The filters of a search, as a WHERE clause (without paging). */
function agentMatch(sql: Sql, f: AgentSearch) {
  const q = f.q ? containsPattern(f.q) : null;
  const siteId = typeof f.site === "number" ? f.site : null;
  // awaitingFullSync and terminationSource are written in only when asked for, not as "$n is null or …": a
  // generic plan then still matches their partial indexes (the few agents awaiting, or terminated, by id).
  return sql`
     where (${q}::text is null
            or lower(a.first_name || ' ' || a.last_name || ' ' || a.username || ' ' || coalesce(a.employee_id, '')) like ${q})
       and (${siteId}::int is null or a.site_id = ${siteId})
       and (not ${f.site === "none"} or a.site_id is null)
       and (${f.terminated ?? null}::boolean is null or (a.termination_date is not null) = ${f.terminated ?? null})
       and (${f.source ?? null}::text is null or a.source = ${f.source ?? null})
       and (${f.cfgDbid ?? null}::bigint is null or a.cfg_dbid = ${f.cfgDbid ?? null})
       ${f.awaitingFullSync === undefined ? sql`` : f.awaitingFullSync ? sql`and a.awaiting_full_sync` : sql`and not a.awaiting_full_sync`}
       ${f.terminationSource === undefined ? sql`` : sql`and a.termination_source = ${f.terminationSource}`}`;
}

/** A source filter names a source that exists, or the search is a NOT_FOUND naming it (not an empty page). */
async function checkSourceFilter(sql: Sql, f: AgentSearch): Promise<void> {
  if (f.source !== undefined) await findSource(sql, f.source);
}

/**
 * How many agents match: exact up to EXACT_TOTAL_UP_TO (a count that stops there), PostgreSQL's estimate
 * above it — the Agents page says "about" then, and the API `totalIsEstimate: true`.
 */
export async function countAgents(sql: Sql, f: AgentSearch): Promise<{ total: number; totalIsEstimate: boolean }> {
  await checkSourceFilter(sql, f);
  const [{ n }] = (await sql`
    select count(*)::int as n from (select 1 from wfm.agents a ${agentMatch(sql, f)} limit ${EXACT_TOTAL_UP_TO + 1}) m`) as unknown as [{ n: number }];
  if (n <= EXACT_TOTAL_UP_TO) return { total: n, totalIsEstimate: false };
  const [plan] = await sql<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>`explain (format json) select 1 from wfm.agents a ${agentMatch(sql, f)}`;
  return { total: Math.max(n, Math.round(plan!["QUERY PLAN"][0].Plan["Plan Rows"])), totalIsEstimate: true };
}

/**
 * One page of agents and how many match. Pages are a keyset: the cursor names the last row seen by its sort
 * key (the id, or the lowered name or username and the id), so agents synchronized meanwhile never make a
 * page repeat or skip one, and a deep page is as quick as the first. `q` matches name, username or employee
 * id anywhere (the trigram index answers it without a scan).
 */
export async function searchAgents(sql: Sql, f: AgentSearch): Promise<{ items: AgentView[]; next: string | null; total: number; totalIsEstimate: boolean }> {
  // A first import holds the agents until it commits: say so at once rather than wait for it.
  const importing = await coldImportUnderway(sql);
  if (importing) {
    throw new DomainError("UNAVAILABLE", `A first import of agents is under way (run ${importing.runId} of ${importing.server}, source ${importing.source}, ${importing.done} of ${importing.total} agents): they appear when it commits.`);
  }
  const [{ items, next }, count] = await Promise.all([agentPage(sql, f), countAgents(sql, f)]);
  return { items, next, ...count };
}

/** The sort keys of the Agents list, as SQL, in order; the id last, so that every key is unique. */
const sortKeys = (sql: Sql, sort: (typeof AGENT_SORTS)[number]) =>
  sort === "name"
    ? { columns: sql`lower(a.last_name), lower(a.first_name), a.id`, kinds: ["string", "string", "number"] as ("string" | "number")[] }
    : sort === "username"
      ? { columns: sql`lower(a.username), a.id`, kinds: ["string", "number"] as ("string" | "number")[] }
      : { columns: sql`a.id`, kinds: ["number"] as ("string" | "number")[] };

/**
 * One page of agents, with the cursors of its first row (`first`, for the page before it) and of its last
 * (`next`, when more follow). Forward from `cursor`, or back from `before`.
 */
export async function agentPage(sql: Sql, f: AgentSearch): Promise<{ items: AgentView[]; next: string | null; first: string | null }> {
  await checkSourceFilter(sql, f);
  const sort = f.sort ?? "id";
  const { columns, kinds } = sortKeys(sql, sort);
  const backwards = f.before !== undefined;
  const from = f.before ?? f.cursor;
  // The id sort keeps plain ids as cursors (what clients of the API have always been given).
  const key = from === undefined ? null : sort === "id" ? [Number(idCursor(from, backwards ? "before" : "cursor"))] : decodeSortCursor(from, kinds, backwards ? "before" : "cursor");
  const ascending = (f.dir === "desc") === backwards;
  const after = key === null ? sql`` : ascending ? sql`and (${columns}) > (${key.map((k) => sql`${k}`).reduce((x, y) => sql`${x}, ${y}`)})` : sql`and (${columns}) < (${key.map((k) => sql`${k}`).reduce((x, y) => sql`${x}, ${y}`)})`;
  const direction = ascending ? sql`asc` : sql`desc`;
  const order = sort === "name" ? sql`lower(a.last_name) ${direction}, lower(a.first_name) ${direction}, a.id ${direction}` : sort === "username" ? sql`lower(a.username) ${direction}, a.id ${direction}` : sql`a.id ${direction}`;
  const rows = await sql<(AgentView & { sortKey: (string | number)[] })[]>`
    select ${agentColumns(sql)}, json_build_array(${columns}) as "sortKey"
      from wfm.agents a left join wfm.sites s on s.id = a.site_id
    ${agentMatch(sql, f)}
       ${after}
     order by ${order} limit ${f.limit + 1}`;
  const more = rows.length > f.limit;
  const page = rows.slice(0, f.limit);
  if (backwards) page.reverse();
  const cursorOf = (row: { id: number; sortKey: (string | number)[] } | undefined) => (row === undefined ? null : sort === "id" ? String(row.id) : encodeSortCursor(row.sortKey));
  const items = page.map(({ sortKey: _, ...agent }) => agent);
  // Backwards, the rows after this page exist (we came from one of them); forward, only if one more was read.
  return { items, first: cursorOf(page[0]), next: backwards ? cursorOf(page.at(-1)) : more ? cursorOf(page.at(-1)) : null };
}

/** An id cursor (the id sort): a positive id, or a 400 naming the field. */
function idCursor(text: string, field: "cursor" | "before"): string {
  if (!/^\d{1,10}$/.test(text) || Number(text) > INT_ID_MAX) throw fieldError("BAD_INPUT", field, "cursor is the `next` of the previous page");
  return text;
}

export async function getAgent(sql: Sql, id: number): Promise<AgentView> {
  const [agent] = await sql<AgentView[]>`select ${agentColumns(sql)} from wfm.agents a left join wfm.sites s on s.id = a.site_id where a.id = ${id}`;
  if (!agent) throw new DomainError("NOT_FOUND", `There is no agent with id ${id}.`);
  return agent;
}

/**
 * Today in the database's time zone (YYYY-MM-DD): the date a termination is said to start on by default, the
 * same current_date that sync terminates with.
 */
export async function getDatabaseToday(sql: Sql): Promise<string> {
  const [{ today }] = (await sql`select current_date::text as today`) as unknown as [{ today: string }];
  return today;
}

const TERMINATION_YEARS_AHEAD = 10;
const latestTerminationDate = () => {
  const latest = new Date();
  latest.setUTCFullYear(latest.getUTCFullYear() + TERMINATION_YEARS_AHEAD);
  return latest.toISOString().slice(0, 10);
};

export const terminationInput = z.object({
  terminationDate: z.iso
    .date({ message: "a termination date is a date, YYYY-MM-DD" })
    .refine((date) => date >= "1900-01-01", "a termination date is in 1900 or later")
    // A date far ahead ("9999-12-31") is a typo or a stand-in for "never", not a planned leave: say so.
    .superRefine((date, context) => {
      const latest = latestTerminationDate();
      // Only a date that is one: zod goes on checking after the format check, and "31/12/2026" sorts last.
      if (/^\d{4}-\d{2}-\d{2}$/.test(date) && date > latest) context.addIssue({ code: "custom", message: `a termination date is at most ${TERMINATION_YEARS_AHEAD} years ahead (${latest} at the latest)` });
    })
    .nullable(),
});

export const moveInput = z.object({
  siteId: idNumber("siteId", INT_ID_MAX).nullable(),
});

/** PATCH /api/v1/agents/{id}: a termination date, a site, or both — each allowed to its own roles. */
export const agentPatch = z
  .strictObject({ ...terminationInput.shape, ...moveInput.shape })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "Send terminationDate, siteId or both." });

/**
 * Changes what WFM owns of an agent, in one transaction:
 * - `terminationDate` checks or clears the Termination Date box (SPEC §2.7). Checking sets the date with
 *   source manual; clearing reinstates the agent, which then waits for the next full sync (or "Sync now").
 * - `siteId` moves the agent to another site, or leaves it without one (null). The site is WFM's once the
 *   agent is imported (SPEC §2.2): sync never moves it back, and its scope follows the site. An agent
 *   without a site is placed again by the next full sync, from its logins.
 * Each change is recorded in the audit trail as done by `by`, in the same transaction.
 */
export async function updateAgent(sql: Sql, id: number, input: z.input<typeof agentPatch>, by: string): Promise<AgentView & { changed: boolean }> {
  const change = agentPatch.parse(input);
  // Each write touches the row only when it differs, so `changed` says whether the request changed anything.
  const changed = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    const [agent] = await tx<{ source: string; username: string; terminationSource: string | null; terminationDate: string | null; site: { id: number; name: string } | null }[]>`
      select a.source, a.username, a.termination_source as "terminationSource", a.termination_date::text as "terminationDate",
             case when s.id is null then null else json_build_object('id', s.id, 'name', s.name) end as site
        from wfm.agents a left join wfm.sites s on s.id = a.site_id where a.id = ${id} for update of a`;
    if (!agent) throw new DomainError("NOT_FOUND", `There is no agent with id ${id}.`);
    if (change.terminationDate !== undefined && agent.terminationSource === "config") {
      // Not WFM's to undo: the agent returns when cfg has its person as an agent again (SPEC §2.5, §2.7).
      throw fieldError(
        "CONFLICT",
        "terminationDate",
        "This agent was terminated because its person left cfg (deleted, or no longer an agent); it comes back when cfg has it as an agent again.",
      );
    }
    const audit: AuditLine[] = [];
    if (change.siteId !== undefined) {
      let site: { id: number; name: string } | null = null;
      if (change.siteId !== null) {
        // Held until commit, so the site can be neither deleted nor given another switch or server between this
        // check and the move.
        const [found] = await tx<{ id: number; name: string; switchSource: string | null; server: string | null }[]>`
          select id, name, switch_source as "switchSource", server from wfm.sites where id = ${change.siteId} for key share`;
        if (!found) throw fieldError("NOT_FOUND", "siteId", `There is no site with id ${change.siteId}.`);
        // The server's row too: a move of that server to another source (which takes it for update) waits, and
        // then sees this agent in its site.
        const [server] = found.server === null ? [] : await tx<{ source: string }[]>`select source from wfm.servers where name = ${found.server} for key share`;
        // Otherwise nobody would ever synchronize the agent there: its source's servers leave the site alone. (An
        // agent already there is left as it is: that request moves nothing.)
        const mismatch = agent.site?.id === found.id ? null : agentSourceMismatch(agent, found, server?.source ?? null);
        if (mismatch) throw fieldError("CONFLICT", "siteId", mismatch);
        site = { id: found.id, name: found.name };
      }
      const moved = await tx`update wfm.agents set site_id = ${change.siteId}, updated_at = now() where id = ${id} and site_id is distinct from ${change.siteId}`;
      if (moved.count) audit.push({ action: "moved", objectType: "agent", objectKey: id, detail: { site: { from: agent.site, to: site } } });
    }
    if (change.terminationDate !== undefined) {
      const written = change.terminationDate
        ? await tx`update wfm.agents set termination_date = ${change.terminationDate}, termination_source = 'manual', awaiting_full_sync = false, updated_at = now()
                    where id = ${id} and (termination_date, termination_source) is distinct from (${change.terminationDate}::date, 'manual')`
        : await tx`update wfm.agents set termination_date = null, termination_source = null, awaiting_full_sync = true, updated_at = now()
                    where id = ${id} and termination_date is not null`;
      if (written.count) {
        const detail = { terminationDate: { from: agent.terminationDate, to: change.terminationDate } };
        audit.push({ action: change.terminationDate ? "terminated" : "reinstated", objectType: "agent", objectKey: id, detail });
      }
    }
    await recordAudit(tx, by, audit);
    return audit.length > 0;
  });
  return { ...(await getAgent(sql, id)), changed };
}

/**
 * The WFM Server whose scope holds the agent (SPEC §2.3, within its source §2.9): its site's assigned server,
 * else the level-2 server of the agent's source; and when that server's next full sync is due (null: only at
 * its next start or when asked).
 */
export async function agentServer(sql: Sql, agent: AgentView): Promise<{ server: string | null; running: boolean; nextFullSyncAt: Date | null }> {
  const [row] = await sql<{ server: string | null; running: boolean; nextFullSyncAt: Date | null }[]>`
    with assigned as (
      select w.server, v.source from wfm.sites w left join wfm.servers v on v.name = w.server
       where w.id = ${agent.site?.id ?? null} and w.server is not null
    ), owner as (
      -- A site assigned to a server of another source (after the agent came to it): that server syncs its own
      -- source only, and the level-2 server leaves an assigned site alone, so nobody synchronizes the agent.
      select case when exists (select 1 from assigned)
                  then (select server from assigned where source = ${agent.source})
                  else (select name from wfm.servers where sync_level = 2 and source = ${agent.source} order by name limit 1) end as name
    )
    select o.name as server,
           exists (select 1 from wfm.server_instances i where i.server = o.name and i.role = 'primary'
                    and wfm.instance_alive(i.heartbeat_at)) as running,
           case when v.sync_timeout_min > 0
                then (select max(r.started_at) from wfm.sync_runs r where r.server = o.name and r.kind = 'full')
                     + make_interval(mins => v.sync_timeout_min) end as "nextFullSyncAt"
      from owner o left join wfm.servers v on v.name = o.name`;
  return row ?? { server: null, running: false, nextFullSyncAt: null };
}

/**
 * "Sync now" (SPEC §2.7, POST /agents/{id}/sync): a targeted sync of this agent by the server whose scope
 * holds it (trigger reinstate), waiting a moment for the server to start it, as "Run full sync" does.
 */
export async function startAgentSync(sql: Sql, id: number, requestedBy: string, waitMs = 2000): Promise<StartedFullSync> {
  const agent = await getAgent(sql, id);
  const { server } = await agentServer(sql, agent);
  if (!server) throw new DomainError("CONFLICT", `No WFM Server synchronizes ${agent.username}: assign its site to a server, or run one at level 2.`);
  const request = await requestSync(sql, { kind: "agent", server, cfgDbid: agent.cfgDbid }, { trigger: "reinstate", requestedBy });
  const now = request.waiting ? request : await awaitRequestRun(sql, request.id, waitMs);
  return { requestId: now.id, runId: now.runId, waiting: now.waiting ?? (now.runId === null ? `queued: ${server} has not picked it up yet` : null) };
}

/** A first import holding the agents (the Agents page says so instead of waiting for its commit). */
export { coldImportUnderway, type ImportUnderway };
