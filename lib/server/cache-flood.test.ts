/**
 * The cache under a flood of mesh announcements (SPEC §3): loads are coalesced per entity — at most one
 * running and one queued that covers every version wanted meanwhile — so N announcements of versions that
 * never commit cost a couple of loads, not N (and N² wake-ups), and every caller returns.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { resetWorld } from "../testing/world";
import { readVersions, ServerCache } from "./cache";
import { createMetrics } from "./metrics";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

describe("the server cache under a flood of announcements", () => {
  it("a flood of announcements of versions that never commit costs two loads, not one each, and every call returns", async () => {
    const { sql } = database;
    await b.site({ name: "Only" });
    const cache = new ServerCache(() => sql);
    await cache.loadAll();
    const committed = cache.version("sites");
    const before = cache.loads.sites;
    // 10,000 announcements above the committed version (as a peer holding the mesh secret can send), some
    // for the same version, some each for its own: one load runs, one follow-up covers all the rest.
    const n = 10_000;
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: n }, (_, i) => cache.invalidate("sites", committed + 1 + (i % 2 ? i : 0))));
    const ms = performance.now() - started;
    expect(results.every((r) => r === true)).toBe(true);
    expect(cache.loads.sites - before).toBeLessThanOrEqual(2);
    expect(cache.version("sites")).toBe(committed);
    expect(ms).toBeLessThan(5_000); // before coalescing: 10,000 loads one after another (~20 s)
    // Nothing is left waiting or running: the next real change loads once, at once.
    await sql`insert into wfm.sites (name, time_zone) values ('Next', 'Eastern')`;
    const next = (await readVersions(sql)).sites;
    const loads = cache.loads.sites;
    expect(await cache.invalidate("sites", next)).toBe(true);
    expect(cache.loads.sites - loads).toBe(1);
    expect([...cache.sites.values()].map((s) => s.name).sort()).toEqual(["Next", "Only"]);
    // The other entities were not touched.
    expect(cache.loads.skills).toBe(1);
  });

  it("announcements arriving in waves while loads run: at most one load runs and one waits, and a real change among them is loaded", async () => {
    const { sql } = database;
    const cache = new ServerCache(() => sql);
    await cache.loadAll();
    const committed = cache.version("sites");
    const before = cache.loads.sites;
    const waves = 20;
    const calls: Promise<boolean>[] = [];
    let real = 0;
    for (let wave = 0; wave < waves; wave++) {
      for (let i = 0; i < 500; i++) calls.push(cache.invalidate("sites", committed + 1_000_000 + wave * 500 + i));
      if (wave === waves / 2) {
        // A real write commits mid-flood and is announced after its commit, as the mesh does.
        await sql`insert into wfm.sites (name, time_zone) values ('Mid', 'Eastern')`;
        real = (await readVersions(sql)).sites;
        calls.push(cache.invalidate("sites", real));
      }
      // The next wave arrives in a later turn of the event loop, as messages from a socket do.
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(calls);
    // One load per wave at most (each wave joins the single follow-up), never one per announcement.
    expect(cache.loads.sites - before).toBeLessThanOrEqual(waves + 2);
    expect(cache.version("sites")).toBe(real);
    expect([...cache.sites.values()].map((s) => s.name)).toEqual(["Mid"]);
  });

  it("a failed load fails its callers only: the follow-up queued behind it still loads", async () => {
    const { sql } = database;
    await b.site({ name: "There" });
    let fail = false;
    const cache = new ServerCache(() => {
      if (fail) {
        fail = false;
        throw new Error("the database went away");
      }
      return sql;
    });
    await cache.loadAll();
    const v = cache.version("sites");
    await sql`insert into wfm.sites (name, time_zone) values ('Later', 'Eastern')`;
    const now = (await readVersions(sql)).sites;
    fail = true;
    const first = cache.invalidate("sites", v + 1);
    const second = cache.invalidate("sites", now);
    await expect(first).rejects.toThrow("the database went away");
    expect(await second).toBe(true);
    expect(cache.version("sites")).toBe(now);
    expect([...cache.sites.values()].map((s) => s.name).sort()).toEqual(["Later", "There"]);
  });

  it("exports its loads per entity on /metrics", async () => {
    const { sql } = database;
    const cache = new ServerCache(() => sql);
    await cache.loadAll();
    await cache.invalidate("skills", cache.version("skills") + 1);
    const metrics = createMetrics({ server: "M", sql: () => sql, role: () => "primary", cache: () => cache, mesh: () => undefined });
    const text = await metrics.registry.getSingleMetricAsString("wfm_cache_loads_total");
    expect(text).toContain('wfm_cache_loads_total{entity="sites",server="M"} 1');
    expect(text).toContain('wfm_cache_loads_total{entity="skills",server="M"} 2');
  });
});
