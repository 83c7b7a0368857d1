/**
 * The scale measure (SPEC §8, workload XL): the three full syncs — cold, nothing changed, 1% changed — at several
 * sizes of the same shape (10,000, 100,000 and 1,000,000 agents by default), each size loaded into a cluster of
 * its own. Each sync runs in a process of its own (bench/full-sync-process.ts), the engine loaded as a WFM Server
 * loads it, so its peak resident memory is that process's alone and not the bench's, which has just generated
 * the workload. `npm run bench -- --scale` writes bench/results/scale.json; `npm run bench:report` turns it into
 * BENCHMARKS.md's scale table.
 */
import { gridTable, postgresName, showSettings, showVerdict, showWhenAndCommit, type Machine, type Provenance, type Verdict } from "./results";

export const SCALE_FORMAT = "wfm-sync-bench-scale/1";
export const DEFAULT_SCALE_JSON = "bench/results/scale.json";
export const SCALE_SIZES = [10_000, 100_000, 1_000_000] as const;
/** SPEC §8: workload XL's WFM Server stays under this much resident memory… */
export const RSS_LIMIT_MB = 250;
/** …and its cold full sync takes at most this many times workload L's (ten times the agents). */
export const COLD_GROWTH_LIMIT = 11;
/** Where `npm run bench -- --scale --sizes 100000 --url …` against a stock PostgreSQL writes, for the report's external part. */
export const DEFAULT_EXTERNAL_JSON = "bench/results/external.json";
/** SPEC §8's full-sync ratios to the floor, which hold on an untuned external PostgreSQL as on the embedded one. */
export const FULL_SYNC_LIMITS = { cold: 2, idle: 1, changed: 1.2 } as const;

/** One full sync, run by a process of its own. */
export interface ScaleSync {
  seconds: number;
  /** The process's peak resident set (getrusage's ru_maxrss), in MB. */
  peakRssMB: number;
  /** Rows inserted, updated or deleted in WFM's synchronized tables (nothing changed: must be 0). */
  rowsWritten?: number;
  /** Agents the run updated (1% changed). */
  updated?: number;
}

export interface ScalePoint {
  agents: number;
  persons: number;
  skillLevels: number;
  loadSeconds: number;
  /** A bare COPY of the rows the cold sync writes, in the same cluster (see bench/run.ts copyFloor). */
  floorSeconds: number;
  floorRows: number;
  cold: ScaleSync;
  idle: ScaleSync;
  changed: ScaleSync;
}

export interface ScaleResults {
  format: typeof SCALE_FORMAT;
  provenance: Provenance;
  date: string;
  machine: Machine;
  points: ScalePoint[];
}

const thousands = (x: number) => x.toLocaleString("en");
const seconds = (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`;
/** Microseconds of a sync per agent: flat across sizes is linear. */
const perAgent = (s: number, agents: number) => `${((s * 1e6) / agents).toFixed(1)} µs/agent`;
const times = (x: number) => `${x.toFixed(1)}×`;
/** A ratio judged against a limit: two decimals, so that 1.04× does not read as 1.0×. */
const ratio = (x: number) => `${x.toFixed(2)}×`;

/** The largest peak RSS of any sync at each size, with the verdicts SPEC §8 asks for (at the largest size measured). */
export function scaleVerdicts(r: ScaleResults): { growth: { from: ScalePoint; to: ScalePoint; ratio: number; verdict: Verdict } | null; rss: { mb: number; at: number; verdict: Verdict } | null } {
  const sorted = [...r.points].sort((a, b) => a.agents - b.agents);
  const big = sorted.at(-1);
  const tenth = big && sorted.find((p) => p.agents * 10 === big.agents);
  const growth = big && tenth ? { from: tenth, to: big, ratio: big.cold.seconds / tenth.cold.seconds, verdict: (big.cold.seconds / tenth.cold.seconds <= COLD_GROWTH_LIMIT ? "ok" : "missed") as Verdict } : null;
  const rss = big ? Math.max(big.cold.peakRssMB, big.idle.peakRssMB, big.changed.peakRssMB) : null;
  return { growth, rss: rss === null ? null : { mb: rss, at: big!.agents, verdict: rss <= RSS_LIMIT_MB ? "ok" : "missed" } };
}

/** What does not hold together in a scale file (a bug in the bench). */
export function scaleProblems(r: ScaleResults): string[] {
  const wrong: string[] = [];
  if (r.format !== SCALE_FORMAT) wrong.push(`format is ${String(r.format)}, not ${SCALE_FORMAT}`);
  if (r.points.length === 0) wrong.push("no size was measured");
  for (const p of r.points) {
    for (const [name, s] of [["cold", p.cold], ["nothing changed", p.idle], ["1% changed", p.changed]] as const) {
      if (!(s.seconds > 0) || !(s.peakRssMB > 0)) wrong.push(`${thousands(p.agents)} agents, ${name}: seconds and peak RSS must be positive`);
    }
    if (!(p.floorSeconds > 0)) wrong.push(`${thousands(p.agents)} agents: the floor must be positive`);
  }
  return wrong;
}

/** BENCHMARKS.md's scale part: the run, the table, and the two verdicts. */
/** The size-by-size table of full syncs, each with its floor, time per agent and peak RSS. */
function scaleGrid(points: ScalePoint[]): string {
  const sorted = [...points].sort((a, b) => a.agents - b.agents);
  const cell = (s: ScaleSync, agents: number, floor: number) => `${seconds(s.seconds)} (${times(s.seconds / floor)} floor), ${perAgent(s.seconds, agents)}`;
  return gridTable(
    ["agents (skill levels)", "load", "floor (bare COPY)", "cold full sync", "nothing changed", "1% changed", "peak RSS: cold / nothing / 1%"],
    sorted.map((pt) => [
      `${thousands(pt.agents)} (${thousands(pt.skillLevels)})`,
      seconds(pt.loadSeconds),
      `${seconds(pt.floorSeconds)}, ${perAgent(pt.floorSeconds, pt.agents)}`,
      cell(pt.cold, pt.agents, pt.floorSeconds),
      `${cell(pt.idle, pt.agents, pt.floorSeconds)}${pt.idle.rowsWritten !== undefined ? `, ${thousands(pt.idle.rowsWritten)} rows written` : ""}`,
      `${cell(pt.changed, pt.agents, pt.floorSeconds)}${pt.changed.updated !== undefined ? `, ${thousands(pt.changed.updated)} updated` : ""}`,
      `${pt.cold.peakRssMB} / ${pt.idle.peakRssMB} / ${pt.changed.peakRssMB} MB`,
    ]),
  );
}

const whenAndWhere = (r: ScaleResults) =>
  `- Date: ${showWhenAndCommit(r.date, r.provenance)}; ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; ${postgresName(r.machine.postgres)}` +
  `${r.machine.loadAverage ? `; 1-minute load average ${r.machine.loadAverage.start} → ${r.machine.loadAverage.end}` : ""}.`;

export function scaleMarkdown(r: ScaleResults): string {
  const { provenance: p } = r;
  const lines = [whenAndWhere(r), ...(p.command ? [`- Command: \`${p.command}\`.`] : []), ""];
  lines.push(scaleGrid(r.points));
  const { growth, rss } = scaleVerdicts(r);
  lines.push("");
  lines.push(
    growth
      ? `- Cold full sync from ${thousands(growth.from.agents)} to ${thousands(growth.to.agents)} agents: ${times(growth.ratio)} the time for 10× the agents (target ≤ ${COLD_GROWTH_LIMIT}×: ${showVerdict(growth.verdict)}).`
      : `- Cold full sync growth: this run has no size ten times another, so no ratio.`,
  );
  if (rss) lines.push(`- Peak RSS of the process running a full sync at ${thousands(rss.at)} agents: ${rss.mb} MB at most (target ≤ ${RSS_LIMIT_MB} MB: ${showVerdict(rss.verdict)}).`);
  return lines.join("\n");
}

/** A stock PostgreSQL's verdict on one full sync's ratio to the floor. */
const ratioVerdict = (sync: ScaleSync, floor: number, limit: number): Verdict => (sync.seconds / floor <= limit ? "ok" : "missed");

/**
 * The three full syncs of workload L on an external PostgreSQL left as installed (SPEC §8: the same ratios as on
 * the embedded one, the sync sessions setting what they need): its version and defaults, what the sync's
 * sessions set, and each ratio's verdict.
 */
export function externalMarkdown(r: ScaleResults): string {
  const { provenance: p, machine: mc } = r;
  const lines = [
    whenAndWhere(r),
    `- Its settings, as a new session sees them: ${showSettings(mc.postgres.settings)}; the sync's own sessions set: ${mc.postgres.syncSession ? showSettings(mc.postgres.syncSession) : "not recorded"}.`,
    ...(p.command ? [`- Command (the password left out): \`${p.command}\`.`] : []),
    "",
    scaleGrid(r.points),
    "",
  ];
  for (const pt of [...r.points].sort((a, b) => a.agents - b.agents)) {
    const { cold, idle, changed } = FULL_SYNC_LIMITS;
    const idleOk = ratioVerdict(pt.idle, pt.floorSeconds, idle) === "ok" && (pt.idle.rowsWritten ?? 0) === 0 ? "ok" : "missed";
    lines.push(
      `- ${thousands(pt.agents)} agents: cold ${ratio(pt.cold.seconds / pt.floorSeconds)} the floor (target ≤ ${cold}×: ${showVerdict(ratioVerdict(pt.cold, pt.floorSeconds, cold))}), ` +
        `nothing changed ${ratio(pt.idle.seconds / pt.floorSeconds)} with ${thousands(pt.idle.rowsWritten ?? 0)} rows written (target ≤ ${idle}×, 0 rows: ${showVerdict(idleOk)}), ` +
        `1% changed ${ratio(pt.changed.seconds / pt.floorSeconds)} (target ≤ ${changed}×: ${showVerdict(ratioVerdict(pt.changed, pt.floorSeconds, changed))}).`,
    );
  }
  return lines.join("\n");
}
