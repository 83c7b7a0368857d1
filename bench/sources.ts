/**
 * The two-source measure (issue 13, SPEC §2.9): the same workload split in half, one half in `main` and one in a
 * second source, each synced by a level-2 server of its own. A cold full sync of both, one after the other, then a
 * full sync of both with nothing changed; each figure is the sum of the two runs, to be set beside one source's in
 * the same run. The second source and everything WFM holds from it are dropped afterwards (and before, when an
 * earlier bench on an external database stopped half-way), so later measures and runs see one source again.
 */
import { deleteSource, createSource } from "../lib/config/sources";
import { MAIN_SOURCE } from "../lib/config/source-names";
import type { Sql } from "../lib/db";
import { loadWorkload } from "../lib/demo/load";
import { scaledWorkload, sourceNaming } from "../lib/demo/workload";
import { runFullSync } from "../lib/sync/engine";
import type { WorkloadPart } from "./results";

export const SECOND_SOURCE = "bench2";
/** The second source's level-2 server (main's is the bench's own, Bench). */
export const SECOND_SERVER = "Bench2";

export interface TwoSourceFigures {
  parts: WorkloadPart[];
  loadMs: number;
  /** Each part's run, in the order of `parts`. */
  coldMs: number[];
  idleMs: number[];
  /** Rows written in WFM's synchronized tables by the two nothing-changed runs. */
  idleWritten: number;
}

/**
 * Runs the measure. `mainServer` is a level-2 server of main; `writes` counts rows written in WFM's synchronized
 * tables since its last call (run.ts's, so both measures count alike). Leaves main holding its half.
 */
export async function measureTwoSources(
  sql: Sql,
  options: { agents: number; mainServer: string; writes: () => Promise<number> },
): Promise<TwoSourceFigures> {
  await dropSecondSource(sql);
  try {
    // An odd count gives main the extra agent; every other part of the workload keeps L's proportions.
    const halves = [
      { source: MAIN_SOURCE, server: options.mainServer, size: scaledWorkload(Math.ceil(options.agents / 2)) },
      { source: SECOND_SOURCE, server: SECOND_SERVER, size: scaledWorkload(Math.floor(options.agents / 2)) },
    ];
    const parts: WorkloadPart[] = [];
    let loadMs = 0;
    for (const { source, server, size } of halves) {
      if (source !== MAIN_SOURCE) await createSource(sql, { name: source, kind: "local" });
      // main's reset empties WFM of what the single-source measures synced: the cold syncs start from empty.
      const load = await loadWorkload(sql, size, { source, reset: source === MAIN_SOURCE });
      loadMs += load.ms;
      parts.push({
        source, server, agents: size.agents, persons: load.persons, skillLevels: load.skillLevels, skills: size.skills, sites: load.sites,
        switches: size.switches, timeZones: size.timeZones,
      });
    }
    await sql`insert into wfm.servers (name, sync_level, source) values (${SECOND_SERVER}, 2, ${SECOND_SOURCE})
              on conflict (name) do update set sync_level = 2, source = excluded.source`;
    await sql`checkpoint`;

    const syncAll = async (what: string): Promise<number[]> => {
      const times: number[] = [];
      for (const part of parts) {
        const started = performance.now();
        const run = await runFullSync(sql, { server: part.server, trigger: "manual" });
        times.push(performance.now() - started);
        if (run.status === "failed") throw new Error(`${what} of ${part.source} (${part.server}) failed: ${run.error}`);
      }
      return times;
    };

    await options.writes();
    const coldMs = await syncAll("the cold full sync");
    // A figure is worth nothing if a server imported another source's agents, or not all of its own.
    const imported = await sql<{ source: string; n: number }[]>`select source, count(*)::int as n from wfm.agents group by source`;
    for (const part of parts) {
      const n = imported.find((i) => i.source === part.source)?.n ?? 0;
      if (n !== part.agents) throw new Error(`bench: the cold sync of ${part.source} left ${n} of its ${part.agents} agents in WFM`);
    }
    if (imported.length !== parts.length) throw new Error(`bench: WFM holds agents of ${imported.map((i) => i.source).join(", ")} after the two-source cold syncs`);
    await options.writes();
    await sql`vacuum analyze`;

    const before = await options.writes();
    const idleMs = await syncAll("the nothing-changed full sync");
    await new Promise((r) => setTimeout(r, 600)); // the runs' connections report their statistics as they close
    const idleWritten = (await options.writes()) - before;
    return { parts, loadMs, coldMs, idleMs, idleWritten };
  } finally {
    await dropSecondSource(sql);
  }
}

/**
 * Removes a source the bench made, if it is there: its server (with its cursors, instances and requests), its
 * runs, what WFM imported from it, its sites, then the source with its schema (deleteSource, which refuses while
 * anything of it is left; for a replicated one it drops the subscription and, through it, the publisher's slot
 * — with `force`, when the publisher is gone, it leaves the slot there).
 */
export async function dropBenchSource(sql: Sql, source: string, options: { force?: boolean } = {}): Promise<void> {
  const [known] = await sql`select exists (select 1 from wfm.config_sources where name = ${source}) as "is"`;
  if (!known?.is) return;
  // The loader names the source's sites with its prefix; those with a switch say their source.
  const prefix = sourceNaming(source).name("");
  await sql.begin(async (tx) => {
    await tx`delete from wfm.servers where source = ${source}`;
    await tx`delete from wfm.sync_runs where source = ${source}`;
    // Deleting agents and skills takes their levels along (the statement triggers of migration 0003).
    await tx`delete from wfm.agents where source = ${source}`;
    await tx`delete from wfm.skills where source = ${source}`;
    await tx`delete from wfm.time_zones where source = ${source}`;
    await tx`delete from wfm.users where source = ${source}`;
    await tx`delete from wfm.sites where switch_source = ${source} or (switch_dbid is null and starts_with(name, ${prefix}))`;
  });
  await deleteSource(sql, source, options);
}

/** Removes the second source, if there is one. */
export const dropSecondSource = (sql: Sql) => dropBenchSource(sql, SECOND_SOURCE);
