/**
 * Real-time synchronization (SPEC §2.6): the change feed after the server's cursor, applied a batch at a
 * time, each batch in one REPEATABLE READ transaction that also moves the cursor.
 *
 * A batch does not replay changes one by one. It finds the persons its changes touch and brings exactly
 * those to what cfg holds now, with the same set-based statements a full sync uses. Replaying is therefore
 * idempotent: a change whose effect is already in WFM (because the snapshot saw a later change too) finds
 * nothing to do, so nothing is applied twice, and a lost batch is simply read again.
 *
 * The batch reads the counter first: its snapshot holds every change up to that seq, and the batch covers
 * them all unless the backlog exceeds `limit`, so what it applies and the cursor it stores agree.
 */
import { inTransaction, preparedIf, type Sql } from "../db/client";
import { answered, applyAgents, collectBatch, createBatchTables, Pipeline, statement, type StepMode } from "./agents";
import { markCollisions } from "./collisions";
import { moveCursor } from "./cursor";
import { allSources } from "../config/source-names";
import { SKILLS, syncReferenceTable, TIME_ZONES } from "./reference-data";
import { noCounts, type RunCounts } from "./runs";
import { applySkillLevels, createLevelTables, importSkillsOnDemand } from "./skill-levels";
import { serverSettings, syncSource, type SyncSource } from "./source";
import { syncUsers } from "./users";
import type { CachedEntity } from "../mesh/message";

export interface FeedBatch {
  /** The cursor before and after the batch; equal when the feed had nothing new. */
  from: number;
  to: number;
  /** The newest seq in the feed when the batch read it: `head - to` is the backlog left. */
  head: number;
  level: number;
  /** The server's source as the batch's snapshot saw it; when it is not the one asked for, nothing was applied. */
  source: string;
  changes: number;
  /** Changes outside this server's scope, or all of them at level 0: counted, never logged. */
  outOfScope: number;
  counts: RunCounts;
  /** The realtime run the batch logged to (created by the batch when it had something to log). */
  runId: number | null;
  /** Cached content the batch may have written (skills, time zones, sites), for the mesh to announce. */
  touched: CachedEntity[];
  /** Names of another source started or stopped colliding with this source's: a full sync should follow. */
  collisionsChanged?: boolean;
}

export interface FeedOptions {
  server: string;
  /** The source whose feed to apply: the server's, as its cache knows it (read from wfm.servers when absent). */
  source?: SyncSource;
  /** The server process applying it, recorded on the realtime run it opens. */
  instance?: string;
  /** The server's open realtime run, if any; a batch with something to log creates one otherwise. */
  runId: number | null;
  /** At most this many changes per transaction. */
  limit?: number;
  /** Batches of up to this many changes send their steps down one pipeline (default PIPELINE_CHANGES; 0: never). */
  pipelineUpTo?: number;
  /**
   * The server's level and site assignments from its cache (SPEC §3); without them, the batch reads both
   * from wfm as its snapshot sees them.
   */
  scope?: { level: number; mine: number[]; others: number[] };
}

const DEFAULT_LIMIT = 20_000;
const SESSION: StepMode = { session: true };
/**
 * A batch of at most this many changes to persons, logins and levels (no renamed switch, skill or time zone,
 * which reach every person using them) sends its steps down one pipeline: it touches at most twice as many
 * persons, no more than the 200 above which a batch analyses its work tables, so no step needs an answer
 * before the next is sent.
 */
const PIPELINE_CHANGES = 100;
const PREPARED = preparedIf(true);

/** The real-time connection's session state: its temp tables exist, and whether collisions are known. */
export interface FeedSession {
  prepared: boolean;
  collisionsKnown: boolean;
  /** Batches since its work tables were last vacuumed (they are emptied by DELETE, which leaves dead rows). */
  batchesSinceVacuum: number;
  /** Changes those batches applied: the work tables' dead rows grow with them. */
  changesSinceVacuum: number;
  /** The names of the other sources' switches, skills and time zones as last seen (a digest), and when. */
  namesElsewhere: { digest: string | null; at: number };
}

export const newFeedSession = (): FeedSession => ({ prepared: false, collisionsKnown: false, batchesSinceVacuum: 0, changesSinceVacuum: 0, namesElsewhere: { digest: null, at: 0 } });

/** How often real-time looks at the other sources' names: a collision across sources is seen within this. */
const NAMES_ELSEWHERE_EVERY_MS = 1000;

/**
 * Whether the other sources' switch, skill and time-zone names changed since the session last looked (SPEC §2.9):
 * their changes are in their own feeds, which this server does not read, yet they make names of its own source
 * start or stop colliding. A digest of a few hundred names, taken at most once a second, and never with one source.
 */
async function namesElsewhereChanged(conn: Sql, source: SyncSource, session: FeedSession): Promise<boolean> {
  const now = Date.now();
  if (now - session.namesElsewhere.at < NAMES_ELSEWHERE_EVERY_MS) return false;
  session.namesElsewhere.at = now;
  const others = (await allSources(conn)).filter((s) => s.name !== source.name).map((s) => syncSource(s.name));
  const parts = others.flatMap((s) =>
    (["switches", "skills", "time_zones"] as const).map((t) => `select '${s.name}/${t}/' || name as n from ${s.schema}.${t}`),
  );
  const digest = parts.length === 0
    ? ""
    : ((await conn.unsafe<{ d: string | null }[]>(`select md5(string_agg(n, ',' order by n)) as d from (${parts.join(" union all ")}) x`))[0]?.d ?? "");
  const before = session.namesElsewhere.digest;
  session.namesElsewhere.digest = digest;
  return before !== null && before !== digest;
}

/** The dbids marked as colliding, as one text: to tell whether a new mark changed anything. */
async function collidingDigest(conn: Sql): Promise<string> {
  const [row] = await conn<{ d: string | null }[]>`
    select concat_ws('|', (select string_agg(dbid::text, ',' order by dbid) from sync_colliding_switch),
                          (select string_agg(dbid::text, ',' order by dbid) from sync_colliding_skill),
                          (select string_agg(dbid::text, ',' order by dbid) from sync_colliding_timezone)) as d`;
  return row?.d ?? "";
}

const WORK_TABLES = ["feed_batch", "feed_persons", "sync_batch", "sync_level_diff"];
/**
 * The work tables are vacuumed after this many batches or this many changes, whichever comes first. Their dead
 * rows are read by every scan of them, and their pages are what the planner sizes them by: at 100,000 agents,
 * batches of 5 to 100 changes took 65–78 ms each once a few thousand changes had gone through since the last
 * vacuum (it hashed the batch against whole tables), and 8–18 ms with this.
 */
const VACUUM_EVERY = { batches: 1000, changes: 1000 };

async function prepare(tx: Sql, session: FeedSession) {
  if (session.prepared) return;
  await createBatchTables(tx, "session");
  await createLevelTables(tx, "session");
  await tx`
    create temp table if not exists feed_batch (
      seq bigint primary key, object_type text not null, op text not null, dbid bigint not null, ref jsonb
    )`;
  await tx`create temp table if not exists feed_persons (person_dbid bigint primary key)`;
  // Statistics of the empty tables tell the planner they are small, so it drives each batch from them
  // into the indexes of cfg and wfm. Without any, it assumes thousands of rows and may scan whole tables.
  await tx.unsafe(`analyze ${WORK_TABLES.join(", ")}`);
  session.prepared = true;
}

// One line per change of a person whom real-time sync leaves alone (SPEC §2.7).
const describeChange = `
  case f.object_type
    when 'person' then 'person ' || f.op
    when 'agent_login' then 'login ' || f.op
    else 'skill level ' || f.op || ' (skill ' || coalesce(k.name, 'dbid ' || (f.ref->>'skill_dbid')) || ')'
  end || ', change ' || f.seq`;

const changeOfPerson = (f: string, person: string) => `
  ((${f}.object_type in ('person', 'skill_level') and ${f}.dbid = ${person})
   or (${f}.object_type = 'agent_login'
       and ${person} in ((${f}.ref->>'person_dbid')::bigint, (${f}.ref->>'old_person_dbid')::bigint)))`;

/**
 * Applies the next batch of the change feed for `server`, on `conn` — a connection of the caller's, opened with
 * the sync's session settings (syncConnection, lib/db/session-settings.ts), that must not be inside a transaction. The transaction either commits the changes, their log lines, the run's
 * counts and the new cursor together, or none of them.
 */
export async function applyFeedBatch(conn: Sql, session: FeedSession, options: FeedOptions): Promise<FeedBatch> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (session.prepared && (++session.batchesSinceVacuum >= VACUUM_EVERY.batches || session.changesSinceVacuum >= VACUUM_EVERY.changes)) {
    await conn.unsafe(`vacuum ${WORK_TABLES.join(", ")}`);
    session.batchesSinceVacuum = 0;
    session.changesSinceVacuum = 0;
  }
  // inTransaction pins the session: a batch that ran partly on a reconnected session is never committed.
  const source = options.source ?? (await serverSettings(conn, options.server)).source;
  const S = source.schema;
  return inTransaction(conn, "isolation level repeatable read", async (conn, { pid, withCommit }) => {
    // Batches are idempotent and carry their cursor: if the database crashed before this commit reached
    // disk, the batch and its cursor are lost together and simply applied again. So the batch need not
    // wait for the WAL flush (a millisecond or more of every change's latency).
    // The first query fixes the snapshot: the counter, the cursor and the level all as of one moment (SET
    // takes none). Both are sent at once.
    const [, [state]] = await Promise.all([
      conn`set local synchronous_commit = off`,
      conn<{ head: number; cursor: number | null; level: number | null; source: string | null }[]>`
        select (select seq from ${conn(`${S}.change_counter`)}) as head,
               (select last_seq from wfm.sync_cursors where server = ${options.server} and source = ${source.name}) as cursor,
               s.sync_level as level, s.source
          from (select 1) one left join wfm.servers s on s.name = ${options.server}`,
    ]);
    await pid; // BEGIN has been answered: what follows is in the transaction (it fails here otherwise)
    if (state?.level == null || state.source == null) throw new Error(`WFM Server '${options.server}' is not registered`);
    const from = state.cursor ?? 0;
    const head = state.head;
    const level = options.scope?.level ?? state.level;
    const to = Math.min(head, from + limit);
    const result: FeedBatch = { from, to, head, level, source: state.source, changes: to - from, outOfScope: 0, counts: noCounts(), runId: options.runId, touched: [] };
    // The server was moved to another source since its cache last looked: the caller starts over there.
    if (state.source !== source.name) return { ...result, to: from, changes: 0 };
    // A name of another source that starts or stops colliding with one of this source's changes what this server
    // may sync, and its own feed says nothing of it: mark the collisions again, and if they moved, the caller
    // brings WFM in line with a full sync (a collision that cleared lets skipped levels and names in).
    if (level > 0 && session.collisionsKnown && (await namesElsewhereChanged(conn, source, session))) {
      const before = await collidingDigest(conn);
      await markCollisions(conn, source, "session");
      result.collisionsChanged = (await collidingDigest(conn)) !== before;
    }
    if (to <= from) return result;

    if (level === 0) {
      // Sync is off: nothing is applied, yet the cursor stays current, so turning sync on again does not
      // replay what happened while it was off (a full sync brings that in).
      result.outOfScope = result.changes;
    } else {
      await prepare(conn, session);
      // Event ids come from a sequence, so every event this transaction writes has an id above the mark.
      const read = await conn<{ type: string; n: number; mark: number }[]>`
        with batch as (
          insert into feed_batch select seq, object_type, op, dbid, ref from ${conn(`${S}.changes`)} where seq > ${from} and seq <= ${to}
          returning object_type
        )
        select object_type as type, count(*)::int as n,
               (select case when is_called then last_value else 0 end from wfm.sync_events_id_seq) as mark
          from batch group by 1`;
      const kinds = new Map(read.map((r) => [r.type, r.n]));
      const mark = read[0]?.mark ?? 0;
      const touchesNames = kinds.has("switch") || kinds.has("skill") || kinds.has("time_zone");
      if (touchesNames || !session.collisionsKnown) {
        await markCollisions(conn, source, "session");
        // The other sources' names as they stand now are what later batches compare with.
        if (!session.collisionsKnown) await namesElsewhereChanged(conn, source, session);
        session.collisionsKnown = true;
      }

      const runId = options.runId ?? (await openRealtimeRun(conn, options.server, source, level, options.instance ?? null));
      result.runId = runId;

      let referenceChanges = 0;
      if (level === 2) {
        if (kinds.has("time_zone")) await syncReferenceTable(conn, runId, TIME_ZONES, source);
        if (kinds.has("skill")) await syncReferenceTable(conn, runId, SKILLS, source);
        if (kinds.has("time_zone")) result.touched.push("time_zones", "sites"); // sites follow renamed time zones
        if (kinds.has("skill")) result.touched.push("skills");
        referenceChanges = (kinds.get("time_zone") ?? 0) + (kinds.get("skill") ?? 0) + (kinds.get("switch") ?? 0);
      }

      const pipeline = result.changes <= (options.pipelineUpTo ?? PIPELINE_CHANGES) && !touchesNames ? new Pipeline() : undefined;
      const mode: StepMode = pipeline ? { ...SESSION, pipeline } : SESSION;
      // The persons the batch touches: their own changes, both persons of a login that moved, and (since
      // a name that starts or stops colliding changes what syncs) everyone on a renamed switch or skill.
      await statement(mode, conn.unsafe(
        `
        insert into feed_persons
        select dbid from feed_batch where object_type in ('person', 'skill_level')
        union select (ref->>'person_dbid')::bigint from feed_batch where object_type = 'agent_login' and ref->>'person_dbid' is not null
        union select (ref->>'old_person_dbid')::bigint from feed_batch where object_type = 'agent_login' and ref->>'old_person_dbid' is not null
        union select l.person_dbid from ${S}.agent_logins l
               where l.switch_dbid in (select dbid from feed_batch where object_type = 'switch') and l.person_dbid is not null
        ${level === 2 ? `union select sl.person_dbid from ${S}.skill_levels sl where sl.skill_dbid in (select dbid from feed_batch where object_type = 'skill')` : ""}`,
        [],
        PREPARED,
      ));

      const sites = options.scope && { mine: options.scope.mine, others: options.scope.others };
      await collectBatch(conn, { level: level as 1 | 2, server: options.server, source, persons: { table: "feed_persons" }, sites }, mode);

      const scoped = answered(mode, conn.unsafe<{ n: number }[]>(
        `
        select count(*)::int as n from feed_batch f
         where f.object_type in ('person', 'agent_login', 'skill_level')
           and exists (select 1 from sync_batch b where ${changeOfPerson("f", "b.cfg_dbid")})`,
        [],
        PREPARED,
      ));

      // Manually terminated agents and reinstated ones waiting for a full sync are left alone, and each
      // change for them says so.
      await statement(mode, conn.unsafe(
        `
        with excluded as (
          delete from sync_batch b
           where not b.is_new and (b.termination_source = 'manual' or b.awaiting)
          returning b.cfg_dbid, b.termination_source = 'manual' as manual
        )
        insert into wfm.sync_events (run_id, object_type, object_key, action, message)
        select $1::bigint, case when f.object_type = 'skill_level' then 'skill_level' else 'agent' end, e.cfg_dbid::text, 'skipped',
               case when e.manual then 'skipped — manually terminated: ' else 'skipped — reinstated, waits for full sync: ' end
                 || ${describeChange}
          from excluded e
          join feed_batch f on ${changeOfPerson("f", "e.cfg_dbid")}
          left join ${S}.skills k on f.object_type = 'skill_level' and k.dbid = (f.ref->>'skill_dbid')::bigint
         order by f.seq`,
        [runId],
        PREPARED,
      ));

      // Skills a level-1 server needs go in before the agents that use them. In a pipeline, how many is known
      // once the pipeline has answered (a failure is the pipeline's to report).
      const imported = level === 1 ? importSkillsOnDemand(conn, runId, source, mode) : Promise.resolve(0);
      imported.catch(() => {});
      if (!pipeline) await imported;
      await applyAgents(conn, runId, source, mode);
      await applySkillLevels(conn, runId, source, mode);
      if (level === 2 && kinds.has("person")) await syncUsers(conn, runId, source, "feed_persons", mode);
      await pipeline?.settled();
      if ((await imported) > 0) result.touched.push("skills");
      result.outOfScope = result.changes - ((await scoped)[0]?.n ?? 0) - referenceChanges;

      // The run's counts grow by this batch's log lines, counted in the same statement that adds them.
      const counting = conn<(RunCounts & { found: boolean })[]>`
        with batch as (
          select count(*) filter (where action = 'added')::int as added,
                 count(*) filter (where action = 'updated')::int as updated,
                 count(*) filter (where action = 'terminated')::int as terminated,
                 count(*) filter (where action = 'skipped')::int as skipped,
                 count(*) filter (where action = 'error')::int as errors
            from wfm.sync_events where run_id = ${runId} and id > ${mark}
        )
        update wfm.sync_runs r
           set added = r.added + b.added, updated = r.updated + b.updated, terminated = r.terminated + b.terminated,
               skipped = r.skipped + b.skipped, errors = r.errors + b.errors, out_of_scope = r.out_of_scope + ${result.outOfScope},
               progress_done = r.progress_done + ${result.changes}, progress_total = r.progress_done + ${result.changes} + ${head - to}
          from batch b
         where r.id = ${runId}
        returning b.added, b.updated, b.terminated, b.skipped, b.errors`;
      // The statements that end the batch go with its COMMIT (withCommit): the run's counts, emptying the work
      // tables, and below, the cursor.
      withCommit(counting.then(([counts]) => {
        if (counts) result.counts = { added: counts.added, updated: counts.updated, terminated: counts.terminated, skipped: counts.skipped, errors: counts.errors };
      }));
      withCommit(conn.unsafe(WORK_TABLES.map((table) => `delete from ${table}`).join("; ")));
      session.changesSinceVacuum += result.changes;
    }

    // The notification is delivered at commit: the console (and the bench) see the cursor move at once.
    withCommit(moveCursor(conn, { server: options.server, source: source.name, seq: to, pid: await pid }, "realtime"));
    return result;
  });
}

/** A realtime run is created by the first batch that has something to log, inside that batch's transaction. */
async function openRealtimeRun(tx: Sql, server: string, source: SyncSource, level: number, instance: string | null): Promise<number> {
  const [row] = await tx<{ id: number }[]>`
    insert into wfm.sync_runs (server, source, kind, trigger, level, instance, requested_by)
    values (${server}, ${source.name}, 'realtime', 'feed', ${level}, ${instance}, ${server}) returning id`;
  return row!.id;
}


/** Ends a realtime run: its batches are committed already, so it succeeded unless one of them logged an error. */
export async function closeRealtimeRun(sql: Sql, runId: number): Promise<void> {
  await sql`
    update wfm.sync_runs set status = case when errors > 0 then 'partial' else 'succeeded' end, finished_at = clock_timestamp()
     where id = ${runId} and status = 'running'`;
}
