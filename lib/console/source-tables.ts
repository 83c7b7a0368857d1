/**
 * A cfg table of every configuration source as one relation (SPEC §2.9): each source keeps its tables in a
 * schema of its own, so the console reads "every switch" as a union with the source's name on each row. The
 * schema comes from `schemaOf` (a checked source name) and goes in as a postgres.js identifier, never as text.
 */
import type postgres from "postgres";
import type { Sql } from "../db/client";
import { allSources, schemaOf } from "../config/source-names";

type Fragment = postgres.Fragment;

/** The cfg tables the console reads across sources. */
export type CfgTable = "switches" | "persons" | "tenants" | "changes" | "change_counter";

/** `schema.table` of one source, as an identifier. */
export const cfgTable = (sql: Sql, source: string, table: CfgTable) => sql(`${schemaOf(source)}.${table}`);

/**
 * `(select <source> as source, <columns> from cfg_x.<table> union all …)` over the given sources (every one
 * when not given), to use as a relation: `const { rows } = await acrossSources(…)`, then `from ${rows} w`.
 * `columns` names what each source's table gives. The fragment comes in a holder: it is thenable, and an async
 * function returning it bare would run it as a query of its own.
 */
export async function acrossSources(sql: Sql, table: CfgTable, columns: Fragment, sources?: string[]): Promise<{ rows: Fragment }> {
  const names = sources ?? (await allSources(sql)).map((s) => s.name);
  const parts = names.map((name) => sql`select ${name}::text as source, ${columns} from ${cfgTable(sql, name, table)}`);
  return { rows: sql`(${parts.reduce((all, part) => sql`${all} union all ${part}`)})` };
}

/** The names of every source, main first: whether the console shows a Source column at all (more than one). */
export async function sourceNames(sql: Sql): Promise<string[]> {
  return (await allSources(sql)).map((s) => s.name);
}
