/**
 * npm run bench:report (bench/report.ts): every figure in BENCHMARKS.md's generated parts comes from the bench's
 * JSON, verdicts follow from values and targets (the lag judged from its samples, not written as "ok"), and the
 * committed document is what its committed JSON makes it. No database: the report is a pure function.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { BLOCKS, EXTERNAL_BLOCK, parts, render, SCALE_BLOCK } from "../bench/report";
import { DEFAULT_EXTERNAL_JSON, DEFAULT_SCALE_JSON, SCALE_FORMAT, scaleProblems, type ScaleResults } from "../bench/scale";
import {
  DEFAULT_JSON, judge, lagLimit, lagTrend, lagWindowMax, LAG_RULE, latencyHistogram, measure, MEASURE_IDS, NOT_MEASURED, problems, RESULTS_FORMAT, UNTUNED_EXTERNAL,
  type BenchResults, type Measure,
} from "../bench/results";

const root = path.resolve(import.meta.dirname, "..");

/** A measured run whose every figure is distinctive, so a number not taken from it stands out. */
function fixture(): BenchResults {
  const M: Record<string, Measure> = {};
  const put = (id: string, m: Omit<Measure, "ratio" | "verdict">) => (M[id] = measure(m));
  put("load.seconds", { label: "load", value: 13.579, unit: "s", decimals: 2 });
  put("load.changes", { label: "feed", value: 913457, unit: "changes", decimals: 0 });
  put("floor.seconds", { label: "floor", value: 0.7331, unit: "s", decimals: 2 });
  put("floor.rows", { label: "floor rows", value: 903211, unit: "rows", decimals: 0 });
  put("cold.seconds", { label: "cold", value: 3.8127, unit: "s", decimals: 2, floor: 0.7331, target: { of: "ratio", op: "<=", limit: 2 } });
  put("memory.peakRss", { label: "rss", value: 173, unit: "MB", decimals: 0, target: { of: "value", op: "<=", limit: 250 } });
  put("idle.seconds", { label: "idle", value: 0.7447, unit: "s", decimals: 2, floor: 0.7331, target: { of: "ratio", op: "<=", limit: 1 } });
  put("idle.rowsWritten", { label: "written", value: 0, unit: "rows", decimals: 0, target: { of: "value", op: "==", limit: 0 } });
  put("changed.seconds", { label: "changed", value: 0.8619, unit: "s", decimals: 2, floor: 0.7331, target: { of: "ratio", op: "<=", limit: 1.2 } });
  put("changed.updated", { label: "updated", value: 1013, unit: "agents", decimals: 0 });
  put("search.p50", { label: "p50", value: 2.37, unit: "ms", decimals: 1 });
  put("search.p95", { label: "p95", value: 4.61, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 50 } });
  put("latency.n", { label: "n", value: 1997, unit: "changes", decimals: 0 });
  put("latency.p50", { label: "p50", value: 3.83, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 5 } });
  put("latency.p90", { label: "p90", value: 6.71, unit: "ms", decimals: 1 });
  put("latency.p99", { label: "p99", value: 11.37, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 10 } });
  put("latency.max", { label: "max", value: 61.23, unit: "ms", decimals: 1 });
  put("sustained.changes", { label: "changes", value: 70417, unit: "changes", decimals: 0 });
  put("sustained.offered", { label: "offered", value: 7043, unit: "changes/s", decimals: 0 });
  put("sustained.applied", { label: "applied", value: 6971, unit: "changes/s", decimals: 0, target: { of: "value", op: ">=", limit: 5000 } });
  put("sustained.lagStart", { label: "start", value: 1033, unit: "changes", decimals: 0 });
  put("sustained.lagEnd", { label: "end", value: 2087, unit: "changes", decimals: 0, target: { of: "value", op: "<=", limit: lagLimit(1033), rule: LAG_RULE } });
  put("sustained.lagTrend", { label: "trend", value: 109, unit: "changes/s", decimals: 0 });
  put("sustained.catchUp", { label: "catch-up", value: 137, unit: "ms", decimals: 0 });
  put("mesh.p50", { label: "p50", value: 0.913, unit: "ms", decimals: 2 });
  put("mesh.p99", { label: "p99", value: 6.417, unit: "ms", decimals: 2, target: { of: "value", op: "<=", limit: 10 } });
  put("mesh.timestampQueries", { label: "checks", value: 0, unit: "timestamp queries", decimals: 0, target: { of: "value", op: "==", limit: 0 } });
  put("cacheSlack.webEvents", { label: "slack", value: 600, unit: "s", decimals: 0, kind: "derived" });
  put("cacheSlack.plain", { label: "slack", value: 30, unit: "s", decimals: 0, kind: "derived" });
  put("freshness.webEvents", { label: "per hour", value: 6, unit: "per hour", decimals: 0, kind: "derived" });
  put("freshness.plain", { label: "per hour", value: 120, unit: "per hour", decimals: 0, kind: "derived" });
  put("schema.agentIndexes", { label: "indexes", value: 7, unit: "indexes", decimals: 0 });
  put("twoSources.load.seconds", { label: "load two", value: 14.113, unit: "s", decimals: 2 });
  put("twoSources.cold.seconds", { label: "cold two", value: 4.0391, unit: "s", decimals: 2, baseline: { measure: "cold.seconds", value: 3.8127, name: "one source" }, target: { of: "ratio", op: "<=", limit: 1.1 } });
  put("twoSources.idle.seconds", { label: "idle two", value: 0.8317, unit: "s", decimals: 2, baseline: { measure: "idle.seconds", value: 0.7447, name: "one source" }, target: { of: "ratio", op: "<=", limit: 1.1 } });
  put("twoSources.idle.rowsWritten", { label: "written two", value: 0, unit: "rows", decimals: 0, target: { of: "value", op: "==", limit: 0 } });
  put("replicated.load.seconds", { label: "load there", value: 21.137, unit: "s", decimals: 2 });
  put("replicated.copy.seconds", { label: "copy", value: 31.419, unit: "s", decimals: 2 });
  put("replicated.copy.changes", { label: "copy feed", value: 902317, unit: "changes", decimals: 0 });
  put("replicated.cold.seconds", { label: "cold replicated", value: 4.4173, unit: "s", decimals: 2, baseline: { measure: "cold.seconds", value: 3.8127, name: "a local source" } });
  put("replicated.latency.n", { label: "n", value: 293, unit: "changes", decimals: 0 });
  put("replicated.latency.p50", { label: "p50", value: 17.31, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 50 } });
  put("replicated.latency.p99", { label: "p99", value: 263.9, unit: "ms", decimals: 1, target: { of: "value", op: "<=", limit: 250 } });
  put("replicated.latency.max", { label: "max", value: 311.7, unit: "ms", decimals: 1 });
  put("replicated.arrival.p50", { label: "arrival p50", value: 9.13, unit: "ms", decimals: 1 });
  put("replicated.arrival.p99", { label: "arrival p99", value: 41.77, unit: "ms", decimals: 1 });
  put("replicated.sustained.changes", { label: "changes", value: 99713, unit: "changes", decimals: 0 });
  put("replicated.sustained.offered", { label: "offered", value: 4987, unit: "changes/s", decimals: 0 });
  put("replicated.sustained.applied", { label: "applied", value: 2311, unit: "changes/s", decimals: 0 });
  put("replicated.sustained.catchUp", { label: "catch-up", value: 23417, unit: "ms", decimals: 0 });
  put("replicated.sustained.lagBytesFirst", { label: "bytes first", value: 113, unit: "kB", decimals: 0 });
  put("replicated.sustained.lagBytesLast", { label: "bytes last", value: 127, unit: "kB", decimals: 0 });
  put("replicated.sustained.lagBytesMax", { label: "bytes max", value: 419, unit: "kB", decimals: 0 });
  put("replicated.sustained.lagSecondsFirst", { label: "seconds first", value: 0.23, unit: "s", decimals: 2 });
  put("replicated.sustained.lagSecondsLast", { label: "seconds last", value: 0.29, unit: "s", decimals: 2 });
  put("replicated.sustained.lagSecondsMax", { label: "seconds max", value: 0.87, unit: "s", decimals: 2 });
  put("replicated.sustained.subscriptionStart", { label: "sub start", value: 1137, unit: "changes", decimals: 0 });
  put("replicated.sustained.subscriptionEnd", { label: "sub end", value: 1211, unit: "changes", decimals: 0, target: { of: "value", op: "<=", limit: lagLimit(1137), rule: LAG_RULE } });
  put("replicated.sustained.backlogStart", { label: "backlog start", value: 7013, unit: "changes", decimals: 0 });
  put("replicated.sustained.backlogEnd", { label: "backlog end", value: 41117, unit: "changes", decimals: 0, target: { of: "value", op: "<=", limit: lagLimit(7013), rule: LAG_RULE } });
  return {
    format: RESULTS_FORMAT,
    provenance: { kind: "measured", command: "npm run bench -- --agents 97000", commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    date: "2031-03-17T04:21:09.000Z",
    machine: {
      cpuModel: "Test CPU 9", cores: 3, memoryGiB: 17.5, os: "Test OS 41", arch: "x64", node: "v22.13.1", loadAverage: { start: 1.37, end: 2.71 },
      postgres: { version: "17.11", source: "embedded PostgreSQL", settings: { work_mem: "33MB", shared_buffers: "257MB", maintenance_work_mem: "259MB", jit: "off", max_wal_size: "3GB", fsync: "on", synchronous_commit: "on" },
        syncSession: { work_mem: "67MB", hash_mem_multiplier: "3", maintenance_work_mem: "263MB", temp_buffers: "71MB", jit: "off" } },
    },
    workload: {
      name: null, agents: 97000, persons: 98941, nonAgents: 1941, skillLevels: 776000, skills: 487, sites: 193, switches: 49, timeZones: 39,
      singleChanges: 1997, writers: 4, agentsPerStatement: 5, writerSeconds: 11, meshServers: 8, meshMessages: 1003, searches: 199, searchPageSize: 50,
      split: [
        { source: "main", server: "Bench", agents: 48500, persons: 49471, skillLevels: 388000, skills: 243, sites: 97, switches: 24, timeZones: 19 },
        { source: "bench2", server: "Bench2", agents: 48500, persons: 49471, skillLevels: 388000, skills: 243, sites: 97, switches: 24, timeZones: 19 },
      ],
      replicated: {
        source: "benchrep", server: "BenchRep", agents: 97000, persons: 98941, skillLevels: 776000, sites: 193,
        publisher: "embedded PostgreSQL 17.11 in a cluster of its own, wal_level logical, fsync off, synchronous_commit on",
        singleChanges: 293, rate: 4999, seconds: 19, changesPerTransaction: 47, writers: 3,
      },
    },
    measures: M,
    // 1,997 changes in all, a count no other figure has.
    latencyHistogram: [
      { upToMs: 2, count: 13 }, { upToMs: 3, count: 211 }, { upToMs: 4, count: 647 }, { upToMs: 5, count: 571 }, { upToMs: 7.5, count: 389 },
      { upToMs: 10, count: 131 }, { upToMs: 15, count: 23 }, { upToMs: 20, count: 9 }, { upToMs: 50, count: 2 }, { upToMs: null, count: 1 },
    ],
    notMeasured: NOT_MEASURED,
  };
}

/** A document with every generated part, each holding stale text and stale figures. */
const skeleton = () =>
  Object.keys(BLOCKS).map((name) => `## ${name}\n\nHand-written.\n\n<!-- bench:begin ${name} -->\nstale 987.65 ms, 4,321 changes\n<!-- bench:end ${name} -->\n`).join("\n");

/** Each way the report may write a number of the results: a number rounded to 0–3 decimals, with or without
 * thousands separators, or a number as a string of the results spells it (a date, a version, a setting). */
function renderings(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "number") {
    for (let d = 0; d <= 3; d++) {
      out.add(value.toFixed(d));
      out.add(value.toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d }));
    }
  } else if (typeof value === "string") for (const t of value.match(/\d[\d,]*(?:\.\d+)?/g) ?? []) out.add(t.replace(/,$/, ""));
  else if (value && typeof value === "object") for (const v of Object.values(value)) renderings(v, out);
  return out;
}

/** The numbers written in generated text, apart from names that hold digits (p99, SPEC §8) and the SPEC's own words. */
function numbersWritten(text: string): string[] {
  const cleaned = text
    .replace(/\bp(50|95|99)\b/g, "")
    .replace(/§\d+/g, "")
    .replace(/\b1% of agents\b/g, "")
    .replace(/\blevel 2\b/g, "")
    .replace(/\b1-minute\b/g, "")
    .replace(/`[0-9a-f]{10}`/g, ""); // the commit, a prefix of a string of the results
  return cleaned.match(/\d[\d,]*(?:\.\d+)?/g)?.map((t) => t.replace(/,$/, "")) ?? [];
}

describe("bench:report", () => {
  it("writes every generated part from the JSON: no stale text, and no number the JSON does not hold", () => {
    const results = fixture();
    const doc = render(skeleton(), results);
    expect(doc).not.toContain("stale");
    const allowed = renderings(results);
    const generated = parts(doc).generated.join("\n");
    const foreign = numbersWritten(generated).filter((t) => !allowed.has(t));
    expect(foreign).toEqual([]);
    // The hand-written text is left alone.
    expect(parts(doc).handWritten).toBe(parts(skeleton()).handWritten);
  });

  it("shows every measure: changing any one figure changes the document", () => {
    const base = fixture();
    const before = render(skeleton(), base);
    for (const id of Object.keys(base.measures)) {
      const changed = structuredClone(base);
      const m = changed.measures[id]!;
      changed.measures[id] = measure({ ...m, value: m.value + 10 ** -m.decimals * 3 + 1 });
      for (const [start, end] of [["sustained.lagStart", "sustained.lagEnd"], ["replicated.sustained.subscriptionStart", "replicated.sustained.subscriptionEnd"], ["replicated.sustained.backlogStart", "replicated.sustained.backlogEnd"]]) {
        if (id === start) changed.measures[end!] = measure({ ...base.measures[end!]!, target: { ...base.measures[end!]!.target!, limit: lagLimit(changed.measures[id]!.value) } });
      }
      // The histogram counts latency.n changes.
      if (id === "latency.n") changed.latencyHistogram!.at(-1)!.count += changed.measures[id]!.value - m.value;
      // A measure compared with this one carries its value.
      for (const [other, o] of Object.entries(base.measures)) {
        if (o.baseline?.measure === id) changed.measures[other] = measure({ ...o, baseline: { ...o.baseline, value: changed.measures[id]!.value } });
      }
      expect(render(skeleton(), changed), id).not.toBe(before);
    }
  });

  it("is idempotent, and refuses unknown or unclosed parts", () => {
    const once = render(skeleton(), fixture());
    expect(render(once, fixture())).toBe(once);
    expect(() => render("<!-- bench:begin nonsense -->\n<!-- bench:end nonsense -->", fixture())).toThrow(/unknown generated part/);
    expect(() => render("<!-- bench:begin table -->\n<!-- bench:begin run -->\n<!-- bench:end run -->", fixture())).toThrow(/closed by|without its/);
  });

  it("computes verdicts against SPEC §8's targets, the lag's from its samples", () => {
    const r = fixture();
    expect(r.measures["cold.seconds"]!.verdict).toBe("missed"); // 5.2× floor
    expect(r.measures["idle.seconds"]!.verdict).toBe("missed"); // 1.02× floor: over 1×
    expect(r.measures["latency.p99"]!.verdict).toBe("missed"); // 11.4 ms > 10 ms
    expect(r.measures["sustained.lagEnd"]!.verdict).toBe("missed"); // the lag doubled: not flat
    const doc = render(skeleton(), r);
    expect(doc).toContain("1.02× floor"); // one decimal would read "1.0×", as if inside "≤ 1×"
    expect(doc).toMatch(/growing by the rule/);

    const samples = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ atMs: i * 1000 + 500, lag: i < 3 ? 1000 : i < 6 ? 1500 : 2100 }));
    const start = lagWindowMax(samples, 0, 3000);
    const end = lagWindowMax(samples, 6000, 9000);
    expect([start, end]).toEqual([1000, 2100]);
    expect(judge({ value: end, target: { of: "value", op: "<=", limit: lagLimit(start) } })).toBe("missed");
    expect(judge({ value: 1200, target: { of: "value", op: "<=", limit: lagLimit(start) } })).toBe("ok");
    expect(lagTrend(samples, 9000)).toBeGreaterThan(0);
  });

  it("refuses results whose verdict or ratio does not follow from their figures", () => {
    const r = fixture();
    r.measures["latency.p99"]!.verdict = "ok";
    r.measures["cold.seconds"]!.ratio = 1.5;
    const wrong = problems(r).join("\n");
    expect(wrong).toMatch(/latency\.p99: verdict ok but its value and target say missed/);
    expect(wrong).toMatch(/cold\.seconds: ratio 1\.5 does not follow/);
    expect(() => render(skeleton(), r)).toThrow(/latency\.p99: verdict ok/);
  });

  it("sets two sources beside one: the sum of both runs as a ratio to one source's figure of the same run, judged against 1.1×", () => {
    const r = fixture();
    expect(r.measures["twoSources.cold.seconds"]!.verdict).toBe("ok"); // 4.04 / 3.81 = 1.06
    expect(r.measures["twoSources.idle.seconds"]!.verdict).toBe("missed"); // 0.83 / 0.74 = 1.12
    const doc = render(skeleton(), r);
    expect(doc).toContain("4.04 s, the sum (1.1× the 3.81 s of one source)");
    expect(doc).toContain("0.83 s, the sum (1.12× the 0.74 s of one source), 0 rows written"); // "1.1×" would read as inside the limit
    expect(doc).toContain("≤ 1.1× one source");
    expect(doc).toContain("main 48,500 + bench2 48,500 agents");
    expect(doc).toContain("main, 48,500 agents synced by Bench; bench2, 48,500 agents synced by Bench2");

    // A baseline that is not its measure's value, or beside a floor, does not hold together.
    const wrong = fixture();
    wrong.measures["twoSources.cold.seconds"]!.baseline!.value = 3.5;
    expect(problems(wrong).join("\n")).toMatch(/twoSources\.cold\.seconds: baseline 3\.5 is not cold\.seconds's value 3\.8127/);
    wrong.measures["twoSources.idle.seconds"]!.floor = 0.7331;
    expect(problems(wrong).join("\n")).toMatch(/twoSources\.idle\.seconds: has both a floor and a baseline/);
    expect(() => measure({ label: "x", value: 1, unit: "s", decimals: 2, floor: 1, baseline: { measure: "cold.seconds", value: 1, name: "one source" } })).toThrow(/not both/);
  });

  it("reads a file from before the two-source measure (format 2) without its rows, as it was rendered then", () => {
    const r = fixture();
    r.format = "wfm-sync-bench/2";
    delete r.workload.split;
    for (const id of Object.keys(r.measures)) if (id.startsWith("twoSources.")) delete r.measures[id];
    expect(problems(r)).toEqual([]);
    const doc = render(skeleton(), r);
    expect(doc).not.toMatch(/two sources/i);
    // A format 3 file that lacks them says so.
    const missing = fixture();
    delete missing.measures["twoSources.cold.seconds"];
    delete missing.workload.split;
    expect(render(skeleton(), missing)).toMatch(/\| two sources: cold full sync of both, one after the other +\| not recorded/);
  });

  it("sets a replicated source's figures beside their targets: latency against SPEC §8's, lags judged flat or growing by the rule, the cold sync beside a local source's", () => {
    const r = fixture();
    expect(r.measures["replicated.latency.p50"]!.verdict).toBe("ok"); // 17.3 ms ≤ 50 ms
    expect(r.measures["replicated.latency.p99"]!.verdict).toBe("missed"); // 263.9 ms > 250 ms
    expect(r.measures["replicated.sustained.subscriptionEnd"]!.verdict).toBe("ok"); // 1,211 ≤ 1.25 × 1,137 + 100
    expect(r.measures["replicated.sustained.backlogEnd"]!.verdict).toBe("missed"); // grew six-fold
    const doc = render(skeleton(), r);
    expect(doc).toMatch(/\| replicated source: external commit → WFM commit, one change at a time \(293 changes\) +\| p50 17\.3 ms, p99 263\.9 ms, max 311\.7 ms; of which commit → WFM's feed p50 9\.1 ms, p99 41\.8 ms +\| p50 ≤ 50 ms, p99 ≤ 250 ms +\| MISSED/);
    expect(doc).toContain("4.42 s (1.2× the 3.81 s of a local source)");
    expect(doc).toContain("113 → 127 kB (max 419 kB); 0.23 → 0.29 s (max 0.87 s)");
    expect(doc).toMatch(/no growing lag: last third ≤ 1,521 changes +\| ok/);
    expect(doc).toMatch(/7,013 → 41,117 changes +\| no growing lag: last third ≤ 8,866 changes +\| MISSED/);
    expect(doc).toContain("1,137 → 1,211 changes: flat by the rule under the table; in WFM's feed and not yet applied by the server: 7,013 → 41,117 changes: growing by the rule under the table (MISSED)");
    expect(doc).toContain("3 writers there committing 47 changes a transaction on a schedule of 4,999 changes a second for 19 s");

    // A file from before the measure (format 3) shows neither its rows nor its numbers; one that lacks them says so.
    const old = fixture();
    old.format = "wfm-sync-bench/3";
    delete old.workload.replicated;
    for (const id of Object.keys(old.measures)) if (id.startsWith("replicated.")) delete old.measures[id];
    expect(problems(old)).toEqual([]);
    const before = render(skeleton(), old);
    expect(before).not.toMatch(/\| replicated source/);
    expect(before).toContain("This run predates the replicated-source measure.");
    const missing = fixture();
    delete missing.measures["replicated.latency.p99"];
    expect(render(skeleton(), missing)).toMatch(/\| replicated source: external commit → WFM commit, one change at a time \(293 changes\) +\| not recorded/);
  });

  it("names the settings the sync's own sessions ran with beside the server's defaults", () => {
    const run = BLOCKS.run!(fixture());
    expect(run).toContain("as a new session sees them (the sync sessions set some of their own): work_mem 33MB,");
    expect(run).toContain("set: work_mem 67MB, hash_mem_multiplier 3, maintenance_work_mem 263MB, temp_buffers 71MB, jit off.");
  });

  it("shows the one-change latency's distribution: its quantiles and every bucket's count, which add up to the changes made", () => {
    const doc = render(skeleton(), fixture());
    expect(doc).toContain("- **Distribution** of those latencies: p50 3.8 ms, p90 6.7 ms, p99 11.4 ms, the slowest 61.2 ms; changes by latency: " +
      "up to 2 ms: 13 · 2–3 ms: 211 · 3–4 ms: 647 · 4–5 ms: 571 · 5–7.5 ms: 389 · 7.5–10 ms: 131 · 10–15 ms: 23 · 15–20 ms: 9 · 20–50 ms: 2 · over 50 ms: 1.");
    const wrong = fixture();
    wrong.latencyHistogram![3]!.count++;
    expect(problems(wrong)).toEqual(["latencyHistogram: counts 1998 changes, latency.n is 1997"]);
    expect(latencyHistogram([0.5, 2, 2.01, 9.99, 10, 10.01, 50, 50.5, 400]).map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 2, 1, 0, 1, 2]);
    const older = { ...fixture(), format: "wfm-sync-bench/4" as const };
    delete older.latencyHistogram;
    delete older.measures["latency.p90"];
    delete older.measures["latency.max"];
    expect(render(skeleton(), older)).not.toContain("**Distribution**");
  });

  it("knows every measure the bench writes", () => {
    expect(Object.keys(fixture().measures).sort()).toEqual([...MEASURE_IDS].sort());
  });

  it("BENCHMARKS.md is what bench/results/latest.json, scale.json and external.json make it (run npm run bench:report)", () => {
    const results = JSON.parse(readFileSync(path.join(root, DEFAULT_JSON), "utf8")) as BenchResults;
    expect(problems(results)).toEqual([]);
    const scaleOf = (file: string) => {
      const full = path.join(root, file);
      const read = existsSync(full) ? (JSON.parse(readFileSync(full, "utf8")) as ScaleResults) : undefined;
      if (read) expect(scaleProblems(read)).toEqual([]);
      return read;
    };
    const doc = readFileSync(path.join(root, "BENCHMARKS.md"), "utf8");
    expect(render(doc, results, scaleOf(DEFAULT_SCALE_JSON), scaleOf(DEFAULT_EXTERNAL_JSON))).toBe(doc);
    const allowed = renderings(results);
    // The scale and external parts write figures computed from their files (time per agent, ratios): their own tests cover them.
    const withoutScaleFiles = [SCALE_BLOCK, EXTERNAL_BLOCK].reduce(
      (text, block) => text.replace(new RegExp(`<!-- bench:begin ${block} -->[\\s\\S]*?<!-- bench:end ${block} -->`), ""),
      doc,
    );
    const generated = parts(withoutScaleFiles).generated;
    expect(numbersWritten(generated.join("\n")).filter((t) => !allowed.has(t))).toEqual([]);
  });
});

describe("bench:report, the scale part", () => {
  const sync = (seconds: number, peakRssMB: number) => ({ seconds, peakRssMB });
  const scaleFixture = (): ScaleResults => ({
    format: SCALE_FORMAT,
    provenance: { kind: "measured", command: "npm run bench -- --scale", commit: "0123456789abcdef", dirty: false },
    date: "2026-12-02T19:00:00.000Z",
    machine: fixture().machine,
    points: [
      { agents: 10_000, persons: 10_200, skillLevels: 80_000, loadSeconds: 2.5, floorSeconds: 0.31, floorRows: 90_200, cold: sync(0.93, 121), idle: { ...sync(0.41, 117), rowsWritten: 0 }, changed: { ...sync(0.47, 119), updated: 100 } },
      { agents: 100_000, persons: 102_000, skillLevels: 800_000, loadSeconds: 21.3, floorSeconds: 1.37, floorRows: 902_000, cold: sync(6.13, 143), idle: { ...sync(2.71, 131), rowsWritten: 0 }, changed: { ...sync(2.83, 133), updated: 1_000 } },
      { agents: 1_000_000, persons: 1_020_000, skillLevels: 8_000_000, loadSeconds: 289.4, floorSeconds: 14.9, floorRows: 9_020_000, cold: sync(57.7, 189), idle: { ...sync(23.1, 171), rowsWritten: 0 }, changed: { ...sync(24.9, 177), updated: 10_000 } },
    ],
  });
  const doc = `# B\n\n<!-- bench:begin ${SCALE_BLOCK} -->\nstale 987.65\n<!-- bench:end ${SCALE_BLOCK} -->\n`;

  it("writes a row per size with time per agent, and judges XL's cold growth and memory against SPEC §8", () => {
    const out = render(doc, fixture(), scaleFixture());
    expect(out).not.toContain("stale");
    expect(out).toMatch(/\| 1,000,000 \(8,000,000\) +\| 289\.4 s +\| 14\.9 s, 14\.9 µs\/agent +\| 57\.7 s \(3\.9× floor\), 57\.7 µs\/agent +\|/);
    expect(out).toContain("0 rows written");
    expect(out).toContain("10,000 updated");
    expect(out).toContain("| 189 / 171 / 177 MB");
    expect(out).toContain("from 100,000 to 1,000,000 agents: 9.4× the time for 10× the agents (target ≤ 11×: ok)");
    expect(out).toContain("at 1,000,000 agents: 189 MB at most (target ≤ 250 MB: ok)");

    const slow = scaleFixture();
    slow.points[2]!.cold.seconds = 67.5;
    expect(render(doc, fixture(), slow)).toContain("11.0× the time for 10× the agents (target ≤ 11×: MISSED)");
    const fat = scaleFixture();
    fat.points[2]!.changed.peakRssMB = 251;
    expect(render(doc, fixture(), fat)).toContain("251 MB at most (target ≤ 250 MB: MISSED)");
  });

  it("shows every figure: changing any one changes the document", () => {
    const before = render(doc, fixture(), scaleFixture());
    const paths = [["loadSeconds"], ["floorSeconds"], ["cold", "seconds"], ["cold", "peakRssMB"], ["idle", "seconds"], ["idle", "peakRssMB"], ["idle", "rowsWritten"],
      ["changed", "seconds"], ["changed", "peakRssMB"], ["changed", "updated"], ["skillLevels"]] as const;
    for (const [i] of scaleFixture().points.entries()) {
      for (const keys of paths) {
        const changed = scaleFixture();
        const point = changed.points[i] as unknown as Record<string, Record<string, number> & number>;
        if (keys.length === 1) (point as unknown as Record<string, number>)[keys[0]] = point[keys[0]]! * 1.5 + 1;
        else point[keys[0]]![keys[1]!] = point[keys[0]]![keys[1]!]! * 1.5 + 1;
        expect(render(doc, fixture(), changed), `${i} ${keys.join(".")}`).not.toBe(before);
      }
    }
  });

  it("says the scale is not measured without its file, and refuses a file that does not hold together", () => {
    expect(render(doc, fixture())).toContain("Not measured yet: `npm run bench -- --scale`");
    const broken = scaleFixture();
    broken.points[1]!.idle.peakRssMB = 0;
    expect(() => render(doc, fixture(), broken)).toThrow(/scale: 100,000 agents, nothing changed/);
  });
});

describe("bench:report, the external PostgreSQL part", () => {
  const sync = (seconds: number, peakRssMB: number) => ({ seconds, peakRssMB });
  const externalFixture = (): ScaleResults => ({
    format: SCALE_FORMAT,
    provenance: { kind: "measured", command: "npm run bench -- --scale --sizes 100000 --url postgres://wfm@127.0.0.1:5433/wfm --json bench/results/external.json", commit: "0123456789abcdef", dirty: false },
    date: "2026-12-03T00:10:00.000Z",
    machine: {
      ...fixture().machine,
      postgres: { version: "15.14", source: "--url", settings: { work_mem: "4MB", shared_buffers: "128MB" }, syncSession: { work_mem: "32MB", jit: "off" } },
    },
    points: [
      { agents: 100_000, persons: 102_000, skillLevels: 800_000, loadSeconds: 30.1, floorSeconds: 2.0, floorRows: 902_000, cold: sync(9.0, 143), idle: { ...sync(1.9, 131), rowsWritten: 0 }, changed: { ...sync(2.3, 133), updated: 1_000 } },
    ],
  });
  const doc = `# B\n\n<!-- bench:begin ${EXTERNAL_BLOCK} -->\nstale 987.65\n<!-- bench:end ${EXTERNAL_BLOCK} -->\n`;

  it("names the server and its settings, and judges each full sync's ratio against SPEC §8", () => {
    const out = render(doc, fixture(), undefined, externalFixture());
    expect(out).not.toContain("stale");
    expect(out).toContain("PostgreSQL 15.14");
    expect(out).toContain("work_mem 4MB, shared_buffers 128MB; the sync's own sessions set: work_mem 32MB, jit off");
    expect(out).toContain("cold 4.50× the floor (target ≤ 2×: MISSED), nothing changed 0.95× with 0 rows written (target ≤ 1×, 0 rows: ok), 1% changed 1.15× (target ≤ 1.2×: ok)");
    const written = externalFixture();
    written.points[0]!.idle.rowsWritten = 3;
    expect(render(doc, fixture(), undefined, written)).toContain("with 3 rows written (target ≤ 1×, 0 rows: MISSED)");
    const slower = externalFixture();
    slower.points[0]!.changed.seconds = 2.42;
    expect(render(doc, fixture(), undefined, slower)).toContain("1% changed 1.21× (target ≤ 1.2×: MISSED)");
  });

  it("says it is not measured without its file, and the main table then lists it as not measured", () => {
    const both = `${doc}<!-- bench:begin table -->\n<!-- bench:end table -->\n`;
    const r = { ...fixture(), notMeasured: [UNTUNED_EXTERNAL] };
    const without = render(both, r);
    expect(without).toContain("Not measured yet: `npm run bench -- --scale --sizes 100000 --url");
    expect(without).toContain(UNTUNED_EXTERNAL);
    expect(render(both, r, undefined, externalFixture())).not.toContain(UNTUNED_EXTERNAL);
  });
});
