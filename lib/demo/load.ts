/**
 * Loads a generated workload with COPY, in one transaction: a load either lands whole or not at all.
 * The change-feed triggers fire once per COPY statement, so the load is recorded in cfg.changes too.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
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

/** COPYs rows into a table inside the given transaction, streamed in chunks. */
export async function copyInto(tx: Tx, table: string, columns: string[], rows: Iterable<Row>) {
  const writable = await tx.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
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
  persons: number;
  skillLevels: number;
  sites: number;
  ms: number;
}

/**
 * Fills cfg and wfm.sites with the workload. Refuses when cfg already holds data unless `reset` is given,
 * which empties cfg and the synchronized WFM data first (users, servers and sessions stay).
 */
export async function loadWorkload(sql: Sql, size: WorkloadSize, options: { reset?: boolean } = {}): Promise<LoadResult> {
  const started = performance.now();
  const tables = generateWorkload(size);
  let persons = 0;
  let skillLevels = 0;

  await sql.begin(async (tx) => {
    const [existing] = await tx`select exists (select 1 from cfg.tenants) as "has"`;
    if (existing?.has) {
      if (!options.reset) {
        throw new DomainError("CONFLICT", "The Configuration Database already holds data; pass --reset to replace it.");
      }
      // TRUNCATE does not fire the row-change triggers: the feed restarts with the data, and so must every
      // server's cursor.
      await tx`truncate cfg.skill_levels, cfg.agent_logins, cfg.persons, cfg.skills, cfg.time_zones, cfg.switches,
                        cfg.tenants, cfg.changes restart identity cascade`;
      await tx`update cfg.change_counter set seq = 0`;
      await tx`truncate wfm.agent_skills, wfm.agents, wfm.skills, wfm.time_zones, wfm.sites, wfm.sync_events,
                        wfm.sync_runs, wfm.sync_cursors restart identity cascade`;
    }
    await copyInto(tx, "cfg.tenants", ["dbid", "name"], tables.tenants);
    await copyInto(tx, "cfg.switches", ["dbid", "tenant_dbid", "name"], tables.switches);
    await copyInto(tx, "cfg.time_zones", ["dbid", "tenant_dbid", "name", "iana_name"], tables.timeZones);
    await copyInto(tx, "cfg.skills", ["dbid", "tenant_dbid", "name"], tables.skills);
    await copyInto(
      tx,
      "cfg.persons",
      ["dbid", "tenant_dbid", "username", "first_name", "last_name", "email", "employee_id", "is_agent"],
      counted(tables.persons(), () => persons++),
    );
    await copyInto(tx, "cfg.agent_logins", ["dbid", "switch_dbid", "code", "person_dbid"], tables.agentLogins());
    await copyInto(tx, "cfg.skill_levels", ["person_dbid", "skill_dbid", "level"], counted(tables.skillLevels(), () => skillLevels++));
    // Rows were loaded with explicit dbids; later inserts must continue after them.
    for (const table of ["tenants", "switches", "time_zones", "skills", "persons", "agent_logins"]) {
      await tx.unsafe(
        `select setval(pg_get_serial_sequence('cfg.${table}', 'dbid'), coalesce((select max(dbid) from cfg.${table}), 0) + 1, false)`,
      );
    }
    await copyInto(tx, "wfm.sites", ["name", "time_zone", "switch_dbid"], tables.sites);
  });
  await sql`analyze cfg.persons, cfg.agent_logins, cfg.skill_levels, cfg.changes`;
  return { persons, skillLevels, sites: tables.sites.length, ms: Math.round(performance.now() - started) };
}

export async function configurationIsEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql`select not exists (select 1 from cfg.tenants) as "empty"`;
  return Boolean(row?.empty);
}
