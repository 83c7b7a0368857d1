/**
 * Configuration sources (SPEC §2.9, issue 13): listing, creating and deleting them. A local source is a schema
 * `cfg_<name>` in the WFM database with the tables and change feed of `cfg`, built by `sourceSchemaDdl`, and a
 * row of wfm.config_sources; both are made, and removed, in one transaction, so neither exists without the other.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError, fieldError, toDomainError } from "../errors";
import { probePublisher } from "./publisher";
import { connectionString, newSlotName, replicationStatus, subscribe, unsubscribe, type ReplicationStatus } from "./replication";
import { replicatedFeedDdl, sourceSchemaDdl } from "./source-schema";
import { MAIN_SOURCE, schemaOf, sourceName, type SourceRow } from "./source-names";
import { LOCK_NAMESPACE, lockKeys } from "../db/locks";

export interface SourceSummary {
  name: string;
  kind: "local" | "replicated";
  schema: string;
  createdAt: Date;
  /** The source's change_counter.seq: the position of its change feed. */
  feedSeq: number;
  /** agents = wfm.agents imported from that source. */
  counts: { tenants: number; persons: number; agents: number };
  /** Names of the wfm.servers belonging to it. */
  servers: string[];
  /** A replicated source's subscription: its state, lag and publisher (host:port/database, never a password). */
  replication: ReplicationStatus | null;
}

export type NewSource = { name: string; kind: "local" } | { name: string; kind: "replicated"; connection: string };

const kindMessage = 'kind is "local" (written in the WFM database) or "replicated" (from its own PostgreSQL, with a connection)';

export const newSourceInput: z.ZodType<NewSource> = z.preprocess(
  // A body without a kind is a local source, as before replicated ones existed.
  (input) => (typeof input === "object" && input !== null && !("kind" in input) ? { ...input, kind: "local" } : input),
  z.discriminatedUnion(
    "kind",
    [
      z.strictObject({ name: sourceName("name"), kind: z.literal("local") }),
      z.strictObject({ name: sourceName("name"), kind: z.literal("replicated"), connection: connectionString }),
    ],
    { error: (issue) => (issue.code === "invalid_union" ? { message: kindMessage, path: ["kind"] } : undefined) },
  ),
);

const noSuchSource = (name: string) => new DomainError("NOT_FOUND", `There is no configuration source named "${name}".`);

/** A source's row, with when it was made and what WFM holds of it. */
type SourceRecord = SourceRow & { createdAt: Date; agents: number; servers: string[]; connection: string | null; slot: string | null };

/**
 * The sources' rows with what WFM holds of them, each row locked FOR KEY SHARE: a source being deleted is
 * waited for and then left out, so its schema cannot vanish between reading its row and counting its tables.
 */
async function summaries(tx: Sql, name: string | null): Promise<(SourceSummary & { subscription?: Subscription })[]> {
  const rows = await tx<SourceRecord[]>`
    select s.name, s.kind, s.schema, s.created_at as "createdAt", s.connection, s.slot,
           (select count(*) from wfm.agents a where a.source = s.name)::int as agents,
           array(select v.name from wfm.servers v where v.source = s.name order by v.name) as servers
      from wfm.config_sources s
     where ${name}::text is null or s.name = ${name}
     order by s.name <> ${MAIN_SOURCE}, s.name
       for key share of s`;
  const result: (SourceSummary & { subscription?: Subscription })[] = [];
  for (const row of rows) {
    // The schema comes from the row (checked by its constraint), reaching SQL only as a quoted identifier.
    const [feed] = await tx<{ feedSeq: number; tenants: number; persons: number }[]>`
      select (select seq from ${tx(row.schema)}.change_counter) as "feedSeq",
             (select count(*) from ${tx(row.schema)}.tenants)::int as tenants,
             (select count(*) from ${tx(row.schema)}.persons)::int as persons`;
    result.push({
      name: row.name,
      kind: row.kind,
      schema: row.schema,
      createdAt: row.createdAt,
      feedSeq: feed!.feedSeq ?? 0,
      counts: { tenants: feed!.tenants, persons: feed!.persons, agents: row.agents },
      servers: row.servers,
      replication: null,
      ...(row.kind === "replicated" && row.connection && row.slot ? { subscription: { name: row.name, connection: row.connection, slot: row.slot } } : {}),
    });
  }
  return result;
}

type Subscription = { name: string; connection: string; slot: string };

/**
 * The sources' summaries, then each replicated one's subscription status — asked of its publisher after the
 * transaction ended, so a publisher slow to answer holds no lock on the sources and delays no delete.
 */
async function withReplication(sql: Sql, name: string | null): Promise<SourceSummary[]> {
  const rows = await inTransaction(sql, (tx) => summaries(tx, name));
  return Promise.all(
    rows.map(async ({ subscription, ...summary }) =>
      subscription ? { ...summary, replication: await replicationStatus(sql, subscription).catch(deletedMeanwhile) } : summary,
    ),
  );
}

/** A source deleted between its summary and its status has none. */
function deletedMeanwhile(error: unknown): null {
  if (error instanceof DomainError && error.code === "NOT_FOUND") return null;
  throw error;
}

const inTransaction = <T>(sql: Sql, work: (tx: Sql) => Promise<T>): Promise<T> =>
  sql.begin((tx) => work(tx as unknown as Sql)) as Promise<T>;

/** Every source, main first, then by name. */
export async function listSources(sql: Sql): Promise<SourceSummary[]> {
  return withReplication(sql, null);
}

/** One source, or NOT_FOUND naming it. */
export async function getSource(sql: Sql, name: string): Promise<SourceSummary> {
  const [source] = await withReplication(sql, name);
  if (!source) throw noSuchSource(name);
  return source;
}

/**
 * Creates a source. A local one: its row, then its schema, in one transaction. The row goes first so that two
 * concurrent creates of one name meet on its key before either builds anything: the second waits for the
 * first and, once that committed, finds the name taken. A schema of that name left in the database (by hand,
 * or by an older tool) is refused and never dropped: it may hold someone's data.
 *
 * A replicated one: its publisher is checked first (reachable, publishing, allowed to replicate), then the row
 * and schema (with the replicated feed) are made as for a local source, then the subscription, which cannot be
 * made in a transaction; when it fails, the row and schema are removed again and the error says why.
 */
export async function createSource(sql: Sql, input: unknown): Promise<SourceSummary> {
  const parsed = newSourceInput.safeParse(input);
  if (!parsed.success) throw toDomainError(parsed.error)!;
  const wanted = parsed.data;
  const { name } = wanted;
  if (name === MAIN_SOURCE) {
    throw fieldError("CONFLICT", "name", "The source main always exists: it is the cfg schema every WFM database has.");
  }
  const schema = schemaOf(name);
  const taken = () => fieldError("CONFLICT", "name", `A configuration source named "${name}" exists already.`);
  const leftover = () =>
    fieldError(
      "CONFLICT",
      "name",
      `The schema ${schema} exists already in the WFM database without a source of that name; it was left as it is. Drop or rename it yourself, or choose another name.`,
    );
  const replicated = wanted.kind === "replicated" ? { connection: wanted.connection, slot: newSlotName(name) } : null;
  if (replicated) return withSourceChange(sql, name, () => createReplicated(sql, name, replicated, { taken, leftover }));
  await createRowAndSchema(sql, name, "local", null, { taken, leftover });
  return getSource(sql, name);
}

type Refusals = { taken: () => DomainError; leftover: () => DomainError };

/**
 * A replicated source: the publisher checked first, then the row and the schema (with the replicated feed),
 * then the subscription, which cannot be made in a transaction. When it fails, the row and the schema are
 * removed again and the subscription's error is what the caller hears.
 */
async function createReplicated(sql: Sql, name: string, replicated: { connection: string; slot: string }, refusals: Refusals): Promise<SourceSummary> {
  const [exists] = await sql`select 1 from wfm.config_sources where name = ${name}`;
  if (exists) throw refusals.taken();
  await probePublisher(replicated.connection, name);
  await createRowAndSchema(sql, name, "replicated", replicated, refusals);
  try {
    await subscribe(sql, name, replicated.connection, replicated.slot);
  } catch (error) {
    // The subscription's error is the one that says what to fix, whatever the clean-up meets.
    await dropSchemaAndRow(sql, name).catch(() => {});
    throw error;
  }
  return getSource(sql, name);
}

/**
 * The source's row, then its schema, in one transaction. The row goes first so that two concurrent creates of
 * one name meet on its key before either builds anything: the second waits for the first and, once that
 * committed, finds the name taken. A schema of that name left in the database (by hand, or by an older tool) is
 * refused and never dropped: it may hold someone's data.
 */
async function createRowAndSchema(
  sql: Sql,
  name: string,
  kind: "local" | "replicated",
  replicated: { connection: string; slot: string } | null,
  { taken, leftover }: Refusals,
): Promise<void> {
  const schema = schemaOf(name);
  try {
    await inTransaction(sql, async (tx) => {
      const [inserted] = await tx`
        insert into wfm.config_sources (name, kind, schema, connection, slot)
        values (${name}, ${kind}, ${schema}, ${replicated?.connection ?? null}, ${replicated?.slot ?? null})
        on conflict do nothing returning name`;
      if (!inserted) throw taken();
      const [existing] = await tx`select 1 from pg_namespace where nspname = ${schema}`;
      if (existing) throw leftover();
      await tx.unsafe(sourceSchemaDdl(schema));
      if (replicated) await tx.unsafe(replicatedFeedDdl(schema));
    });
  } catch (error) {
    // A schema made by someone else between our look and our CREATE SCHEMA: duplicate_schema, or the catalog's
    // unique index when both were in flight at once.
    const code = (error as { code?: string }).code;
    if (code === "42P06" || (code === "23505" && (error as { constraint_name?: string }).constraint_name === "pg_namespace_nspname_index")) {
      throw leftover();
    }
    if (code === "23505") throw taken();
    throw error;
  }
}

/**
 * Runs the steps of registering or deleting a replicated source holding the source's own advisory lock on a
 * connection of its own, so a delete never runs between a registration's row and its subscription (and finds
 * a source with no subscription to drop), nor two registrations of one name at once.
 */
async function withSourceChange<T>(sql: Sql, name: string, work: () => Promise<T>): Promise<T> {
  const holder = await sql.reserve();
  try {
    await holder`select pg_advisory_lock(${LOCK_NAMESPACE}, hashtext(${lockKeys.sourceChange(name)}))`;
    try {
      return await work();
    } finally {
      await holder`select pg_advisory_unlock(${LOCK_NAMESPACE}, hashtext(${lockKeys.sourceChange(name)}))`;
    }
  } finally {
    holder.release();
  }
}

/** Undoes a registration whose subscription could not be made: nothing else can have used the source yet. */
async function dropSchemaAndRow(sql: Sql, name: string) {
  await inTransaction(sql, async (tx) => {
    await tx.unsafe(`drop schema if exists ${schemaOf(name)} cascade`);
    await tx`delete from wfm.config_sources where name = ${name}`;
  });
}

interface Imported {
  agents: number;
  skills: number;
  timeZones: number;
  users: number;
  sites: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "12 agents, 3 skills and 1 site's switch": what WFM holds from the source, the nonzero parts only. */
function describeImported(i: Imported): string {
  const parts = [
    i.agents ? plural(i.agents, "agent", "agents") : null,
    i.skills ? plural(i.skills, "skill", "skills") : null,
    i.timeZones ? plural(i.timeZones, "time zone", "time zones") : null,
    i.users ? plural(i.users, "user", "users") : null,
    i.sites ? plural(i.sites, "site's switch", "sites' switches") : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "");
}

/**
 * Deletes a source that nothing in WFM refers to: its schema and its row in one transaction, and the cursors
 * servers kept of its feed (a source created later under the same name starts a new feed at seq 0, which an old
 * cursor would skip); its runs are renamed "<name> (deleted <UTC time>)" (removeSource). A replicated source's
 * subscription goes first, and with it the publisher's slot (unsubscribe: refused while the publisher cannot be
 * reached, unless forced; then `slotLeft` names the slot left there).
 */
export async function deleteSource(sql: Sql, name: string, options: { force?: boolean } = {}): Promise<{ slotLeft: string | null }> {
  if (name === MAIN_SOURCE) throw new DomainError("BAD_INPUT", "The source main cannot be deleted: it is the cfg schema every WFM database has.");
  const [replicated] = await sql<{ connection: string; slot: string }[]>`
    select connection, slot from wfm.config_sources where name = ${name} and kind = 'replicated'`;
  if (!replicated) {
    await deleting(name, () => inTransaction(sql, (tx) => removeSource(tx, name)));
    return { slotLeft: null };
  }
  // A replicated source's subscription is dropped outside any transaction (it talks to the publisher), while a
  // transaction of its own holds the source's row FOR UPDATE from the checks to the schema's drop: no server
  // can move to the source meanwhile (the servers' foreign key waits on that row), so once the subscription is
  // gone nothing can refuse the rest.
  return withSourceChange(sql, name, async () => {
    const holder = await sql.reserve();
    try {
      await holder`begin`;
      let slotLeft: string | null = null;
      await deleting(name, async () => {
        await lockUnused(holder as unknown as Sql, name);
        const dropped = await unsubscribe(sql, name, replicated.connection, replicated.slot, options);
        if (dropped.slotLeft) slotLeft = replicated.slot;
        await removeSource(holder as unknown as Sql, name);
      });
      await holder`commit`;
      return { slotLeft };
    } catch (error) {
      await holder`rollback`.catch(() => {});
      throw error;
    } finally {
      holder.release();
    }
  });
}

/** The source's row locked FOR UPDATE, and refused while in use: a server being moved to it waits for us. */
async function lockUnused(tx: Sql, name: string) {
  const [source] = await tx<{ schema: string }[]>`select schema from wfm.config_sources where name = ${name} for update`;
  if (!source) throw noSuchSource(name);
  await refuseWhileInUse(tx, name);
}

/**
 * Its schema, its servers' cursors of its feed and its row; its runs renamed. The row is locked FOR UPDATE
 * first (lockUnused): a server being moved to this source checks the servers' foreign key with a KEY SHARE lock
 * on the row, so it waits for this delete and then fails, and a move committed before the lock is seen by the
 * check. The schema is dropped before the row is deleted, so the row's delete trigger (config_sources_in_use,
 * migration 0024) looks after every reader of the schema has ended and sees any agent a sync imported from it
 * meanwhile.
 */
async function removeSource(tx: Sql, name: string) {
  await lockUnused(tx, name);
  await tx.unsafe(`drop schema if exists ${schemaOf(name)} cascade`);
  await tx`delete from wfm.sync_cursors where source = ${name}`;
  // Its runs stay readable in Sync history, under a name that is not a source name (it has spaces), so a
  // source made later under this name does not take them for its own: an agent's lines are matched by their
  // run's source and dbid, and that source's person 7 is someone else.
  await tx`
    update wfm.sync_runs
       set source = ${name} || ' (deleted ' || to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC)'
     where source = ${name}`;
  await tx`delete from wfm.config_sources where name = ${name}`;
}

/** The database's own guards, for a write that raced the checks, as the refusals the checks give. */
async function deleting(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const e = error as { code?: string; table_name?: string; constraint_name?: string };
    if (e.code === "23503" && e.table_name === "config_sources") {
      throw new DomainError("CONFLICT", `The source ${name} cannot be deleted: WFM holds objects imported from it.`);
    }
    if (e.code === "23503" && e.constraint_name === "servers_source_config_sources_name_fk") {
      throw new DomainError("CONFLICT", `The source ${name} cannot be deleted: a WFM Server belongs to it.`);
    }
    throw error;
  }
}

/** Refuses to delete a source a WFM Server belongs to, or that WFM holds anything imported from. */
async function refuseWhileInUse(tx: Sql, name: string) {
  const servers = (await tx<{ name: string }[]>`select name from wfm.servers where source = ${name} order by name`).map((s) => s.name);
  if (servers.length > 0) {
    throw new DomainError(
      "CONFLICT",
      `The source ${name} cannot be deleted: ${servers.length === 1 ? "the WFM Server" : "the WFM Servers"} ${servers.join(", ")} ${servers.length === 1 ? "belongs" : "belong"} to it. Move ${servers.length === 1 ? "it" : "them"} to another source first.`,
    );
  }
  const [imported] = await tx<Imported[]>`
    select (select count(*) from wfm.agents where source = ${name})::int as agents,
           (select count(*) from wfm.skills where source = ${name})::int as skills,
           (select count(*) from wfm.time_zones where source = ${name})::int as "timeZones",
           (select count(*) from wfm.users where source = ${name})::int as users,
           (select count(*) from wfm.sites where switch_source = ${name})::int as sites`;
  if (Object.values(imported!).some((n) => n > 0)) {
    throw new DomainError("CONFLICT", `The source ${name} cannot be deleted: WFM holds ${describeImported(imported!)} imported from it.`);
  }
}
