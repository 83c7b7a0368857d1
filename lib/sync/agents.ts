/**
 * Agents, one batch at a time (a contiguous range of cfg person dbids). `collectBatch` puts every agent of
 * the range that is in this server's scope into the temp table `sync_batch`, with its cfg values beside its
 * WFM values; `applyAgents` then writes only real differences and logs each, in a handful of statements.
 *
 * Scope (SPEC §2.3): an agent's site is its WFM site when it has one, else the site its logins point to
 * (one switch, not colliding, associated with a site). Level 1: that site is assigned to this server.
 * Level 2: there is no such site, or it has no server, or it is assigned to this server.
 */
import { preparedIf, type Sql } from "../db/client";
import { inScopeByAssignmentsSql, inScopeSql } from "./scope";
import type { SyncSource } from "./source";
import { analyzeIfFree, analyzeIfGrown } from "./statistics";

export interface BatchScope {
  level: 1 | 2;
  server: string;
  /** The server's source: only its persons, and only WFM agents that came from it (SPEC §2.9). */
  source: SyncSource;
  /** Which cfg person dbids: an inclusive range, or those listed in a temp table's `person_dbid` column. */
  persons: { from: number; to: number } | { table: string };
  /**
   * The site assignments to decide scope by: a server's cached ones (real-time), or, when absent, those in
   * wfm.sites as the transaction sees them (full and targeted runs read everything fresh).
   */
  sites?: { mine: number[]; others: number[] };
  /**
   * A full sync's batch of thousands, most of them unchanged. Each agent's skill levels are compared by digest
   * first: only agents whose cfg levels, hashed from cfg's rows now, differ from WFM's digest
   * (wfm.agent_level_digests, kept by triggers on every write of agent_skills, a hand edit included) are diffed
   * row by row. And an agent with nothing to write or to warn about is left out of the batch: the steps after
   * it would only read it to find nothing. Otherwise (real-time, a targeted sync) every agent in scope is in it.
   */
  skipUnchanged?: boolean;
  /** A cold import's batch (cold-import.ts): WFM has none of the source's agents, so there are no digests to compare. */
  coldImport?: boolean;
}

/**
 * A run creates its temp tables for its transaction; the real-time connection creates them once for its
 * session and reuses them batch after batch (creating tables costs more than a small batch's whole work).
 * Session tables keep their rows at commit (truncating them at every commit cost a millisecond per
 * batch): the real-time batch deletes what it put there, and vacuums them now and then.
 */
export type TempLifetime = "transaction" | "session";

/**
 * How a step runs. A run (full or targeted) is a few big statements on a connection of its own: plan each
 * afresh, refresh statistics as tables grow. The real-time connection runs the same small statements
 * thousands of times: prepare them once, and keep its session tables (emptied at each commit) as they are.
 */
export interface StepMode {
  session: boolean;
  /** A full sync's batches tally their warnings and the run says them once at its end. */
  deferWarnings?: boolean;
  /**
   * A small real-time batch sends its steps' statements down one pipeline without waiting for their answers
   * (the statements read what the ones before them wrote, in order, on the one connection), so the batch
   * costs one round trip instead of twenty. A step in a pipeline gets no result back: it must not need one to
   * decide what to send next, which is why only batches too small to need a mid-batch ANALYZE use it.
   */
  pipeline?: Pipeline;
  /**
   * A cold import's (cold-import.ts): the levels' digest trigger is off, and the step that adds agents with
   * their levels writes each new agent's digest itself, from the levels it inserted (the import's only levels).
   */
  writesLevelDigests?: boolean;
}
export const RUN_MODE: StepMode = { session: false };

/** Statements sent at once, in order, on a transaction's connection; `settled` waits for all of their answers. */
export class Pipeline {
  private readonly sent: Promise<unknown>[] = [];

  /** Sends `query` now, behind those sent before it; its answer is the returned promise. */
  send<T>(query: PromiseLike<T> & { execute(): unknown }): Promise<T> {
    query.execute();
    const answer = Promise.resolve(query);
    // Handled here as well as in `settled`: a batch that fails before it gets there must not crash the process.
    answer.catch(() => {});
    this.sent.push(answer);
    return answer;
  }

  /** Every answer; the first failure rejects (the statements after it failed too: the transaction is aborted). */
  async settled(): Promise<void> {
    await Promise.all(this.sent.splice(0));
  }
}

/**
 * A statement whose answer the caller needs: in a pipeline it is sent now and answered with the pipeline; else
 * it runs now. Either way it goes to the connection before anything the caller sends after it.
 */
export function answered<T>(mode: StepMode, query: PromiseLike<T> & { execute(): unknown }): Promise<T> {
  const answer = mode.pipeline ? mode.pipeline.send(query) : Promise.resolve(query);
  // The caller awaits it later; a failure meanwhile is its to report, not an unhandled rejection.
  answer.catch(() => {});
  return answer;
}

/** A step's statement: run and answered, or — in a pipeline — sent, with no answer for the step (undefined). */
export async function statement<T>(mode: StepMode, query: PromiseLike<T> & { execute(): unknown }): Promise<T | undefined> {
  if (!mode.pipeline) return await query;
  mode.pipeline.send(query);
  return undefined;
}

/**
 * A run's batch is a contiguous range of person dbids: a condition that keeps a cfg table's scan to that range
 * (an index range), where a hash join with the batch would read the whole table for every batch, which grows
 * as agents² over a run. Real-time batches are a few scattered dbids, whose range can span the whole table.
 * The same for WFM's side by agent id (`key`): ids follow dbids wherever a cold import or a sync made them, so a
 * batch's ids are a narrow range too, and at worst the whole table, which a hash join would have read anyway.
 */
export const inBatchRange = (column: string, mode: StepMode, key: "cfg_dbid" | "agent_id" = "cfg_dbid") =>
  mode.session ? "true" : `${column} between (select min(${key}) from sync_batch) and (select max(${key}) from sync_batch)`;

const tempTable = (lifetime: TempLifetime, name: string) =>
  lifetime === "transaction" ? `create temp table ${name}` : `create temp table if not exists ${name}`;
const onCommit = (lifetime: TempLifetime) => (lifetime === "transaction" ? "on commit drop" : "on commit preserve rows");

/**
 * The batch's statistics, for the columns plans join and filter on: analysing all twenty (names, e-mails…)
 * cost ten times as much, twice a batch, and no plan reads them.
 */
const ANALYZE_BATCH = "analyze sync_batch (cfg_dbid, agent_id, is_new, in_cfg, levels_differ)";

/** The columns of wfm.agents a run's statements join and filter on: the statistics it refreshes mid-run. */
const AGENT_JOIN_COLUMNS = ["id", "source", "cfg_dbid", "site_id", "termination_source", "awaiting_full_sync"];

/** How an agent's login issue begins when its only switch's name collides (SPEC §2.4): it is unassigned, with a warning. */
const SWITCH_COLLIDES = "the name of its switch";

const CFG_FIELDS = ["tenant_dbid", "username", "first_name", "last_name", "email", "employee_id"] as const;
const FIELD_TITLES: Record<(typeof CFG_FIELDS)[number], string> = {
  tenant_dbid: "tenant",
  username: "username",
  first_name: "first name",
  last_name: "last name",
  email: "email",
  employee_id: "employee id",
};

export async function createBatchTables(tx: Sql, lifetime: TempLifetime = "transaction"): Promise<void> {
  await tx.unsafe(`
    ${tempTable(lifetime, "sync_batch")} (
      cfg_dbid bigint primary key,
      agent_id integer,
      is_new boolean not null,
      in_cfg boolean not null,
      person_exists boolean not null,
      ${CFG_FIELDS.map((f) => `${f} ${f === "tenant_dbid" ? "bigint" : "text"}, old_${f} ${f === "tenant_dbid" ? "bigint" : "text"}`).join(",\n      ")},
      site_id integer,
      login_site_id integer,
      login_issue text,
      termination_date date,
      termination_source text,
      awaiting boolean not null,
      levels_differ boolean not null
    ) ${onCommit(lifetime)}`);
}

export async function collectBatch(tx: Sql, scope: BatchScope, mode: StepMode = RUN_MODE): Promise<number> {
  if (!mode.session) await tx`truncate sync_batch`;
  const { persons, source } = scope;
  const S = source.schema;
  const params: (string | number | number[])[] = [scope.level, scope.server];
  const param = (value: string | number | number[]) => `$${params.push(value)}`;
  const range = "table" in persons ? "" : `between ${param(persons.from)} and ${param(persons.to)}`;
  // A pipelined batch's few persons (at most 200) as an array: each side is then an index lookup per person
  // whatever the planner thinks the table holds. The real-time work tables are emptied by DELETE, so their
  // pages (and the planner's estimate of their rows) grow between vacuums, and with `in (select …)` it hashed
  // them against a scan of every agent, person and login: 15 ms of a one-change batch at 20,000 agents. A
  // backlog's thousands of persons stay a join: where no index leads with the column, `= any (array)` compares
  // each row with every element (a 20,000-change batch took 13.8 s that way, 1.9 s as a join).
  const chosen = (column: string) =>
    "table" in persons
      ? mode.pipeline
        ? `${column} = any (array(select person_dbid from ${persons.table}))`
        : `${column} in (select person_dbid from ${persons.table})`
      : `${column} ${range}`;
  // SPEC §2.3's rule (scope.ts): from the server's cached assignments in real time, else from wfm.sites.
  const inScope = scope.sites
    ? inScopeByAssignmentsSql("ss", "$1", `${param(scope.sites.mine)}::int[]`, `${param(scope.sites.others)}::int[]`)
    : inScopeSql("ss", "$1", "$2");
  // cfg's levels hashed from its rows as the triggers hash WFM's (migration 0027): each level by its skill's source
  // and dbid. Equal digests mean the same levels on both sides, so the diff has nothing to find for that agent.
  const byDigest = scope.skipUnchanged && !scope.coldImport;
  const levelDigests = byDigest
    ? `, d as (
      select sl.person_dbid, bit_xor(wfm.level_hash(${source.literal}, sl.skill_dbid, sl.level)) as digest
        from ${S}.skill_levels sl where ${chosen("sl.person_dbid")} group by sl.person_dbid
    )`
    : "";
  const levelsDiffer = byDigest
    ? "coalesce(d.digest, 0) <> coalesce(wd.digest, 0) or coalesce(w.awaiting_full_sync, false)"
    : "true";
  const result = await statement(mode, tx.unsafe(
    `
    insert into sync_batch
    with c as (
      select p.dbid, ${CFG_FIELDS.map((f) => `p.${f}`).join(", ")}
        from ${S}.persons p where p.is_agent and ${chosen("p.dbid")}
    ), w as (
      select a.id, a.cfg_dbid, ${CFG_FIELDS.map((f) => `a.${f}`).join(", ")}, a.site_id,
             a.termination_date, a.termination_source, a.awaiting_full_sync
        from wfm.agents a where a.source = ${source.literal} and ${chosen("a.cfg_dbid")}
    )${levelDigests}, l as (
      select person_dbid, min(switch_dbid) as switch_dbid, count(distinct switch_dbid) as switches
        from ${S}.agent_logins where ${chosen("person_dbid")} group by person_dbid
    ), j as (
      select coalesce(c.dbid, w.cfg_dbid) as cfg_dbid, w.id as agent_id, c.dbid is not null as in_cfg,
             ${CFG_FIELDS.map((f) => `c.${f}, w.${f} as old_${f}`).join(", ")},
             w.site_id,
             case when l.switches = 1 and l.switch_dbid <> all (array(select dbid from sync_colliding_switch))
                  then ls.id end as login_site_id,
             case when l.person_dbid is null then 'no login'
                  when l.switches > 1 then 'logins on ' || l.switches || ' switches'
                  when l.switch_dbid = any (array(select dbid from sync_colliding_switch))
                    then '${SWITCH_COLLIDES} ' || (select name from ${S}.switches s where s.dbid = l.switch_dbid) || ' collides across tenants or sources'
                  when ls.id is null then 'no site is associated with its switch' end as login_issue,
             w.termination_date, w.termination_source, coalesce(w.awaiting_full_sync, false) as awaiting,
             ${levelsDiffer} as levels_differ
        from c full join w on w.cfg_dbid = c.dbid
        left join l on l.person_dbid = coalesce(c.dbid, w.cfg_dbid)${byDigest ? `
        left join d on d.person_dbid = c.dbid
        left join wfm.agent_level_digests wd on wd.agent_id = w.id` : ""}
        left join wfm.sites ls on ls.switch_source = ${source.literal} and ls.switch_dbid = l.switch_dbid and l.switches = 1
    )
    -- A new agent's WFM id is drawn here, for the rows in scope only: the steps after it then know every agent's
    -- id without reading back what they inserted (updating 100,000 rows of this table cost 0.5 s of a cold sync).
    select j.cfg_dbid, coalesce(j.agent_id, nextval('wfm.agents_id_seq')::int), j.agent_id is null, j.in_cfg,
           j.in_cfg or exists (select 1 from ${S}.persons p where p.dbid = j.cfg_dbid),
           ${CFG_FIELDS.map((f) => `j.${f}, j.old_${f}`).join(", ")},
           j.site_id, j.login_site_id, j.login_issue, j.termination_date, j.termination_source, j.awaiting, j.levels_differ
      from j left join wfm.sites ss on ss.id = coalesce(j.site_id, j.login_site_id)
     where ${inScope} and $2::text is not null${scope.skipUnchanged ? `
       and ${hasWork("j")}` : ""}`,
    params as never[],
    preparedIf(mode.session),
  ));
  // A run's batch is analysed (its plans depend on it); a small real-time batch is not: analysing each would cost
  // more than the batch, and its persons are read as an array (above), planned well whatever the statistics say.
  if (!mode.session || (result && result.count > 200)) await tx.unsafe(ANALYZE_BATCH);
  // In a pipeline, how many is not known yet.
  return result?.count ?? Number.NaN;
}

const differs = (alias: string) =>
  `(${CFG_FIELDS.map((f) => `${alias}.${f}`).join(", ")}) is distinct from (${CFG_FIELDS.map((f) => `${alias}.old_${f}`).join(", ")})`;

/**
 * What the steps after collectBatch would do for an agent: add it, terminate it, update it (placement,
 * reinstatement and re-reading included), diff its levels, warn that its switch collides. Levels skipped on a
 * colliding skill are counted over every agent of the batch, so while any skill collides no agent is left out.
 */
const hasWork = (alias: string) => `(${alias}.agent_id is null
         or (not ${alias}.in_cfg and ${alias}.termination_date is null)
         or (${alias}.in_cfg and (${differs(alias)} or (${alias}.site_id is null and ${alias}.login_site_id is not null)
                                 or ${alias}.awaiting or ${alias}.termination_source = 'config' or ${alias}.levels_differ
                                 or ${alias}.login_issue like '${SWITCH_COLLIDES}%'))
         or exists (select 1 from sync_colliding_skill))`;

const diffText = (alias: string) =>
  CFG_FIELDS.map(
    (f) =>
      `case when ${alias}.${f} is distinct from ${alias}.old_${f} then '${FIELD_TITLES[f]}: ' || coalesce(${alias}.old_${f}::text, 'none') || ' → ' || coalesce(${alias}.${f}::text, 'none') end`,
  ).join(", ");

const displayName = (alias: string) => `trim(${alias}.first_name || ' ' || ${alias}.last_name) || ' (' || ${alias}.username || ')'`;

/**
 * Applies the batch's agent differences: adds, updates (and placements), terminations. A manually terminated
 * agent is excluded from real-time sync only (SPEC §2.7); a full sync re-reads it like any other, and its
 * termination, being WFM's, stays.
 */
export async function applyAgents(tx: Sql, runId: number, source: SyncSource, mode: StepMode = RUN_MODE): Promise<void> {
  const mine = (alias: string) => `${alias}.source = ${source.literal}`;
  // New agents land in the site of their login switch, or in none, with their skill levels; one 'added' line
  // each, naming how many levels it got (counted from the levels inserted, not from a second read of cfg's).
  // Skills are there already: a level-1 run imports the ones it needs on demand before this step.
  const digests = mode.writesLevelDigests === true;
  const added = await statement(mode, tx.unsafe(
    `
    with added as (
      insert into wfm.agents (id, source, cfg_dbid, ${CFG_FIELDS.join(", ")}, site_id)
      select agent_id, ${source.literal}, cfg_dbid, ${CFG_FIELDS.join(", ")}, login_site_id from sync_batch where in_cfg and is_new
      returning id
    ), levels as (
      insert into wfm.agent_skills (agent_id, skill_id, level)
      select b.agent_id, k.id, sl.level
        from sync_batch b join ${source.schema}.skill_levels sl on sl.person_dbid = b.cfg_dbid
        join wfm.skills k on ${mine("k")} and k.cfg_dbid = sl.skill_dbid
       where b.is_new and b.in_cfg and ${inBatchRange("sl.person_dbid", mode)}
         and sl.skill_dbid <> all (array(select dbid from sync_colliding_skill))
      returning agent_id${digests ? ", skill_id, level" : ""}
    ), counted as (
      select l.agent_id, count(*) as n${digests ? ", bit_xor(wfm.level_hash(k.source, k.cfg_dbid, l.level)) as digest" : ""}
        from levels l${digests ? " join wfm.skills k on k.id = l.skill_id" : ""}
       group by l.agent_id
    )${digests ? `, digests as (
      insert into wfm.agent_level_digests (agent_id, digest)
      select agent_id, digest from counted where digest <> 0
    )` : ""}
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, 'agent', b.cfg_dbid::text, 'added',
           'added: ' || ${displayName("b")} || ', ' || coalesce('site ' || s.name, 'no site (' || b.login_issue || ')')
             || ', ' || coalesce(c.n, 0) || ' skill levels'
      from added a join sync_batch b on b.agent_id = a.id left join wfm.sites s on s.id = b.login_site_id
      left join counted c on c.agent_id = a.id
     order by b.cfg_dbid`,
    [runId],
    preparedIf(mode.session),
  ));

  // Statistics of tables that grew inside this transaction still describe them as they were (empty, on a
  // cold start), and the planner then scans them inside nested loops: refresh them when a batch added rows.
  // The levels grow with their agents.
  if (added && added.count > (mode.session ? 200 : 0) && (await analyzeIfGrown(tx, "wfm.agents", added.count, AGENT_JOIN_COLUMNS))) {
    await analyzeIfFree(tx, "wfm.agent_skills");
  }

  // cfg-owned fields follow cfg; the site is WFM's once set, but an unassigned agent is placed when its
  // login switch gets a site; a config termination ends when the person is an agent in cfg again; a
  // reinstated agent is re-read; a manual termination stays.
  await statement(mode, tx.unsafe(
    `
    with changed as (
      update wfm.agents a
         set ${CFG_FIELDS.map((f) => `${f} = b.${f}`).join(", ")},
             site_id = coalesce(a.site_id, b.login_site_id),
             termination_date = case when a.termination_source = 'config' then null else a.termination_date end,
             termination_source = case when a.termination_source = 'config' then null else a.termination_source end,
             awaiting_full_sync = false,
             updated_at = now()
        from sync_batch b
       where a.id = b.agent_id and not b.is_new and b.in_cfg
         and (${differs("b")} or (b.site_id is null and b.login_site_id is not null)
              or b.awaiting or b.termination_source = 'config')
      returning a.cfg_dbid
    )
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, 'agent', b.cfg_dbid::text, 'updated',
           concat_ws('; ', ${diffText("b")},
                     case when b.site_id is null and b.login_site_id is not null then 'site: none → ' || s.name end,
                     case when b.termination_source = 'config' then 'reinstated: the person is an agent in cfg again' end,
                     case when b.awaiting then 're-read after reinstatement' end)
      from changed c join sync_batch b using (cfg_dbid) left join wfm.sites s on s.id = b.login_site_id
     order by b.cfg_dbid`,
    [runId],
    preparedIf(mode.session),
  ));

  await statement(mode, tx.unsafe(
    `
    with gone as (
      update wfm.agents a
         set termination_date = current_date, termination_source = 'config', awaiting_full_sync = false, updated_at = now()
        from sync_batch b
       where a.id = b.agent_id and not b.is_new and not b.in_cfg and b.termination_date is null
      returning a.cfg_dbid
    )
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, 'agent', b.cfg_dbid::text, 'terminated',
           case when b.person_exists then 'terminated: the person is no longer an agent in cfg'
                else 'terminated: person deleted' end
      from gone g join sync_batch b using (cfg_dbid)
     order by b.cfg_dbid`,
    [runId],
    preparedIf(mode.session),
  ));

  // SPEC §2.4: an agent whose only switch collides is unassigned, with a warning.
  await statement(mode, tx.unsafe(
    `
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select $1::bigint, 'agent', b.cfg_dbid::text, 'warning', 'unassigned: ' || b.login_issue
      from sync_batch b join wfm.agents a on ${mine("a")} and a.cfg_dbid = b.cfg_dbid
     where b.in_cfg and a.site_id is null and b.login_issue like '${SWITCH_COLLIDES}%'
     order by b.cfg_dbid`,
    [runId],
    preparedIf(mode.session),
  ));
}
