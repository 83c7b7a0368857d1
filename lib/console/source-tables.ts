/**
 * A cfg table of every configuration source as one relation (SPEC §2.9): each source keeps its tables in a
 * schema of its own, so the console reads "every switch" as a union with the source's name on each row. The
 * schema comes from the source's row (`cfgTable`) and goes in as a postgres.js identifier, never as text.
 */
import type postgres from "postgres";
import { cfgTable } from "../config/reference";
import type { Sql } from "../db/client";
import { allSources, type SourceRow } from "../config/source-names";

type Fragment = postgres.Fragment;

/** The cfg tables the console reads across sources. */
export type CfgTable = "switches" | "persons" | "tenants" | "changes" | "change_counter";

/**
 * `(select <source> as source, <columns> from cfg_x.<table> union all …)` over the given sources (every one
 * when not given), to use as a relation: `const { rows } = await acrossSources(…)`, then `from ${rows} w`.
 * `columns` names what each source's table gives. The fragment comes in a holder: it is thenable, and an async
 * function returning it bare would run it as a query of its own.
 */
export async function acrossSources(sql: Sql, table: CfgTable, columns: Fragment, sources?: SourceRow[]): Promise<{ rows: Fragment }> {
  const parts = (sources ?? (await allSources(sql))).map((source) => sql`select ${source.name}::text as source, ${columns} from ${cfgTable(sql, source, table)}`);
  return { rows: sql`(${parts.reduce((all, part) => sql`${all} union all ${part}`)})` };
}

/** The names of every source, main first: whether the console shows a Source column at all (more than one). */
export async function sourceNames(sql: Sql): Promise<string[]> {
  return (await allSources(sql)).map((s) => s.name);
}
