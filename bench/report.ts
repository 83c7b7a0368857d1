/**
 * npm run bench:report: rewrites the generated parts of BENCHMARKS.md from the bench's JSON
 * (bench/results/latest.json, or --json FILE). A generated part sits between
 *
 *     <!-- bench:begin NAME -->
 *     …
 *     <!-- bench:end NAME -->
 *
 * and NAME is one of BLOCKS below. Everything else in the document is hand-written and states no figure; every
 * figure is written here, from the JSON, so the prose and the table cannot disagree. --check changes nothing
 * and fails when the document is not what the JSON makes it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  DEFAULT_JSON, hasLatencyDistribution, hasReplicated, hasTwoSources, markdownTable, postgresName, showWhenAndCommit, problems, show, showRatio, showSettings, showTarget, showVerdict, tableRows, UNTUNED_EXTERNAL, type BenchResults, type Measure,
} from "./results";
import { DEFAULT_EXTERNAL_JSON, DEFAULT_SCALE_JSON, externalMarkdown, scaleMarkdown, scaleProblems, type ScaleResults } from "./scale";

export const DEFAULT_DOC = "BENCHMARKS.md";
const NOT_RECORDED = "not recorded";
const thousands = (x: number) => x.toLocaleString("en");

/** Reads figures out of one results file, as text. */
function reader(r: BenchResults) {
  const m = (id: string): Measure | undefined => r.measures[id];
  return {
    /** "4.58 s", or "not recorded". */
    fig: (id: string, name?: string) => (m(id) ? show(m(id)!, name) : `${name ? `${name} ` : ""}${NOT_RECORDED}`),
    /** "5.4×", or "not recorded". */
    ratio: (id: string) => (m(id)?.ratio !== undefined ? showRatio(m(id)!) : NOT_RECORDED),
    /** "target p50 ≤ 5 ms, p99 ≤ 10 ms: ok" — MISSED when any of them is. */
    judged: (...targets: [id: string, name?: string][]) => {
      const ms = targets.map(([id, name]) => [m(id), name] as const);
      if (ms.some(([x]) => !x?.target)) return "target: not recorded";
      const verdict = ms.some(([x]) => x!.verdict === "missed") ? "missed" : "ok";
      return `target ${ms.map(([x, name]) => showTarget(x!, name)).join(", ")}: ${showVerdict(verdict)}`;
    },
    m,
  };
}


/** The one-change latency's distribution: its quantiles, then how many changes fell into each bucket. */
function latencyDistribution(r: BenchResults): string {
  const { fig } = reader(r);
  const buckets = r.latencyHistogram;
  let from: number | null = null;
  const counted = buckets?.map((b) => {
    const range = b.upToMs === null ? `over ${from} ms` : from === null ? `up to ${b.upToMs} ms` : `${from}–${b.upToMs} ms`;
    from = b.upToMs;
    return `${range}: ${thousands(b.count)}`;
  });
  return `- **Distribution** of those latencies: ${fig("latency.p50", "p50")}, ${fig("latency.p90", "p90")}, ${fig("latency.p99", "p99")}, ${fig("latency.max", "the slowest")}; ` +
    `changes by latency: ${counted ? counted.join(" · ") : NOT_RECORDED}.`;
}

/** The generated parts of BENCHMARKS.md, by name. Figures come from `r` only. */
export const BLOCKS: Record<string, (r: BenchResults) => string> = {
  run(r) {
    const { machine: mc, workload: w, provenance: p } = r;
    const settings = Object.entries(mc.postgres.settings);
    const recorded = settings.filter(([, v]) => v !== null);
    const lines: string[] = [];
    if (p.kind === "transcribed") lines.push(`> **Transcribed by hand, not written by the bench.** ${p.note ?? ""}`.trimEnd(), "");
    lines.push(`- Date: ${showWhenAndCommit(r.date, p)}.`);
    lines.push(
      `- Machine: ${mc.cpuModel ?? "CPU model not recorded"}, ${mc.cores} cores, ${mc.memoryGiB} GiB` +
        `${mc.os ? `, ${mc.os}` : ""}${mc.arch ? `, ${mc.arch}` : ""}; Node ${mc.node}; ${postgresName(mc.postgres)}` +
        `${mc.loadAverage ? `; 1-minute load average ${mc.loadAverage.start} as the bench started, ${mc.loadAverage.end} as it ended (other work on the machine shows here)` : ""}.`,
    );
    lines.push(
      recorded.length
        ? `- PostgreSQL settings, as a new session sees them (the sync sessions set some of their own): ${recorded.map(([k, v]) => `${k} ${v}`).join(", ")}` +
            `${recorded.length < settings.length ? `; ${settings.filter(([, v]) => v === null).map(([k]) => k).join(", ")} ${NOT_RECORDED}` : ""}.`
        : `- PostgreSQL settings: ${NOT_RECORDED}.`,
    );
    if (mc.postgres.syncSession) lines.push(`- The sync's own sessions (full sync, real-time, the floor's COPY) set: ${showSettings(mc.postgres.syncSession)}.`);
    const size =
      `${thousands(w.agents)} agents, ${thousands(w.persons)} persons (${thousands(w.nonAgents)} not agents), ${thousands(w.skillLevels)} skill levels, ` +
      `${thousands(w.skills)} skills, ${thousands(w.sites)} sites, ${thousands(w.switches)} switches, ${thousands(w.timeZones)} time zones`;
    lines.push(
      w.name
        ? `- Workload ${w.name}: ${size}.`
        : `- Workload: ${size} — not workload L, on which SPEC §8 sets its targets: compare ratios, not seconds, with care.`,
    );
    lines.push(
      `- Real-time: ${thousands(w.singleChanges)} changes one at a time, then ${thousands(w.writers)} writers changing ${thousands(w.agentsPerStatement)} agents a statement for ${thousands(w.writerSeconds)} s. ` +
        `Mesh: ${thousands(w.meshServers)} servers, ${thousands(w.meshMessages)} messages. Search: ${thousands(w.searches)} searches, pages of ${thousands(w.searchPageSize)}.`,
    );
    if (p.command) lines.push(`- Command: \`${p.command}\`.`);
    return lines.join("\n");
  },

  table(r) {
    const lag = r.measures["sustained.lagEnd"]?.target?.rule;
    const lines = [markdownTable(tableRows(r)), ""];
    lines.push(
      "Verdicts are computed from the figures (bench/results.ts), never written by hand. Ratios are to the floor of the same run." +
        (lag ? ` "No growing lag" is judged by this rule: ${lag}.` : ""),
    );
    if (r.notMeasured.length) lines.push("", `Not measured by the bench yet (SPEC §8): ${r.notMeasured.join("; ")}.`);
    return lines.join("\n");
  },

  realtime(r) {
    const { fig, judged, m } = reader(r);
    const w = r.workload;
    const end = m("sustained.lagEnd");
    const lagVerdict = end?.verdict === undefined ? NOT_RECORDED : end.verdict === "ok" ? "flat by the rule under the table" : "growing by the rule under the table (MISSED)";
    return [
      `- **Latency** in this run: ${fig("latency.n")} one at a time, ${fig("latency.p50", "p50")}, ${fig("latency.p99", "p99")} (${judged(["latency.p50", "p50"], ["latency.p99", "p99"])}).`,
      ...(hasLatencyDistribution(r) ? [latencyDistribution(r)] : []),
      `- **Throughput** in this run: ${thousands(w.writers)} writers, each statement changing ${thousands(w.agentsPerStatement)} agents, for ${thousands(w.writerSeconds)} s: ` +
        `${fig("sustained.offered")} offered, ${fig("sustained.applied")} applied (${judged(["sustained.applied"])}). ` +
        `The lag, largest in the first third of the writers' run → the last third: ${m("sustained.lagStart") ? show({ ...m("sustained.lagStart")!, unit: "" }) : NOT_RECORDED} → ${fig("sustained.lagEnd")} ` +
        `(${m("sustained.lagTrend") ? `a trend of ${fig("sustained.lagTrend")} over the run` : "samples not recorded, so no trend"}): ${lagVerdict}. ` +
        `Caught up ${fig("sustained.catchUp")} after the writers stopped.`,
    ].join("\n");
  },

  mesh(r) {
    const { fig, judged } = reader(r);
    const w = r.workload;
    return [
      `In this run, over ${thousands(w.meshMessages)} messages to a ring of ${thousands(w.meshServers)} servers: ${fig("mesh.p50", "p50")}, ${fig("mesh.p99", "p99")}, ` +
        `with ${fig("mesh.timestampQueries")} during the run (${judged(["mesh.p99", "p99"], ["mesh.timestampQueries"])}; CacheSlack is ${fig("cacheSlack.webEvents")} with web events).`,
      "",
      `Freshness-check queries per server per hour follow from the CacheSlack defaults (SPEC §4; derived, not measured): ` +
        `${fig("freshness.plain")} at ${fig("cacheSlack.plain")} without web events, ${fig("freshness.webEvents")} at ${fig("cacheSlack.webEvents")} with them.`,
    ].join("\n");
  },

  fullsync(r) {
    const { fig, ratio, judged, m } = reader(r);
    const split = r.workload.split;
    // Files before format 3 predate the two-source measure: their text is as it was.
    const twoSources = !hasTwoSources(r)
      ? []
      : [
          "",
          `Split in half over two sources (${split ? split.map((p) => `${p.source}, ${thousands(p.agents)} agents synced by ${p.server}`).join("; ") : `parts ${NOT_RECORDED}`}), ` +
            `loaded in ${fig("twoSources.load.seconds")}: the cold full syncs of both, one after the other, took ${fig("twoSources.cold.seconds")} together, ` +
            `${ratio("twoSources.cold.seconds")} the cold sync of one source (${judged(["twoSources.cold.seconds"])}); the full syncs of both with nothing changed ` +
            `took ${fig("twoSources.idle.seconds")} together, ${ratio("twoSources.idle.seconds")} one source's, with ${fig("twoSources.idle.rowsWritten")} written ` +
            `(${judged(["twoSources.idle.seconds"], ["twoSources.idle.rowsWritten"])}).`,
        ];
    return [
      `In this run: cold ${ratio("cold.seconds")} the floor (${judged(["cold.seconds"])}), nothing changed ${ratio("idle.seconds")} the floor ` +
        `with ${fig("idle.rowsWritten")} written (${judged(["idle.seconds"], ["idle.rowsWritten"])}), 1% of agents changed ${ratio("changed.seconds")} the floor ` +
        `(${judged(["changed.seconds"])}). ` +
        (m("schema.agentIndexes") ? `WFM's agents table has ${fig("schema.agentIndexes")} (counted in the run, from pg_indexes). ` : "The run did not record how many indexes WFM's agents table has. ") +
        `Loading the workload took ${fig("load.seconds")}${m("load.changes") ? ` and recorded ${fig("load.changes")} in the change feed` : ""}; ` +
        `the floor, a bare COPY of ${fig("floor.rows")}, took ${fig("floor.seconds")}.`,
      ...twoSources,
    ].join("\n");
  },

  replicated(r) {
    const { fig, ratio, judged, m } = reader(r);
    if (!hasReplicated(r)) return "This run predates the replicated-source measure.";
    const x = r.workload.replicated;
    const flat = (id: string) => {
      const v = m(id)?.verdict;
      return v === undefined ? NOT_RECORDED : v === "ok" ? "flat by the rule under the table" : "growing by the rule under the table (MISSED)";
    };
    const bare = (id: string) => (m(id) ? show({ ...m(id)!, unit: "" }).trim() : NOT_RECORDED);
    return [
      x
        ? `- **Where**: source ${x.source} in ${x.publisher}; ${thousands(x.agents)} agents, ${thousands(x.persons)} persons, ${thousands(x.skillLevels)} skill levels, ` +
          `synced by ${x.server} (level 2) onto ${thousands(x.sites)} sites of WFM.`
        : `- **Where**: the run did not record the replicated source's workload.`,
      `- **Initial copy**: loading the workload there took ${fig("replicated.load.seconds")}; registering the source until its copy was done took ${fig("replicated.copy.seconds")}, ` +
        `and WFM's feed of the source recorded ${fig("replicated.copy.changes")} for it. The cold full sync after it took ${fig("replicated.cold.seconds")}, ` +
        `${ratio("replicated.cold.seconds")} the cold full sync of a local source (main, earlier in the run).`,
      `- **Latency**: ${fig("replicated.latency.n")} one at a time, from the commit there returning to the server's commit in WFM: ${fig("replicated.latency.p50", "p50")}, ` +
        `${fig("replicated.latency.p99", "p99")}, ${fig("replicated.latency.max", "max")} (${judged(["replicated.latency.p50", "p50"], ["replicated.latency.p99", "p99"])}); ` +
        `the replication part alone, to the change's NOTIFY from WFM's feed: ${fig("replicated.arrival.p50", "p50")}, ${fig("replicated.arrival.p99", "p99")}.`,
      (x
        ? `- **Sustained**: ${thousands(x.writers)} writers there committing ${thousands(x.changesPerTransaction)} changes a transaction on a schedule of ${thousands(x.rate)} changes a second for ${thousands(x.seconds)} s: `
        : `- **Sustained**: `) +
        `${fig("replicated.sustained.changes")} written, ${fig("replicated.sustained.offered")} offered; the server applied ${fig("replicated.sustained.applied")} until caught up, ` +
        `${fig("replicated.sustained.catchUp")} after the writers' last commit. The subscription's lag, first → last sample while they wrote (largest): ` +
        `${bare("replicated.sustained.lagBytesFirst")} → ${fig("replicated.sustained.lagBytesLast")} (${fig("replicated.sustained.lagBytesMax", "max")}), ` +
        `${bare("replicated.sustained.lagSecondsFirst")} → ${fig("replicated.sustained.lagSecondsLast")} (${fig("replicated.sustained.lagSecondsMax", "max")}). ` +
        `Changes committed there and not yet in WFM's feed, largest in the first third → the last third: ${bare("replicated.sustained.subscriptionStart")} → ${fig("replicated.sustained.subscriptionEnd")}: ` +
        `${flat("replicated.sustained.subscriptionEnd")}; in WFM's feed and not yet applied by the server: ${bare("replicated.sustained.backlogStart")} → ${fig("replicated.sustained.backlogEnd")}: ` +
        `${flat("replicated.sustained.backlogEnd")}.`,
    ].join("\n");
  },

  search(r) {
    const { fig, judged } = reader(r);
    const w = r.workload;
    return `In this run: ${thousands(w.searches)} searches on ${thousands(w.agents)} agents, a page of ${thousands(w.searchPageSize)} each: ${fig("search.p50", "p50")}, ${fig("search.p95", "p95")} (${judged(["search.p95", "p95"])}).`;
  },
};

/** The scale part's name: written from the scale file (`npm run bench -- --scale`), not from the main one. */
export const SCALE_BLOCK = "scale";
const NO_SCALE = "Not measured yet: `npm run bench -- --scale` measures it and `npm run bench:report` writes it here.";
/** The external part's name: written from a scale file measured against a stock PostgreSQL (`--url`). */
export const EXTERNAL_BLOCK = "external";
const NO_EXTERNAL =
  "Not measured yet: `npm run bench -- --scale --sizes 100000 --url postgres://… --json bench/results/external.json` against a stock PostgreSQL measures it, and `npm run bench:report` writes it here.";

const BLOCK = /<!-- bench:begin ([\w-]+) -->\n([\s\S]*?)<!-- bench:end ([\w-]+) -->/g;

/**
 * The document with every generated part rewritten from `r`, and its scale part from `scale` (said to be not
 * measured when there is none). Throws on an unknown or unclosed part.
 */
export function render(doc: string, r: BenchResults, scale?: ScaleResults, external?: ScaleResults): string {
  const wrong = [
    ...problems(r),
    ...(scale ? scaleProblems(scale).map((p) => `scale: ${p}`) : []),
    ...(external ? scaleProblems(external).map((p) => `external: ${p}`) : []),
  ];
  if (wrong.length) throw new Error(`the results do not hold together:\n${wrong.join("\n")}`);
  const begins = [...doc.matchAll(/<!-- bench:begin ([\w-]+) -->/g)].map((x) => x[1]!);
  const seen: string[] = [];
  const out = doc.replace(BLOCK, (_all, name: string, _old: string, endName: string) => {
    if (name !== endName) throw new Error(`bench:begin ${name} is closed by bench:end ${endName}`);
    const block =
      name === SCALE_BLOCK
        ? () => (scale ? scaleMarkdown(scale) : NO_SCALE)
        : name === EXTERNAL_BLOCK
          ? () => (external ? externalMarkdown(external) : NO_EXTERNAL)
          : BLOCKS[name];
    if (!block) throw new Error(`unknown generated part "${name}" (known: ${[...Object.keys(BLOCKS), SCALE_BLOCK, EXTERNAL_BLOCK].join(", ")})`);
    seen.push(name);
    // Measured by its own run, the external PostgreSQL is not "not measured" in the main one's list.
    const main = external ? { ...r, notMeasured: r.notMeasured.filter((line) => line !== UNTUNED_EXTERNAL) } : r;
    return `<!-- bench:begin ${name} -->\n${block(main).trimEnd()}\n<!-- bench:end ${name} -->`;
  });
  const unclosed = begins.filter((b, i) => seen[i] !== b);
  if (unclosed.length || seen.length !== begins.length) throw new Error(`bench:begin without its bench:end: ${unclosed.join(", ")}`);
  return out;
}

/** The text of the generated parts, and of the rest, of a document (for checks). */
export function parts(doc: string): { generated: string[]; handWritten: string } {
  const generated = [...doc.matchAll(BLOCK)].map((x) => x[2]!);
  return { generated, handWritten: doc.replace(BLOCK, "") };
}

function main() {
  const { values } = parseArgs({
    options: {
      json: { type: "string", default: DEFAULT_JSON },
      "scale-json": { type: "string", default: DEFAULT_SCALE_JSON },
      "external-json": { type: "string", default: DEFAULT_EXTERNAL_JSON },
      doc: { type: "string", default: DEFAULT_DOC },
      check: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(`usage: npm run bench:report -- [--json FILE] [--scale-json FILE] [--external-json FILE] [--doc FILE] [--check]

Rewrites the parts of ${DEFAULT_DOC} between <!-- bench:begin NAME --> and <!-- bench:end NAME --> from the
bench's JSON (default ${DEFAULT_JSON}), and its scale part from the scale measure's (default
${DEFAULT_SCALE_JSON}, written by npm run bench -- --scale), and its external PostgreSQL part from a scale
measure against one (default ${DEFAULT_EXTERNAL_JSON}). --check writes nothing and exits 1 when the document is
out of date.`);
    return;
  }
  const results = JSON.parse(readFileSync(values.json, "utf8")) as BenchResults;
  const scaleFile = values["scale-json"];
  const scale = existsSync(scaleFile) ? (JSON.parse(readFileSync(scaleFile, "utf8")) as ScaleResults) : undefined;
  const externalFile = values["external-json"];
  const external = existsSync(externalFile) ? (JSON.parse(readFileSync(externalFile, "utf8")) as ScaleResults) : undefined;
  const doc = readFileSync(values.doc, "utf8");
  const next = render(doc, results, scale, external);
  if (values.check) {
    if (next !== doc) {
      console.error(`${values.doc} is not what ${values.json} makes it: run npm run bench:report`);
      process.exitCode = 1;
    } else console.log(`${values.doc} matches ${values.json}`);
    return;
  }
  if (next === doc) console.log(`${values.doc}: already up to date with ${values.json}`);
  else {
    writeFileSync(values.doc, next);
    console.log(`${values.doc}: generated parts rewritten from ${values.json}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`bench:report: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
