/**
 * The cache's versions (SPEC §3): every kind of write to cached content moves its entity's version, in
 * commit order, and a timestamp check reloads exactly what moved.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { holdTransaction, openSession, waitUntilBlocked } from "../testing/locks";
import { resetWorld } from "../testing/world";
import { readVersions, ServerCache } from "./cache";

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  b = new Builder(database.sql);
});
beforeEach(async () => resetWorld(database.sql));

describe("the server cache", () => {
  it("sees inserts, updates and deletes of sites by its timestamp check, and nothing when nothing changed", async () => {
    const { sql } = database;
    await b.server("A", 2);
    const site = await b.site({ name: "One" });
    const cache = new ServerCache(() => sql);
    await cache.loadAll();
    expect(cache.assignments("A")).toEqual({ mine: [], others: [] });

    await sql`update wfm.sites set server = 'A' where id = ${site}`;
    expect(await cache.check()).toEqual(["sites"]);
    expect(cache.assignments("A")).toEqual({ mine: [site], others: [] });
    await sql`update wfm.sites set server = 'A' where id = -1`; // touches no row
    expect(await cache.check()).toEqual([]);
    await sql`delete from wfm.sites where id = ${site}`;
    expect(await cache.check()).toEqual(["sites"]);
    expect(cache.sites.size).toBe(0);
    expect(cache.checks).toBe(3);
  });

  it("orders versions by commit: a write that commits late is never hidden behind a later number", async () => {
    const { sql } = database;
    await b.site({ name: "Early" });
    const cache = new ServerCache(() => sql);
    await cache.loadAll();
    // A long transaction writes a site first (its statement bumps the sites counter, locking its row) and
    // commits last: it holds the lock from here until slow.commit().
    const slow = await holdTransaction(database.url, (tx) => tx`insert into wfm.sites (name, time_zone) values ('Slow', 'Eastern')`);
    // Another writer, on a session of its own, must wait for it — so it cannot take a number below it.
    const writer = await openSession(database.url);
    const quick = writer.sql`insert into wfm.sites (name, time_zone) values ('Quick', 'Eastern')`.then(() => readVersions(sql));
    quick.catch(() => {}); // awaited below; a failure must not also surface as an unhandled rejection
    await waitUntilBlocked(sql, writer.pid, { by: slow.pid, settled: quick });
    expect(await cache.check()).toEqual([]); // neither has committed
    await slow.commit();
    const after = await quick;
    expect(await cache.check()).toEqual(["sites"]);
    expect([...cache.sites.values()].map((s) => s.name).sort()).toEqual(["Early", "Quick", "Slow"]);
    expect(cache.version("sites")).toBe(after.sites);
  });

  it("a mesh message reloads only what is newer than the cache, and one load never replaces a newer one", async () => {
    const { sql } = database;
    await b.skill(await b.tenant(), "Sales");
    const cache = new ServerCache(() => sql);
    await cache.loadAll();
    const v = cache.version("sites");
    expect(await cache.invalidate("sites", v)).toBe(false);
    await sql`insert into wfm.sites (name, time_zone) values ('New', 'Eastern')`;
    const now = (await readVersions(sql)).sites;
    // Many announcements at once (a bulk reassignment): all settle on the newest contents.
    await Promise.all(Array.from({ length: 5 }, () => cache.invalidate("sites", now)));
    expect(cache.version("sites")).toBe(now);
    expect([...cache.sites.values()].map((s) => s.name)).toEqual(["New"]);
  });
});
