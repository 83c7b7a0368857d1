/**
 * Configuration sources by name (SPEC §2.9): where each one's tables live and which channel its change feed
 * notifies on. `main` is the `cfg` schema of the single-source product, so nothing existing changes meaning.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";

export const MAIN_SOURCE = "main";

export const SOURCE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,30}$/;

/** A source's name as the console and the API take it. */
export const sourceName = (what = "source") =>
  z
    .string({ message: `${what} is a source name` })
    .regex(SOURCE_NAME_PATTERN, `${what} is a source name: a lower-case letter, then up to 30 lower-case letters, digits or underscores`);

/** The schema that holds a source's cfg tables in the WFM database (and, replicated, in its own). */
export function schemaOf(source: string): string {
  if (!SOURCE_NAME_PATTERN.test(source)) throw new Error(`not a source name: ${JSON.stringify(source)}`);
  return source === MAIN_SOURCE ? "cfg" : `cfg_${source}`;
}

/** The NOTIFY channel of a source's change feed: `cfg_changes` for main, `cfg_eu_changes` for eu. */
export function feedChannel(source: string): string {
  return `${schemaOf(source)}_changes`;
}

export interface SourceRow {
  name: string;
  kind: "local" | "replicated";
  schema: string;
}

/** The source of that name, or a NOT_FOUND naming it. */
export async function findSource(sql: Sql, name: string): Promise<SourceRow> {
  const [row] = await sql<SourceRow[]>`select name, kind, schema from wfm.config_sources where name = ${name}`;
  if (!row) throw new DomainError("NOT_FOUND", `There is no configuration source named "${name}".`);
  return row;
}

/**
 * Every source, `main` first: what the duplicate-name check spans. Inside a transaction (a sync run or batch)
 * the rows stay locked against deletion until it ends, so no source's schema is dropped under its reads.
 */
export async function allSources(sql: Sql): Promise<SourceRow[]> {
  return sql<SourceRow[]>`
    select name, kind, schema from wfm.config_sources order by name <> ${MAIN_SOURCE}, name for key share`;
}

/** The publication `npm run cfg-source -- init` makes of a replicated source's tables in its own database. */
export function publicationOf(source: string): string {
  return `wfm_${schemaOf(source).slice("cfg_".length)}`;
}

/** The subscription to that publication in the WFM database (subscription names are per database). */
export function subscriptionOf(source: string): string {
  return `wfm_source_${schemaOf(source).slice("cfg_".length)}`;
}
