/**
 * One full sync in a process of its own, for the scale measure (bench/scale.ts): the engine loaded as a WFM
 * Server loads it, nothing else in memory. Prints one JSON line: the run's time, status, counts and the
 * process's peak resident set.
 *
 *   node --import tsx bench/full-sync-process.ts DATABASE_URL SERVER
 */
import { runCli } from "../lib/cli";
import { createClient } from "../lib/db";
import { runFullSync } from "../lib/sync/engine";

runCli(async () => {
  const [url, server] = process.argv.slice(2);
  if (!url || !server) throw new Error("usage: full-sync-process.ts DATABASE_URL SERVER");
  const database = createClient(url, { max: 2, applicationName: "wfm-bench full sync" });
  try {
    const started = performance.now();
    const result = await runFullSync(database.sql, { server, trigger: "manual" });
    const ms = performance.now() - started;
    // ru_maxrss is in kilobytes on Linux: the largest the process ever was, no sampling.
    const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify({ ms, status: result.status, error: result.error ?? null, counts: result.counts, peakRssMB }));
  } finally {
    await database.close();
  }
});
