/**
 * The console's small reads that pages, actions and REST routes call with the shared handle (they were SQL in
 * app/ before): choices for the site and agent forms, the skills and time-zones lists, a run's status.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, Sql } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { getDatabaseToday } from "./agents";
import { listSiteNames } from "./overview";
import { getRunStatus } from "./runs";
import { listServerNames } from "./servers";
import { listSkills } from "./skills";
import { listFreeSwitches } from "./switches";
import { listTimeZoneNames, listTimeZones } from "./time-zones";

let database: Database;
let sql: Sql;
let b: Builder;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  b = new Builder(sql);
  await sql`insert into wfm.time_zones (source, cfg_dbid, tenant_dbid, name, iana_name) values ('main', 2, 1, 'Pacific', 'America/Los_Angeles'), ('main', 1, 1, 'Eastern', 'America/New_York')`;
  await sql`insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('main', 7, 1, 'Sales'), ('main', 8, 1, 'Billing')`;
});

describe("lists", () => {
  it("time zones and skills by name, with the columns the API documents", async () => {
    expect(await listTimeZones(sql)).toEqual([
      { source: "main", cfgDbid: 1, tenantDbid: 1, name: "Eastern", ianaName: "America/New_York" },
      { source: "main", cfgDbid: 2, tenantDbid: 1, name: "Pacific", ianaName: "America/Los_Angeles" },
    ]);
    expect(await listTimeZoneNames(sql)).toEqual(["Eastern", "Pacific"]);
    expect(await listSkills(sql)).toEqual([
      { source: "main", cfgDbid: 8, tenantDbid: 1, name: "Billing" },
      { source: "main", cfgDbid: 7, tenantDbid: 1, name: "Sales" },
    ]);
  });

  it("free switches: those without a site, and with a site given, that site's own too", async () => {
    const tenant = await b.tenant();
    const [taken, free, own] = [await b.switch(tenant, "SW-taken"), await b.switch(tenant, "SW-free"), await b.switch(tenant, "SW-own")];
    await b.site({ switchDbid: taken, name: "Other" });
    const site = await b.site({ switchDbid: own, name: "Mine" });
    expect(await listFreeSwitches(sql)).toEqual([{ source: "main", dbid: free, name: "SW-free" }]);
    expect(await listFreeSwitches(sql, site)).toEqual([
      { source: "main", dbid: free, name: "SW-free" },
      { source: "main", dbid: own, name: "SW-own" },
    ]);
    expect((await listSiteNames(sql)).map((s) => s.name)).toEqual(["Mine", "Other"]);
    expect(await listSiteNames(sql)).toContainEqual({ id: site, name: "Mine" });
  });

  it("server names by name; a run's status, null for no such run; today as the database has it", async () => {
    await b.server("Zulu", 1);
    await b.server("Alpha", 2);
    expect(await listServerNames(sql)).toEqual(["Alpha", "Zulu"]);
    const [run] = await sql<{ id: number }[]>`insert into wfm.sync_runs (server, source, kind, level, trigger) values ('Alpha', 'main', 'full', 2, 'manual') returning id`;
    expect(await getRunStatus(sql, run!.id)).toBe("running");
    await sql`update wfm.sync_runs set status = 'succeeded', finished_at = now() where id = ${run!.id}`;
    expect(await getRunStatus(sql, run!.id)).toBe("succeeded");
    expect(await getRunStatus(sql, run!.id + 1000)).toBeNull();
    const [{ today }] = (await sql`select current_date::text as today`) as unknown as [{ today: string }];
    expect(await getDatabaseToday(sql)).toBe(today);
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
