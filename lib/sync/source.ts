/**
 * The source a run or a real-time batch works on (SPEC §2.9): its name, which WFM rows carry, and the schema
 * its cfg tables live in. Both are checked against the source-name rule before they reach any SQL text, so
 * the statements may name them literally (one plan per source, and no parameter the planner cannot see).
 */
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { schemaOf, SOURCE_NAME_PATTERN } from "../config/source-names";

export interface SyncSource {
  readonly name: string;
  readonly schema: string;
  /** The name as an SQL string literal. */
  readonly literal: string;
}

export function syncSource(name: string): SyncSource {
  if (!SOURCE_NAME_PATTERN.test(name)) throw new Error(`not a source name: ${JSON.stringify(name)}`);
  return { name, schema: schemaOf(name), literal: `'${name}'` };
}

/** The server's level and source, as a run reads them when it starts. */
export async function serverSettings(sql: Sql, server: string): Promise<{ level: number; source: SyncSource }> {
  const [row] = await sql<{ level: number; source: string }[]>`
    select sync_level as level, source from wfm.servers where name = ${server}`;
  if (!row) throw new DomainError("NOT_FOUND", `WFM Server '${server}' is not registered.`);
  return { level: row.level, source: syncSource(row.source) };
}
