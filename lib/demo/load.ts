/**
 * Loads a generated workload with COPY, in one transaction: a load either lands whole or not at all.
 * The change-feed triggers fire once per COPY statement, so the load is recorded in the source's feed too.
 * Every source loads the same way into its own schema (`cfg` for main, `cfg_eu` for eu), with WFM sites on
 * its switches, so a level-2 server of that source has somewhere to put its agents.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
import { findSource, MAIN_SOURCE, schemaOf } from "../config/source-names";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { generateWorkload, type Row, type WorkloadSize } from "./workload";

type Tx = postgres.TransactionSql;

function encodeField(value: Row[number]): string {
  if (value === null) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  return String(value).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/** Batches rows into text chunks of about 64 KiB so the stream is not a string per row. */
function* tsv(rows: Iterable<Row>): Iterable<string> {
  let chunk = "";
  for (const row of rows) {
    chunk += row.map(encodeField).join("\t") + "\n";
    if (chunk.length > 65536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/**
 * COPYs rows into a table (`schema.table`) inside the given transaction, streamed in chunks. Table and columns
 * go in as quoted identifiers, never as pasted text.
 */
export async function copyInto(tx: Tx, table: string, columns: string[], rows: Iterable<Row>) {
  const writable = await tx`copy ${tx(table)} (${tx(columns)}) from stdin`.writable();
  await pipeline(Readable.from(tsv(rows)), writable);
}

/** `rows`, calling `onRow` as each goes by: counts a generated table while it streams. */
export const counted = <T>(rows: Iterable<T>, onRow: () => void): Iterable<T> => ({
  *[Symbol.iterator]() {
    for (const row of rows) {
      onRow();
      yield row;
    }
  },
});

export interface LoadResult {
  source: string;
  persons: number;
  skillLevels: number;
  sites: number;
  ms: number;
}

export interface LoadOptions {
  /** Replace what the source holds (see loadWorkload). */
  reset?: boolean;
  /** The configuration source to fill (default main); it must exist. */
  source?: string;
  /**
   * `sql` is the source's own Configuration Database (a replicated source's, after `npm run cfg-source -- init`),
   * not WFM's: the source's schema there is filled, and no WFM sites are made (that database has no wfm schema).
   */
  configurationDatabase?: boolean;
}

/** The tables a source's feed records, children first: the order TRUNCATE and the dbid sequences go in. */
const CFG_TABLES = ["skill_levels", "agent_logins", "persons", "skills", "time_zones", "switches", "tenants"] as const;

/**
 * Fills a source's cfg schema and wfm.sites with the workload, named for that source (workload.ts). Refuses
 * when the source already holds data unless `reset` is given, which empties that source and what WFM imported
 * from it first (users, servers and sessions stay; other sources and what came from them are not touched).
 */
export async function loadWorkload(sql: Sql, size: WorkloadSize, options: LoadOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const { source, schema } = options.configurationDatabase
    ? await installedSource(sql, options.source ?? MAIN_SOURCE)
    : await localSource(sql, options.source ?? MAIN_SOURCE);
  const external = Boolean(options.configurationDatabase);
  const table = (name: (typeof CFG_TABLES)[number] | "changes" | "change_counter") => `${schema}.${name}`;
  const tables = generateWorkload(size, source);
  let persons = 0;
  let skillLevels = 0;

  await sql.begin(async (tx) => {
    const [existing] = await tx`select exists (select 1 from ${tx(table("tenants"))}) as "has"`;
    if (existing?.has) {
      if (!options.reset) {
        throw new DomainError(
          "CONFLICT",
          source === MAIN_SOURCE
            ? "The Configuration Database already holds data; pass --reset to replace it."
            : `The source ${source} already holds data; pass --reset to replace it.`,
        );
      }
      if (external) await deleteSourceRows(tx, schema);
      else await emptySource(tx, source, schema, tables.sites);
    }
    await copyInto(tx, table("tenants"), ["dbid", "name"], tables.tenants);
    await copyInto(tx, table("switches"), ["dbid", "tenant_dbid", "name"], tables.switches);
    await copyInto(tx, table("time_zones"), ["dbid", "tenant_dbid", "name", "iana_name"], tables.timeZones);
    await copyInto(tx, table("skills"), ["dbid", "tenant_dbid", "name"], tables.skills);
    await copyInto(
      tx,
      table("persons"),
      ["dbid", "tenant_dbid", "username", "first_name", "last_name", "email", "employee_id", "is_agent"],
      counted(tables.persons(), () => persons++),
    );
    await copyInto(tx, table("agent_logins"), ["dbid", "switch_dbid", "code", "person_dbid"], tables.agentLogins());
    await copyInto(tx, table("skill_levels"), ["person_dbid", "skill_dbid", "level"], counted(tables.skillLevels(), () => skillLevels++));
    // Rows were loaded with explicit dbids; later inserts must continue after them.
    for (const name of CFG_TABLES) {
      if (name === "skill_levels") continue;
      // pg_get_serial_sequence reads its text as an identifier: format's %I quotes each part as needed.
      await tx`select setval(pg_get_serial_sequence(format('%I.%I', ${schema}::text, ${name}::text), 'dbid'),
                             coalesce((select max(dbid) from ${tx(table(name))}), 0) + 1, false)`;
    }
    if (external) return;
    // A site's switch is a switch of this source.
    const sites = tables.sites.map(([name, zone, switchDbid]) => [name ?? null, zone ?? null, switchDbid == null ? null : source, switchDbid ?? null]);
    await copyInto(tx, "wfm.sites", ["name", "time_zone", "switch_source", "switch_dbid"], sites);
  });
  await sql`analyze ${sql(table("persons"))}, ${sql(table("agent_logins"))}, ${sql(table("skill_levels"))}, ${sql(table("changes"))}`;
  return { source, persons, skillLevels, sites: external ? 0 : tables.sites.length, ms: Math.round(performance.now() - started) };
}

/** A source of the WFM database that is written in place. */
async function localSource(sql: Sql, name: string): Promise<{ source: string; schema: string }> {
  const found = await findSource(sql, name);
  if (found.kind === "replicated") {
    throw new DomainError("CONFLICT", `The source ${found.name} is replicated: load its demo into its own Configuration Database, not into WFM's copy.`);
  }
  return { source: found.name, schema: found.schema };
}

/** A source's schema in its own Configuration Database, which `npm run cfg-source -- init` made. */
async function installedSource(sql: Sql, name: string): Promise<{ source: string; schema: string }> {
  const schema = schemaOf(name);
  const [row] = await sql`select exists (select 1 from pg_namespace where nspname = ${schema}) as "is"`;
  if (!row?.is) {
    throw new DomainError("NOT_FOUND", `This Configuration Database has no schema ${schema}: run npm run cfg-source -- init --url … --name ${name} there first.`);
  }
  return { source: name, schema };
}

/**
 * Empties a source in its own Configuration Database row by row, children first: the deletes are published and
 * recorded by both feeds like any other write, so WFM's copy and its feed follow (a TRUNCATE would skip WFM's feed).
 */
async function deleteSourceRows(tx: Tx, schema: string): Promise<void> {
  for (const name of CFG_TABLES) await tx`delete from ${tx(`${schema}.${name}`)}`;
}

/**
 * Empties a source before it is loaded again. TRUNCATE does not fire the row-change triggers: the feed restarts
 * with the data, and so must every server's cursor on it. When main is the only source, everything WFM
 * synchronized is main's, and TRUNCATE clears it at once (workload L: 900,000 rows); otherwise only that
 * source's rows go, and the sites the new load is about to create.
 */
async function emptySource(tx: Tx, source: string, schema: string, sites: Row[]): Promise<void> {
  await tx`truncate ${tx(CFG_TABLES.map((name) => `${schema}.${name}`))}, ${tx(`${schema}.changes`)} restart identity cascade`;
  await tx`update ${tx(`${schema}.change_counter`)} set seq = 0`;
  const [others] = await tx`select exists (select 1 from wfm.config_sources where name <> ${MAIN_SOURCE}) as "exist"`;
  if (source === MAIN_SOURCE && !others?.exist) {
    await tx`truncate wfm.agent_skills, wfm.agents, wfm.skills, wfm.time_zones, wfm.sites, wfm.sync_events,
                      wfm.sync_runs, wfm.sync_cursors restart identity cascade`;
    return;
  }
  // Deleting agents and skills takes their levels along (the statement triggers of migration 0003).
  await tx`delete from wfm.agents where source = ${source}`;
  await tx`delete from wfm.skills where source = ${source}`;
  await tx`delete from wfm.time_zones where source = ${source}`;
  const names = sites.map(([name]) => String(name).toLowerCase());
  await tx`delete from wfm.sites where switch_source = ${source} or (switch_dbid is null and lower(name) = any (${names}::text[]))`;
  await tx`delete from wfm.sync_cursors where source = ${source}`;
  await tx`delete from wfm.sync_runs where source = ${source}`;
}

export async function configurationIsEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql`select not exists (select 1 from cfg.tenants) as "empty"`;
  return Boolean(row?.empty);
}
